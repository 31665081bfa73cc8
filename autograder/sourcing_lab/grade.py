"""``sourcing-lab grade ASSIGNMENT``: autograde every collected submission, in parallel.

Students are shared out over a few worker processes (``grading.workers``), forked once this
process has imported nbgrader and the kit (importing them costs 2-3 s per process). Each runs
nbgrader's own Autograde, through its API, with the course's configuration, one student at a
time, against a private copy of the gradebook; after each submission it keeps what nbgrader
stored as a record file, and at the end one writer merges the records into the course's
gradebook (``grading.merge``).

``--shard I/N`` grades only the students of shard I (a stable hash of the student id) and
writes their records without touching the gradebook; ``--merge`` merges every record of the
assignment. N machines (a Kubernetes Indexed Job, any batch scheduler) then grade one class
together, sharing the course folder. Unreadable or oversized notebooks are
rejected before any worker sees them. Progress, an ETA and a one-screen summary go to stderr;
the summary says how isolated the grading kernels were and what the intake left out of each
submission. With ``require_isolation`` (or ``HardenedExecute.require_isolation`` in the course's
config) nothing is graded unless this host gives kernels full isolation.
"""

from __future__ import annotations

import sys
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from sourcing_lab.grading import isolation, merge
from sourcing_lab.grading.ledger import backup_gradebook, read_result
from sourcing_lab.grading.status import unreadable_reason
from sourcing_lab.grading.workers import Outcome, run_workers
from sourcing_lab.paths import CoursePaths


class GradeError(RuntimeError):
    """The run cannot start (not a course, unknown assignment, nothing collected)."""


@dataclass
class GradeSummary:
    outcomes: list[Outcome] = field(default_factory=list)
    rejected: dict[str, str] = field(default_factory=dict)  # student -> not-gradable reason
    counts: Counter = field(default_factory=Counter)
    seconds: float = 0.0
    isolation: Counter = field(default_factory=Counter)  # how isolated -> notebooks
    ignored: dict[str, list[str]] = field(default_factory=dict)  # student -> left out
    merged: int | None = None  # submissions merged into the gradebook (None: not merged)
    shard: tuple[int, int] | None = None


def load_course_config(course_root: Path) -> Any:
    from sourcing_lab.exercises import load_nbgrader_config

    path = course_root / "nbgrader_config.py"
    if not path.exists():
        raise GradeError(
            f"{course_root} is not a course folder (no nbgrader_config.py). "
            "Create one with `sourcing-lab course init DIR`"
        )
    try:
        config = load_nbgrader_config(path)
    except Exception as exc:  # a broken config would silently fall back to stock nbgrader
        raise GradeError(f"{path} cannot be loaded ({exc}); fix it before grading") from exc
    if "sourcing_lab.grading.score.ScoreAnswers" not in config.Autograde.autograde_preprocessors:
        raise GradeError(f"{path} does not load the kit's grading settings (kit_config.py)")
    return config


def check_gradebook(db_url: str) -> None:
    """A damaged gradebook stops the run before anything is written to it."""
    import sqlite3

    path = Path(db_url.removeprefix("sqlite:///"))
    if not db_url.startswith("sqlite:///") or not path.exists():
        return  # nbgrader creates it
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            db.execute("select count(*) from sqlite_master").fetchone()
    except sqlite3.DatabaseError as exc:
        backups = sorted((path.parent / "gradebook-backups").glob("*.db"))
        hint = (
            f"restore the newest backup, {backups[-1]}" if backups else "restore it from a backup"
        )
        raise GradeError(f"the gradebook {path} is damaged ({exc}); {hint}") from None


def source_notebooks(paths: CoursePaths, assignment: str) -> list[str]:
    folder, source = paths.folder("source"), paths.assignment("source", assignment)
    if not source.is_dir():
        known = sorted(p.name for p in folder.iterdir() if p.is_dir()) if folder.is_dir() else []
        raise GradeError(f"unknown assignment '{assignment}'; known: {', '.join(known)}")
    return sorted(p.stem for p in source.glob("*.ipynb"))


def check_isolation(config: Any, required: bool) -> None:
    """Stop before anything is graded when full isolation is required and missing here."""
    settings = config.HardenedExecute
    if not (required or settings.get("require_isolation", False)):
        return
    offered = isolation.offered(
        settings.get("bwrap", "bwrap"), network=not settings.get("no_network", True)
    )
    if offered.level != isolation.FULL:
        raise GradeError(isolation.refusal(offered))


def grade_assignment(
    course_root: Path,
    assignment: str,
    *,
    workers: int = 2,
    stream: TextIO | None = None,
    require_isolation: bool = False,
    shard: tuple[int, int] | None = None,
) -> GradeSummary:
    """Grade every collected submission (or, with ``shard=(I, N)``, those of shard I, leaving
    the gradebook alone) and merge the records into the gradebook."""
    stream = stream or sys.stderr
    course_root = Path(course_root).resolve()
    config = load_course_config(course_root)
    check_isolation(config, require_isolation)
    paths = CoursePaths.of(course_root, config)
    notebooks = source_notebooks(paths, assignment)
    students = paths.collected(assignment)
    if shard:
        students = [s for s in students if merge.shard_of(s, shard[1]) == shard[0]]
    if not students and not shard:
        raise GradeError(
            f"nothing collected for '{assignment}'; run `nbgrader collect "
            f"{assignment}` first (submissions go to {paths.folder('submitted')})"
        )
    db_url = paths.db_url
    check_gradebook(db_url)
    summary = GradeSummary(shard=shard)
    gradable = []
    for student in students:
        folder, below = paths.submission(student, assignment), paths.folder("submitted")
        reasons = [r for n in notebooks if (r := unreadable_reason(folder / f"{n}.ipynb", below))]
        if reasons:
            summary.rejected[student] = reasons[0]
        else:
            gradable.append(student)
    started = time.monotonic()
    summary.outcomes = run_workers(
        course_root, assignment, gradable, workers, stream, require_isolation
    )
    if not shard:
        ok = {o.student for o in summary.outcomes if o.ok}
        records = [r for r in merge.read_records(course_root, assignment) if r["student"] in ok]
        summary.merged = _merge(db_url, records)
    summary.seconds = time.monotonic() - started
    summary.counts = _count_states(paths, assignment, notebooks, summary)
    return summary


def _merge(db_url: str, records: list[dict]) -> int:
    backup_gradebook(db_url)
    try:
        return merge.merge_records(db_url, records)
    except merge.MergeError as exc:
        raise GradeError(str(exc)) from None


def merge_assignment(course_root: Path, assignment: str) -> int:
    """``--merge``: every record kept for the assignment, into the course's gradebook."""
    course_root = Path(course_root).resolve()
    paths = CoursePaths.of(course_root, load_course_config(course_root))
    source_notebooks(paths, assignment)  # an unknown assignment stops here
    db_url = paths.db_url
    check_gradebook(db_url)
    try:
        records = merge.read_records(course_root, assignment)
    except merge.MergeError as exc:
        raise GradeError(str(exc)) from None
    if not records:
        raise GradeError(
            f"nothing to merge for '{assignment}': grade it first "
            f"(`sourcing-lab grade {assignment} --shard I/N` on each machine)"
        )
    return _merge(db_url, records)


def _count_states(
    paths: CoursePaths, assignment: str, notebooks: list[str], summary: GradeSummary
) -> Counter:
    counts: Counter = Counter()
    counts["not gradable"] += len(summary.rejected)
    for student in [*summary.rejected, *(o.student for o in summary.outcomes)]:
        if found := paths.ignored(assignment, student):
            summary.ignored[student] = found
    for outcome in summary.outcomes:
        results = [read_result(paths.result(assignment, outcome.student, n)) for n in notebooks]
        for result in results:
            summary.isolation[((result or {}).get("isolation") or {}).get("text", "unknown")] += 1
        if not outcome.ok or any(r is None for r in results):
            counts["not gradable"] += 1
            continue
        items = [o for r in results for o in r["outcomes"]]
        if any(o["state"] == "flag" for o in items):
            counts["flagged"] += 1
        elif items and all(o["score"] == 0 for o in items):
            counts["zero"] += 1
        else:
            counts["graded"] += 1
    return counts


def format_summary(summary: GradeSummary, assignment: str, roster_size: int) -> str:
    graded = sum(summary.counts.values())
    where = f" (shard {summary.shard[0]}/{summary.shard[1]})" if summary.shard else ""
    lines = [
        f"{assignment}{where}: {graded} submissions in {summary.seconds:.1f} s",
        "  graded: {graded}  zero: {zero}  flagged: {flagged}  not gradable: {ng}".format(
            graded=summary.counts["graded"],
            zero=summary.counts["zero"],
            flagged=summary.counts["flagged"],
            ng=summary.counts["not gradable"],
        ),
    ]
    if summary.shard:
        lines.append("  records written; the gradebook is untouched until `--merge`")
    else:
        lines.append(f"  not submitted: {max(roster_size - graded, 0)}")
        lines.append(f"  merged into the gradebook: {summary.merged or 0} submissions")
    for text, count in sorted(summary.isolation.items(), key=lambda kv: -kv[1]):
        lines.append(f"  isolation: {text}" + (f" ({count} notebooks)" if count > 1 else ""))
    for student, reason in sorted(summary.rejected.items()):
        lines.append(f"  not gradable: {student}: {reason}")
    for outcome in summary.outcomes:
        if not outcome.ok:
            lines.append(
                f"  not gradable: {outcome.student}: grading failed "
                f"({outcome.detail.strip().splitlines()[-1:] or ['see the log']})"
            )
    for student, ignored in sorted(summary.ignored.items()):
        lines += [f"  {student}: {line}" for line in ignored]
    slowest = sorted(summary.outcomes, key=lambda o: -o.seconds)[:3]
    if slowest:
        lines.append("  slowest: " + ", ".join(f"{o.student} {o.seconds:.1f} s" for o in slowest))
    return "\n".join(lines)
