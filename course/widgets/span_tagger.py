"""Span tagger: label each sentence or phrase of the article (e.g. its attribution type)."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from course.vocab import ATTRIBUTION_TYPES
from course.widgets.base import ItemView, dropdown


class SpanTagger(ItemView):
    """One row per segment: the text, then a labelled dropdown of types. Keyboard: Tab to the
    dropdown, Space or Alt+Down opens its list, the arrow keys choose, Enter confirms (in
    JupyterLab the arrows on a closed dropdown move between notebook cells instead)."""

    item_type = "span_tagger"

    def build_body(self) -> w.Widget:
        self.selectors: dict[str, w.Dropdown] = {}
        rows = []
        for number, segment_id in enumerate(self.question.parts, start=1):
            text = self.lab.case.segment(segment_id).text
            selector = dropdown(ATTRIBUTION_TYPES, f"Part {number}: source type")
            selector.observe(self.changed, names="value")
            self.selectors[segment_id] = selector
            quote = w.HTML(
                value=f"<blockquote><b>{number}.</b> {html.escape(text)}</blockquote>",
                layout=w.Layout(margin="0"),
            )
            rows.append(w.VBox([quote, selector], layout=w.Layout(margin="0 0 6px 0")))
        return w.VBox(rows)

    def read_value(self) -> dict[str, str]:
        return {sid: sel.value for sid, sel in self.selectors.items() if sel.value}

    def apply_value(self, value: Any) -> None:
        for sid, selector in self.selectors.items():
            selector.value = (value or {}).get(sid)
