"""Submission file hygiene on its own: what a clean copy keeps, what it names and leaves out,
and that it never follows, opens or changes what it leaves out."""

from __future__ import annotations

import io
import os
import socket
import stat
import tarfile
import zipfile
from pathlib import Path

import pytest

from sourcing_lab.grading import intake
from sourcing_lab.grading.archives import unpack

SECRET = b"expected = 661  # the key"


def _tree(folder: Path) -> dict[str, tuple[str, int]]:
    """Every entry below ``folder``: its type and size, links not followed."""
    found = {}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            found[str(path.relative_to(folder))] = (stat.filemode(st.st_mode)[0], st.st_size)
    return found


@pytest.fixture
def hostile(tmp_path):
    """A submission holding every kind of entry a hostile student or a careless collection
    tool can leave; ``outside`` holds what must never be read."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "attribution.toml").write_bytes(SECRET)
    (outside / "other_student").mkdir()
    (outside / "other_student" / "provenance.ipynb").write_bytes(SECRET)
    sub = tmp_path / "submitted" / "mallory" / "a01"
    (sub / "answers").mkdir(parents=True)
    (sub / "provenance.ipynb").write_text('{"cells": []}')
    (sub / "answers" / "q2.json").write_text('{"value": "x"}')
    (sub / "data.csv").write_text("a,b\n1,2\n")
    (sub / "twin_a.txt").write_text("same inode, both names inside")
    os.link(sub / "twin_a.txt", sub / "twin_b.txt")
    os.symlink(outside / "attribution.toml", sub / "key.toml")
    os.symlink(outside / "other_student", sub / "friend")
    os.symlink("/etc/passwd", sub / "passwd")
    os.symlink("loop", sub / "loop")
    os.symlink(outside / "attribution.toml", sub / "answers" / "q3.json")
    os.mkfifo(sub / "pipe")
    os.mkfifo(sub / "answers" / "q4.json")
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(sub / "sock"))
    if os.geteuid() == 0:
        os.mknod(sub / "zero", 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero: endless
    os.link(outside / "attribution.toml", sub / "hard.toml")
    (sub / os.fsdecode(b"bad\xffname.txt")).write_text("x")
    with open(sub / "sparse.bin", "wb") as handle:
        handle.truncate(2 * 2**30)
    before = _tree(sub)
    yield sub, outside
    server.close()
    assert _tree(sub) == before  # the submission stays exactly as submitted


def test_a_clean_copy_keeps_files_and_names_everything_else(hostile, tmp_path):
    sub, _outside = hostile
    dest = tmp_path / "clean"
    report = intake.copy_clean(sub, dest)
    assert sorted(report.copied) == [
        "answers/q2.json",
        "data.csv",
        "provenance.ipynb",
        "twin_a.txt",
        "twin_b.txt",
    ]
    described = {i.path: i.describe() for i in report.ignored}
    expected = {
        "key.toml": "ignored link key.toml: a symbolic link is not a file; it was not followed",
        "friend": "ignored link friend: a symbolic link is not a file; it was not followed",
        "passwd": "ignored link passwd",
        "loop": "ignored link loop",
        "answers/q3.json": "ignored link answers/q3.json",
        "pipe": "ignored pipe pipe: a named pipe is not a file",
        "answers/q4.json": "ignored pipe answers/q4.json: a named pipe is not a file",
        "sock": "ignored socket sock: a socket is not a file",
        "hard.toml": "ignored hard link hard.toml: the same file is also stored outside",
        "bad\\xffname.txt": "ignored name bad\\xffname.txt: the name is not valid UTF-8",
        "sparse.bin": "ignored large file sparse.bin: 2,147 MB is over the 100 MB limit",
    }
    if os.geteuid() == 0:
        expected["zero"] = "ignored device zero: a device is not a file"
    assert set(described) == set(expected)
    for path, text in expected.items():
        assert described[path].startswith(text), described[path]
    copied = _tree(dest)
    assert all(kind == "-" for kind, _size in copied.values() if kind != "d")
    assert SECRET not in b"".join(p.read_bytes() for p in dest.rglob("*") if p.is_file())
    assert all(not p.stat().st_mode & 0o7111 for p in dest.rglob("*") if p.is_file())


def test_limits_leave_out_the_largest_extras_never_the_notebook(tmp_path):
    sub = tmp_path / "sub"
    sub.mkdir()
    (sub / "provenance.ipynb").write_bytes(b"n" * 600)
    (sub / "a_big.bin").write_bytes(b"b" * 500)
    (sub / "small.txt").write_bytes(b"s" * 10)
    limits = intake.Limits(max_file_bytes=1000, max_total_bytes=1000)
    report = intake.copy_clean(sub, tmp_path / "clean", limits)
    assert sorted(report.copied) == ["provenance.ipynb", "small.txt"]
    assert [(i.path, i.kind) for i in report.ignored] == [("a_big.bin", "file")]
    assert "limit in all" in report.ignored[0].reason


def test_a_submission_that_is_a_link_is_refused_whole(hostile, tmp_path):
    _sub, outside = hostile
    link = tmp_path / "submitted" / "linked"
    os.symlink(outside / "other_student", link)
    with pytest.raises(intake.NotAFile) as refused:
        intake.copy_clean(link, tmp_path / "clean")
    assert refused.value.kind == "link"
    assert not (tmp_path / "clean").exists()


def test_single_files_are_read_only_when_they_are_regular_files(hostile):
    sub, _outside = hostile
    assert intake.read_file(sub / "data.csv", 100) == b"a,b\n1,2\n"
    for name, kind in [("key.toml", "link"), ("pipe", "pipe"), ("sock", "socket")]:
        with pytest.raises(intake.NotAFile) as refused:
            intake.read_file(sub / name, 100)  # a pipe opened here would block for ever
        assert refused.value.kind == kind
    with pytest.raises(intake.NotAFile, match="over the limit"):
        intake.read_file(sub / "sparse.bin", 1000)
    with pytest.raises(intake.NotAFile, match="not a folder"):  # a linked folder on the way
        intake.read_file(sub / "friend" / "provenance.ipynb", 100, below=sub)
    with pytest.raises(FileNotFoundError):
        intake.read_file(sub / "missing.txt", 100)


def test_archives_unpack_only_regular_files_inside_their_folder(tmp_path):
    archive = tmp_path / "mallory.tar.gz"
    (tmp_path / "ok.ipynb").write_text("{}")
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "ok.ipynb", arcname="a01/provenance.ipynb")
        for name, kind in [("a01/key.toml", tarfile.SYMTYPE), ("a01/pipe", tarfile.FIFOTYPE)]:
            member = tarfile.TarInfo(name)
            member.type, member.linkname = kind, "/etc/passwd"
            tar.addfile(member)
        escape = tarfile.TarInfo("../../escaped.txt")
        escape.size = 1
        tar.addfile(escape, fileobj=io.BytesIO(b"x"))
    inner = tmp_path / "inner.zip"
    with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("notes.txt", "hello")
        zf.writestr("/abs.txt", "x")
        zf.writestr("huge.bin", b"\0" * 3000)
    with zipfile.ZipFile(tmp_path / "outer.zip", "w") as zf:
        zf.write(inner, "nested/inner.zip")
    dest = tmp_path / "extracted"
    ignored = unpack(archive, dest / "mallory")
    ignored += unpack(tmp_path / "outer.zip", dest / "outer", intake.Limits(max_file_bytes=2000))
    files = sorted(str(p.relative_to(dest)) for p in dest.rglob("*") if p.is_file())
    assert files == [
        "mallory/a01/provenance.ipynb",
        "outer/nested/inner.zip",
        "outer/nested/inner/notes.txt",
    ]
    assert not (tmp_path / "escaped.txt").exists()
    reasons = {i.path.split(":")[-1]: i.kind for i in ignored}
    assert reasons == {
        "a01/key.toml": "archive member",
        "a01/pipe": "archive member",
        "../../escaped.txt": "name",
        "/abs.txt": "name",
        "huge.bin": "large file",
    }
