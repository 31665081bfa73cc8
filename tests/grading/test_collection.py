"""Submission file hygiene on the way in: real ``nbgrader collect`` (from the exchange) and
``nbgrader zip_collect`` (from archives) with the kit's configuration keep only regular files,
name what they left out, never change what the student submitted, and what they collect is
graded."""

from __future__ import annotations

import io
import json
import os
import tarfile
from pathlib import Path

import pytest
from cases import ASSIGNMENT, perfect
from conftest import lstat_tree
from kit import make_course, nbgrader, reference_records, release_notebook

from sourcing_lab.grading.status import submission_states

pytestmark = pytest.mark.slow
STAMP = "2026-11-20 09:00:00.000000 UTC"
LINK = "a symbolic link is not a file; it was not followed"
ZIP_SETTINGS = r"""
c.FileNameCollectorPlugin.named_regexp = r".*/extracted/(?P<student_id>[^/]+)/(?P<file_id>[^/]+)$"
c.FileNameCollectorPlugin.valid_ext = [".ipynb", ".csv"]
"""


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("collect"), [ASSIGNMENT])
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(ZIP_SETTINGS)
    nbgrader(root, "release_assignment", ASSIGNMENT, "--force")
    _name, nb = release_notebook(root, ASSIGNMENT)
    return root, perfect(nb, reference_records(ASSIGNMENT, without=("q6_days",)))["nb"]


def _inbound(root: Path, student: str) -> Path:
    return root / "exchange" / "sourcing_lab" / "inbound" / f"{student}+{ASSIGNMENT}+{STAMP}"


def test_collect_copies_only_files_names_the_rest_and_leaves_the_exchange_alone(course):
    root, nb = course
    mallory = _inbound(root, "mallory")
    mallory.mkdir(parents=True)
    (mallory / "provenance.ipynb").write_text(json.dumps(nb))
    (mallory / "timestamp.txt").write_text(STAMP)
    (mallory / "data.csv").write_text("a,b\n")
    os.symlink(root / "keys" / "kosovo_ksf" / "attribution.toml", mallory / "key.toml")
    os.symlink(root / "gradebook.db", mallory / "gradebook.db")
    os.mkfifo(mallory / "pipe")  # stock collect stops here (SpecialFileError)
    os.symlink(root / "source" / ASSIGNMENT, _inbound(root, "bob"))  # the solutions, as bob's
    before = lstat_tree(mallory.parent)
    run = nbgrader(root, "collect", ASSIGNMENT, check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    assert lstat_tree(mallory.parent) == before
    collected = root / "submitted" / "mallory" / ASSIGNMENT
    assert sorted(p.name for p in collected.iterdir()) == [
        "data.csv",
        "provenance.ipynb",
        "timestamp.txt",
    ]
    assert all(p.is_file() and not p.is_symlink() for p in collected.iterdir())
    assert not (root / "submitted" / "bob").exists()
    states = submission_states(root, ASSIGNMENT, ["provenance"], ["mallory", "bob"])
    assert states["mallory"].ignored == (
        f"ignored link gradebook.db: {LINK}",
        f"ignored link key.toml: {LINK}",
        "ignored pipe pipe: a named pipe is not a file",
    )
    assert states["bob"].ignored == (
        f"not collected: the submission folder is not a folder: {LINK}",
    )
    for line in states["mallory"].ignored:
        assert f"mallory: {line}" in run.stderr

    graded = nbgrader(root, "autograde", ASSIGNMENT, "--force", "--student", "mallory")
    result = json.loads(
        next(
            (root / "sourcing_lab" / "results" / ASSIGNMENT / "mallory").glob("*.json")
        ).read_text()
    )
    assert {o["question_id"]: o["score"] for o in result["outcomes"]}["q4_chain"] == 5.0
    assert result["ignored_files"] == list(states["mallory"].ignored), graded.stderr[-2000:]


def _tar_with_hostile_members(path: Path, nb: dict) -> None:
    with tarfile.open(path, "w:gz") as tar:
        data = json.dumps(nb).encode()
        member = tarfile.TarInfo("provenance.ipynb")
        member.size = len(data)
        tar.addfile(member, io.BytesIO(data))
        for name, kind, target in [
            ("key.toml", tarfile.SYMTYPE, "../../../../keys/kosovo_ksf/attribution.toml"),
            ("passwd.csv", tarfile.LNKTYPE, "/etc/passwd"),
            ("pipe.csv", tarfile.FIFOTYPE, ""),
        ]:
            member = tarfile.TarInfo(name)
            member.type, member.linkname = kind, target
            tar.addfile(member)
        escape = tarfile.TarInfo("../../outside.csv")
        escape.size = 2
        tar.addfile(escape, io.BytesIO(b"x\n"))


def test_zip_collect_unpacks_and_collects_only_regular_files(course):
    root, nb = course
    archives = root / "downloaded" / ASSIGNMENT / "archive"
    archives.mkdir(parents=True)
    _tar_with_hostile_members(archives / "zoe.tar.gz", nb)
    os.symlink("/etc/passwd", archives / "eve.csv")  # a link left by a download tool
    run = nbgrader(root, "zip_collect", ASSIGNMENT, "--force", check=False)
    assert run.returncode == 0, run.stderr[-3000:]
    collected = root / "submitted" / "zoe" / ASSIGNMENT
    assert [p.name for p in collected.iterdir()] == ["provenance.ipynb"]
    assert not (root / "downloaded" / "outside.csv").exists()
    assert not (root / "submitted" / "eve").exists()
    for line in [
        "ignored link eve.csv",
        "ignored archive member zoe.tar.gz:key.toml: a link in an archive is not a file",
        "ignored archive member zoe.tar.gz:passwd.csv: a link in an archive is not a file",
        "ignored archive member zoe.tar.gz:pipe.csv: a pipe or device in an archive",
        "ignored name zoe.tar.gz:../../outside.csv: the name points outside the submission",
    ]:
        assert line in run.stderr, line


def test_the_zip_collector_refuses_what_is_not_a_regular_file(course, tmp_path):
    from nbgrader.apps import ZipCollectApp
    from nbgrader.coursedir import CourseDirectory

    from sourcing_lab.grading.nbgrader_hooks import SafeFileNameCollector

    root, _nb = course
    app = ZipCollectApp()
    app.coursedir = CourseDirectory(parent=app, root=str(root), assignment_id=ASSIGNMENT)
    collector = SafeFileNameCollector(
        parent=app,
        named_regexp=r".*/(?P<student_id>[^/_]+)_(?P<file_id>[^/]+)$",
        valid_ext=[".ipynb", ".csv"],
    )
    (tmp_path / "amy_provenance.ipynb").write_text("{}")
    os.symlink("/etc/passwd", tmp_path / "amy_notes.csv")
    os.mkfifo(tmp_path / "amy_data.csv")
    assert collector.collect(str(tmp_path / "amy_provenance.ipynb"))["student_id"] == "amy"
    assert collector.collect(str(tmp_path / "amy_notes.csv")) is None
    assert collector.collect(str(tmp_path / "amy_data.csv")) is None
    state = submission_states(root, ASSIGNMENT, ["provenance"], ["amy"])["amy"]
    assert state.ignored == (
        f"ignored link amy_notes.csv: {LINK}",
        "ignored pipe amy_data.csv: a named pipe is not a file",
    )
