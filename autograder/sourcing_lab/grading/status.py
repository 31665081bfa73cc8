"""Each student's submission state for an assignment, from the course folder and gradebook.

- **not submitted**: no submission folder, or one with no notebook in it;
- **not gradable**: a notebook was submitted but no grading result exists for it (unreadable,
  oversized, wrong format, or grading crashed), with the reason where one is known;
- **stale**: the newest submission was not graded (its time stamp differs from the graded one):
  the score on record belongs to an older submission and must not be exported as current;
- **graded**: a result exists for the newest submission.

Each state also lists what the steps that copied the submission left out of it (``ignored``:
links, pipes, files over the limits). Submitted files are read as ``intake`` reads them: a
notebook or time stamp that is a link, a pipe or a device is never opened.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sourcing_lab.grading.intake import NotAFile, read_file
from sourcing_lab.grading.ledger import SubmissionState, read_result
from sourcing_lab.paths import CoursePaths

MAX_NOTEBOOK_BYTES = 20_000_000


@dataclass(frozen=True)
class StudentState:
    """One student's submission state, why (where known) and what intake left out."""

    student: str
    state: SubmissionState
    reason: str = ""
    ignored: tuple[str, ...] = ()


def submitted_timestamp(folder: Path) -> str | None:
    try:
        text = read_file(folder / "timestamp.txt", 1000).decode("utf-8").strip()
    except (OSError, UnicodeDecodeError):
        return None
    from nbgrader.utils import parse_utc

    try:
        return parse_utc(text).isoformat()
    except (ValueError, TypeError):
        return None


def unreadable_reason(path: Path, below: Path | None = None) -> str:
    """Why a submitted notebook cannot be graded ('' when it looks gradable). With ``below``,
    no link on the way from that folder to the notebook is followed either."""
    try:
        size = path.lstat().st_size
    except OSError:
        return "missing file"
    if size > MAX_NOTEBOOK_BYTES and path.is_file() and not path.is_symlink():
        return (
            f"too large ({size // 1_000_000} MB; the limit is {MAX_NOTEBOOK_BYTES // 1_000_000} MB)"
        )
    try:
        raw = read_file(path, MAX_NOTEBOOK_BYTES, below=below)
    except NotAFile as exc:
        return f"not a notebook file: {exc.reason}"
    except OSError as exc:
        return f"unreadable notebook: {exc.strerror or exc}"
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return "encoding: the file is not UTF-8 text"
    except ValueError:
        return "unreadable notebook: the file is not valid JSON (truncated upload?)"
    if not isinstance(data, dict) or data.get("nbformat") != 4:
        return "format: not a Jupyter notebook of format version 4"
    return ""


def submission_states(
    course: Path | CoursePaths, assignment: str, notebooks: list[str], students: list[str]
) -> dict[str, StudentState]:
    """State per student (every student on the roster, submitted or not) in the course folder
    ``course`` (or its :class:`~sourcing_lab.paths.CoursePaths`)."""
    paths = CoursePaths.of(course)
    states = {}
    for student in students:
        state, reason = _state(paths, assignment, notebooks, student)
        ignored = tuple(paths.ignored(assignment, student))
        states[student] = StudentState(student, state, reason, ignored)
    return states


def _state(
    paths: CoursePaths, assignment: str, notebooks: list[str], student: str
) -> tuple[SubmissionState, str]:
    submitted = paths.folder("submitted")
    folder = paths.submission(student, assignment)
    found = sorted(p.name for p in folder.glob("*.ipynb")) if folder.is_dir() else []
    if not found:
        return SubmissionState.NOT_SUBMITTED, ""
    expected = [f"{n}.ipynb" for n in notebooks]
    missing = [n for n in expected if n not in found]
    results = [read_result(paths.result(assignment, student, n)) for n in notebooks]
    if missing and all(r is None for r in results):
        extras = ", ".join(sorted(set(found) - set(expected)))
        return SubmissionState.NOT_GRADABLE, f"missing file {', '.join(missing)} (found: {extras})"
    if any(r is None for r in results):
        reasons = [unreadable_reason(folder / n, submitted) for n in expected if n in found]
        return SubmissionState.NOT_GRADABLE, next(
            (r for r in reasons if r), "grading did not finish for this submission"
        )
    current = submitted_timestamp(folder)
    graded = {r.get("submission_timestamp") for r in results}
    if current is not None and graded != {current}:
        return SubmissionState.STALE, (
            "a newer submission has not been graded; the score on record is from an older one"
        )
    return SubmissionState.GRADED, ""
