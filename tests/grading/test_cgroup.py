"""The kernel's pids group: a process cap that holds for root, and a kill that reaches
processes which left the process group."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from sourcing_lab.grading.cgroup import join_new_group, kill_group, sweep_groups

CHILD = """
import json, os, subprocess, sys
from sourcing_lab.grading.cgroup import join_new_group
group, note = join_new_group(sys.argv[1], 8)
started = 0
if group:
    for _ in range(20):
        try:
            subprocess.Popen(  # leaves the process group, not the pids group
                ["sleep", "599"], start_new_session=True, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            started += 1
        except OSError:
            break
print(json.dumps({"group": group, "note": note, "started": started}))
"""


def test_the_group_caps_processes_and_its_kill_reaches_escaped_ones():
    name = f"test-{uuid.uuid4().hex[:8]}"
    out = subprocess.run(
        [sys.executable, "-c", CHILD, name], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout)
    if result["group"] is None:
        pytest.skip(f"no writable pids cgroup here: {result['note']}")
    try:
        assert 0 < result["started"] < 8  # the cap counts the child itself too
        alive = subprocess.run(["pgrep", "-f", "sleep 599"], capture_output=True, text=True)
        assert len(alive.stdout.split()) == result["started"]
    finally:
        killed = kill_group(result["group"])
    assert killed == result["started"]
    assert not Path(result["group"]).exists()
    left = subprocess.run(["pgrep", "-f", "sleep 599"], capture_output=True, text=True)
    assert left.stdout.strip() == ""


def test_without_a_group_nothing_is_touched(tmp_path):
    assert kill_group(None) == 0
    stranger = tmp_path / "not-ours"
    (stranger / "cgroup.procs").parent.mkdir()
    (stranger / "cgroup.procs").write_text("1\n")
    assert kill_group(str(stranger)) == 0  # only folders the kit made are ever killed
    assert stranger.exists()


def test_a_refused_group_says_why(monkeypatch, tmp_path):
    import sourcing_lab.grading.cgroup as cgroup

    monkeypatch.setattr(cgroup, "CGROUP_FS", tmp_path / "missing")
    group, note = join_new_group("never", 4)
    assert group is None and "no process cap" in note


def test_empty_groups_are_swept_once_old_enough():
    name = f"test-{uuid.uuid4().hex[:8]}"
    joined = subprocess.run(  # joins a group and exits, leaving it empty
        [sys.executable, "-c", JOIN_AND_EXIT, name], capture_output=True, text=True, check=True
    )
    group = joined.stdout.strip()
    if not group:
        pytest.skip("no writable pids cgroup here")
    try:
        sweep_groups(min_age=3600)
        assert Path(group).exists()  # too young: it might be a group another grader just made
        sweep_groups(min_age=0)
        assert not Path(group).exists()
    finally:
        kill_group(group)


JOIN_AND_EXIT = """
import sys
from sourcing_lab.grading.cgroup import join_new_group
print(join_new_group(sys.argv[1], 4)[0] or "")
"""


KEEP_A_PROCESS = """
import subprocess, sys
from sourcing_lab.grading.cgroup import join_new_group
group = join_new_group(sys.argv[1], 8)[0] or ""
if group:
    subprocess.Popen(["sleep", sys.argv[2]], start_new_session=True,
                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(group)
"""


def _group_with_a_sleeper(name: str, seconds: str) -> str:
    made = subprocess.run(
        [sys.executable, "-c", KEEP_A_PROCESS, name, seconds],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return made.stdout.strip()


def _sleeping(seconds: str) -> bool:
    found = subprocess.run(["pgrep", "-f", f"sleep {seconds}$"], capture_output=True, text=True)
    return bool(found.stdout.strip())


def test_what_a_dead_grader_left_running_is_killed_and_a_live_ones_is_not():
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True, check=True)  # fmt: skip
    dead_owner = int(gone.stdout)  # that process has exited
    orphaned = _group_with_a_sleeper(f"sl-kernel-{dead_owner}-{uuid.uuid4().hex[:8]}", "597")
    if not orphaned:
        pytest.skip("no writable pids cgroup here")
    owned = _group_with_a_sleeper(f"sl-kernel-{os.getpid()}-{uuid.uuid4().hex[:8]}", "596")
    try:
        assert _sleeping("597") and _sleeping("596")
        sweep_groups(min_age=0)
        assert not Path(orphaned).exists() and not _sleeping("597")
        assert Path(owned).exists() and _sleeping("596")  # its grader (this test) still runs
    finally:
        kill_group(orphaned)
        kill_group(owned)
