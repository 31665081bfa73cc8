"""The case: the article as posted, its segments and claims, the source library, the timeline.

Plain data plus one validating loader. No pandas until a DataFrame is asked for; no widgets ever.
"""

from course.casefile.errors import CaseFileError
from course.casefile.loader import DEFAULT_CASE, load_case
from course.casefile.model import (
    AsPosted,
    Case,
    Claim,
    LibraryDocument,
    Segment,
    TimelineEvent,
    parse_partial_date,
)

__all__ = [
    "DEFAULT_CASE",
    "AsPosted",
    "Case",
    "CaseFileError",
    "Claim",
    "LibraryDocument",
    "Segment",
    "TimelineEvent",
    "load_case",
    "parse_partial_date",
]
