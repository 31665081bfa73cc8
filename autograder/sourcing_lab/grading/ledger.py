"""What the grader knows about each submission, kept on the instructor side.

- The **harvest** (answer records read from a submission before its outputs are cleared) lives
  in the grader's memory between nbgrader's sanitize and autograde phases: the student's kernel,
  which runs in between, cannot touch it.
- The **result** of each notebook (per-item outcomes, the harvested answers, the submission's
  time stamp) is written as JSON under ``<course root>/sourcing_lab/results/``, for reports,
  exports and the stale check. It never goes into the autograded or feedback folders.
- What each step that copies a submission (collect, zip_collect, autograde) **left out of it**
  (links, pipes, devices, files over the limits: ``intake``) is written as JSON under
  ``<course root>/sourcing_lab/ignored/``, one file per submission and step.
"""

from __future__ import annotations

import json
import os
import sqlite3
import tempfile
import time
from dataclasses import asdict, dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

from course.answers import AnswerRecord


class ItemState(StrEnum):
    """What the grader made of one item, as RELIABILITY.md names it (stored as the value)."""

    GRADED = "graded"  # scored from the answer
    ZERO = "zero"  # scored 0 for a stated reason (no usable answer, the code failed)
    FLAG = "flag"  # scored, and needs a person's look in formgrader


class SubmissionState(StrEnum):
    """A student's submission for an assignment (``grading.status``; the export adds
    needs review). Stored and shown as the value."""

    NOT_SUBMITTED = "not submitted"
    NOT_GRADABLE = "not gradable"
    STALE = "stale"
    GRADED = "graded"
    NEEDS_REVIEW = "needs review"


@dataclass
class Harvest:
    """Answers read from one submitted notebook and its answers/ folder."""

    records: dict[str, AnswerRecord] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)  # question id -> why unusable
    notes: list[str] = field(default_factory=list)  # for the instructor
    flags: dict[str, str] = field(default_factory=dict)  # grade id -> why flagged
    # question id -> course.answers.Disagreement.to_json(): copies that could not be ordered
    disagreements: dict[str, dict[str, Any]] = field(default_factory=dict)
    # grade id -> what ScoreAnswers made of the item: the one channel later steps (FlagForReview,
    # the kernel-free path) read, never the text a check cell shows
    outcomes: dict[str, ItemOutcome] = field(default_factory=dict)

    def flagged(self) -> list[str]:
        """Grade ids of the items that need a person's look in formgrader."""
        return [gid for gid, outcome in self.outcomes.items() if outcome.state is ItemState.FLAG]


@dataclass
class ItemOutcome:
    question_id: str
    grade_id: str
    state: ItemState
    score: float
    max_score: float
    reasons: list[str] = field(default_factory=list)


_HARVESTS: dict[tuple[str, str, str], Harvest] = {}


def remember(key: tuple[str, str, str], harvest: Harvest) -> None:
    _HARVESTS[key] = harvest


def forget(key: tuple[str, str, str]) -> None:
    """Drop a notebook's harvest once its last step has read it (a class would pile them up)."""
    _HARVESTS.pop(key, None)


def recall(key: tuple[str, str, str]) -> Harvest:
    """The harvest for a notebook; an empty one if sanitizing never ran (treated as blank)."""
    return _HARVESTS.get(key) or Harvest(notes=["no harvest: the kit's sanitize step did not run"])


def find_coursedir(preprocessor: Any) -> Any:
    """nbgrader's CourseDirectory, found by walking up the configurable parents."""
    node = getattr(preprocessor, "parent", None)
    while node is not None:
        if getattr(node, "coursedir", None) is not None:
            return node.coursedir
        node = getattr(node, "parent", None)
    return None


def results_folder(course_root: str | Path) -> Path:
    return Path(course_root) / "sourcing_lab" / "results"


def result_path(course_root: str | Path, assignment: str, student: str, notebook: str) -> Path:
    return results_folder(course_root) / assignment / student / f"{notebook}.json"


INTAKE_STEPS = ("collect", "zip_collect", "autograde")


def ignored_path(course_root: str | Path, assignment: str, student: str, step: str) -> Path:
    return Path(course_root) / "sourcing_lab" / "ignored" / assignment / student / f"{step}.json"


def record_ignored(
    course_root: str | Path, assignment: str, student: str, step: str, described: list[str]
) -> None:
    """What ``step`` left out of this submission (replacing what that step said before)."""
    write_result(ignored_path(course_root, assignment, student, step), {"ignored": described})


def ignored_entries(course_root: str | Path, assignment: str, student: str) -> list[str]:
    """Everything any step left out of this submission, each entry once, collect first."""
    found: list[str] = []
    for step in INTAKE_STEPS:
        data = read_result(ignored_path(course_root, assignment, student, step)) or {}
        found += [d for d in data.get("ignored", []) if isinstance(d, str) and d not in found]
    return found


def write_result(path: Path, data: dict[str, Any]) -> None:
    """Atomic JSON write (a killed grader leaves the previous result whole)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(prefix=".result.", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        json.dump(data, out, indent=1, sort_keys=True, ensure_ascii=False)
        out.flush()
        os.fsync(out.fileno())
    os.replace(temp, path)


def read_result(path: Path) -> dict[str, Any] | None:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def outcome_dicts(outcomes: list[ItemOutcome]) -> list[dict[str, Any]]:
    return [asdict(o) for o in outcomes]


_BACKED_UP: set[str] = set()


def backup_gradebook(db_url: str, keep: int = 5) -> Path | None:
    """Copy the SQLite gradebook aside once per grading process; keep the newest ``keep``."""
    if not db_url.startswith("sqlite:///") or db_url in _BACKED_UP:
        return None
    _BACKED_UP.add(db_url)
    db = Path(db_url.removeprefix("sqlite:///"))
    if not db.exists():
        return None
    folder = db.parent / "gradebook-backups"
    folder.mkdir(exist_ok=True)
    target = folder / f"{db.stem}-{time.strftime('%Y%m%d-%H%M%S')}-{os.getpid()}{db.suffix}"
    with sqlite3.connect(db) as source, sqlite3.connect(target) as copy:
        source.backup(copy)  # consistent even while another process writes
    for old in sorted(folder.glob(f"{db.stem}-*{db.suffix}"))[:-keep]:
        old.unlink(missing_ok=True)
    return target
