"""Results first, gradebook second: what autograding one submission gave, as a file, and the
one writer that puts those files into the course's gradebook.

Each grading worker (or shard, ``sourcing-lab grade --shard I/N``) runs stock nbgrader
autograde against a **private copy** of the gradebook, so nothing it does reaches the course's
``gradebook.db``. After each submission, :func:`export_submission` reads back what nbgrader
stored for it (time stamp, late penalty, each grade's automatic score and review flag, each
answer's automatic comment) and :func:`write_record` keeps it as
``<course>/sourcing_lab/grades/<assignment>/<student>.json``, next to the kit's result files
(``ledger``). :func:`merge_records` then writes the records into the gradebook through
nbgrader's own ``Gradebook`` API, in one process.

The merge sets only what autograding owns: automatic scores and comments, late penalties,
time stamps. A manual score a grader gave is kept, and its grade stays marked for review (as
nbgrader's SaveAutoGrades does). Merging the same records again gives the same gradebook.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path
from typing import Any

from sourcing_lab.grading.ledger import read_result, write_result

FORMAT = 1


class MergeError(RuntimeError):
    """A record cannot be merged (another assignment's, or the gradebook lacks its cells)."""


def records_folder(course_root: str | Path, assignment: str) -> Path:
    return Path(course_root) / "sourcing_lab" / "grades" / assignment


def record_path(course_root: str | Path, assignment: str, student: str) -> Path:
    return records_folder(course_root, assignment) / f"{student}.json"


def shard_of(student: str, shards: int) -> int:
    """The shard (0 .. shards-1) a student belongs to: the same on every machine and run."""
    digest = hashlib.sha256(student.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % shards


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` (``I`` counted from 0, as Kubernetes' ``JOB_COMPLETION_INDEX``) as (I, N)."""
    try:
        index, count = (int(part) for part in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard takes I/N, for example 0/4 (got {text!r})") from None
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"--shard {text}: I must be from 0 to N-1 and N at least 1")
    return index, count


def copy_gradebook(db_url: str, target: Path) -> str:
    """A private, consistent copy of a SQLite gradebook (even while another process writes)."""
    if not db_url.startswith("sqlite:///"):
        raise MergeError(f"only a SQLite gradebook can be copied for a worker (got {db_url})")
    source = Path(db_url.removeprefix("sqlite:///"))
    target.parent.mkdir(parents=True, exist_ok=True)
    target.unlink(missing_ok=True)
    if source.exists():
        with sqlite3.connect(source) as db, sqlite3.connect(target) as copy:
            db.backup(copy)
    return f"sqlite:///{target}"


def export_submission(db_url: str, assignment: str, student: str) -> dict[str, Any]:
    """What autograding stored in the gradebook at ``db_url`` for one submission."""
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        notebooks = {}
        for notebook in submission.notebooks:
            notebooks[notebook.name] = {
                "late_submission_penalty": notebook.late_submission_penalty,
                "grades": {
                    g.name: {"auto_score": g.auto_score, "needs_manual_grade": g.needs_manual_grade}
                    for g in notebook.grades
                },
                "comments": {c.name: c.auto_comment for c in notebook.comments},
            }
        stamp = submission.timestamp
        return {
            "format": FORMAT,
            "assignment": assignment,
            "student": student,
            "timestamp": stamp.isoformat() if stamp else None,
            "notebooks": notebooks,
        }


def write_record(course_root: str | Path, record: dict[str, Any]) -> Path:
    path = record_path(course_root, record["assignment"], record["student"])
    write_result(path, record)
    return path


def read_records(course_root: str | Path, assignment: str) -> list[dict[str, Any]]:
    """Every record kept for an assignment, by student; a damaged file is reported."""
    found = []
    for path in sorted(records_folder(course_root, assignment).glob("*.json")):
        record = read_result(path)
        if not record or record.get("format") != FORMAT or record.get("assignment") != assignment:
            raise MergeError(f"{path} is not a grading record of {assignment}; grade it again")
        found.append(record)
    return found


def merge_records(db_url: str, records: list[dict[str, Any]]) -> int:
    """Write ``records`` into the gradebook; returns how many submissions were merged."""
    from nbgrader.api import Gradebook, MissingEntry

    from sourcing_lab.console import quiet_known_noise

    quiet_known_noise()  # nbgrader's gradebook code warns on every new submission row
    with Gradebook(db_url) as gradebook:
        for record in records:
            assignment, student = record["assignment"], record["student"]
            try:
                gradebook.find_student(student)
            except MissingEntry:
                gradebook.add_student(student)
            extra = {"timestamp": record["timestamp"]} if record["timestamp"] else {}
            gradebook.update_or_create_submission(assignment, student, **extra)
            for name, saved in record["notebooks"].items():
                try:
                    notebook = gradebook.find_submission_notebook(name, assignment, student)
                except MissingEntry:
                    raise MergeError(
                        f"{student}: the gradebook has no notebook {name} in {assignment}; "
                        f"run `nbgrader generate_assignment {assignment}` first"
                    ) from None
                notebook.late_submission_penalty = saved["late_submission_penalty"]
                grades = {g.name: g for g in notebook.grades}
                for cell, value in saved["grades"].items():
                    grade = grades[cell]
                    grade.auto_score = value["auto_score"]
                    grade.needs_manual_grade = (
                        value["needs_manual_grade"] or grade.manual_score is not None
                    )
                comments = {c.name: c for c in notebook.comments}
                for cell, text in saved["comments"].items():
                    comments[cell].auto_comment = text
            gradebook.db.commit()
    return len(records)


def dump_gradebook(db_url: str) -> dict[str, Any]:
    """Everything grading puts in a gradebook, without row ids: two gradebooks graded the
    same way dump the same."""
    from nbgrader.api import Gradebook

    found: dict[str, Any] = {}
    with Gradebook(db_url) as gradebook:
        for assignment in gradebook.assignments:
            for submission in assignment.submissions:
                stamp = submission.timestamp
                found[f"{assignment.name}/{submission.student.id}"] = {
                    "timestamp": stamp.isoformat() if stamp else None,
                    "notebooks": {
                        n.name: {
                            "late_submission_penalty": n.late_submission_penalty,
                            "grades": {
                                g.name: [g.auto_score, g.manual_score, g.needs_manual_grade]
                                for g in n.grades
                            },
                            "comments": {
                                c.name: [c.auto_comment, c.manual_comment] for c in n.comments
                            },
                        }
                        for n in submission.notebooks
                    },
                }
        found["students"] = sorted(s.id for s in gradebook.students)
    return found
