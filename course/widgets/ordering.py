"""A keyboard-friendly ordering control: each item has Move up / Move down buttons."""

from __future__ import annotations

from collections.abc import Callable

import ipywidgets as w


class OrderList:
    """Items shown in the current order; ``on_change`` fires after every move."""

    def __init__(self, labels: dict[str, str], on_change: Callable[[], None], noun: str) -> None:
        self.labels = labels
        self.noun = noun
        self.on_change = on_change
        # Start alphabetically: a neutral order that gives nothing away.
        self.order = sorted(labels, key=lambda i: labels[i].casefold())
        self.touched = False
        self.widget = w.VBox()
        self.confirm = w.Button(description="This order is my answer", icon="check-square-o")
        self.confirm.on_click(lambda _b: self._moved())
        self._render()

    def set_order(self, order: list[str]) -> None:
        known = [i for i in order if i in self.labels]
        rest = [i for i in self.order if i not in known]
        self.order = known + rest
        self.touched = bool(order)
        self._render()

    def value(self) -> list[str]:
        return list(self.order) if self.touched else []

    def move(self, item: str, step: int) -> None:
        index = self.order.index(item)
        target = index + step
        if 0 <= target < len(self.order):
            self.order[index], self.order[target] = self.order[target], self.order[index]
        self._moved()

    def _moved(self) -> None:
        self.touched = True
        self._render()
        self.on_change()

    def _render(self) -> None:
        rows = []
        for position, item in enumerate(self.order, start=1):
            label = w.Label(
                value=f"{position}. {self.labels[item]}", layout=w.Layout(flex="1 1 auto")
            )
            up = w.Button(
                description="Move up",
                tooltip=f"Move {self.noun} {position} up",
                icon="arrow-up",
                disabled=position == 1,
                layout=w.Layout(width="auto"),
            )
            down = w.Button(
                description="Move down",
                tooltip=f"Move {self.noun} {position} down",
                icon="arrow-down",
                disabled=position == len(self.order),
                layout=w.Layout(width="auto"),
            )
            up.on_click(lambda _b, i=item: self.move(i, -1))
            down.on_click(lambda _b, i=item: self.move(i, +1))
            rows.append(w.HBox([label, up, down]))
        status = "" if self.touched else " (not yet answered: move items, or confirm the order)"
        heading = w.HTML(value=f"<p><i>Current order{status}</i></p>")
        self.widget.children = [heading, *rows, self.confirm]
