"""Provenance chain: the steps from the claimed origin to the copy put in order, and each
step's status (verified, contradicted, no trace, ...). No parts in the spec: the whole chain."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from course.checks.ordering import check_chain
from course.checks.values import clean_chain
from course.items.base import ItemType
from course.vocab import LINK_STATUSES

if TYPE_CHECKING:
    from course.casefile import Case
    from course.checks.result import Result
    from course.questions import Question


def steps(question: Question, case: Case) -> tuple[str, ...]:
    """The question's steps: its parts, or the case's whole chain when it lists none."""
    return question.parts or tuple(case.chain)


def known_parts(case: Case) -> set[str]:
    return set(case.chain)


def labels(question: Question, case: Case) -> dict[str, str]:
    return {p: case.chain[p] for p in steps(question, case)}


def allowed(question: Question, case: Case) -> dict[str, tuple[str, ...]]:
    return {"links": steps(question, case), "statuses": tuple(LINK_STATUSES)}


def check(question: Question, value: Any, part_labels: Mapping[str, str], key: Any) -> Result:
    return check_chain(value, part_labels, key)


ITEM = ItemType(
    name="provenance_chain",
    known_parts=known_parts,
    labels=labels,
    allowed=allowed,
    clean=clean_chain,
    check=check,
    widget="course.widgets.provenance.ProvenanceChain",
)
