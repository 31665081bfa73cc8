"""Kernel-free grading: a widget-only submission graded in tens of milliseconds.

When no answer cell was changed and every graded item is scored from recorded answers
(``execute.nothing_to_run``), grading runs no code of the student's, and what nbgrader's
Autograde spends on such a submission is almost all bookkeeping: about a dozen gradebook
sessions (each with a new SQLAlchemy engine, so no query is compiled only once), a JSON-schema
validation of the whole notebook after every preprocessor, and the notebook written and read
back between its two phases.

:class:`KernelFreeGrader` grades such a submission the way ``nbgrader autograde`` does, step
by step, with the same objects wherever they do not touch the gradebook:

- the kit's clean copy of the submission (``nbgrader_hooks.stage_submission``, as
  ``IntakeExporter`` makes it), its other files and the assignment's own files copied into
  ``autograded/`` as nbgrader's converters copy them, file permissions as nbgrader sets them;
- the configured ``Autograde.sanitize_preprocessors`` and ``autograde_preprocessors`` in their
  configured order, each the configured class itself (harvest, canonicalise, ClearOutput,
  DeduplicateIds, the kit's OverwriteCells, the metadata check, HardenedExecute, IgnorePattern,
  LimitOutput, ScoreAnswers, ...), except the four that read or write the gradebook: those read
  a :class:`~sourcing_lab.grading.gradebook_view.GradebookView` taken once per worker, and what
  SaveAutoGrades, FlagForReview and AssignLatePenalties would store goes straight into the
  submission's record (``merge``), which the one writer merges into the gradebook as before;
- the notebook is validated against nbformat's schema once per phase instead of after every
  preprocessor, and written once, as nbgrader's NotebookExporter writes it.

Anything it is not sure to do exactly as nbgrader would (a preprocessor it does not know, a
code answer to run, a late submission, a notebook missing, a hook, group-shared folders, any
error at all) makes it decline, and the worker grades the submission with nbgrader's own
Autograde. ``tests/grading/test_kernel_free.py`` grades whole classes both ways and compares
the records, the merged gradebooks, the autograded notebooks and the result files.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import nbformat
from nbconvert.exporters.exporter import ResourcesDict
from nbformat.notebooknode import NotebookNode
from nbgrader import utils
from traitlets import Bool
from traitlets.config import LoggingConfigurable

from sourcing_lab.grading import isolation, merge
from sourcing_lab.grading.execute import HardenedExecute, nothing_to_run
from sourcing_lab.grading.gradebook_view import GradebookView
from sourcing_lab.grading.kernel_free_steps import (
    AUTOGRADE,
    SANITIZE,
    Declined,
    ReadsView,
    ViewCanonicalise,
)
from sourcing_lab.grading.nbgrader_hooks import CLEAN_SUBMITTED, limits_of, stage_submission

GRADED_BY = "kernel-free"  # in a result file's timings: graded by this module


@dataclass
class Graded:
    record: dict[str, Any]
    log: str


class KernelFreeGrader(LoggingConfigurable):
    """Grades one assignment's widget-only submissions in a grading worker (see the module
    docstring); :meth:`grade` returns None when nbgrader's Autograde must grade it instead."""

    enabled = Bool(
        True,
        help="Grade submissions that need no kernel without nbgrader's Autograde converter "
        "(same records, gradebook rows, notebooks and result files; much faster).",
    ).tag(config=True)

    def __init__(self, coursedir: Any, assignment: str, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.coursedir = coursedir
        self.assignment = assignment
        self.unavailable = self._unavailable()
        if self.unavailable:
            self.log.debug("kernel-free grading off: %s", self.unavailable)
            return
        self.view = GradebookView.read(coursedir.db_url, assignment)
        self._instructor: dict[str, list[NotebookNode]] = {}
        self._sanitize = self._build(self.config.Autograde.sanitize_preprocessors, SANITIZE)
        self._autograde = self._build(self.config.Autograde.autograde_preprocessors, AUTOGRADE)
        self._execute = next(p for p in self._autograde if isinstance(p, HardenedExecute))

    def _unavailable(self) -> str:
        """Why this run cannot grade without nbgrader's converter at all ("" if it can)."""
        settings = self.config.Autograde
        if not self.enabled:
            return "KernelFreeGrader.enabled is False"
        if not self.config.HardenedExecute.get("skip_when_nothing_to_run", True):
            return "HardenedExecute.skip_when_nothing_to_run is False"
        for trait, known in (
            ("sanitize_preprocessors", SANITIZE),
            ("autograde_preprocessors", AUTOGRADE),
        ):
            listed = settings.get(trait)
            if not listed:
                return f"Autograde.{trait} is nbgrader's own"
            names = [p if isinstance(p, str) else f"{p.__module__}.{p.__name__}" for p in listed]
            if unknown := [n for n in names if n not in known]:
                return f"a preprocessor it does not know: {unknown[0]}"
            if known is AUTOGRADE and "sourcing_lab.grading.execute.HardenedExecute" not in names:
                return "HardenedExecute is not configured"
        if settings.get("exporter_class") != "sourcing_lab.grading.nbgrader_hooks.IntakeExporter":
            return "Autograde.exporter_class is not the kit's IntakeExporter"
        for hook in ("pre_convert_hook", "post_convert_hook"):
            if settings.get(hook) or self.config.BaseConverter.get(hook):
                return f"a {hook} is configured"
        if self.config.NotebookExporter.get("nbformat_version", 4) != 4:
            return "NotebookExporter.nbformat_version is not 4"
        if self.coursedir.groupshared:
            return "CourseDirectory.groupshared is set"
        if not self.coursedir.db_url.startswith("sqlite:///"):
            return "the gradebook is not SQLite"
        return ""

    def _build(self, listed: list[Any], known: dict[str, Any]) -> list[Any]:
        built = []
        for entry in listed:
            name = entry if isinstance(entry, str) else f"{entry.__module__}.{entry.__name__}"
            instance = known[name](name)(parent=self)
            if isinstance(instance, ReadsView):
                instance.view = self.view
            if isinstance(instance, ViewCanonicalise):
                instance.instructor = self._instructor
            built.append(instance)
        return built

    # -- one submission -----------------------------------------------------------------------
    def grade(self, student: str) -> Graded | None:
        """Grade ``student``'s submission without nbgrader's converter, or return None (then
        nothing this attempt wrote is kept: nbgrader's Autograde rewrites all of it)."""
        if self.unavailable:
            return None
        buffer = io.StringIO()
        handler = logging.StreamHandler(buffer)
        handler.setFormatter(logging.Formatter("[%(levelname)s] %(message)s"))
        self.log.addHandler(handler)
        try:
            record = self._grade(student)
        except Declined as why:
            self.log.debug("%s: graded by nbgrader: %s", student, why)
            return None
        except Exception as exc:  # nbgrader's own run then says what went wrong
            self.log.debug("%s: graded by nbgrader after %s: %s", student, type(exc).__name__, exc)
            return None
        finally:
            self.log.removeHandler(handler)
        return Graded(record, buffer.getvalue())

    def _grade(self, student: str) -> dict[str, Any]:
        coursedir, assignment = self.coursedir, self.assignment
        submitted = Path(coursedir.format_path(coursedir.submitted_directory, student, assignment))
        names = sorted(self.view.notebooks)
        if not submitted.is_dir() or any(not (submitted / f"{n}.ipynb").is_file() for n in names):
            raise Declined("a notebook of the assignment is missing")
        clean = Path(coursedir.format_path(CLEAN_SUBMITTED, student, assignment))
        if clean.exists():
            shutil.rmtree(clean)
        kept = stage_submission(
            coursedir.root,
            limits_of(coursedir),
            self.log,
            submitted,
            clean,
            student,
            assignment,
            [f"{n}.ipynb" for n in names],
        )
        if len(kept) != len(names):
            raise Declined("the intake left a notebook out")
        stamp = coursedir.get_existing_timestamp(str(clean))
        if stamp is None:  # nbgrader then keeps the one the gradebook has (or none)
            stamp = self.view.stored_timestamp(student)
        else:
            stamp = stamp.astimezone(dt.UTC).replace(tzinfo=None)  # as the gradebook keeps it
        dest = Path(coursedir.format_path(coursedir.autograded_directory, student, assignment))
        if dest.exists():
            shutil.rmtree(dest)
        dest.mkdir(parents=True)
        self._copy_files(clean, dest)
        sanitized = {n: self._sanitized(clean, student, n) for n in names}
        notebooks = {}
        for name in names:
            notebooks[name] = self._autograded(sanitized[name], dest, student, name, stamp)
        self._set_permissions(dest)
        return {
            "format": merge.FORMAT,
            "assignment": assignment,
            "student": student,
            "timestamp": stamp.isoformat() if stamp else None,
            "notebooks": notebooks,
        }

    def _resources(self, folder: Path, student: str, notebook: str) -> ResourcesDict:
        resources = ResourcesDict()
        resources["metadata"] = ResourcesDict(name=notebook, path=str(folder))
        resources["unique_key"] = notebook
        resources["output_files_dir"] = f"{notebook}_files"
        resources["nbgrader"] = {
            "student": student,
            "assignment": self.assignment,
            "notebook": notebook,
            "db_url": self.coursedir.db_url,
        }
        return resources

    def _sanitized(self, clean: Path, student: str, name: str) -> str:
        text = (clean / f"{name}.ipynb").read_text(encoding="utf-8")
        nb = _valid(_normalized(_read(text)), "as submitted")
        resources = self._resources(clean, student, name)
        for preprocessor in self._sanitize:
            nb, resources = preprocessor(nb, resources)
        _valid(nb, "after sanitizing")
        if not nothing_to_run(nb, resources):
            raise Declined("code to run")
        return _written(nb)

    def _autograded(
        self, text: str, dest: Path, student: str, name: str, stamp: dt.datetime | None
    ) -> dict[str, Any]:
        nb = _normalized(_read(text))
        resources = self._resources(dest, student, name)
        saved: dict[str, Any] = {"grades": {}, "comments": {}, "timestamp": stamp}
        resources["kernel_free"] = saved
        for preprocessor in self._autograde:
            nb, resources = preprocessor(nb, resources)
            if preprocessor is self._execute:  # the result file says which path graded it
                resources["sourcing_lab"]["timings"]["graded_by"] = GRADED_BY
        if self._execute.isolation.level != isolation.NO_KERNEL:
            raise RuntimeError("a kernel was started")  # nothing_to_run said otherwise
        _valid(nb, "after autograding")
        view = self.view.notebooks[name]
        if set(saved["grades"]) != {*view.graded_cells, *view.task_cells} or set(
            saved["comments"]
        ) != {*view.solution_cells, *view.task_cells}:
            raise Declined("the graded cells differ from the gradebook's")
        (dest / f"{name}.ipynb").write_text(_written(nb), encoding="utf-8")
        return {
            "late_submission_penalty": saved["late_submission_penalty"],
            "grades": saved["grades"],
            "comments": saved["comments"],
        }

    def _copy_files(self, clean: Path, dest: Path) -> None:
        """What nbgrader's converters copy besides notebooks: the submission's other files,
        then the assignment's own files over them (``Autograde.exclude_overwriting`` kept)."""
        coursedir = self.coursedir
        for filename in utils.find_all_files(str(clean), [*coursedir.ignore, "*.ipynb"]):
            target = dest / os.path.relpath(filename, clean)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            shutil.copy(filename, target)
        source = coursedir.format_path(coursedir.source_directory, ".", self.assignment)
        excluded = {
            os.path.join(source, x)
            for x in self.config.Autograde.get("exclude_overwriting", {}).get(self.assignment, [])
        }
        found = set(utils.find_all_files(source, [*coursedir.ignore, "*.ipynb"]))
        for filename in found - excluded:
            target = dest / os.path.relpath(filename, source)
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)
            shutil.copy(filename, target)

    def _set_permissions(self, dest: Path) -> None:
        configured = self.config.Autograde.get("permissions")
        configured = configured or self.config.BaseConverter.get("permissions") or 444
        mode = int(str(configured), 8)
        for folder, _, files in os.walk(dest):
            for name in files:
                os.chmod(os.path.join(folder, name), mode)


def _normalized(nb: NotebookNode) -> NotebookNode:
    """What nbconvert's exporter does to a notebook before its preprocessors run."""
    from nbformat import validator

    return validator.normalize(nb)[1]


def _valid(nb: NotebookNode, when: str) -> NotebookNode:
    """nbconvert validates the notebook after every preprocessor, and an invalid one stops
    nbgrader's run: such a submission is nbgrader's to grade (and to report)."""
    try:
        nbformat.validate(nb, relax_add_props=True)
    except nbformat.ValidationError:
        raise Declined(f"the notebook is not valid {when}") from None
    return nb


def _read(text: str) -> NotebookNode:
    """``nbformat.read(..., as_version=4)`` without its validation, which only logs (the
    caller validates: an invalid notebook is declined)."""
    return nbformat.convert(nbformat.reader.reads(text), 4)


def _written(nb: NotebookNode) -> str:
    """The notebook's text as nbconvert's NotebookExporter writes it (nbformat's v4 JSON
    writer), made from ``nb`` itself rather than from a deep copy: ``nb`` is used up."""
    from nbformat.v4.nbjson import BytesEncoder
    from nbformat.v4.rwbase import split_lines, strip_transient

    text = json.dumps(
        strip_transient(split_lines(nb)),
        cls=BytesEncoder,
        indent=1,
        sort_keys=True,
        separators=(",", ": "),
        ensure_ascii=False,
    )
    return text if text.endswith("\n") else text + "\n"
