"""The item-type registry, instructor side: ``INSTRUCTOR_REGISTRY[question.item_type]`` is an
:class:`InstructorItem` (key, reference answer, wrong choices, ...) for the same item type as
``course.items.REGISTRY`` (the student half: clean, labels, check, widget).

One module per item type (``sourcing_lab/items/<type>.py``, each defining ``ITEM``).
``tests/unit/test_item_registry.py`` checks that both halves exist for every type.
"""

from __future__ import annotations

from course.items.base import Registry
from sourcing_lab.items import (
    choice,
    claim_verdicts,
    code_value,
    provenance_chain,
    source_desk,
    span_tagger,
    timeline,
    written,
)
from sourcing_lab.items.base import InstructorItem, MissingKeyError

__all__ = ["INSTRUCTOR_REGISTRY", "InstructorItem", "MissingKeyError"]

INSTRUCTOR_REGISTRY: Registry[InstructorItem] = Registry(
    " on the instructor side (sourcing_lab.items)",
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
