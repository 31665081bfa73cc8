"""Submission file hygiene: a clean copy of a submitted folder, made in the grader's own process.

A submission is whatever a student (or a collection tool) left in a folder, so it may hold more
than files: symbolic links (to the keys, the gradebook, another student, ``/etc/passwd``, a
loop), hard links to files elsewhere, named pipes, sockets, device nodes, names that are not
UTF-8, files far too large. :func:`copy_clean` copies only regular files and folders and names
everything else it left out (:class:`Ignored`):

- the walk goes through open folder handles (``O_NOFOLLOW`` at every step, ``os.scandir`` on a
  handle, ``lstat``), so no link is ever followed, not even a link that replaces a folder while
  the copy runs;
- a file is opened only after ``lstat`` said it is a regular file, with ``O_NOFOLLOW`` and
  ``O_NONBLOCK`` (a pipe swapped in at the last moment cannot block the grader), and copied only
  if ``fstat`` still says it is the same regular file;
- sizes are checked before anything is read (a 2 GB sparse file is never read), and the copy
  stops at the limit even if a file grows while it is read;
- copies are new files with plain permissions (no set-uid bit, no executable bit).

The source is only ever read: the student's submitted files stay as submitted.
"""

from __future__ import annotations

import errno
import os
import stat
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DIR_FLAGS = os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0)
FILE_FLAGS = (
    os.O_RDONLY
    | os.O_NOFOLLOW
    | getattr(os, "O_NONBLOCK", 0)
    | getattr(os, "O_NOCTTY", 0)
    | getattr(os, "O_CLOEXEC", 0)
)
SPECIAL = {  # lstat type -> (kind, why it is left out)
    stat.S_IFLNK: ("link", "a symbolic link is not a file; it was not followed"),
    stat.S_IFIFO: ("pipe", "a named pipe is not a file"),
    stat.S_IFSOCK: ("socket", "a socket is not a file"),
    stat.S_IFCHR: ("device", "a device is not a file"),
    stat.S_IFBLK: ("device", "a device is not a file"),
}
MB = 1_000_000


@dataclass(frozen=True)
class Ignored:
    """One entry left out of the copy, and why (for the log and the submission's status)."""

    path: str  # relative to the submission, printable (bytes that are not UTF-8 escaped)
    kind: str  # link, pipe, socket, device, hard link, name, large file, ...
    reason: str

    def describe(self) -> str:
        return f"ignored {self.kind} {self.path}: {self.reason}"


@dataclass(frozen=True)
class Limits:
    """What one submission may hold. Defaults follow nbgrader's own ``CourseDirectory``
    (``max_file_size`` and ``max_dir_size``, 100 MB each)."""

    max_file_bytes: int = 100 * MB
    max_total_bytes: int = 100 * MB
    max_entries: int = 10_000
    max_depth: int = 32


DEFAULT = Limits()


@dataclass
class IntakeReport:
    copied: list[str] = field(default_factory=list)
    ignored: list[Ignored] = field(default_factory=list)


class NotAFile(OSError):
    """A path that must be a regular file is not one (or cannot be read safely)."""

    def __init__(self, kind: str, reason: str) -> None:
        super().__init__(reason)
        self.kind, self.reason = kind, reason


@dataclass
class _Entry:
    parts: tuple[str, ...]
    st: os.stat_result


def printable(parts: tuple[str, ...] | list[str]) -> str:
    """A relative path for people: bytes that are not UTF-8 shown as ``\\xff``."""
    raw = os.fsencode(os.path.join(*parts)) if parts else b"."
    return raw.decode("utf-8", "backslashreplace")


def bad_name(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:  # surrogate-escaped bytes from the file system
        return True
    return False


def _kind(st: os.stat_result) -> tuple[str, str] | None:
    """(kind, why it is left out) for anything that is not a regular file or a folder."""
    mode = stat.S_IFMT(st.st_mode)
    if mode in SPECIAL:
        return SPECIAL[mode]
    if mode not in (stat.S_IFREG, stat.S_IFDIR):
        return "entry", "it is neither a file nor a folder"
    return None


def _walk(
    root_fd: int, limits: Limits, skip: Callable[[str, bool], bool] | None, report: IntakeReport
) -> list[_Entry]:
    """Every regular file below ``root_fd`` worth copying; the rest goes to ``report``."""
    found: list[_Entry] = []
    seen = 0
    stack: list[tuple[int, tuple[str, ...]]] = [(root_fd, ())]
    while stack:
        fd, prefix = stack.pop()
        try:
            with os.scandir(fd) as listing:
                names = sorted(entry.name for entry in listing)
        except OSError as exc:
            report.ignored.append(Ignored(printable(prefix), "unreadable folder", exc.strerror))
            names = []
        for name in names:
            parts = (*prefix, name)
            seen += 1
            if seen > limits.max_entries:
                why = f"a submission may hold at most {limits.max_entries:,} entries"
                outcome: Ignored | _Entry | int | None = Ignored(printable(parts), "entry", why)
            else:
                outcome = _visit(fd, name, parts, limits, skip)
            if isinstance(outcome, Ignored):
                report.ignored.append(outcome)
            elif isinstance(outcome, _Entry):
                found.append(outcome)
            elif outcome is not None:  # a folder's handle: walk it too
                stack.append((outcome, parts))
        if fd != root_fd:
            os.close(fd)
    return found


def _visit(
    fd: int,
    name: str,
    parts: tuple[str, ...],
    limits: Limits,
    skip: Callable[[str, bool], bool] | None,
) -> Ignored | _Entry | int | None:
    """One directory entry: left out (why), a file to copy, a folder's handle, or skipped."""
    shown = printable(parts)
    if bad_name(name):
        return Ignored(shown, "name", "the name is not valid UTF-8")
    try:
        st = os.stat(name, dir_fd=fd, follow_symlinks=False)
    except OSError as exc:
        return Ignored(shown, "unreadable entry", exc.strerror)
    special = _kind(st)
    if special:
        return Ignored(shown, *special)
    is_folder = stat.S_ISDIR(st.st_mode)
    if skip and skip(name, is_folder):
        return None
    if not is_folder:
        return _Entry(parts, st)
    if len(parts) > limits.max_depth:
        return Ignored(shown, "folder", f"nested more than {limits.max_depth} folders deep")
    try:
        return os.open(name, DIR_FLAGS, dir_fd=fd)
    except OSError as exc:
        return Ignored(shown, "folder", exc.strerror)


def _hard_links(entries: list[_Entry], report: IntakeReport) -> list[_Entry]:
    """Keep a file with several names only when all of its names are in the submission."""
    inside = Counter((e.st.st_dev, e.st.st_ino) for e in entries)
    kept = []
    for entry in entries:
        if entry.st.st_nlink > inside[(entry.st.st_dev, entry.st.st_ino)]:
            report.ignored.append(
                Ignored(
                    printable(entry.parts),
                    "hard link",
                    "the same file is also stored outside the submission",
                )
            )
        else:
            kept.append(entry)
    return kept


def _by_priority(entries: list[_Entry]) -> list[_Entry]:
    """Notebooks at the top first, then small files first: what a total limit leaves out is
    the largest extra files, never the notebook."""
    return sorted(
        entries,
        key=lambda e: (not (len(e.parts) == 1 and e.parts[0].endswith(".ipynb")), e.st.st_size),
    )


def _descend(root_fd: int, folders: tuple[str, ...]) -> int:
    """A handle on ``folders`` below ``root_fd``, no link followed at any step (close it
    unless it is ``root_fd``). A link or file on the way raises :class:`NotAFile`."""
    fd = root_fd
    for name in folders:
        try:
            next_fd = os.open(name, DIR_FLAGS, dir_fd=fd)
        except OSError as exc:
            if exc.errno in (errno.ELOOP, errno.ENOTDIR):
                raise NotAFile("link", f"'{name}' on its path is not a folder") from exc
            raise
        finally:
            if fd != root_fd:
                os.close(fd)
        fd = next_fd
    return fd


def _open_below(root_fd: int, parts: tuple[str, ...]) -> int:
    """Open the file ``parts`` below ``root_fd`` without following a link at any step."""
    fd = _descend(root_fd, parts[:-1])
    try:
        return os.open(parts[-1], FILE_FLAGS, dir_fd=fd)
    finally:
        if fd != root_fd:
            os.close(fd)


def _copy_one(handle: int, target: Path, limit: int, mode: int) -> int:
    """Copy at most ``limit`` bytes from ``handle`` to a new file; -1 if there was more."""
    written = 0
    target.parent.mkdir(parents=True, exist_ok=True)
    out = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    try:
        while chunk := os.read(handle, 1 << 20):
            written += len(chunk)
            if written > limit:
                break
            os.write(out, chunk)
    finally:
        os.close(out)
    if written > limit:
        target.unlink()
        return -1
    return written


def open_folder(folder: Path) -> int:
    """A handle on a submission folder; NotAFile when it is a link or not a folder at all."""
    try:
        st = os.lstat(folder)
    except OSError as exc:
        raise NotAFile("folder", f"the submission folder cannot be read ({exc.strerror})") from exc
    special = _kind(st)
    if special:
        raise NotAFile(special[0], f"the submission folder is not a folder: {special[1]}")
    if not stat.S_ISDIR(st.st_mode):
        raise NotAFile("folder", "the submission is a file, not a folder")
    return os.open(folder, DIR_FLAGS)


def check_folder(folder: Path) -> None:
    """Raise :class:`NotAFile` unless ``folder`` is a folder (a link to one is not)."""
    os.close(open_folder(folder))


def regular_files(folder: Path, skip: Callable[[str, bool], bool] | None = None) -> list[str]:
    """The relative paths of the regular files below ``folder`` (links are not followed)."""
    root_fd = open_folder(folder)
    try:
        entries = _walk(root_fd, DEFAULT, skip, IntakeReport())
    finally:
        os.close(root_fd)
    return sorted(os.path.join(*e.parts) for e in entries)


def check_file(path: Path, limits: Limits | None = None) -> None:
    """Raise :class:`NotAFile` unless ``path`` is a plain regular file within the limits: not
    a link, pipe, socket or device, not a hard link, with a UTF-8 name."""
    limits = limits or DEFAULT
    if bad_name(path.name):
        raise NotAFile("name", "the name is not valid UTF-8")
    st = os.lstat(path)
    _check_regular(st, limits.max_file_bytes)
    if st.st_nlink > 1:
        raise NotAFile("hard link", "the same file is also stored under another name")


def _check_regular(st: os.stat_result, max_bytes: int) -> None:
    special = _kind(st)
    if special:
        raise NotAFile(*special)
    if stat.S_ISDIR(st.st_mode):
        raise NotAFile("folder", "it is a folder, not a file")
    if st.st_size > max_bytes:
        raise NotAFile("large file", f"{st.st_size / MB:,.0f} MB is over the limit for one file")


def copy_clean(
    source: Path,
    dest: Path,
    limits: Limits | None = None,
    *,
    skip: Callable[[str, bool], bool] | None = None,
    keep: Callable[[str], bool] | None = None,
    file_mode: int = 0o644,
) -> IntakeReport:
    """Copy the regular files of ``source`` into a new folder ``dest``; report the rest.

    ``skip(name, is_folder)`` leaves an entry out silently (the course's own ignore patterns);
    ``keep(relative_path)`` limits the copy to the files it accepts (also silently). Raises
    :class:`NotAFile` when ``source`` itself is not a folder.
    """
    limits = limits or DEFAULT
    report = IntakeReport()
    root_fd = open_folder(source)
    try:
        entries = _hard_links(_walk(root_fd, limits, skip, report), report)
        dest.mkdir(parents=True, exist_ok=True)
        total = 0
        for entry in _by_priority(entries):
            relative = os.path.join(*entry.parts)
            if keep and not keep(relative):
                continue
            problem = _copy_entry(root_fd, entry, dest, limits, total, file_mode)
            if isinstance(problem, Ignored):
                report.ignored.append(problem)
            else:
                total += problem
                report.copied.append(relative)
    finally:
        os.close(root_fd)
    report.ignored.sort(key=lambda i: i.path)
    return report


def _copy_entry(
    root_fd: int, entry: _Entry, dest: Path, limits: Limits, total: int, mode: int
) -> Ignored | int:
    shown = printable(entry.parts)
    size = entry.st.st_size
    most, in_all = f"{limits.max_file_bytes / MB:,.0f}", f"{limits.max_total_bytes / MB:,.0f}"
    if size > limits.max_file_bytes:
        return Ignored(shown, "large file", f"{size / MB:,.0f} MB is over the {most} MB limit")
    if total + size > limits.max_total_bytes:
        return Ignored(shown, "file", f"the submission is over its {in_all} MB limit in all")
    try:
        handle = _open_below(root_fd, entry.parts)
    except OSError as exc:
        return Ignored(shown, "unreadable file", exc.strerror or str(exc))
    try:
        now = os.fstat(handle)
        same = (now.st_dev, now.st_ino) == (entry.st.st_dev, entry.st.st_ino)
        if not (stat.S_ISREG(now.st_mode) and same):
            return Ignored(shown, "file", "it changed while the submission was being copied")
        limit = min(limits.max_file_bytes, limits.max_total_bytes - total)
        written = _copy_one(handle, dest.joinpath(*entry.parts), limit, mode)
    finally:
        os.close(handle)
    if written < 0:
        return Ignored(shown, "large file", "it grew past the size limit while being copied")
    return written


def read_file(path: Path, max_bytes: int, *, below: Path | None = None) -> bytes:
    """The bytes of one regular file, read as safely as :func:`copy_clean` reads.

    With ``below``, no link is followed from that folder down to ``path`` either. Raises
    :class:`NotAFile` (with a reason) for a link, pipe, socket, device, or a file over
    ``max_bytes``; ``FileNotFoundError`` when there is nothing there.
    """
    base = below if below is not None else path.parent
    parts = path.relative_to(base).parts
    try:
        root_fd = os.open(base, DIR_FLAGS)
    except OSError as exc:
        raise NotAFile("folder", f"its folder cannot be read ({exc.strerror})") from exc
    fd = root_fd
    try:
        fd = _descend(root_fd, parts[:-1])
        _check_regular(os.stat(parts[-1], dir_fd=fd, follow_symlinks=False), max_bytes)
        handle = os.open(parts[-1], FILE_FLAGS, dir_fd=fd)
    finally:
        os.close(root_fd)
        if fd != root_fd:
            os.close(fd)
    with os.fdopen(handle, "rb") as stream:
        data = stream.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise NotAFile("large file", "it is over the size limit")
    return data
