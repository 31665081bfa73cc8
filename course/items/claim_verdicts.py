"""Claim verdicts: each claim gets a verdict and the documents cited as evidence for it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from course.checks.claims import check_verdicts
from course.checks.values import clean_verdicts
from course.items.base import ItemType, Table
from course.vocab import VERDICTS

if TYPE_CHECKING:
    from course.casefile import Case
    from course.checks.result import Result
    from course.questions import Question


def known_parts(case: Case) -> set[str]:
    return {c.claim_id for c in case.claim_records}


def labels(question: Question, case: Case) -> dict[str, str]:
    claims = {c.claim_id: c.label for c in case.claim_records}
    return {p: claims[p] for p in question.parts}


def allowed(question: Question, case: Case) -> dict[str, tuple[str, ...]]:
    return {
        "claims": question.parts,
        "verdicts": tuple(VERDICTS),
        "documents": tuple(case.documents),
    }


def check(question: Question, value: Any, part_labels: Mapping[str, str], key: Any) -> Result:
    return check_verdicts(value, part_labels, key)


def table(question: Question, value: Any, case: Case) -> Table:
    columns = ["claim_id", "label", "verdict", "evidence"]
    claims = {c.claim_id: c.label for c in case.claim_records}
    rows = [
        {
            "claim_id": p,
            "label": claims[p],
            "verdict": value[p]["verdict"],
            "evidence": ", ".join(value[p]["evidence"]),
        }
        for p in question.parts
        if p in value
    ]
    return columns, rows


ITEM = ItemType(
    name="claim_verdicts",
    known_parts=known_parts,
    labels=labels,
    allowed=allowed,
    clean=clean_verdicts,
    check=check,
    widget="course.widgets.claim_verdicts.ClaimVerdicts",
    table=table,
)
