"""What grading a submission reads from the gradebook, read once per worker: a frozen view.

nbgrader's Autograde opens the gradebook about a dozen times per submission (each time with a
new SQLAlchemy engine, so no compiled query is ever reused) to read things that do not change
during a run: each notebook's kernelspec and source cells, each graded cell's points, the
assignment's due date, the grades already stored (with the scores graders gave by hand).
:class:`GradebookView` reads them once, through nbgrader's own ``Gradebook`` API, and answers
the same questions in memory with the method names nbgrader's preprocessors call
(``find_source_cell``, ``find_graded_cell``, ...), raising nbgrader's ``MissingEntry`` where the
gradebook would. It is read-only: what grading stores goes into the submission's record
(``merge``), never through this view.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from typing import Any

from nbgrader.api import Gradebook, MissingEntry


@dataclass(frozen=True)
class SourceCell:
    name: str
    cell_type: str
    source: str
    checksum: str | None
    locked: bool


@dataclass(frozen=True)
class GradedCell:
    name: str
    max_score: float
    cell_type: str


@dataclass
class NotebookView:
    name: str
    kernelspec: Any  # the JSON the gradebook keeps, already parsed (or None)
    source_cells: dict[str, SourceCell] = field(default_factory=dict)
    graded_cells: dict[str, GradedCell] = field(default_factory=dict)
    solution_cells: tuple[str, ...] = ()
    task_cells: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredGrade:
    auto_score: float | None
    needs_manual_grade: bool
    manual_score: float | None


NEW_GRADE = StoredGrade(None, True, None)  # what nbgrader's gradebook gives a new submission


@dataclass
class GradebookView:
    assignment: str
    duedate: dt.datetime | None  # naive UTC, as the gradebook keeps it
    notebooks: dict[str, NotebookView]
    grades: dict[tuple[str, str, str], StoredGrade]  # (student, notebook, cell) -> as stored
    timestamps: dict[str, dt.datetime | None]  # student -> the submission's stored time stamp

    @classmethod
    def read(cls, db_url: str, assignment: str) -> GradebookView:
        """Everything autograding reads for ``assignment`` (raises ``MissingEntry`` when the
        gradebook does not know it)."""
        with Gradebook(db_url) as gradebook:
            found = gradebook.find_assignment(assignment)
            notebooks = {}
            for notebook in found.notebooks:
                notebooks[notebook.name] = NotebookView(
                    name=notebook.name,
                    kernelspec=json.loads(notebook.kernelspec) if notebook.kernelspec else None,
                    source_cells={
                        c.name: SourceCell(c.name, c.cell_type, c.source, c.checksum, c.locked)
                        for c in notebook.source_cells
                    },
                    graded_cells={
                        c.name: GradedCell(c.name, c.max_score, c.cell_type)
                        for c in notebook.grade_cells
                    },
                    solution_cells=tuple(c.name for c in notebook.solution_cells),
                    task_cells=tuple(c.name for c in notebook.task_cells),
                )
            grades = {
                (submission.student.id, nb.name, grade.name): StoredGrade(
                    grade.auto_score, grade.needs_manual_grade, grade.manual_score
                )
                for submission in found.submissions
                for nb in submission.notebooks
                for grade in nb.grades
            }
            timestamps = {s.student.id: s.timestamp for s in found.submissions}
            return cls(assignment, found.duedate, notebooks, grades, timestamps)

    # -- the questions nbgrader's preprocessors ask a Gradebook -------------------------------
    def _notebook(self, notebook: str, assignment: str) -> NotebookView:
        if assignment != self.assignment or notebook not in self.notebooks:
            raise MissingEntry()
        return self.notebooks[notebook]

    def find_notebook(self, notebook: str, assignment: str) -> NotebookView:
        return self._notebook(notebook, assignment)

    def find_source_cell(self, name: str, notebook: str, assignment: str) -> SourceCell:
        cells = self._notebook(notebook, assignment).source_cells
        if name not in cells:
            raise MissingEntry()
        return cells[name]

    def find_graded_cell(self, name: str, notebook: str, assignment: str) -> GradedCell:
        cells = self._notebook(notebook, assignment).graded_cells
        if name not in cells:
            raise MissingEntry()
        return cells[name]

    def stored_timestamp(self, student: str) -> dt.datetime | None:
        """The time stamp a submission keeps when it is graded again without one."""
        return self.timestamps.get(student)

    def stored_grade(self, student: str, notebook: str, cell: str) -> StoredGrade:
        """A grade as the gradebook holds it before this run (a new submission's default)."""
        return self.grades.get((student, notebook, cell), NEW_GRADE)
