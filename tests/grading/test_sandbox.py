"""The sandbox launcher on its own: what a command started through it can see and change."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from support import REPO

pytestmark = pytest.mark.skipif(os.geteuid() != 0, reason="namespaces need a root grader")

PROBE = """
import json, os, sys
private, sibling = sys.argv[1], sys.argv[2]
report = {"private": os.listdir(private), "sibling": os.path.exists(sibling)}
try:
    open(os.path.join(private, "note.txt"), "w").write("ok")
    report["private_writable"] = True
except OSError:
    report["private_writable"] = False
try:
    open(os.path.join(sys.prefix, "planted.txt"), "w").write("x")
    report["prefix_writable"] = True
except OSError:
    report["prefix_writable"] = False
print(json.dumps(report))
"""


def launch(private: Path, sibling: Path) -> tuple[dict, list[str]]:
    spec = {"private_dir": str(private), "status_file": str(private / "status.json")}
    command = [sys.executable, "-c", PROBE, str(private), str(sibling)]
    out = subprocess.run(
        [sys.executable, "-m", "sourcing_lab.grading.sandbox", json.dumps(spec), "--", *command],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    notes = json.loads((private / "status.json").read_text())["notes"]
    return json.loads(out.stdout), notes


def test_other_kernels_folders_are_hidden_and_nothing_else_is_writable(tmp_path):
    shared = tmp_path / "tmp"
    private, sibling = shared / "sl-kernel-me", shared / "sl-kernel-other"
    private.mkdir(parents=True)
    sibling.mkdir()
    report, notes = launch(private, sibling)
    assert notes == []
    assert report == {
        "private": ["status.json"],
        "sibling": False,
        "private_writable": True,
        "prefix_writable": False,
    }
    assert not (Path(sys.prefix) / "planted.txt").exists()


def test_a_shared_folder_that_holds_python_is_not_hidden():
    # A private folder beside the environment (a checkout inside the temporary folder, say):
    # hiding its parent would hide the interpreter, so the launcher leaves it and says so.
    if not Path(sys.prefix).resolve().is_relative_to(REPO):
        pytest.skip("the environment is not inside the checkout")
    with tempfile.TemporaryDirectory(dir=REPO, prefix="sl-kernel-test-") as private:
        report, notes = launch(Path(private), REPO / "README.md")
    assert report["private_writable"] and not report["prefix_writable"]
    assert report["sibling"] is True
    assert any("other kernels' folders stay visible" in n for n in notes)
