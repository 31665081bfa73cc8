"""Where a course's files are: one wrapper of nbgrader's ``CourseDirectory`` for the instructor
commands (grade, the submission states, export, report).

nbgrader decides the layout: the step folders (``source``, ``release``, ``submitted``,
``autograded``, ``feedback``), ``directory_structure`` (``{nbgrader_step}/{student_id}/
{assignment_id}``) and the gradebook (``db_url``, by default ``<root>/gradebook.db``). This
module asks a ``CourseDirectory`` for them instead of re-deriving its rules, and adds the kit's
own places: the result and left-out records under ``<root>/sourcing_lab/`` (``grading.ledger``)
and the course's answer keys.

The root is always the course folder the command was given (``--course DIR``), whatever
``CourseDirectory.root`` a copied or moved ``nbgrader_config.py`` still names. ``grade`` passes
the course's loaded configuration (its folder names and its ``db_url``: the gradebook nbgrader's
own workers write); the readers (the states, export, report) use nbgrader's defaults under the
course folder, the layout every ``sourcing-lab course init`` course has.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sourcing_lab.grading import ledger


@dataclass(frozen=True)
class CoursePaths:
    """A course folder's places. Build it with :meth:`of`."""

    root: Path  # the course folder, absolute (not resolved: links in it are kept)
    coursedir: Any  # nbgrader.coursedir.CourseDirectory (imported lazily: it pulls traitlets)
    keys_dir: Path | None = None  # the course's answer keys (None: the kit's own)

    @classmethod
    def of(cls, course: str | Path | CoursePaths, config: Any = None) -> CoursePaths:
        """The places of the course folder ``course``; ``config`` is its loaded nbgrader
        configuration (None: nbgrader's defaults). A CoursePaths is returned as it is."""
        if isinstance(course, CoursePaths):
            return course
        from nbgrader.coursedir import CourseDirectory
        from traitlets.config import Config

        root = Path(os.path.abspath(course))
        config = config if config is not None else Config()
        coursedir = CourseDirectory(config=config, root=str(root))
        keys = config.ScoreAnswers.get("keys_dir") or (root / "keys")
        return cls(root, coursedir, Path(keys) if Path(keys).is_dir() else None)

    # -- nbgrader's places ------------------------------------------------------------------

    def folder(self, step: str) -> Path:
        """A step's top folder (``submitted``: one folder per student below it)."""
        return self.root / str(getattr(self.coursedir, f"{step}_directory"))

    def assignment(self, step: str, assignment: str, student: str = ".") -> Path:
        """One assignment's folder in a step: ``source``/``release`` (no student) or a
        student's in ``submitted``/``autograded``/``feedback``."""
        step_folder = getattr(self.coursedir, f"{step}_directory")
        return Path(os.path.normpath(self.coursedir.format_path(step_folder, student, assignment)))

    def submission(self, student: str, assignment: str) -> Path:
        return self.assignment("submitted", assignment, student)

    def collected(self, assignment: str) -> list[str]:
        """The students with a submitted folder for ``assignment``, sorted."""
        folder = self.folder("submitted")
        return sorted(p.parent.name for p in folder.glob(f"*/{assignment}") if p.is_dir())

    def submitters(self) -> set[str]:
        """Every student with a folder in ``submitted/`` (any assignment)."""
        folder = self.folder("submitted")
        return {p.name for p in folder.iterdir() if p.is_dir()} if folder.is_dir() else set()

    @property
    def db_url(self) -> str:
        return str(self.coursedir.db_url)

    @property
    def gradebook(self) -> Path:
        """The SQLite gradebook file (nbgrader's ``db_url`` without ``sqlite:///``)."""
        return Path(self.db_url.removeprefix("sqlite:///"))

    # -- the kit's own places (grading.ledger) ----------------------------------------------

    @property
    def results(self) -> Path:
        return ledger.results_folder(self.root)

    def result(self, assignment: str, student: str, notebook: str) -> Path:
        return ledger.result_path(self.root, assignment, student, notebook)

    def ignored(self, assignment: str, student: str) -> list[str]:
        """What the copying steps left out of a submission (``ledger.ignored_entries``)."""
        return ledger.ignored_entries(self.root, assignment, student)
