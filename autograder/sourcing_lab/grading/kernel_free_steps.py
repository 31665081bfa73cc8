"""The steps of kernel-free grading (``kernel_free``) that differ from nbgrader's own.

Each configured preprocessor name maps to the class kernel-free grading runs for it: the
configured class itself, or for the steps that read or write the gradebook a subclass that
reads the worker's :class:`~sourcing_lab.grading.gradebook_view.GradebookView` and writes what
nbgrader would store into ``resources["kernel_free"]`` (the submission's record):

- OverwriteKernelspec, CanonicaliseCells and the kit's OverwriteCells ask the view what they
  would ask the gradebook (nbgrader's own per-cell code runs unchanged);
- SaveAutoGrades: nbgrader's ``determine_grade`` and its "No response." rule, per cell; the
  grades it does not touch (task cells) keep what the gradebook holds;
- FlagForReview: flagged items need a grader's look;
- AssignLatePenalties: no penalty for a submission in time; a late one is declined, so
  nbgrader works its penalty out;
- ScoreAnswers reads the case's keys once per worker instead of once per notebook.

A name not listed here means kernel-free grading is off for the run.
"""

from __future__ import annotations

import copy
from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor, OverwriteKernelspec
from traitlets.utils.importstring import import_item

from sourcing_lab.grading.canonical import CanonicaliseCells, canonical_cells
from sourcing_lab.grading.gradebook_view import GradebookView
from sourcing_lab.grading.ledger import forget, recall, remember
from sourcing_lab.grading.overwrite_cells import KitOverwriteCells
from sourcing_lab.grading.score import ScoreAnswers


class Declined(Exception):
    """This submission is graded by nbgrader's own Autograde instead (the reason says why)."""


class ReadsView:
    """A step that reads the worker's gradebook view (set when the grader builds it)."""

    view: GradebookView


# -- the four gradebook steps, reading the view and writing the record -----------------------
class _ViewKernelspec(ReadsView, OverwriteKernelspec):
    def preprocess(self, nb: NotebookNode, resources: Any) -> Any:
        info = resources["nbgrader"]
        kernelspec = self.view.find_notebook(info["notebook"], info["assignment"]).kernelspec
        if kernelspec:
            nb.metadata["kernelspec"] = kernelspec
        return nb, resources


class ViewCanonicalise(ReadsView, CanonicaliseCells):
    instructor: dict[str, list[NotebookNode]]  # notebook -> the instructor's cells (a cache)

    def preprocess(self, nb: NotebookNode, resources: Any) -> Any:
        info = resources["nbgrader"]
        key = (info["student"], info["assignment"], info["notebook"])
        harvest = recall(key)
        if info["notebook"] not in self.instructor:
            self.instructor[info["notebook"]] = self._instructor_cells(info) or []
        instructor = self.instructor[info["notebook"]]
        if not instructor:
            raise Declined("the instructor's notebook was not found")

        def released(grade_id: str) -> str | None:
            try:
                return self.view.find_source_cell(
                    grade_id, info["notebook"], info["assignment"]
                ).source
            except MissingEntry:
                return None

        # canonical_cells changes the cells it keeps: it gets copies of the instructor's
        nb.cells = canonical_cells(nb.cells, _copied(instructor), harvest, released)
        remember(key, harvest)
        return nb, resources


class _ViewOverwriteCells(ReadsView, KitOverwriteCells):
    def preprocess(self, nb: NotebookNode, resources: Any) -> Any:
        if self.add_missing_cells:
            raise Declined("OverwriteCells.add_missing_cells is set")
        self.notebook_id = resources["nbgrader"]["notebook"]
        self.assignment_id = resources["nbgrader"]["assignment"]
        self.gradebook = self.view  # what OverwriteCells.preprocess_cell asks, answered here
        return NbGraderPreprocessor.preprocess(self, nb, resources)


class _RecordAutoGrades(ReadsView, NbGraderPreprocessor):
    """What SaveAutoGrades stores (nbgrader's own ``determine_grade``), into the record."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> Any:
        info = resources["nbgrader"]
        saved = resources["kernel_free"]
        student, notebook = info["student"], info["notebook"]
        for task in self.view.find_notebook(notebook, info["assignment"]).task_cells:
            stored = self.view.stored_grade(student, notebook, task)  # SaveAutoGrades keeps it
            saved["grades"][task] = {
                "auto_score": stored.auto_score,
                "needs_manual_grade": stored.needs_manual_grade,
            }
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
            if utils.is_grade(cell):
                auto_score, _ = utils.determine_grade(cell, self.log)
                stored = self.view.stored_grade(student, notebook, grade_id)
                saved["grades"][grade_id] = {
                    "auto_score": auto_score,
                    "needs_manual_grade": stored.manual_score is not None or auto_score is None,
                }
            if utils.is_solution(cell) or utils.is_task(cell):
                unchanged = cell.metadata.nbgrader.get("checksum") == utils.compute_checksum(cell)
                no_response = unchanged and not utils.is_task(cell)
                saved["comments"][grade_id] = "No response." if no_response else None
        return nb, resources


class _RecordFlags(NbGraderPreprocessor):
    """What the kit's FlagForReview stores: the items ScoreAnswers flagged (from the harvest,
    never from a cell's text) need a grader's look."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> Any:
        grades = resources["kernel_free"]["grades"]
        info = resources["nbgrader"]
        key = (info["student"], info["assignment"], info["notebook"])
        for grade_id in recall(key).flagged():
            if grade_id in grades:
                grades[grade_id]["needs_manual_grade"] = True
        forget(key)
        return nb, resources


class _RecordLatePenalty(ReadsView, NbGraderPreprocessor):
    """AssignLatePenalties for a submission in time: no penalty (a late one is declined)."""

    def preprocess(self, nb: NotebookNode, resources: Any) -> Any:
        stamp = resources["kernel_free"]["timestamp"]
        if self.view.duedate is not None and stamp is not None and stamp > self.view.duedate:
            raise Declined("a late submission (its penalty is nbgrader's to work out)")
        resources["kernel_free"]["late_submission_penalty"] = None
        return nb, resources


class _ScoreKeysReadOnce(ScoreAnswers):
    """ScoreAnswers reading the case's keys once per worker (nbgrader's run reads them for
    every notebook: a dozen TOML files, the largest cost left on this path)."""

    def _keys(self, case: Any) -> Any:
        cache = self.__dict__.setdefault("_read_keys", {})
        if case.case_id not in cache:
            cache[case.case_id] = super()._keys(case)
        return cache[case.case_id]


def _as_is(name: str) -> Any:
    return import_item(name)


SANITIZE = {  # configured name -> the class run here
    "sourcing_lab.grading.harvest.HarvestAnswers": _as_is,
    "sourcing_lab.grading.canonical.CanonicaliseCells": lambda _: ViewCanonicalise,
    "nbgrader.preprocessors.ClearOutput": _as_is,
    "nbgrader.preprocessors.DeduplicateIds": _as_is,
    "nbgrader.preprocessors.OverwriteKernelspec": lambda _: _ViewKernelspec,
    "sourcing_lab.grading.overwrite_cells.KitOverwriteCells": lambda _: _ViewOverwriteCells,
    "sourcing_lab.grading.metadata.CheckCellMetadata": _as_is,
}
AUTOGRADE = {
    "sourcing_lab.grading.execute.HardenedExecute": _as_is,  # runs no kernel: nothing_to_run
    "nbgrader.preprocessors.IgnorePattern": _as_is,
    "nbconvert.preprocessors.ClearMetadataPreprocessor": _as_is,
    "nbgrader.preprocessors.LimitOutput": _as_is,
    "sourcing_lab.grading.score.ScoreAnswers": lambda _: _ScoreKeysReadOnce,
    "nbgrader.preprocessors.SaveAutoGrades": lambda _: _RecordAutoGrades,
    "sourcing_lab.grading.score.FlagForReview": lambda _: _RecordFlags,
    "nbgrader.preprocessors.AssignLatePenalties": lambda _: _RecordLatePenalty,
    "sourcing_lab.grading.metadata.CheckCellMetadata": _as_is,
}


def _copied(cells: list[NotebookNode]) -> list[NotebookNode]:
    return copy.deepcopy(cells)
