"""Provenance chain: order the steps from the reader back to the claimed origin and mark how
far each one holds up."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from course.questions import part_labels
from course.vocab import LINK_STATUSES
from course.widgets.base import ItemView
from course.widgets.item_body import ItemBody
from course.widgets.ordering import OrderList


class ProvenanceChain(ItemView):
    item_type = "provenance_chain"

    def build_body(self) -> w.Widget:
        labels = part_labels(self.question, self.lab.case)
        self.order = OrderList(labels, self.changed, noun="step", title="Steps, reader first")
        self.statuses = ItemBody(
            kind="statuses",
            spec={
                "legend": "2. How far does each step hold up?",
                "rows": [[link_id, label] for link_id, label in labels.items()],
                "options": [[key, label] for key, label in LINK_STATUSES.items()],
            },
            value={},
        )
        self.statuses.observe(self.changed, names="value")
        return w.VBox(
            [
                w.HTML(
                    value="<p><b>1. Order:</b> from what the reader saw first, back to the "
                    "claimed origin. Drag a step, or use its Move up / Move down buttons.</p>"
                ),
                self.order.widget,
                self.statuses,
            ]
        )

    def set_status(self, link_id: str, status: str | None) -> None:
        """What choosing a step's status does (``None`` clears it)."""
        value = {k: v for k, v in (self.statuses.value or {}).items() if k != link_id}
        self.statuses.value = {**value, **({link_id: status} if status else {})}

    def read_value(self) -> dict[str, Any]:
        status = {k: v for k, v in (self.statuses.value or {}).items() if v}
        return {"order": self.order.value(), "status": status}

    def apply_value(self, value: Any) -> None:
        value = value or {}
        self.order.set_order(list(value.get("order") or []))
        self.statuses.value = dict(value.get("status") or {})
