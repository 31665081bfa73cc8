"""nbgrader's OverwriteCells, without its false alarm for the kit's own hidden regions.

A test cell with a hidden region (``### BEGIN HIDDEN TESTS``) or a written answer's mark scheme
is released without that region, so stock nbgrader reports "Attribute 'checksum' … has changed"
for every such cell of every student (jupyter/nbgrader#1961, ../shared/GOTCHAS.md). Here a cell
whose submitted source is exactly the released one is restored quietly (debug level); a cell the
student really changed is restored too, and reported as a warning naming the cell.
"""

from __future__ import annotations

import copy
from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import ClearHiddenTests, ClearMarkScheme, OverwriteCells


class KitOverwriteCells(OverwriteCells):
    """In ``Autograde.sanitize_preprocessors`` in place of nbgrader's OverwriteCells."""

    def preprocess_cell(self, cell: NotebookNode, resources: Any, cell_index: int) -> Any:
        self._submitted_source = cell.get("source", "")
        return super().preprocess_cell(cell, resources, cell_index)

    def report_change(self, name: str, attr: str, old: Any, new: Any) -> None:
        if attr == "checksum" and self._as_released(name) == _text(self._submitted_source):
            self.log.debug("cell %s: hidden region restored (released without it)", name)
            return
        if attr == "checksum":
            self.log.warning(
                "cell %s is locked but was changed in the submission; the instructor's version "
                "was restored and graded",
                name,
            )
            return
        super().report_change(name, attr, old, new)

    def _as_released(self, grade_id: str) -> str | None:
        """The cell's source as students received it: the instructor's version without its
        hidden tests and mark scheme (the delimiters as configured for nbgrader)."""
        source = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
        cell = NotebookNode(
            cell_type=source.cell_type, source=copy.copy(source.source), metadata=NotebookNode()
        )
        ClearHiddenTests(parent=self)._remove_hidden_test_region(cell)
        ClearMarkScheme(parent=self)._remove_mark_scheme_region(cell)
        return _text(cell.source)


def _text(source: Any) -> str:
    text = "".join(source) if isinstance(source, list) else str(source)
    return text.rstrip()
