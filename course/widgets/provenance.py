"""Provenance chain: order the steps from the reader back to the claimed origin and mark how
far each one holds up."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from course.questions import part_labels
from course.vocab import LINK_STATUSES
from course.widgets.base import ItemView, dropdown
from course.widgets.ordering import OrderList


class ProvenanceChain(ItemView):
    item_type = "provenance_chain"

    def build_body(self) -> w.Widget:
        labels = part_labels(self.question, self.lab.case)
        self.order = OrderList(labels, self.changed, noun="step")
        self.statuses: dict[str, w.Dropdown] = {}
        rows = []
        for link_id, label in labels.items():
            selector = dropdown(LINK_STATUSES, f"{label}:")
            selector.observe(self.changed, names="value")
            self.statuses[link_id] = selector
            rows.append(selector)
        return w.VBox(
            [
                w.HTML(
                    value="<p><b>1. Order:</b> from what the reader saw first, back to the "
                    "claimed origin.</p>"
                ),
                self.order.widget,
                w.HTML(value="<p><b>2. How far does each step hold up?</b></p>"),
                *rows,
            ]
        )

    def read_value(self) -> dict[str, Any]:
        status = {k: s.value for k, s in self.statuses.items() if s.value}
        return {"order": self.order.value(), "status": status}

    def apply_value(self, value: Any) -> None:
        value = value or {}
        self.order.set_order(list(value.get("order") or []))
        for link_id, selector in self.statuses.items():
            selector.value = (value.get("status") or {}).get(link_id)
