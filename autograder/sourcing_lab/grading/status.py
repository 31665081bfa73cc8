"""Each student's submission state for an assignment, from the course folder and gradebook.

- **not submitted**: no submission folder, or one with no notebook in it;
- **not gradable**: a notebook was submitted but no grading result exists for it (unreadable,
  oversized, wrong format, or grading crashed), with the reason where one is known;
- **stale**: the newest submission was not graded (its time stamp differs from the graded one):
  the score on record belongs to an older submission and must not be exported as current;
- **graded**: a result exists for the newest submission.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sourcing_lab.grading.ledger import (
    NOT_GRADABLE,
    NOT_SUBMITTED,
    STALE,
    read_result,
    results_folder,
)

GRADED_STATE = "graded"
MAX_NOTEBOOK_BYTES = 20_000_000


@dataclass(frozen=True)
class SubmissionState:
    student: str
    state: str
    reason: str = ""


def submitted_timestamp(folder: Path) -> str | None:
    try:
        text = (folder / "timestamp.txt").read_text(encoding="utf-8").strip()
    except OSError:
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text).isoformat()
    except (ValueError, TypeError):
        return None


def unreadable_reason(path: Path) -> str:
    """Why a submitted notebook cannot be graded ('' when it looks gradable)."""
    try:
        size = path.stat().st_size
    except OSError:
        return "missing file"
    if size > MAX_NOTEBOOK_BYTES:
        return (
            f"too large ({size // 1_000_000} MB; the limit is {MAX_NOTEBOOK_BYTES // 1_000_000} MB)"
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except UnicodeDecodeError:
        return "encoding: the file is not UTF-8 text"
    except ValueError:
        return "unreadable notebook: the file is not valid JSON (truncated upload?)"
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        return "format: not a Jupyter notebook of format version 4"
    return ""


def submission_states(
    course_root: Path, assignment: str, notebooks: list[str], students: list[str]
) -> dict[str, SubmissionState]:
    """State per student (every student on the roster, submitted or not)."""
    states = {}
    for student in students:
        folder = course_root / "submitted" / student / assignment
        found = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
        if not found:
            states[student] = SubmissionState(student, NOT_SUBMITTED)
            continue
        expected = [f"{n}.ipynb" for n in notebooks]
        missing = [n for n in expected if n not in found]
        results = [
            read_result(results_folder(course_root) / assignment / student / f"{n}.json")
            for n in notebooks
        ]
        if missing and all(r is None for r in results):
            extras = ", ".join(sorted(set(found) - set(expected)))
            states[student] = SubmissionState(
                student, NOT_GRADABLE, f"missing file {', '.join(missing)} (found: {extras})"
            )
            continue
        reasons = [unreadable_reason(folder / n) for n in expected if n in found]
        if any(r is None for r in results):
            reason = next((r for r in reasons if r), "grading did not finish for this submission")
            states[student] = SubmissionState(student, NOT_GRADABLE, reason)
            continue
        current = submitted_timestamp(folder)
        graded = {r.get("submission_timestamp") for r in results}
        if current is not None and graded != {current}:
            states[student] = SubmissionState(
                student,
                STALE,
                "a newer submission has not been graded; the score on record is from an older one",
            )
            continue
        states[student] = SubmissionState(student, GRADED_STATE)
    return states
