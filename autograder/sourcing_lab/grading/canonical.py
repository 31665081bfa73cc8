"""Sanitize step 2: put the submitted notebook back into the instructor's shape.

Runs before nbgrader's own checks, so that no single submission can stop the batch:

- only grade ids the instructor wrote count; a cell claiming any other id loses its nbgrader
  metadata (a student cannot add a 1,000-point cell) and is flagged;
- a duplicated grade id keeps its first copy; a copied test cell is dropped, a copied answer cell
  is kept as a plain cell and flagged "duplicate answer cell";
- a deleted instructor cell, or one whose metadata was stripped, is restored from the
  instructor's copy (tests are then scored as usual; a restored answer cell is flagged);
- every instructor cell gets the instructor's metadata back (points, type, schema version).
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import nbformat
from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from sourcing_lab.grading.ledger import Harvest, find_coursedir, recall, remember


def _grade_id(cell: Any) -> str | None:
    meta = cell.get("metadata", {}).get("nbgrader") if isinstance(cell, dict) else None
    value = meta.get("grade_id") if isinstance(meta, dict) else None
    return value if isinstance(value, str) else None


def _is_solution(cell: Any) -> bool:
    return bool(cell.metadata.get("nbgrader", {}).get("solution"))


class CanonicaliseCells(NbGraderPreprocessor):
    """Second in ``Autograde.sanitize_preprocessors`` (after HarvestAnswers)."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> Any:
        info = resources["nbgrader"]
        key = (info["student"], info["assignment"], info["notebook"])
        harvest = recall(key)
        instructor = self._instructor_cells(info)
        if instructor is None:
            harvest.notes.append("instructor notebook not found: cells not canonicalised")
            remember(key, harvest)
            return nb, resources
        with Gradebook(info["db_url"]) as gradebook:
            nb.cells = canonical_cells(
                nb.cells,
                instructor,
                harvest,
                _released_source(gradebook, info["notebook"], info["assignment"]),
            )
        remember(key, harvest)
        return nb, resources

    def _instructor_cells(self, info: dict[str, str]) -> list[NotebookNode] | None:
        coursedir = find_coursedir(self)
        if coursedir is None:
            return None
        folder = coursedir.format_path(coursedir.source_directory, ".", info["assignment"])
        path = Path(folder) / f"{info['notebook']}.ipynb"
        if not path.exists():
            return None
        return list(nbformat.read(path, as_version=4).cells)


def _released_source(gradebook: Gradebook, notebook: str, assignment: str) -> Any:
    """grade id -> the source the gradebook keeps (solutions already replaced by stubs)."""

    def lookup(grade_id: str) -> str | None:
        try:
            return gradebook.find_source_cell(grade_id, notebook, assignment).source
        except MissingEntry:
            return None

    return lookup


def canonical_cells(
    cells: list[Any], instructor: list[Any], harvest: Harvest, released: Any
) -> list[Any]:
    """The submitted cells in instructor shape (see the module docstring)."""
    known = {gid: cell for cell in instructor if (gid := _grade_id(cell))}
    order = [gid for cell in instructor if (gid := _grade_id(cell))]
    seen: set[str] = set()
    out: list[Any] = []
    for cell in cells:
        if not isinstance(cell, dict) or "cell_type" not in cell:
            continue
        cell.setdefault("metadata", NotebookNode())
        gid = _grade_id(cell)
        if gid is None and cell.get("id") in known and cell.get("id") not in seen:
            gid = cell.get("id")  # metadata stripped: our cell ids equal the grade ids
        if gid is None:
            out.append(cell)
            continue
        if gid not in known:
            cell.metadata.pop("nbgrader", None)
            harvest.flags[f"unknown:{gid[:40]}"] = (
                f"a cell claimed the unknown grade id '{gid[:40]}'"
            )
            out.append(cell)
            continue
        model = known[gid]
        if gid in seen:
            if _is_solution(model):
                cell.metadata.pop("nbgrader", None)
                harvest.flags[gid] = "duplicate answer cell: the first copy is graded"
                out.append(cell)
            else:
                harvest.notes.append(f"a copy of cell '{gid}' was removed")
            continue
        seen.add(gid)
        cell.metadata["nbgrader"] = copy.deepcopy(model.metadata["nbgrader"])
        if cell.cell_type != model.cell_type:
            harvest.notes.append(f"cell '{gid}' had its type changed; restored")
            cell = _restored(model, released(gid))
        out.append(cell)
    return _reinsert_missing(out, order, known, seen, harvest, released)


def _restored(model: Any, source: str | None) -> Any:
    cell = copy.deepcopy(model)
    if source is not None:
        cell.source = source
    elif _is_solution(cell):
        cell.source = ""  # never re-insert the instructor's solution
    if cell.cell_type == "code":
        cell.outputs, cell.execution_count = [], None
    return cell


def _reinsert_missing(
    out: list[Any],
    order: list[str],
    known: dict[str, Any],
    seen: set[str],
    harvest: Harvest,
    released: Any,
) -> list[Any]:
    for position, gid in enumerate(order):
        if gid in seen:
            continue
        cell = _restored(known[gid], released(gid))
        previous = next((g for g in reversed(order[:position]) if g in seen), None)
        index = 0
        if previous is not None:
            index = next(i for i, c in enumerate(out) if _grade_id(c) == previous) + 1
        out.insert(index, cell)
        seen.add(gid)
        if _is_solution(cell):
            harvest.flags[gid] = "the answer cell was missing; an empty one was restored"
        else:
            harvest.notes.append(f"cell '{gid}' was missing; restored from the instructor's copy")
    return out
