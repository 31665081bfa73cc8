"""Unpack a submission archive (zip, tar, tar.gz) into a folder, keeping only regular files.

nbgrader's ``zip_collect`` unpacks with setuptools' helpers, which read a whole member into
memory and resolve links inside tar files into copies. Here each member is checked before a
byte is written: names that are absolute, contain ``..`` or are not UTF-8, links, pipes and
devices, and members over the size limit are left out and named (:class:`intake.Ignored`).
Bytes are streamed with a cap, so a member that claims to be small and is not is cut off too.
Archives inside an archive are unpacked into their own folder, as nbgrader does, a few levels
deep at most.
"""

from __future__ import annotations

import posixpath
import tarfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from sourcing_lab.grading.intake import DEFAULT, MB, Ignored, Limits, bad_name

ARCHIVE_SUFFIXES = (".zip", ".tar", ".tar.gz", ".tgz", ".gz")
MAX_NESTING = 3
LINK_MEMBER = "a link in an archive is not a file; it was not followed"
SPECIAL_MEMBER = "a pipe or device in an archive is not a file"


def is_archive(name: str, suffixes: tuple[str, ...] = ARCHIVE_SUFFIXES) -> bool:
    return name.lower().endswith(suffixes)


def archive_stem(name: str) -> str:
    for suffix in sorted(ARCHIVE_SUFFIXES, key=len, reverse=True):
        if name.lower().endswith(suffix):
            return name[: -len(suffix)]
    return name


def _safe_parts(name: str) -> tuple[str, ...] | str:
    """The member's path as folder parts, or why it is refused."""
    if name.startswith("/") or (len(name) > 1 and name[1] == ":"):
        return "the name is an absolute path: it points outside the submission"
    parts = tuple(p for p in posixpath.normpath(name).split("/") if p not in ("", "."))
    if ".." in name.split("/") or not parts or parts[0] == "..":
        return "the name points outside the submission"
    if any(bad_name(p) for p in parts):
        return "the name is not valid UTF-8"
    return parts


def _members(path: Path) -> Iterator[tuple[str, str, int, IO[bytes] | None]]:
    """(name, kind, declared size, stream or None) per member; kind is file, folder, or the
    reason a member is not a file."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                mode = info.external_attr >> 16
                if info.is_dir():
                    yield info.filename, "folder", 0, None
                elif mode and (mode & 0o170000) not in (0, 0o100000):
                    link = (mode & 0o170000) == 0o120000
                    yield info.filename, LINK_MEMBER if link else SPECIAL_MEMBER, 0, None
                else:
                    with archive.open(info) as stream:
                        yield info.filename, "file", info.file_size, stream
        return
    with tarfile.open(path) as archive:
        for member in archive:
            if member.isdir():
                yield member.name, "folder", 0, None
            elif member.isfile():
                yield member.name, "file", member.size, archive.extractfile(member)
            elif member.issym() or member.islnk():
                yield member.name, LINK_MEMBER, 0, None
            else:
                yield member.name, SPECIAL_MEMBER, 0, None


def unpack(path: Path, dest: Path, limits: Limits = DEFAULT, depth: int = 0) -> list[Ignored]:
    """Unpack the archive ``path`` into ``dest`` (made if missing); return what was left out."""
    ignored: list[Ignored] = []
    total = 0
    try:
        members = list(_unpack_members(path, dest, limits, ignored))
    except (OSError, zipfile.BadZipFile, tarfile.TarError, EOFError) as exc:
        return [*ignored, Ignored(path.name, "archive", f"it could not be unpacked ({exc})")]
    for target, size in members:
        total += size
        if total > limits.max_total_bytes:
            target.unlink()
            ignored.append(
                Ignored(
                    str(target.relative_to(dest)),
                    "file",
                    f"the archive is over its {limits.max_total_bytes / MB:,.0f} MB limit in all",
                )
            )
        elif is_archive(target.name) and depth < MAX_NESTING:
            inner = target.with_name(archive_stem(target.name))
            ignored += unpack(target, inner, limits, depth + 1)
    return ignored


def _unpack_members(
    path: Path, dest: Path, limits: Limits, ignored: list[Ignored]
) -> Iterator[tuple[Path, int]]:
    for name, kind, size, stream in _members(path):
        shown = f"{path.name}:{name}"
        parts = _safe_parts(name)
        if isinstance(parts, str):
            ignored.append(Ignored(shown, "name", parts))
            continue
        if kind == "folder":
            dest.joinpath(*parts).mkdir(parents=True, exist_ok=True)
            continue
        if kind != "file" or stream is None:
            ignored.append(Ignored(shown, "archive member", kind))
            continue
        if size > limits.max_file_bytes:
            ignored.append(
                Ignored(shown, "large file", f"{size / MB:,.0f} MB is over the limit for one file")
            )
            continue
        target = dest.joinpath(*parts)
        try:
            written = _write_capped(stream, target, limits.max_file_bytes)
        except OSError as exc:  # a name given twice, or a file where a folder should be
            ignored.append(Ignored(shown, "archive member", f"it could not be written ({exc})"))
            continue
        if written < 0:
            ignored.append(Ignored(shown, "large file", "it unpacks to more than the limit"))
            continue
        yield target, written


def _write_capped(stream: IO[bytes], target: Path, limit: int) -> int:
    target.parent.mkdir(parents=True, exist_ok=True)
    written = 0
    with open(target, "xb") as out:
        while chunk := stream.read(1 << 20):
            written += len(chunk)
            if written > limit:
                break
            out.write(chunk)
    if written > limit:
        target.unlink()
        return -1
    return written
