"""A grading kernel dies with its grader (``grading.lifeline``): a grader killed with SIGKILL,
even while its kernel's launcher is still starting, leaves no launcher, sandbox or kernel
behind (jupyter_client starts kernels in sessions of their own, so nothing else kills them)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from sourcing_lab.grading import isolation
from sourcing_lab.grading.kernel_view import MB, view_arguments
from sourcing_lab.grading.workers import PRIVATE

pytestmark = pytest.mark.skipif(sys.platform != "linux", reason="PR_SET_PDEATHSIG is Linux's")

# The "kernel": writes its pid, then waits far longer than the test.
KERNEL = "import os, sys, time; open(sys.argv[1], 'w').write(str(os.getpid())); time.sleep(120)"
# The "grader": starts the kit's launcher as jupyter_client does (a session of its own),
# says the launcher's pid, then waits to be killed.
GRADER = textwrap.dedent(
    """
    import json, os, subprocess, sys, time
    spec = json.loads(sys.argv[1])
    spec["grader_pid"] = os.getpid()
    command = [sys.executable, "-m", "sourcing_lab.grading.sandbox", json.dumps(spec), "--",
               *json.loads(sys.argv[2])]
    launcher = subprocess.Popen(command, start_new_session=True)
    print(launcher.pid, flush=True)
    time.sleep(120)
    """
)


def _alive(pid: int) -> bool:
    """Running (a zombie waiting for PID 1 to reap it counts as dead)."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status


def _running_with(text: str) -> list[int]:
    """Live processes whose command line holds ``text``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes().decode(errors="replace")
            except OSError:
                continue
            if text in cmdline and _alive(int(entry.name)):
                found.append(int(entry.name))
    return found


def _wait_for(check, seconds: float = 30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.05)
    return False


def _spec(tmp_path: Path, with_view: bool) -> tuple[dict, Path]:
    work = tmp_path / "work"
    private = tmp_path / "private"
    work.mkdir()
    private.mkdir()
    pid_file = private / "kernel.pid"
    view = None
    if with_view:
        view = view_arguments(
            "bwrap",
            workdir=str(work),
            private_dir=str(private),
            read_only=(),
            network=False,
            workdir_bytes=64 * MB,
            tmp_bytes=64 * MB,
        )
    spec = {
        "limits": {},
        "view": view,
        "workdir": str(work),
        "status_file": str(private / "status.json"),
        "entry_status_file": str(private / "entry.json"),
    }
    return spec, pid_file


@pytest.mark.parametrize("with_view", [False, True], ids=["no sandbox", "bubblewrap"])
def test_a_kernel_dies_when_its_grader_is_killed(tmp_path, with_view):
    if with_view and "view" not in isolation.offered("bwrap", network=False).applied:
        pytest.skip("bubblewrap cannot build a view on this host")
    spec, pid_file = _spec(tmp_path, with_view)
    grader = subprocess.Popen(
        [
            sys.executable,
            "-c",
            GRADER,
            json.dumps(spec),
            json.dumps([sys.executable, "-c", KERNEL, str(pid_file)]),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    launcher = int(grader.stdout.readline())
    assert _wait_for(pid_file.exists), "the kernel never started"
    status = json.loads((tmp_path / "private" / "status.json").read_text())
    assert status["dies_with_grader"] is True
    assert _alive(launcher)
    grader.kill()  # SIGKILL: no clean-up code runs
    grader.wait()
    assert _wait_for(lambda: not _alive(launcher)), "the launcher outlived its grader"
    assert _wait_for(lambda: not _running_with(str(pid_file))), "the kernel outlived its grader"
    if not with_view:  # the kernel is the launcher's own process (exec); in bwrap, its child
        assert int(pid_file.read_text()) == launcher


def test_a_launcher_whose_grader_is_already_gone_starts_nothing(tmp_path):
    spec, pid_file = _spec(tmp_path, with_view=False)
    spec["grader_pid"] = os.getpid() + 10_000_000  # not its parent: the grader died first
    command = [sys.executable, "-m", "sourcing_lab.grading.sandbox", json.dumps(spec), "--"]
    done = subprocess.run(
        [*command, sys.executable, "-c", KERNEL, str(pid_file)], timeout=60, check=False
    )
    assert done.returncode == 1
    assert not pid_file.exists()
    assert not (tmp_path / "private" / "status.json").exists()  # it stopped before anything


@pytest.mark.slow
@pytest.mark.parametrize("forked", [False, True], ids=["new kernels", "forked kernels"])
def test_a_killed_grade_run_leaves_no_worker_or_kernel_and_the_next_run_cleans_up(tmp_path, forked):
    from cases import ASSIGNMENT, perfect
    from kit import BIN, env_for, make_course, place_submission, reference_records
    from kit import release_notebook as released

    if forked and "view" not in isolation.offered("bwrap", network=False).applied:
        pytest.skip("forked kernels need a bubblewrap view")
    root = make_course(tmp_path, [ASSIGNMENT])
    if forked:  # the zygote, and the kernels forked from it, must die with the grader too
        with (root / "nbgrader_config.py").open("a") as handle:
            handle.write("\nc.HardenedExecute.forked_kernels = True\n")
    _name, nb = released(root, ASSIGNMENT)
    good = perfect(nb, reference_records(ASSIGNMENT))
    students = [f"s{n}" for n in range(1, 9)]
    for student in students:
        place_submission(root, student, ASSIGNMENT, good["nb"], good["records"])
    env = env_for(tmp_path / "home")
    command = [str(BIN / "sourcing-lab"), "grade", ASSIGNMENT, "--course", str(root)]
    grader = subprocess.Popen(
        [*command, "--workers", "2"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    kernels = lambda: [p for p in _running_with(env["TMPDIR"]) if p != grader.pid]  # noqa: E731
    assert _wait_for(kernels, 300), "no kernel started"
    workers = [p for p in _running_with(str(root)) if p != grader.pid]
    assert workers
    grader.kill()  # SIGKILL, mid-run: workers and kernels must follow
    grader.wait()
    assert _wait_for(lambda: not _running_with(str(tmp_path)), 10), _running_with(str(tmp_path))
    results = root / "sourcing_lab" / "results" / ASSIGNMENT
    graded = sorted(results.glob("*/*.json"))
    time.sleep(5)
    assert sorted(results.glob("*/*.json")) == graded  # nothing graded on after the kill
    assert len(graded) < len(students)
    left = [p for w in workers for p in Path("/dev/shm").glob(f"{PRIVATE}{w}-*")]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{len(students)} submissions" in done.stdout
    assert "not gradable: 0" in done.stdout
    assert not [p for p in left if p.exists()]  # the killed workers' private gradebooks


@pytest.mark.parametrize("grader_alive", [True, False], ids=["grader alive", "grader gone"])
def test_a_sandbox_whose_grader_died_during_its_set_up_starts_nothing(tmp_path, grader_alive):
    """bubblewrap's sandbox sets its own parent-death signal only at the end of its set-up; the
    grader's lifeline pipe covers those milliseconds (``lifeline.grader_fd``)."""
    if "view" not in isolation.offered("bwrap", network=False).applied:
        pytest.skip("bubblewrap cannot build a view on this host")
    spec, pid_file = _spec(tmp_path, with_view=True)
    read, write = os.pipe()
    spec["lifeline_fd"] = read
    if not grader_alive:
        os.close(write)  # every holder of the write end is gone: the grader died
    command = [sys.executable, "-m", "sourcing_lab.grading.sandbox", json.dumps(spec), "--"]
    kernel = "import os, sys; open(sys.argv[1], 'w').write(str(os.getpid()))"
    try:
        done = subprocess.run(
            [*command, sys.executable, "-c", kernel, str(pid_file)],
            pass_fds=(read,), capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
    finally:
        os.close(read)
        if grader_alive:
            os.close(write)
    if grader_alive:
        assert done.returncode == 0, done.stderr
        assert pid_file.exists()
    else:
        assert done.returncode == 1
        assert not pid_file.exists()
        assert "the grader is gone" in done.stderr
