"""``make bench``: stock serial ``nbgrader autograde`` against ``sourcing-lab grade``.

One run, one machine, the same generated submissions in two identical course copies: one with
stock nbgrader settings, one with the kit's. Prints total time, per-submission median and p95,
peak memory, the student path (``import course``, Run-All per exercise), and last the line
``grading speedup vs stock nbgrader: X.XX×``. A measurement, never a test assertion.
"""

from __future__ import annotations

import argparse
import itertools
import json
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from sourcing_lab.course_init import init_course
from sourcing_lab.exercises import REPO
from sourcing_lab.keys import load_keys
from sourcing_lab.simulate import simulate_class, solution_code, submission_notebook

BIN = Path(sys.executable).parent
STOCK_CONFIG = """c = get_config()  # noqa: F821
c.CourseDirectory.root = {root!r}
c.CourseDirectory.course_id = "bench"
c.CourseDirectory.db_url = "sqlite:///{root}/gradebook.db"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "answers"]
c.ClearSolutions.code_stub = {{"python": "# YOUR CODE HERE"}}
c.Application.log_format = "%(asctime)s.%(msecs)03d [%(name)s] %(message)s"
c.Application.log_datefmt = "%H:%M:%S"
"""
PHASE = """
import json, resource, subprocess, sys, time
started = time.monotonic()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
print(json.dumps({"seconds": time.monotonic() - started, "rc": done.returncode,
                  "peak_kb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss,
                  "log": done.stdout[-400000:] + done.stderr[-400000:]}))
"""


def _measure(command: list[str], cwd: Path) -> dict:
    """Run a command in a fresh wrapper process: its time and its children's peak memory."""
    out = subprocess.run(
        [sys.executable, "-c", PHASE, *command], cwd=cwd, capture_output=True, text=True, check=True
    )
    return json.loads(out.stdout)


def _prepare(base: Path, assignment: str, students: int) -> tuple[Path, Path]:
    kit = init_course(base / "kit")
    (kit / "nbgrader_config.py").open("a").write("\nc.CollectApp.check_owner = False\n")
    subprocess.run(
        [str(BIN / "nbgrader"), "generate_assignment", assignment, "--force"],
        cwd=kit,
        check=True,
        capture_output=True,
    )
    release = next((kit / "release" / assignment).glob("*.ipynb"))
    release_nb = json.loads(release.read_text())
    keys = load_keys(keys_root=kit / "keys")
    for work in simulate_class(assignment, students, keys, correct_code=solution_code(assignment)):
        folder = kit / "submitted" / work.student / assignment
        folder.mkdir(parents=True)
        nb, records = submission_notebook(release_nb, work, assignment)
        (folder / release.name).write_text(json.dumps(nb))
        if work.keep_answers_dir:
            from course.answers import AnswerStore

            for rec in records:
                AnswerStore(folder).write(rec)
        (folder / "timestamp.txt").write_text("2026-11-20 09:00:00.000000 UTC")
    stock = base / "stock"
    shutil.copytree(kit, stock)
    (stock / "nbgrader_config.py").write_text(STOCK_CONFIG.format(root=str(stock)))
    return stock, kit


def _stock_durations(log: str) -> list[float]:
    """Per-submission seconds from the timestamps of nbgrader's 'Autograding' log lines."""
    stamps = [
        datetime.strptime(m.group(1), "%H:%M:%S.%f")
        for m in re.finditer(r"^(\d\d:\d\d:\d\d\.\d{3}) .*Sanitizing", log, re.MULTILINE)
    ]
    end = re.findall(r"^(\d\d:\d\d:\d\d\.\d{3}) ", log, re.MULTILINE)
    if not stamps or not end:
        return []
    stamps.append(datetime.strptime(end[-1], "%H:%M:%S.%f"))
    return [(b - a).total_seconds() for a, b in itertools.pairwise(stamps)]


def _stats(values: list[float]) -> tuple[float, float]:
    if not values:
        return 0.0, 0.0
    ordered = sorted(values)
    return statistics.median(ordered), ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]


def _student_path() -> list[str]:
    lines = []
    imports = []
    for _ in range(5):  # python -X importtime: the package's own cumulative import time
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import course"],
            capture_output=True,
            text=True,
            check=True,
        ).stderr
        match = re.search(r"\|\s*(\d+)\s*\|\s*course$", out, re.MULTILINE)
        imports.append(int(match.group(1)) / 1e6 if match else float("nan"))
    lines.append(
        f"import course: {1000 * statistics.median(imports):.1f} ms "
        "(python -X importtime, cumulative, median of 5)"
    )
    import nbformat
    from nbclient import NotebookClient

    for notebook in sorted((REPO / "exercises").glob("*/*.ipynb")):
        with tempfile.TemporaryDirectory() as scratch:
            shutil.copy(notebook, scratch)
            nb = nbformat.read(Path(scratch) / notebook.name, as_version=4)
            start = time.perf_counter()
            NotebookClient(nb, timeout=120, resources={"metadata": {"path": scratch}}).execute()
            lines.append(
                f"Run-All {notebook.parent.name}: {time.perf_counter() - start:.2f} s "
                "(kernel start included)"
            )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sourcing_lab.bench", description=__doc__)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--assignment", default="a01_provenance")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="sourcing-lab-bench-"))
    try:
        stock, kit = _prepare(base, args.assignment, args.students)
        stock_run = _measure(
            [str(BIN / "nbgrader"), "autograde", args.assignment, "--force"], stock
        )
        kit_run = _measure(
            [
                str(BIN / "sourcing-lab"),
                "grade",
                args.assignment,
                "--workers",
                str(args.workers),
                "--course",
                str(kit),
                "--timings",
            ],
            kit,
        )
        kit_times = [o["seconds"] for o in _kit_outcomes(kit_run["log"])]
        stock_median, stock_p95 = _stats(_stock_durations(stock_run["log"]))
        kit_median, kit_p95 = _stats(kit_times)
        speedup = stock_run["seconds"] / kit_run["seconds"] if kit_run["seconds"] else 0.0
        rows = [
            ("", "stock nbgrader (serial)", f"sourcing-lab grade ({args.workers} workers)"),
            ("total", f"{stock_run['seconds']:.1f} s", f"{kit_run['seconds']:.1f} s"),
            ("per submission, median", f"{stock_median:.2f} s", f"{kit_median:.2f} s"),
            ("per submission, p95", f"{stock_p95:.2f} s", f"{kit_p95:.2f} s"),
            (
                "peak memory (largest process)",
                f"{stock_run['peak_kb'] / 1024:.0f} MiB",
                f"{kit_run['peak_kb'] / 1024:.0f} MiB",
            ),
        ]
        print(f"{args.students} submissions of {args.assignment}, one run on this machine")
        for label, left, right in rows:
            print(f"  {label:32} {left:>26} {right:>32}")
        for line in _student_path():
            print("  " + line)
        print(f"grading speedup vs stock nbgrader: {speedup:.2f}×")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


def _kit_outcomes(log: str) -> list[dict]:
    """Per-submission seconds, as ``sourcing-lab grade --timings`` prints them."""
    return [{"seconds": float(s)} for s in re.findall(r"^graded \S+ in ([\d.]+) s", log, re.M)]


if __name__ == "__main__":
    raise SystemExit(main())
