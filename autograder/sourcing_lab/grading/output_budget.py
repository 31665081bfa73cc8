"""Byte budgets for what a submission's kernel prints, applied as each message arrives.

A cell may store ``cell_bytes`` of output and the whole notebook ``notebook_bytes``. A message
that does not fit is dropped; a stream message keeps the head of its text that fits, so the
instructor still sees how the output began. The first refusal in a cell asks for one marker
that names the limit which was reached. Graded check cells draw on a notebook-wide pool of
their own: a student whose code floods the notebook must not lose the code answer that a check
cell records after it, and a submission that adds fake check cells gains at most that pool.

Pure logic: no kernel, no nbclient. ``HardenedExecute`` feeds it message contents.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

_STREAM_OVERHEAD = 64  # {"name": "stdout", "text": ""} and escaping slack

CELL_MARKER = "\n[output truncated by the grader: this cell printed more than {limit:,} bytes]\n"
NOTEBOOK_MARKER = (
    "\n[output truncated by the grader: the notebook printed more than {limit:,} bytes in all]\n"
)
CHECKS_MARKER = (
    "\n[output truncated by the grader: the check cells printed more than {limit:,} bytes in all]\n"
)


def content_size(content: Any) -> int:
    """Bytes the content takes as JSON (what it would cost in the stored notebook)."""
    return len(json.dumps(content, default=str, ensure_ascii=False).encode("utf-8"))


def _head(text: str, room: int) -> str:
    """The longest start of ``text`` that takes at most ``room`` bytes as JSON, cut at a line end
    when one is near, so no line is split in the middle."""
    limit = room
    while limit > 0:
        head = text.encode("utf-8")[:limit].decode("utf-8", errors="ignore")
        cut = head.rfind("\n")
        head = head[: cut + 1] if cut >= len(head) // 2 else head
        size = content_size(head)  # escapes (\n, quotes) make JSON longer than UTF-8
        if size <= room:
            return head
        limit = min(limit - 1, limit * room // size)
    return ""


@dataclass
class OutputBudget:
    cell_bytes: int
    notebook_bytes: int
    check_bytes: int  # a separate notebook-wide pool for graded check cells
    _cells: dict[int, int] = field(default_factory=dict)
    _pools: dict[bool, int] = field(default_factory=lambda: {False: 0, True: 0})
    _marked: set[int] = field(default_factory=set)

    def admit(
        self, cell_index: int, msg_type: str, content: dict[str, Any], check_cell: bool = False
    ) -> tuple[dict[str, Any] | None, str | None]:
        """What to keep of one message (``None``: nothing) and the marker to add, if any."""
        if cell_index in self._marked:
            return None, None
        size = content_size(content)
        cell_room = self.cell_bytes - self._cells.get(cell_index, 0)
        pool_limit = self.check_bytes if check_cell else self.notebook_bytes
        pool_room = pool_limit - self._pools[check_cell]
        if size <= min(cell_room, pool_room):
            self._charge(cell_index, size, check_cell)
            return content, None
        self._marked.add(cell_index)
        if cell_room <= pool_room:
            marker = CELL_MARKER.format(limit=self.cell_bytes)
        else:
            marker = (CHECKS_MARKER if check_cell else NOTEBOOK_MARKER).format(limit=pool_limit)
        room = min(cell_room, pool_room) - _STREAM_OVERHEAD
        if msg_type == "stream" and isinstance(content.get("text"), str) and room > 0:
            head = _head(content["text"], room)
            if head:
                kept = {**content, "text": head}
                self._charge(cell_index, content_size(kept), check_cell)
                return kept, marker
        return None, marker

    def admit_update(self, content: dict[str, Any], copies: int) -> dict[str, Any]:
        """Content for an update of an existing display (shown ``copies`` times): the update
        itself when it fits, else a marker in its place."""
        size = content_size(content) * max(copies, 1)
        if size <= min(self.cell_bytes, self.notebook_bytes - self._pools[False]):
            self._pools[False] += size
            return content
        marker = CELL_MARKER.format(limit=self.cell_bytes)
        return {**content, "data": {"text/plain": marker}, "metadata": {}}

    def _charge(self, cell_index: int, size: int, check_cell: bool) -> None:
        self._cells[cell_index] = self._cells.get(cell_index, 0) + size
        self._pools[check_cell] += size
