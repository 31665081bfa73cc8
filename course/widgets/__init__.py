"""The item widgets: one module per item type. UI and recording only — no correctness here."""

from __future__ import annotations

from typing import Any

ITEM_VIEWS = {
    "span_tagger": ("course.widgets.span_tagger", "SpanTagger"),
    "claim_verdicts": ("course.widgets.claim_verdicts", "ClaimVerdicts"),
    "timeline": ("course.widgets.timeline", "Timeline"),
    "provenance_chain": ("course.widgets.provenance", "ProvenanceChain"),
    "source_desk": ("course.widgets.source_desk", "SourceDesk"),
    "choice": ("course.widgets.choice", "Choice"),
    "written": ("course.widgets.written", "WrittenAnswer"),
}


def build_view(lab: Any, question: Any) -> Any:
    """The view for ``question`` (its module is imported only when first needed)."""
    import importlib

    try:
        module_name, class_name = ITEM_VIEWS[question.item_type]
    except KeyError:
        raise ValueError(
            f"question '{question.question_id}' is a {question.item_type} item, which has no "
            f"widget; widget types: {', '.join(ITEM_VIEWS)}"
        ) from None
    return getattr(importlib.import_module(module_name), class_name)(lab, question)
