"""Timeline: put events in order, then mark the claim that cannot be true at its date."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from course.questions import part_labels
from course.widgets.base import ItemView
from course.widgets.item_body import ItemBody
from course.widgets.ordering import OrderList


class Timeline(ItemView):
    item_type = "timeline"

    def build_body(self) -> w.Widget:
        labels = part_labels(self.question, self.lab.case)
        self.order = OrderList(labels, self.changed, noun="event", title="Events, earliest first")
        children: list[w.Widget] = [
            w.HTML(
                value="<p>Earliest first. Drag an event to its place, or use its Move up / "
                "Move down buttons (Tab, then Enter).</p>"
            ),
            self.order.widget,
        ]
        self.marked: ItemBody | None = None
        if self.question.options:
            self.marked = ItemBody(
                kind="choice",
                spec={
                    "multiple": False,
                    "options": [[key, label] for key, label in self.question.options.items()],
                    "legend": "Cannot be true at its date:",
                },
                value="",
            )
            self.marked.observe(self.changed, names="value")
            children.append(self.marked)
        return w.VBox(children)

    def mark(self, key: str) -> None:
        """What choosing the claim that cannot be true does."""
        if self.marked is not None:
            self.marked.value = key

    def read_value(self) -> dict[str, Any]:
        marked = self.marked.value if self.marked is not None else ""
        return {"order": self.order.value(), "marked": marked or ""}

    def apply_value(self, value: Any) -> None:
        value = value or {}
        self.order.set_order(list(value.get("order") or []))
        if self.marked is not None:
            self.marked.value = value.get("marked") or ""
