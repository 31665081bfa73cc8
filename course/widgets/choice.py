"""A plain choice item: one option (radio buttons) or several (checkboxes)."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from course.widgets.base import ItemView


class Choice(ItemView):
    item_type = "choice"

    def build_body(self) -> w.Widget:
        options = self.question.options
        if self.question.multiple:
            self.boxes = {
                key: w.Checkbox(
                    value=False, description=label, indent=False, layout=w.Layout(width="auto")
                )
                for key, label in options.items()
            }
            for box in self.boxes.values():
                box.observe(self.changed, names="value")
            return w.VBox(list(self.boxes.values()))
        self.radio = w.RadioButtons(
            options=[(label, key) for key, label in options.items()],
            value=None,
            description="Your answer:",
            style={"description_width": "initial"},
            layout=w.Layout(width="auto"),
        )
        self.radio.observe(self.changed, names="value")
        return self.radio

    def read_value(self) -> str | list[str]:
        if self.question.multiple:
            return [key for key, box in self.boxes.items() if box.value]
        return self.radio.value or ""

    def apply_value(self, value: Any) -> None:
        if self.question.multiple:
            for key, box in self.boxes.items():
                box.value = key in (value or [])
        else:
            self.radio.value = value or None
