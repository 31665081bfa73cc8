"""A keyboard-friendly ordering control: each item has Move up / Move down buttons."""

from __future__ import annotations

import html
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
        self.heading = w.HTML(value="")
        self.confirm = w.Button(
            description="This order is my answer",
            icon="check-square-o",
            layout=w.Layout(width="auto", align_self="flex-start"),  # the default cuts the text
        )
        self.confirm.on_click(lambda _b: self._moved())
        # One fixed row per position; a move only relabels them. Rebuilding the rows would
        # destroy the button a keyboard user just pressed and drop the focus to the page.
        self.rows = [self._row(position) for position in range(1, len(self.order) + 1)]
        self.widget = w.VBox([self.heading, *(row[0] for row in self.rows), self.confirm])
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

    def _row(self, position: int) -> tuple[w.HBox, w.HTML, w.Button, w.Button]:
        # HTML, not Label: a Label cuts a long event off with "…"; HTML wraps it.
        label = w.HTML(value="", layout=w.Layout(flex="1 1 auto"))
        up = w.Button(
            description="Move up",
            tooltip=f"Move {self.noun} {position} up",
            icon="arrow-up",
            disabled=position == 1,
            layout=w.Layout(width="auto", flex="0 0 auto"),
        )
        down = w.Button(
            description="Move down",
            tooltip=f"Move {self.noun} {position} down",
            icon="arrow-down",
            disabled=position == len(self.order),
            layout=w.Layout(width="auto", flex="0 0 auto"),
        )
        up.on_click(lambda _b: self._move_from(position, -1))
        down.on_click(lambda _b: self._move_from(position, +1))
        return w.HBox([label, up, down]), label, up, down

    def _move_from(self, position: int, step: int) -> None:
        """A row's button: move its item, and let the focus follow the item."""
        item = self.order[position - 1]
        self.move(item, step)
        _row, _label, up, down = self.rows[self.order.index(item)]
        same, other = (down, up) if step > 0 else (up, down)
        (other if same.disabled else same).focus()

    def _render(self) -> None:
        for (_row, label, _up, _down), (position, item) in zip(
            self.rows, enumerate(self.order, start=1), strict=True
        ):
            label.value = f"{position}. {html.escape(self.labels[item])}"
        status = "" if self.touched else " (not yet answered: move items, or confirm the order)"
        self.heading.value = f"<p><i>Current order{status}</i></p>"
