"""The item-type registry, student side: ``REGISTRY[question.item_type]`` is an
:class:`ItemType` holding everything ``course`` knows about that kind of question.

One module per item type (``course/items/<type>.py``, each defining ``ITEM``); the instructor
half of each (key, reference answer, wrong choices, ...) is ``sourcing_lab/items/<type>.py``.
Adding an item type is one file on each side plus its entry in the registry below (README, "How
it is built"); nothing else switches on the type. Pure: no widgets, no IPython, no keys.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from course.items import (
    choice,
    claim_verdicts,
    code_value,
    provenance_chain,
    source_desk,
    span_tagger,
    timeline,
    written,
)
from course.items.base import ItemType, Registry, UnknownItemType

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question

__all__ = [
    "REGISTRY",
    "ItemType",
    "UnknownItemType",
    "allowed_ids",
    "part_labels",
]

# The order is the one error messages list the types in.
REGISTRY: Registry[ItemType] = Registry(
    "",
    {
        item.name: item
        for item in (
            span_tagger.ITEM,
            claim_verdicts.ITEM,
            timeline.ITEM,
            provenance_chain.ITEM,
            source_desk.ITEM,
            choice.ITEM,
            written.ITEM,
            code_value.ITEM,
        )
    },
)


def part_labels(question: Question, case: Case) -> dict[str, str]:
    """A short, recognisable label for each part, in the question's order."""
    return REGISTRY[question.item_type].labels(question, case)


def allowed_ids(question: Question, case: Case) -> dict[str, tuple[str, ...]]:
    """The ids a recorded value of ``question`` may use, by role (see ``clean_value``)."""
    return REGISTRY[question.item_type].allowed(question, case)
