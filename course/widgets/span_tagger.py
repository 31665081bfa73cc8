"""Span tagger: the article itself, each taggable part highlighted with a label chooser.

Drawn by ``items.js``: a legend (colour, underline pattern and number per type), a running
count, and per part a native ``<select>`` named "Part N: source type". Keyboard: Tab or
ArrowLeft/ArrowRight between parts, ArrowUp/ArrowDown, a type's number or its first letter
pick a label, Escape leaves (the page keeps these keys from JupyterLab's notebook shortcuts).
"""

from __future__ import annotations

from typing import Any

from course.vocab import ATTRIBUTION_TYPES
from course.widgets.base import ItemView
from course.widgets.item_body import ItemBody


def article_pieces(case: Any, parts: tuple[str, ...]) -> list[list[dict[str, Any]]]:
    """The article's paragraphs as pieces of plain text and numbered taggable parts."""
    numbers = {part: number for number, part in enumerate(parts, start=1)}
    spans = sorted((case.segment(p) for p in parts), key=lambda s: s.start)
    paragraphs = []
    for block in (s for s in case.segment_records if s.level == "part"):
        pieces: list[dict[str, Any]] = []
        at = block.start
        for span in (s for s in spans if block.start <= s.start and s.end <= block.end):
            if span.start > at:
                pieces.append({"text": block.text[at - block.start : span.start - block.start]})
            pieces.append(
                {"text": span.text, "part": span.segment_id, "number": numbers[span.segment_id]}
            )
            at = span.end
        if at < block.end:
            pieces.append({"text": block.text[at - block.start :]})
        paragraphs.append(pieces)
    return paragraphs


class SpanTagger(ItemView):
    item_type = "span_tagger"

    def build_body(self) -> ItemBody:
        self.tagger = ItemBody(
            kind="span_tagger",
            spec={
                "types": [[key, label] for key, label in ATTRIBUTION_TYPES.items()],
                "paragraphs": article_pieces(self.lab.case, self.question.parts),
                "title": "The article, with the parts to label",
            },
            value={},
        )
        self.tagger.observe(self.changed, names="value")
        return self.tagger

    def tag(self, part: str, label: str | None) -> None:
        """What choosing in a part's chooser does (``None`` clears it)."""
        value = {k: v for k, v in (self.tagger.value or {}).items() if k != part}
        self.tagger.value = {**value, **({part: label} if label else {})}

    def read_value(self) -> dict[str, str]:
        value = self.tagger.value or {}
        return {p: value[p] for p in self.question.parts if value.get(p)}

    def apply_value(self, value: Any) -> None:
        self.tagger.value = dict(value or {})
