"""Timeline: events put in date order, and (optionally) the claim that cannot be true marked."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from course.checks.ordering import check_timeline
from course.checks.values import clean_timeline
from course.items.base import ItemType

if TYPE_CHECKING:
    from course.casefile import Case
    from course.checks.result import Result
    from course.questions import Question


def known_parts(case: Case) -> set[str]:
    return {e.event_id for e in case.events}


def labels(question: Question, case: Case) -> dict[str, str]:
    events = {e.event_id: e.event for e in case.events}
    return {p: events[p] for p in question.parts}


def allowed(question: Question, case: Case) -> dict[str, tuple[str, ...]]:
    return {"items": question.parts, "marks": tuple(question.options)}


def check(question: Question, value: Any, part_labels: Mapping[str, str], key: Any) -> Result:
    return check_timeline(value, part_labels, key, mark_options=question.options or None)


def spec_problem(question: Question, case: Case) -> tuple[str, str] | None:
    claims = {c.claim_id for c in case.claim_records}
    for option in question.options:
        if option not in claims:
            return "options", f"'{option}' is not a claim id"
    return None


ITEM = ItemType(
    name="timeline",
    known_parts=known_parts,
    labels=labels,
    allowed=allowed,
    clean=clean_timeline,
    check=check,
    widget="course.widgets.timeline.Timeline",
    spec_problem=spec_problem,
)
