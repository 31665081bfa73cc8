"""The item widgets: one module per item type. UI and recording only — no correctness here.

Which class shows an item type is said by the type itself (``course.items``: ``widget``, a
dotted path); its module is imported only when a notebook first shows such an item.
"""

from __future__ import annotations

from typing import Any


def build_view(lab: Any, question: Any) -> Any:
    """The view for ``question`` (its module is imported only when first needed)."""
    import importlib

    from course.items import REGISTRY

    path = REGISTRY[question.item_type].widget
    if not path:
        shown = ", ".join(name for name, item in REGISTRY.items() if item.widget)
        raise ValueError(
            f"question '{question.question_id}' is a {question.item_type} item, which has no "
            f"widget; widget types: {shown}"
        )
    module_name, _, class_name = path.rpartition(".")
    return getattr(importlib.import_module(module_name), class_name)(lab, question)
