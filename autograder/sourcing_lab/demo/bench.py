"""``make bench``: stock serial ``nbgrader autograde`` against ``sourcing-lab grade``.

The same generated submissions in two identical course copies: one with stock nbgrader
settings, graded once; one with the kit's, graded three times (from the same starting state).
Shows progress on stderr while it runs. Prints total times, per-submission median and p95, peak
memory, where the kit's time goes (kernel start, execution, nbgrader's bookkeeping, scoring,
and the run's fixed costs), the kernel-free path's time per submission, the student path
(``import course``, Run-All per exercise), the minimum, median and maximum speed-up, and last
the line ``grading speedup vs stock nbgrader: X.XX×`` with the **minimum**. A measurement,
never a test assertion.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
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
from sourcing_lab.demo.simulate import simulate_class, solution_code, submission_notebook
from sourcing_lab.exercises import REPO
from sourcing_lab.keys import load_keys

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
KIT_RUNS = 3
_BEGAN = time.monotonic()


def _say(text: str) -> None:
    """Progress, on stderr: the benchmark runs for minutes."""
    print(f"[bench {time.monotonic() - _BEGAN:6.1f} s] {text}", file=sys.stderr, flush=True)


def _measure(command: list[str], cwd: Path, label: str, progress: str, total: int) -> dict:
    """Run a command, passing a progress line on every tenth submission its log shows: its
    wall time, exit code, log, and the peak memory of its largest process (``wait4``)."""
    started = time.monotonic()
    process = subprocess.Popen(
        command, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    lines, done = [], 0
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)
        if not re.search(progress, line):
            continue
        if found := re.search(r"(\d+)/\d+ graded", line):  # the kit prints its own count
            done, due = int(found.group(1)), True
        else:
            done += 1
            due = done % max(1, total // 6) == 0 or done == total
        if due:
            _say(f"{label}: {done}/{total} submissions, {time.monotonic() - started:.1f} s")
    _pid, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    log = "".join(lines)
    if process.returncode:
        raise RuntimeError(f"{label} failed ({process.returncode}):\n{log[-4000:]}")
    return {"seconds": time.monotonic() - started, "peak_kb": usage.ru_maxrss, "log": log}


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


def _phases(kit: Path, assignment: str, per_submission: list[float]) -> dict[str, float]:
    """Seconds per phase, summed over the run's submissions, from the result files."""
    found = {"kernel start": 0.0, "execution": 0.0, "scoring": 0.0}
    for path in (kit / "sourcing_lab" / "results" / assignment).glob("*/*.json"):
        timings = json.loads(path.read_text(encoding="utf-8")).get("timings") or {}
        found["kernel start"] += timings.get("kernel_start", 0.0)
        found["execution"] += timings.get("execute", 0.0)
        found["scoring"] += timings.get("scoring", 0.0)
    found["nbgrader bookkeeping"] = max(sum(per_submission) - sum(found.values()), 0.0)
    return found


def _kernels_from(kit: Path, assignment: str) -> dict[str, int]:
    """How many notebooks got a kernel forked from the zygote, and how many a new process."""
    counts: dict[str, int] = {}
    for path in (kit / "sourcing_lab" / "results" / assignment).glob("*/*.json"):
        source = (json.loads(path.read_text(encoding="utf-8")).get("timings") or {}).get(
            "kernel_from"
        )
        if source:
            counts[source] = counts.get(source, 0) + 1
    return counts


def _kernel_free(kit: Path, assignment: str, outcomes: list[dict]) -> tuple[list[float], int]:
    """Per-submission seconds of the submissions graded without any kernel, and how many of
    them the kit's kernel-free path graded (the others went through nbgrader's converter)."""
    from sourcing_lab.grading.kernel_free import GRADED_BY

    folder = kit / "sourcing_lab" / "results" / assignment
    free, by_path = [], 0
    for outcome in outcomes:
        results = [json.loads(p.read_text()) for p in (folder / outcome["student"]).glob("*.json")]
        if results and all((r.get("isolation") or {}).get("level") == "no kernel" for r in results):
            free.append(outcome["seconds"])
            by_path += all((r.get("timings") or {}).get("graded_by") == GRADED_BY for r in results)
    return free, by_path


def _kit_run(kit: Path, pristine: Path, args: argparse.Namespace, run: int) -> dict:
    shutil.rmtree(kit)
    shutil.copytree(pristine, kit, symlinks=True)  # every run starts from the same state
    command = [str(BIN / "sourcing-lab"), "grade", args.assignment, "--workers", str(args.workers)]
    measured = _measure(
        [*command, "--course", str(kit), "--timings"],
        kit,
        f"kit run {run}/{KIT_RUNS}",
        r"\d+/\d+ graded",
        args.students,
    )
    outcomes = _kit_outcomes(measured["log"])
    measured["per_submission"] = [o["seconds"] for o in outcomes]
    measured["phases"] = _phases(kit, args.assignment, measured["per_submission"])
    measured["kernels_from"] = _kernels_from(kit, args.assignment)
    measured["kernel_free"], measured["kernel_free_path"] = _kernel_free(
        kit, args.assignment, outcomes
    )
    return measured


def _phase_lines(runs: list[dict], workers: int) -> list[str]:
    """Where the kit's time goes, for the median run: per phase, the mean per submission and
    the share of the workers' time; the rest of the wall time is fixed cost."""
    run = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
    count = max(len(run["per_submission"]), 1)
    busy = sum(run["per_submission"])
    lines = [f"where the time goes (median kit run, {run['seconds']:.1f} s, {workers} workers):"]
    for phase, seconds in run["phases"].items():
        share = 100 * seconds / busy if busy else 0.0
        lines.append(f"  {phase:22} {1000 * seconds / count:8.0f} ms per submission {share:5.1f} %")
    kernels = ", ".join(f"{n} from {source}" for source, n in sorted(run["kernels_from"].items()))
    lines.append(f"  kernels: {kernels or 'none'}")
    fixed = max(run["seconds"] - busy / workers, 0.0)
    lines.append(
        f"  {'fixed cost of the run':22} {fixed:8.1f} s (workers start, intake, merge, summary)"
    )
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sourcing_lab.demo.bench", description=__doc__)
    parser.add_argument("--students", type=int, default=60)
    parser.add_argument("--assignment", default="a01_provenance")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="sourcing-lab-bench-"))
    load_before = _load()
    try:
        _say(f"preparing {args.students} submissions of {args.assignment}")
        stock, kit = _prepare(base, args.assignment, args.students)
        pristine = base / "kit-pristine"
        shutil.copytree(kit, pristine, symlinks=True)
        _say("stock nbgrader autograde, serial (the slow one)")
        stock_run = _measure(
            [str(BIN / "nbgrader"), "autograde", args.assignment, "--force"],
            stock,
            "stock",
            r"Autograding ",
            args.students,
        )
        kit_runs = []
        for run in range(1, KIT_RUNS + 1):
            _say(f"sourcing-lab grade, run {run} of {KIT_RUNS}")
            kit_runs.append(_kit_run(kit, pristine, args, run))
        _say("student path: import time and Run-All of every exercise")
        student_lines = _student_path()
        speedups = sorted(stock_run["seconds"] / r["seconds"] for r in kit_runs if r["seconds"])
        stock_median, stock_p95 = _stats(_stock_durations(stock_run["log"]))
        kit_median, kit_p95 = _stats([t for r in kit_runs for t in r["per_submission"]])
        kit_totals = sorted(r["seconds"] for r in kit_runs)
        rows = [
            (
                "",
                "stock nbgrader (serial)",
                f"sourcing-lab grade ({args.workers} workers, {KIT_RUNS} runs)",
            ),
            (
                "total",
                f"{stock_run['seconds']:.1f} s",
                " / ".join(f"{t:.1f}" for t in kit_totals) + " s",
            ),
            ("per submission, median", f"{stock_median:.2f} s", f"{kit_median:.3f} s"),
            ("per submission, p95", f"{stock_p95:.2f} s", f"{kit_p95:.3f} s"),
            (
                "peak memory (largest process)",
                f"{stock_run['peak_kb'] / 1024:.0f} MiB",
                f"{max(r['peak_kb'] for r in kit_runs) / 1024:.0f} MiB",
            ),
        ]
        print(f"{args.students} submissions of {args.assignment}, on this machine")
        print(
            f"  {os.cpu_count()} cores; load average {load_before} at the start, "
            f"{_load()} at the end"
        )
        for label, left, right in rows:
            print(f"  {label:32} {left:>26} {right:>40}")
        for line in _phase_lines(kit_runs, args.workers):
            print("  " + line)
        for line in student_lines:
            print("  " + line)
        free = [t for r in kit_runs for t in r["kernel_free"]]
        if free:
            by_path = sum(r["kernel_free_path"] for r in kit_runs)
            print(
                f"kernel-free grading: {1000 * statistics.median(free):.0f} ms per submission "
                f"(median of {len(free)} widget-only submissions over {KIT_RUNS} runs; "
                f"p95 {1000 * _stats(free)[1]:.0f} ms, fastest {1000 * min(free):.0f} ms; "
                f"{by_path} by the kit's kernel-free path, the rest by nbgrader's converter)"
            )
        else:
            print("kernel-free grading: no widget-only submission in this class")
        low, middle, high = speedups[0], statistics.median(speedups), speedups[-1]
        print(
            f"speedup over {KIT_RUNS} kit runs: "
            f"min {low:.2f}×, median {middle:.2f}×, max {high:.2f}×"
        )
        print(f"grading speedup vs stock nbgrader: {speedups[0]:.2f}×")
    finally:
        shutil.rmtree(base, ignore_errors=True)
    return 0


def _load() -> str:
    """The 1, 5 and 15 minute load averages (other work on the machine skews the figures)."""
    try:
        return " / ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        return "unknown"


def _kit_outcomes(log: str) -> list[dict]:
    """Per-submission seconds, as ``sourcing-lab grade --timings`` prints them."""
    found = re.findall(r"^graded (\S+) in ([\d.]+) s", log, re.M)
    return [{"student": student, "seconds": float(s)} for student, s in found]


if __name__ == "__main__":
    raise SystemExit(main())
