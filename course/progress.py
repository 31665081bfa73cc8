"""A learner's progress as one file: every answer of every assignment, exported and imported.

"Export my answers" (``course.widgets.progress``, under ``lab.summary()``) and
``python -m course.progress export`` write one JSON file::

    {"format": "sourcing-lab-answers", "format_version": 1, "kit_version": "0.1.0",
     "exported_at": "2026-12-03T06:00:00.000Z",
     "assignments": {"a01_provenance": {"q2_posted_where": <AnswerRecord JSON>, ...}, ...}}

Importing it (the widget's upload, or ``python -m course.progress import FILE``) restores the
records into each assignment's ``answers/`` folder, on another browser, another machine or in
the JupyterLab version. Nothing is lost: a record is only written where it is newer than the
one already there (``AnswerRecord.is_newer_than``, as everywhere in ``course.answers``), and a
record that does not fit its question is skipped with a reason, never half-restored.

Answers are found by assignment id and question id, never by the notebook's path: the
self-study site keeps them in ``my-answers/<assignment>/answers/`` outside the folder of the
course's version (``SOURCING_LAB_PROGRESS``, set by ``course.lite.prepare``), so an updated
course finds them. Elsewhere each assignment's answers are beside its notebook and the other
assignments are its sibling folders (``workspace/a01_provenance``, ``workspace/a02_...``).

Pure: no widgets, no IPython.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course import __version__ as KIT_VERSION
from course import lookup
from course.answers import AnswerRecord, AnswerStore, RecordProblem, now_iso
from course.checks import ValueProblem, clean_value
from course.messages import say
from course.questions import Assignment, QuestionSpecError, allowed_ids, load_assignment

FORMAT = "sourcing-lab-answers"
FORMAT_VERSION = 1
PROGRESS_ENV = "SOURCING_LAB_PROGRESS"  # a folder of <assignment_id>/answers/ folders
MAX_FILE_BYTES = 20_000_000


class ProgressFileProblem(ValueError):
    """The file as a whole cannot be imported; ``str()`` says why and what to do."""


# -- where each assignment's answers are ------------------------------------------------------
def progress_root() -> Path | None:
    """The folder that holds every assignment's answers, when one is configured."""
    value = os.environ.get(PROGRESS_ENV, "")
    return Path(value) if value else None


def answers_home(folder: str | Path, assignment_id: str) -> Path:
    """The folder whose ``answers/`` holds this assignment's answers (the notebook's folder
    unless a progress root is configured)."""
    root = progress_root()
    return root / assignment_id if root is not None else Path(folder)


def assignment_homes(folder: str | Path, assignment_id: str) -> dict[str, Path]:
    """Every assignment's answers home, as seen from one notebook's folder.

    With a progress root: ``<root>/<id>`` for every known assignment. Otherwise the other
    assignments are the notebook folder's siblings named by their ids, when the notebook's own
    folder is named after its assignment (``workspace/a01_provenance``); else only its own.
    """
    known = lookup.known_assignments()
    root = progress_root()
    if root is not None:
        return {aid: root / aid for aid in known}
    folder = Path(folder)
    homes = {aid: folder.parent / aid for aid in known} if folder.name == assignment_id else {}
    homes[assignment_id] = folder
    return homes


def course_homes(workspace: str | Path) -> dict[str, Path]:
    """``<workspace>/<id>`` for every known assignment (the command line's folders)."""
    return {aid: Path(workspace) / aid for aid in lookup.known_assignments()}


# -- export -----------------------------------------------------------------------------------
def collect(homes: dict[str, Path]) -> dict[str, dict[str, AnswerRecord]]:
    """The good records in each home's ``answers/`` (an unreadable file is left out)."""
    found: dict[str, dict[str, AnswerRecord]] = {}
    for aid, home in sorted(homes.items()):
        records = {
            qid: r for qid, r in AnswerStore(home).read_all().items() if isinstance(r, AnswerRecord)
        }
        if records:
            found[aid] = records
    return found


def build_export(
    records: dict[str, dict[str, AnswerRecord]], exported_at: str | None = None
) -> dict[str, Any]:
    """The export document (plain JSON data) for ``records[assignment_id][question_id]``."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kit_version": KIT_VERSION,
        "exported_at": exported_at or now_iso(),
        "assignments": {
            aid: {qid: record.to_json() for qid, record in sorted(by_question.items())}
            for aid, by_question in sorted(records.items())
        },
    }


def export_text(records: dict[str, dict[str, AnswerRecord]], exported_at: str | None = None) -> str:
    return json.dumps(build_export(records, exported_at), ensure_ascii=False, indent=1) + "\n"


def export_name(exported_at: str) -> str:
    """``sourcing-lab-answers-2026-12-03-0600.json`` for a time stamp from :func:`now_iso`."""
    stamp = exported_at[:16].replace("T", "-").replace(":", "")
    return f"sourcing-lab-answers-{stamp}.json"


def count(records: dict[str, dict[str, AnswerRecord]]) -> int:
    return sum(len(by_question) for by_question in records.values())


# -- import -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Skipped:
    """One record of the file that is not restored, and why (in the learner's words)."""

    assignment_id: str
    question_id: str
    reason: str

    def message(self) -> str:
        return say("import_skipped", where=self.where, reason=self.reason)

    @property
    def where(self) -> str:
        return (
            f"{self.assignment_id}/{self.question_id}" if self.question_id else self.assignment_id
        )


@dataclass(frozen=True)
class ParsedExport:
    """The usable records of an export file and the ones that are not."""

    kit_version: str
    exported_at: str
    records: dict[str, dict[str, AnswerRecord]]
    skipped: tuple[Skipped, ...] = ()


def parse_export(data: str | bytes, name: str = "the file") -> ParsedExport:
    """Read an export file's text; :class:`ProgressFileProblem` when it cannot be one.

    Records are checked against the questions as the course has them now: a record for an
    unknown assignment or question, of another item type, or with a value the question does
    not accept is skipped with a reason (the other records still count).
    """
    if len(data) > MAX_FILE_BYTES:
        raise ProgressFileProblem(say("import_too_large", name=name))
    try:
        text = data.decode("utf-8") if isinstance(data, bytes) else data
        document = json.loads(text)
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ProgressFileProblem(say("import_not_json", name=name)) from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ProgressFileProblem(say("import_wrong_format", name=name))
    version = document.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ProgressFileProblem(say("import_wrong_format", name=name))
    if version > FORMAT_VERSION:
        raise ProgressFileProblem(say("import_newer_format", name=name, version=version))
    assignments = document.get("assignments")
    if not isinstance(assignments, dict):
        raise ProgressFileProblem(say("import_wrong_format", name=name))
    records: dict[str, dict[str, AnswerRecord]] = {}
    skipped: list[Skipped] = []
    for aid, by_question in sorted(assignments.items()):
        kept = _assignment_records(str(aid), by_question, skipped)
        if kept:
            records[str(aid)] = kept
    return ParsedExport(
        str(document.get("kit_version", "")),
        str(document.get("exported_at", "")),
        records,
        tuple(skipped),
    )


def _assignment_records(
    aid: str, by_question: Any, skipped: list[Skipped]
) -> dict[str, AnswerRecord]:
    if aid not in lookup.known_assignments():
        skipped.append(Skipped(aid, "", say("import_unknown_assignment")))
        return {}
    assignment = _assignment(aid)
    if assignment is None or not isinstance(by_question, dict):
        skipped.append(Skipped(aid, "", say("import_unknown_assignment")))
        return {}
    kept = {}
    for qid, data in sorted(by_question.items()):
        problem = None
        try:
            record = AnswerRecord.from_json(data)
            problem = _misfit(assignment, str(qid), record)
        except RecordProblem as exc:
            problem = say("import_record_broken", problem=exc)
        if problem is None:
            kept[record.question_id] = record
        else:
            skipped.append(Skipped(aid, str(qid), problem))
    return kept


def _assignment(aid: str) -> Assignment | None:
    try:
        return load_assignment(aid)
    except QuestionSpecError:
        return None


def _misfit(assignment: Assignment, qid: str, record: AnswerRecord) -> str | None:
    """Why this record cannot be this assignment's answer to ``qid``, or None."""
    aid = assignment.assignment_id
    if record.question_id != qid or record.assignment_id not in ("", aid):
        return say("import_record_elsewhere")
    question = assignment.questions.get(qid)
    if question is None:
        return say("import_unknown_question")
    if record.item_type != question.item_type:
        return say("import_record_broken", problem="it belongs to another kind of question")
    try:
        clean_value(question.item_type, record.value, allowed_ids(question, assignment.case))
    except ValueProblem as problem:
        return say("import_record_broken", problem=problem)
    return None


@dataclass
class ImportReport:
    """What an import did, per record: restored, kept (the answer here is newer or the same),
    skipped (see :class:`Skipped`)."""

    restored: list[tuple[str, str]] = field(default_factory=list)
    kept: list[tuple[str, str]] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)
    failed: list[tuple[str, str, str]] = field(default_factory=list)  # could not be written

    def lines(self) -> list[str]:
        """The learner's summary: one sentence per outcome, then one per skipped record."""
        lines = [say("import_restored", n=len(self.restored), assignments=self._names())]
        if self.kept:
            lines.append(say("import_kept", n=len(self.kept)))
        lines += [s.message() for s in self.skipped]
        lines += [say("import_not_written", where=f"{a}/{q}", problem=p) for a, q, p in self.failed]
        if self.restored:
            lines.append(say("import_run_again"))
        return lines

    def _names(self) -> str:
        return ", ".join(sorted({aid for aid, _qid in self.restored})) or "none"


def import_records(parsed: ParsedExport, homes: dict[str, Path]) -> ImportReport:
    """Write each record into its assignment's ``answers/`` where it is newer than what is
    there (a corrupt file there counts as nothing); never touch a newer or equal answer."""
    report = ImportReport(skipped=list(parsed.skipped))
    for aid, by_question in sorted(parsed.records.items()):
        home = homes.get(aid)
        if home is None:  # a notebook whose folder is not named after its assignment
            report.skipped.append(Skipped(aid, "", say("import_no_folder", assignment=aid)))
            continue
        store = AnswerStore(home)
        present = store.read_all()
        for qid, record in sorted(by_question.items()):
            current = present.get(qid)
            here = current if isinstance(current, AnswerRecord) else None
            if not record.is_newer_than(here):
                report.kept.append((aid, qid))
                continue
            try:
                store.write(record)
            except OSError as error:
                report.failed.append((aid, qid, error.strerror or type(error).__name__))
            else:
                report.restored.append((aid, qid))
    return report


# -- command line -----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    """``python -m course.progress export|import``, for the JupyterLab version."""
    parser = argparse.ArgumentParser(
        prog="python -m course.progress",
        description="Export every answer of the course into one file, or import such a file.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    export = commands.add_parser("export", help="write every answer into one JSON file")
    export.add_argument("--from", dest="workspace", default=".",
                        help="the folder holding a01_provenance/ ... (default: here)")  # fmt: skip
    export.add_argument("-o", "--output", default=None, help="the file to write")
    restore = commands.add_parser("import", help="restore the answers of an exported file")
    restore.add_argument("file", help="the file 'Export my answers' saved")
    restore.add_argument("--into", dest="workspace", default=".",
                         help="the folder holding a01_provenance/ ... (default: here)")  # fmt: skip
    args = parser.parse_args(argv)
    workspace = Path(args.workspace)
    if not workspace.is_dir():
        print(f"{workspace}: no such folder. Give the folder that holds your assignments' "
              "folders (a01_provenance/ ...), e.g. workspace", file=sys.stderr)  # fmt: skip
        return 2
    if args.command == "export":
        records = collect(course_homes(workspace))
        stamp = now_iso()
        target = Path(args.output or export_name(stamp))
        target.write_text(export_text(records, stamp), encoding="utf-8")
        print(say("export_done", n=count(records), name=str(target)))
        return 0
    path = Path(args.file)
    try:
        parsed = parse_export(path.read_bytes(), name=str(path))
    except OSError as error:
        print(f"{path}: cannot be read ({error.strerror}).", file=sys.stderr)
        return 2
    except ProgressFileProblem as problem:
        print(problem, file=sys.stderr)
        return 2
    report = import_records(parsed, course_homes(workspace))
    print("\n".join(report.lines()))
    return 1 if report.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
