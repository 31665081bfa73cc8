"""An ordering control (``items.js``, kind ``order``): drag a row with the mouse, or use its
Move up / Move down buttons with the keyboard; the focus follows the moved item."""

from __future__ import annotations

from collections.abc import Callable

from course.widgets.item_body import ItemBody


class OrderList:
    """Items in the current order; ``on_change`` fires after every move or confirmation.

    The page sends the whole order after each move (``widget.value``); an empty value means
    "not ordered yet", so the starting order is never taken for an answer.
    """

    def __init__(
        self, labels: dict[str, str], on_change: Callable[[], None], noun: str, title: str
    ) -> None:
        self.labels = labels
        # Start alphabetically: a neutral order that gives nothing away.
        self.start = sorted(labels, key=lambda i: labels[i].casefold())
        self.widget = ItemBody(
            kind="order",
            spec={"items": [[i, labels[i]] for i in self.start], "noun": noun, "title": title},
            value=[],
        )
        self.widget.observe(lambda _change: on_change(), names="value")

    @property
    def order(self) -> list[str]:
        """The order shown (the starting order until the student moves something)."""
        return self._complete(list(self.widget.value or []))

    def _complete(self, order: list[str]) -> list[str]:
        known = [i for i in dict.fromkeys(order) if i in self.labels]
        return known + [i for i in self.start if i not in known]

    def set_order(self, order: list[str]) -> None:
        self.widget.value = self._complete(order) if order else []

    def value(self) -> list[str]:
        return self.order if self.widget.value else []

    def move(self, item: str, step: int) -> None:
        """What a row's Move up (-1) / Move down (+1) button does."""
        order = self.order
        index, target = order.index(item), order.index(item) + step
        if 0 <= target < len(order):
            order[index], order[target] = order[target], order[index]
        self.widget.value = order

    def confirm(self) -> None:
        """ "This order is my answer": the order shown becomes the answer."""
        self.widget.value = self.order
