"""The item-type registry, instructor side: ``INSTRUCTOR_REGISTRY[question.item_type]`` is an
:class:`InstructorItem` (key, reference answer, wrong choices, ...) for the same item type as
``course.items.REGISTRY`` (the student half: clean, labels, check, widget).

One module per item type (``sourcing_lab/items/<type>.py``, each defining ``ITEM``).
Its types are the student registry's (a type whose instructor module is missing fails on import);
``tests/unit/test_item_registry.py`` checks that both halves agree for every type.
"""

from __future__ import annotations

from importlib import import_module

from course.items import REGISTRY
from course.items.base import Registry
from sourcing_lab.items.base import InstructorItem, MissingKeyError

__all__ = ["INSTRUCTOR_REGISTRY", "InstructorItem", "MissingKeyError"]


def _instructor_half(name: str) -> InstructorItem:
    item: InstructorItem = import_module(f"sourcing_lab.items.{name}").ITEM
    return item


# The same types in the same order as the student registry: one list of types, in course.items.
INSTRUCTOR_REGISTRY: Registry[InstructorItem] = Registry(
    " on the instructor side (sourcing_lab.items)",
    {name: _instructor_half(name) for name in REGISTRY},
)
