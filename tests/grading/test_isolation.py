"""Isolation you can see and require: the level each kernel got is recorded and shown, grading
below full is refused when asked, and off Linux the kit says where to grade instead of failing."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from cases import ASSIGNMENT, perfect
from kit import make_course, nbgrader, place_submission, reference_records, release_notebook

from sourcing_lab.cli import main
from sourcing_lab.grading import isolation

OFF_LINUX = """
import json, sys
# The stack the kit builds on, imported as on Linux (faking the platform under the standard
# library itself breaks it); then the kit's own grading modules, as they would load there.
import jupyter_client, nbclient, nbformat, nbgrader.preprocessors, nbgrader.coursedir, traitlets
sys.modules["resource"] = None  # Windows has no resource module
sys.platform = {platform!r}
import sourcing_lab.grading.execute, sourcing_lab.grading.sandbox, sourcing_lab.grading.cgroup
from sourcing_lab.grading import isolation, sandbox_entry
found = isolation.offered()
print(json.dumps({{"level": found.level, "text": found.describe(),
                   "limits": sandbox_entry.apply_limits({{"memory_bytes": 2**30}})}}))
"""


@pytest.mark.parametrize("platform", ["darwin", "win32"])
def test_off_linux_the_grading_modules_import_and_say_where_to_grade(platform):
    out = subprocess.run(
        [sys.executable, "-c", OFF_LINUX.format(platform=platform)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr[-2000:]
    found = json.loads(out.stdout.strip().splitlines()[-1])
    assert found["level"] == "none"
    assert isolation.NO_ISOLATION_HERE in found["text"]
    assert found["limits"] == ["no resource limits on this platform"]


def test_a_kernel_graded_off_linux_runs_and_is_recorded_as_not_isolated(monkeypatch, tmp_path):
    from nbformat.v4 import new_code_cell, new_notebook

    from sourcing_lab.grading.execute import HardenedExecute

    monkeypatch.setattr(sys, "platform", "darwin")
    nb = new_notebook(cells=[new_code_cell("print(6 * 7)")])
    resources = {"metadata": {"path": str(tmp_path)}, "nbgrader": {"assignment": "none"}}
    nb, resources = HardenedExecute(timeout=60).preprocess(nb, resources)
    assert nb.cells[0].outputs[0]["text"] == "42\n"  # graded, not crashed
    record = resources["sourcing_lab"]["isolation"]
    assert record["level"] == "none" and isolation.NO_ISOLATION_HERE in record["text"]


def test_require_isolation_refuses_off_linux_before_anything_is_graded(
    monkeypatch, tmp_path, capsys
):
    assert main(["course", "init", str(tmp_path / "c")]) == 0
    (tmp_path / "c" / "submitted" / "s1" / ASSIGNMENT).mkdir(parents=True)
    monkeypatch.setattr(sys, "platform", "darwin")
    command = ["grade", ASSIGNMENT, "--course", str(tmp_path / "c"), "--require-isolation"]
    assert main(command) == 1
    err = capsys.readouterr().err
    assert "refusing to grade" in err and isolation.NO_ISOLATION_HERE in err
    assert not (tmp_path / "c" / "autograded").exists()


def test_levels_say_what_is_missing_and_why():
    full = isolation.Isolation(applied=tuple(isolation.PARTS))
    assert full.level == "full" and full.describe().startswith("full (allow-list file view")
    partial = full.without("process cap", "no pids cgroup")
    assert partial.level == "partial"
    assert "process cap counting only the kernel's own processes: no pids cgroup" in (
        partial.describe()
    )
    assert partial.without("view", "no bubblewrap").level == "none"
    assert isolation.NOT_NEEDED.describe() == "not needed: no code ran"
    launched = isolation.after_start(full, {"cgroup": None, "cgroup_note": "EACCES"}, {})
    assert launched.missing["process cap"] == "EACCES"
    capped = isolation.after_start(full, {"cgroup": None, "nproc_in_sandbox": True}, {"notes": []})
    assert capped.level == "full"
    limited = isolation.after_start(full, {"cgroup": "/g"}, {"notes": ["could not set x"]})
    assert limited.missing == {"resource caps": "could not set x"}


@pytest.mark.slow
def test_without_bubblewrap_grading_says_so_and_refuses_when_full_is_required(tmp_path, capsys):
    root = make_course(tmp_path, [ASSIGNMENT])
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write("\nc.HardenedExecute.bwrap = 'no-such-bwrap'\n")
    _name, nb = release_notebook(root, ASSIGNMENT)
    spec = perfect(nb, reference_records(ASSIGNMENT, without=("q6_days",)))
    place_submission(root, "s1", ASSIGNMENT, spec["nb"], spec["records"])
    assert main(["grade", ASSIGNMENT, "--course", str(root)]) == 0
    out = capsys.readouterr().out
    assert "isolation: none (missing allow-list file view (bubblewrap): bubblewrap is not" in out
    result = json.loads(next((root / "sourcing_lab" / "results").rglob("*.json")).read_text())
    assert result["isolation"]["level"] == "none"
    assert {o["question_id"]: o["score"] for o in result["outcomes"]}["q6_days"] == 1.0

    assert main(["grade", ASSIGNMENT, "--course", str(root), "--require-isolation"]) == 1
    assert "refusing to grade: isolation is none" in capsys.readouterr().err
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write("c.HardenedExecute.require_isolation = True\n")
    run = nbgrader(root, "autograde", ASSIGNMENT, "--force", check=False)  # plain nbgrader
    assert run.returncode != 0 and "IsolationRefused: refusing to grade" in run.stderr
    assert not (root / "autograded" / "s1" / ASSIGNMENT).exists()  # nbgrader dropped it
