"""The kernel's pids group: a process cap that holds for root, and a kill that reaches
processes which left the process group."""

from __future__ import annotations

import json
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from sourcing_lab.grading.cgroup import join_new_group, kill_group, sweep_empty_groups

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
        sweep_empty_groups(min_age=3600)
        assert Path(group).exists()  # too young: it might be a group another grader just made
        sweep_empty_groups(min_age=0)
        assert not Path(group).exists()
    finally:
        kill_group(group)


JOIN_AND_EXIT = """
import sys
from sourcing_lab.grading.cgroup import join_new_group
print(join_new_group(sys.argv[1], 4)[0] or "")
"""
