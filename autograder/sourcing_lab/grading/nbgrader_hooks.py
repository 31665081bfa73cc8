"""Where the kit hooks into nbgrader so that no step reads a submission as it lies on disk.

Every way a submission reaches grading goes through one of these, each set by name in
``kit_config.py`` (nbgrader's own configuration points, no fork):

- ``ExchangeFactory.collect = SafeCollect``: ``nbgrader collect`` copies each submission from
  the exchange into ``submitted/`` with :func:`intake.copy_clean` instead of ``copytree``
  (which follows links, copies set-uid bits and stops the whole collect on a pipe). A
  submission that is itself a link is not collected.
- ``ZipCollectApp.extractor_plugin = SafeExtractor`` and ``collector_plugin =
  SafeFileNameCollector``: ``zip_collect`` unpacks with :mod:`archives` and collects only
  regular files.
- ``Autograde.exporter_class = IntakeExporter``: ``nbgrader autograde`` (so also ``sourcing-lab
  grade`` and the demo, which call it) grades the kit's clean copy of each submission, made in
  ``<course>/sourcing_lab/clean/submitted/`` before nbgrader opens any of its files.
- ``GenerateFeedback.exporter_class = FeedbackExporter``: ``generate_feedback`` renders from a
  clean copy of ``autograded/`` that holds only the graded notebooks, the files the assignment
  released and the time stamp, so feedback carries nothing else.

Why the exporter: nbgrader 0.9.6 names its converter classes in code, and its
``pre_convert_hook`` is called with the command line's ids (``student="*"``), not the
converter, with errors swallowed. The exporter class is the one configurable object a converter
builds, with itself as parent, after it has listed the notebooks (names only) and before it
reads or copies a submission. :func:`_read_clean_copies` then gives that one converter a private
``CourseDirectory`` whose input folder is the clean copy, and the list of notebooks in it. The
course directory the app or API holds is never changed.

What a step left out is logged and recorded per submission (``ledger.record_ignored``); the
submitted files themselves are never changed.
"""

from __future__ import annotations

import fnmatch
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from nbconvert.exporters import HTMLExporter, NotebookExporter
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default.collect import ExchangeCollect
from nbgrader.plugins import ExtractorPlugin, FileNameCollectorPlugin

from sourcing_lab.grading import intake
from sourcing_lab.grading.archives import archive_stem, is_archive, unpack
from sourcing_lab.grading.ledger import record_ignored

CLEAN_SUBMITTED = "sourcing_lab/clean/submitted"
CLEAN_AUTOGRADED = "sourcing_lab/clean/autograded"
TIMESTAMP = "timestamp.txt"
# Written by nbgrader's submit (a random hex token of the student's own submission); nbgrader's
# release_feedback and fetch_feedback read it to name the feedback file.
SECRET = "submission_secret.txt"

# stage(folder, clean folder, student, assignment, notebook names) -> the names it kept
Stage = Callable[[Path, Path, str, str, list[str]], list[str]]


def limits_of(coursedir: CourseDirectory) -> intake.Limits:
    """nbgrader's own size settings (kilobytes) as intake limits."""
    return intake.Limits(
        max_file_bytes=coursedir.max_file_size * 1000,
        max_total_bytes=coursedir.max_dir_size * 1000,
    )


def glob_skipper(ignore: list[str], include: list[str]) -> Callable[[str, bool], bool]:
    """nbgrader's ``CourseDirectory.ignore`` / ``include`` rules as an intake ``skip``."""

    def skip(name: str, is_folder: bool) -> bool:
        if any(fnmatch.fnmatch(name, pattern) for pattern in ignore):
            return True
        if is_folder or not include:
            return False
        return not any(fnmatch.fnmatch(name, pattern) for pattern in include)

    return skip


def _path_pattern(coursedir: CourseDirectory, step: str) -> re.Pattern[str]:
    """nbgrader's own way of reading student and assignment ids back from a step folder."""
    return re.compile(
        coursedir.format_path(step, "(?P<student_id>.*)", "(?P<assignment_id>.*)", escape=True)
        + "$"
    )


def _own_coursedir(coursedir: CourseDirectory, **changes: str) -> CourseDirectory:
    values = {name: getattr(coursedir, name) for name in coursedir.trait_names(config=True)}
    return CourseDirectory(parent=coursedir.parent, **{**values, **changes})


def _read_clean_copies(converter: Any, trait: str, clean_step: str, stage: Stage) -> None:
    """Point ``converter`` at clean copies of the folders it listed in ``trait``."""
    if not hasattr(converter, "assignments") or converter.coursedir is None:
        raise TypeError("this exporter works only as a converter's exporter_class")
    coursedir = converter.coursedir
    pattern = _path_pattern(coursedir, getattr(coursedir, trait))
    clean = _own_coursedir(coursedir, **{trait: clean_step})
    staged = {}
    for folder, notebooks in sorted(converter.assignments.items()):
        found = pattern.match(folder)
        if found is None:  # nbgrader itself would stop on it; leave it to say so
            staged[folder] = notebooks
            continue
        student, assignment = found["student_id"], found["assignment_id"]
        target = Path(clean.format_path(clean_step, student, assignment))
        if target.exists():
            shutil.rmtree(target)
        names = [Path(n).name for n in notebooks]
        kept = stage(Path(folder), target, student, assignment, names)
        if kept:
            staged[str(target)] = [str(target / name) for name in kept]
    converter.assignments = staged
    converter.coursedir = clean


def _copy_timestamp(folder: Path, target: Path) -> intake.Ignored | None:
    """The submission's time stamp, rewritten as a time stamp and nothing else (nbgrader's own
    reading of a bad one stops the whole submission)."""
    from nbgrader.utils import parse_utc

    try:
        text = intake.read_file(folder / TIMESTAMP, 200).decode("utf-8").strip()
        stamp = parse_utc(text)
    except FileNotFoundError:
        return None
    except intake.NotAFile as exc:
        return intake.Ignored(TIMESTAMP, exc.kind, exc.reason)
    except (OSError, ValueError, TypeError, OverflowError):
        return intake.Ignored(TIMESTAMP, "time stamp", "it holds no date and time nbgrader reads")
    target.mkdir(parents=True, exist_ok=True)
    (target / TIMESTAMP).write_text(stamp.isoformat(" "), encoding="utf-8")
    return None


def _copy_secret(folder: Path, target: Path) -> None:
    """The submission's secret, rewritten only when it is what nbgrader's submit writes (a hex
    token): release_feedback needs it in the feedback folder."""
    try:
        text = intake.read_file(folder / SECRET, 300).decode("ascii").strip()
    except (OSError, intake.NotAFile, UnicodeDecodeError):
        return
    if text and len(text) <= 256 and all(c in "0123456789abcdef" for c in text):
        target.mkdir(parents=True, exist_ok=True)
        (target / SECRET).write_text(text, encoding="ascii")


class IntakeExporter(NotebookExporter):
    """``Autograde.exporter_class``: autograde reads the kit's clean copy of each submission."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        coursedir = self.parent.coursedir
        self._root, self._limits = coursedir.root, limits_of(coursedir)
        _read_clean_copies(self.parent, "submitted_directory", CLEAN_SUBMITTED, self._stage)

    def _stage(
        self, folder: Path, target: Path, student: str, assignment: str, notebooks: list[str]
    ) -> list[str]:
        return stage_submission(
            self._root, self._limits, self.log, folder, target, student, assignment, notebooks
        )


def stage_submission(
    root: str,
    limits: intake.Limits,
    log: Any,
    folder: Path,
    target: Path,
    student: str,
    assignment: str,
    notebooks: list[str],
) -> list[str]:
    """The clean copy autograde reads (``target``) of a submitted folder; what was left out is
    logged and recorded. Returns the notebooks it kept. Also used by ``kernel_free``."""
    try:
        report = intake.copy_clean(folder, target, limits, keep=lambda rel: rel != TIMESTAMP)
    except intake.NotAFile as exc:
        report = intake.IntakeReport(ignored=[intake.Ignored(".", exc.kind, exc.reason)])
    else:
        bad_stamp = _copy_timestamp(folder, target)
        if bad_stamp and all(i.path != TIMESTAMP for i in report.ignored):
            report.ignored.append(bad_stamp)  # (a pipe there is named by the copy already)
    described = [item.describe() for item in report.ignored]
    record_ignored(root, assignment, student, "autograde", described)
    for line in described:
        log.warning("%s/%s: %s", student, assignment, line)
    kept = [name for name in notebooks if name in report.copied]
    if not kept:
        log.error("%s/%s: no notebook left to grade", student, assignment)
    return kept


class FeedbackExporter(HTMLExporter):
    """``GenerateFeedback.exporter_class``: feedback holds the graded notebooks' HTML, the files
    the assignment released, and the time stamp and submission secret that nbgrader's
    release_feedback reads (each rewritten only when it is what nbgrader wrote); nothing else
    (not what the grading kernel wrote, not a link it made)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._coursedir = self.parent.coursedir
        _read_clean_copies(self.parent, "autograded_directory", CLEAN_AUTOGRADED, self._stage)

    def _released(self, assignment: str) -> set[str]:
        folder = Path(
            self._coursedir.format_path(self._coursedir.release_directory, ".", assignment)
        )
        if not folder.is_dir():
            return set()
        return {p for p in intake.regular_files(folder) if not p.endswith(".ipynb")}

    def _stage(
        self, folder: Path, target: Path, student: str, assignment: str, notebooks: list[str]
    ) -> list[str]:
        allowed = self._released(assignment) | set(notebooks)
        try:
            report = intake.copy_clean(
                folder, target, keep=lambda rel: rel in allowed and rel not in (TIMESTAMP, SECRET)
            )
        except intake.NotAFile as exc:
            self.log.error("%s/%s: no feedback: %s", student, assignment, exc.reason)
            return []
        for item in report.ignored:
            self.log.warning("%s/%s feedback: %s", student, assignment, item.describe())
        _copy_timestamp(folder, target)
        _copy_secret(folder, target)
        return [name for name in notebooks if name in report.copied]


class SafeCollect(ExchangeCollect):
    """``ExchangeFactory.collect``: collect without following links or opening special files."""

    def init_src(self) -> None:
        super().init_src()
        kept = []
        for record in self.src_records:
            path = Path(self.inbound_path) / record["filename"]
            try:
                intake.check_folder(path)  # a folder, not a link to one
            except intake.NotAFile as exc:
                self.log.error("not collected: %s: %s", record["filename"], exc.reason)
                self._record(record["username"], [f"not collected: {exc.reason}"])
                continue
            kept.append(record)
        self.src_records = kept

    def do_copy(self, src: str, dest: str, log: Any = None) -> None:
        coursedir = self.coursedir
        report = intake.copy_clean(
            Path(src),
            Path(dest),
            limits_of(coursedir),
            skip=glob_skipper(coursedir.ignore, coursedir.include),
            file_mode=0o664 if coursedir.groupshared else 0o644,
        )
        found = _path_pattern(coursedir, coursedir.submitted_directory).match(dest)
        student = found["student_id"] if found else Path(dest).parent.name
        described = [item.describe() for item in report.ignored]
        for line in described:
            self.log.warning("%s: %s", student, line)
        self._record(student, described)

    def _record(self, student: str, described: list[str]) -> None:
        record_ignored(
            self.coursedir.root, self.coursedir.assignment_id, student, "collect", described
        )


class SafeExtractor(ExtractorPlugin):
    """``ZipCollectApp.extractor_plugin``: unpack archives and copy loose files safely."""

    def extract(self, archive_path: str, extracted_path: str) -> None:
        source, dest = Path(archive_path), Path(extracted_path)
        staged = dest / ".sourcing-lab-loose"
        report = intake.copy_clean(source, staged)
        for item in report.ignored:
            self.log.warning("not extracted: %s", item.describe())
        for relative in report.copied:
            loose = staged / relative
            if is_archive(loose.name, tuple(self.zip_ext)):
                inside = dest / Path(relative).parent / archive_stem(loose.name)
                for item in unpack(loose, inside):
                    self.log.warning("not extracted: %s", item.describe())
            else:
                (dest / relative).parent.mkdir(parents=True, exist_ok=True)
                loose.replace(dest / relative)
        shutil.rmtree(staged, ignore_errors=True)


class SafeFileNameCollector(FileNameCollectorPlugin):
    """``ZipCollectApp.collector_plugin``: only regular files are collected; the others are
    named in the student's record (when the file name says whose they are)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._ignored: dict[str, list[str]] = {}  # per student, for this run

    def collect(self, submitted_file: str) -> dict | None:
        info = super().collect(submitted_file)
        path = Path(submitted_file)
        try:
            intake.check_file(path, limits_of(self.parent.coursedir))
        except intake.NotAFile as exc:
            line = intake.Ignored(intake.printable((path.name,)), exc.kind, exc.reason).describe()
            self.log.warning("not collected: %s", line)
            student = (info or {}).get("student_id")
            if isinstance(student, str):
                self._ignored.setdefault(student, []).append(line)
                coursedir = self.parent.coursedir
                record_ignored(
                    coursedir.root,
                    coursedir.assignment_id,
                    student,
                    "zip_collect",
                    self._ignored[student],
                )
            return None
        return info
