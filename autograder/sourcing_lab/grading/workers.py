"""Grading workers for ``sourcing-lab grade``: processes forked from the grader once it has
imported nbgrader and the kit, each running nbgrader's own Autograde (through its API) one
student at a time against a private copy of the gradebook, keeping a record per submission
(``merge``), and reporting each outcome over a queue."""

from __future__ import annotations

import multiprocessing as mp
import os
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from sourcing_lab.grading import merge
from sourcing_lab.grading.cgroup import sweep_groups


@dataclass
class Outcome:
    student: str
    ok: bool
    seconds: float
    detail: str = ""


def _worker(
    config_path: str,
    assignment: str,
    students: list[str],
    queue: Any,
    required: bool,
    grader_pid: int,
) -> None:
    import shutil
    import tempfile

    from sourcing_lab.grading.lifeline import die_with_parent

    die_with_parent(grader_pid)  # a killed grader leaves no worker (nor kernel) grading on

    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    from sourcing_lab.console import quiet_known_noise
    from sourcing_lab.exercises import load_nbgrader_config

    quiet_known_noise()
    config = load_nbgrader_config(Path(config_path))
    config.Application.log_level = "WARN"
    if required:
        config.HardenedExecute.require_isolation = True
    course = CourseDirectory(config=config)
    # Local, never a shared disk; in memory where there is /dev/shm (its commits need no fsync,
    # and it is thrown away after the run: the records are what is kept).
    shm = "/dev/shm" if os.access("/dev/shm", os.W_OK) else None
    _sweep_private_gradebooks(Path(shm or tempfile.gettempdir()))
    sweep_groups()  # kernels that a killed grader's sandboxes left running, and empty groups
    private = Path(tempfile.mkdtemp(prefix=f"{PRIVATE}{os.getpid()}-", dir=shm))
    try:
        db_url = merge.copy_gradebook(course.db_url, private / "gradebook.db")
        config.CourseDirectory.db_url = db_url
        api = NbGraderAPI(config=config)
        kernel_free = _kernel_free_grader(api, assignment)
        for student in students:
            started = time.monotonic()
            try:
                ok, detail = _grade_one(api, kernel_free, db_url, assignment, student)
            except Exception as exc:  # keep grading the others whatever one submission does
                ok, detail = False, f"{type(exc).__name__}: {exc}"
            queue.put(Outcome(student, ok, time.monotonic() - started, detail))
    finally:
        from sourcing_lab.grading import forked_kernels

        forked_kernels.stop_all()  # a worker ends without running atexit hooks
        shutil.rmtree(private, ignore_errors=True)


PRIVATE = "sl-gradebook-"  # + the worker's pid: a killed worker's copy is found and removed


def _sweep_private_gradebooks(folder: Path) -> None:
    """Remove the private gradebooks of workers that were killed (their pid is gone)."""
    import shutil

    for found in folder.glob(f"{PRIVATE}*-*"):
        pid = found.name.removeprefix(PRIVATE).split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists() and sys.platform == "linux":
            shutil.rmtree(found, ignore_errors=True)


def _kernel_free_grader(api: Any, assignment: str) -> Any:
    """The worker's grader of widget-only submissions (``kernel_free``), or None."""
    from sourcing_lab.grading.kernel_free import KernelFreeGrader

    try:
        return KernelFreeGrader(api.coursedir, assignment, parent=api)
    except Exception as exc:  # e.g. an assignment the gradebook does not know: nbgrader says so
        print(f"kernel-free grading is off for this run: {exc}", file=sys.stderr)
        return None


def _grade_one(
    api: Any, kernel_free: Any, db_url: str, assignment: str, student: str
) -> tuple[bool, str]:
    """One submission: without a kernel when it needs none, else by nbgrader's Autograde; its
    record is written either way."""
    from sourcing_lab.console import nbgrader_warnings

    graded = kernel_free.grade(student) if kernel_free else None
    if graded is not None:
        ok, detail, log, record = True, "", graded.log, graded.record
    else:
        result = api.autograde(assignment, student, force=True, create=True)
        ok, detail = bool(result.get("success")), str(result.get("error", ""))[-2000:]
        log, record = str(result.get("log", "")), None
        if ok:
            record = merge.export_submission(db_url, assignment, student)
    for line in nbgrader_warnings(log):
        print(f"{student}: {line}", file=sys.stderr)
    if ok and record is not None:
        merge.write_record(api.coursedir.root, record)
    return ok, detail


def shards(students: list[str], workers: int) -> list[list[str]]:
    return [s for s in (students[i::workers] for i in range(workers)) if s]


def run_workers(
    course_root: Path,
    assignment: str,
    students: list[str],
    workers: int,
    stream: TextIO,
    required: bool,
) -> list[Outcome]:
    if not students:
        return []
    context = _preloaded_context()
    queue = context.Queue()
    processes = [
        context.Process(
            target=_worker,
            args=(
                str(course_root / "nbgrader_config.py"),
                assignment,
                shard,
                queue,
                required,
                os.getpid(),
            ),
        )
        for shard in shards(students, max(1, min(workers, len(students))))
    ]
    for process in processes:
        process.start()
    outcomes: list[Outcome] = []
    started = time.monotonic()
    while len(outcomes) < len(students):
        try:
            outcomes.append(queue.get(timeout=5))
        except Exception:  # queue.Empty: check that the workers are still alive
            if not any(p.is_alive() for p in processes):
                break
            continue
        _progress(stream, len(outcomes), len(students), time.monotonic() - started)
    for process in processes:
        process.join(timeout=30)
    done = {o.student for o in outcomes}
    outcomes += [
        Outcome(s, False, 0.0, "the grading worker stopped") for s in students if s not in done
    ]
    if getattr(stream, "isatty", lambda: False)():
        stream.write("\n")
    return outcomes


PRELOAD = (  # what every worker needs: imported once here, inherited by each forked worker
    "nbgrader.apps",
    "nbgrader.preprocessors",
    "sourcing_lab.grading.execute",
    "sourcing_lab.grading.harvest",
    "sourcing_lab.grading.canonical",
    "sourcing_lab.grading.score",
    "sourcing_lab.grading.metadata",
    "sourcing_lab.grading.nbgrader_hooks",
    "sourcing_lab.grading.kernel_free",
)


def _preloaded_context() -> Any:
    """Workers forked from this process once it has imported nbgrader and the kit's
    preprocessors (about 2-3 s per worker when each imports them itself, as ``spawn`` does).
    This process holds no open gradebook when it forks. Where ``fork`` is missing (macOS,
    Windows), or this process runs other threads (a fork copies none of them, but may copy a
    lock one of them holds), workers are spawned instead."""
    import importlib
    import threading

    if sys.platform != "linux" or threading.active_count() > 1:
        return mp.get_context("spawn")
    for name in PRELOAD:
        importlib.import_module(name)
    return mp.get_context("fork")


def _progress(stream: TextIO, done: int, total: int, elapsed: float) -> None:
    eta = elapsed / done * (total - done) if done else 0.0
    width = 30
    bar = "#" * (width * done // total) + "-" * (width - width * done // total)
    line = f"[{bar}] {done}/{total} graded, {elapsed:5.1f} s, ETA {eta:5.1f} s"
    if getattr(stream, "isatty", lambda: False)():
        stream.write("\r" + line)
    elif done == total or done % max(1, total // 4) == 0:  # logs get a few plain lines
        stream.write(line + "\n")
    stream.flush()
