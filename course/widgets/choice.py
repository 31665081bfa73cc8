"""A plain choice item: one option (a radio group) or several (a checkbox group), drawn by
``items.js`` as a fieldset whose legend says what to do and whose name includes the prompt."""

from __future__ import annotations

from typing import Any

from course.widgets.base import ItemView
from course.widgets.item_body import ItemBody


class Choice(ItemView):
    item_type = "choice"

    def build_body(self) -> ItemBody:
        multiple = bool(self.question.multiple)
        self.choices = ItemBody(
            kind="choice",
            spec={
                "multiple": multiple,
                "options": [[key, label] for key, label in self.question.options.items()],
                "legend": "Tick every answer that applies:" if multiple else "Choose one answer:",
                "prompt_id": self.prompt_id,
            },
            value=[] if multiple else "",
        )
        self.choices.observe(self.changed, names="value")
        return self.choices

    def choose(self, value: str | list[str]) -> None:
        """What a click does: ``"key"`` for one option, ``["key", ...]`` for several."""
        self.choices.value = value

    def read_value(self) -> str | list[str]:
        value = self.choices.value
        if self.question.multiple:
            return [key for key in self.question.options if key in (value or [])]
        return value if isinstance(value, str) else ""

    def apply_value(self, value: Any) -> None:
        self.choices.value = list(value or []) if self.question.multiple else (value or "")
