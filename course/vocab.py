"""The choices students pick from: labels for attribution types, verdicts and chain links.

Plain data shared by the widgets, the checks and the grader. Ids are permanent (answers store
them); labels are what students read and may be reworded or translated.
"""

from __future__ import annotations

ATTRIBUTION_TYPES: dict[str, str] = {
    "named_on_record": "Named source, on the record, checkable",
    "named_unverifiable": "Named, but cannot be checked or is wrong for the date",
    "anonymous": "Anonymous source (unnamed people)",
    "institutional": "An institution, with no person or document named",
    "none": "No source given (the writer's own claim)",
}

VERDICTS: dict[str, str] = {
    "accurate": "Accurate",
    "partly_accurate": "Partly accurate or imprecise",
    "false": "False",
    "misleading": "Misleading",
    "unverifiable": "Cannot be verified",
    "opinion": "Opinion presented as fact",
    "inconsistent": "Contradicts the article itself",
    "anachronistic": "Wrong for the date (anachronism)",
}

LINK_STATUSES: dict[str, str] = {
    "verified": "Verified: you found it, or a reliable record confirms it",
    "unverified": "Unverified: no trace either way",
    "contradicted": "Contradicted: other sources show it cannot be right",
}
