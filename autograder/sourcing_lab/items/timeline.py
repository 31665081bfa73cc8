"""Timeline, instructor half: the true order comes from the case's dated events (public data);
the claim that cannot be true at its date is keyed in the case's ``timeline.toml``."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from course.checks.result import OrderKey
from sourcing_lab.items.base import Answers, InstructorItem, WrongChoice

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question
    from sourcing_lab.keys import KeySet

MINUTES = 4.0


def true_order(case: Case, event_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Events sorted by their real dates (the case's timeline is public data, not a key)."""
    events = {e.event_id: e for e in case.events}
    return tuple(sorted(event_ids, key=lambda e: (events[e].date_start, e)))


def key(keys: KeySet, assignment_id: str, question: Question, case: Case, answers: Answers) -> Any:
    anachronism = keys.timeline["anachronism"]
    marked = anachronism["claim"] if question.options else ""
    return OrderKey(true_order(case, question.parts), marked, dict(anachronism.get("hints", {})))


def reference(question: Question, key: Any) -> Any:
    return {"order": list(key.order), "marked": key.marked}


def describe(question: Question, value: Any, case: Case, labels: Mapping[str, str]) -> str:
    order = "\n".join(f"{n}. {labels[e]}" for n, e in enumerate(value["order"], start=1))
    marked = question.options.get(value["marked"], "")
    return order + (f"\nCannot be true at its date: {marked}" if marked else "")


def wrong_choices(question: Question, key: Any, value: Any) -> Iterator[WrongChoice]:
    if value.get("marked") and key.marked:
        yield "", "marked claim", value["marked"], value["marked"] != key.marked


def slip(question: Question, value: Any, allowed: Any, rng: random.Random) -> Any:
    order = value["order"]
    i = rng.randrange(len(order) - 1)
    order[i], order[i + 1] = order[i + 1], order[i]
    return value


def minutes(question: Question, case: Case, questions: Mapping[str, Question]) -> float:
    return MINUTES


ITEM = InstructorItem(
    name="timeline",
    minutes=minutes,
    key=key,
    reference=reference,
    describe=describe,
    wrong_choices=wrong_choices,
    slip=slip,
)
