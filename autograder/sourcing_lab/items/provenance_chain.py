"""Provenance chain, instructor half: the order and each step's status are keyed in the case's
``provenance.toml``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from course.checks.result import OrderKey
from course.vocab import LINK_STATUSES
from sourcing_lab.items.base import Answers, InstructorItem, WrongChoice

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question
    from sourcing_lab.keys import KeySet

MINUTES_PER_STEP = 1.0


def key(keys: KeySet, assignment_id: str, question: Question, case: Case, answers: Answers) -> Any:
    links = question.parts or keys.provenance_order
    order = tuple(p for p in keys.provenance_order if p in links)
    tied = tuple(g for g in keys.provenance_tied if set(g) <= set(links))
    return OrderKey(order, tied=tied), {p: keys.provenance_links[p] for p in links}


def reference(question: Question, key: Any) -> Any:
    order_key, links = key
    return {"order": list(order_key.order), "status": {p: k.accept[0] for p, k in links.items()}}


def describe(question: Question, value: Any, case: Case, labels: Mapping[str, str]) -> str:
    order = " → ".join(labels[p] for p in value["order"])
    status = "\n".join(f"{labels[p]}: {LINK_STATUSES[s]}" for p, s in value["status"].items())
    return order + "\n" + status


def wrong_choices(question: Question, key: Any, value: Any) -> Iterator[WrongChoice]:
    links = key[1]
    for part, status in (value.get("status") or {}).items():
        if part in links and status:
            yield part, "status", status, status not in links[part].accept


def minutes(question: Question, case: Case, questions: Mapping[str, Question]) -> float:
    return MINUTES_PER_STEP * len(question.parts or case.chain)


ITEM = InstructorItem(
    name="provenance_chain",
    minutes=minutes,
    key=key,
    reference=reference,
    describe=describe,
    wrong_choices=wrong_choices,
)
