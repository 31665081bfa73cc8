"""Source desk: the library's search box and documents. What the learner searched and opened
is kept as a log for the report; it is never scored and never required."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from course.checks.values import clean_log
from course.checks.written import check_log
from course.items.base import ItemType, no_ids, no_labels, no_parts

if TYPE_CHECKING:
    from course.checks.result import Result
    from course.questions import Question


def check(question: Question, value: Any, part_labels: Mapping[str, str], key: Any) -> Result:
    return check_log(value)


ITEM = ItemType(
    name="source_desk",
    known_parts=no_parts,
    labels=no_labels,
    allowed=no_ids,
    clean=clean_log,
    check=check,
    widget="course.widgets.source_desk.SourceDesk",
    graded=False,
    auto_scored=False,
)
