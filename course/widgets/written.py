"""A short written answer, recorded as text and graded by a person with a rubric."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from course.checks import count_words
from course.widgets.base import ItemView


class WrittenAnswer(ItemView):
    """The text reaches Python (and is recorded) when typing pauses, when the box loses focus
    and before the notebook is saved: the page sends it then (``record_status.js``), not at
    every key, so a long answer is not written to disk a thousand times."""

    item_type = "written"

    def build_body(self) -> w.Widget:
        self.text = w.Textarea(
            value="",
            placeholder="Write your answer here.",
            description="Your answer",
            rows=8,
            continuous_update=False,
            style={"description_width": "initial"},
            layout=w.Layout(width="95%"),
        )
        self.count = w.Label(value="0 words")
        self.text.observe(self._typed, names="value")
        return w.VBox([self.text, self.count])

    def _typed(self, change: Any) -> None:
        self.count.value = f"{count_words(self.text.value)} words"
        self.changed(change)

    def read_value(self) -> str:
        return self.text.value

    def apply_value(self, value: Any) -> None:
        self.text.value = value or ""
        self.count.value = f"{count_words(self.text.value)} words"
