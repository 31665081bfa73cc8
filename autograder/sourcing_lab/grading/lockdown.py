"""Make a root grading kernel unable to undo its sandbox.

Inside the kernel's private mount namespace, and before the kernel starts:

- every mount becomes read-only except the kernel's working folder, its private folder
  (sockets, HOME, temporary files, its connection file) and ``/dev`` (not ``/dev/shm``), so
  it cannot rewrite the kit's code, the environment, the gradebook or ``/sys/fs/cgroup``;
- the capability bounding set is emptied and ``no_new_privs`` set, so the kernel command
  starts with no capabilities even as uid 0: it cannot unmount the empty folders that hide
  the keys, remount anything writable, or regain root through a set-uid program.

Linux only; the launcher calls it only after ``unshare`` succeeded.
"""

from __future__ import annotations

import ctypes
import os
import re

MS_RDONLY, MS_REMOUNT, MS_BIND, MS_REC = 0x1, 0x20, 0x1000, 0x4000
MS_NOSUID, MS_NODEV, MS_NOEXEC = 0x2, 0x4, 0x8
PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 24, 38
_FLAGS = {"nosuid": MS_NOSUID, "nodev": MS_NODEV, "noexec": MS_NOEXEC}


def libc_call(libc: ctypes.CDLL, name: str, *args: object) -> None:
    """Call a libc function that returns 0 on success; raise OSError with errno otherwise."""
    if getattr(libc, name)(*args) != 0:
        raise OSError(ctypes.get_errno(), f"{name}: {os.strerror(ctypes.get_errno())}")


def make_read_only(writable: list[str], libc: ctypes.CDLL) -> list[str]:
    """Remount everything read-only but ``writable`` (bound onto themselves first) and /dev.
    Returns notes for mounts that could not be changed."""
    for folder in writable:
        libc_call(libc, "mount", folder.encode(), folder.encode(), None, MS_BIND | MS_REC, None)
    keep = [*writable, "/dev"]
    notes = []
    for point, options in _mounts():
        if any(inside(point, folder) for folder in keep) and point != "/dev/shm":
            continue
        flags = MS_REMOUNT | MS_BIND | MS_RDONLY
        flags |= sum(bit for name, bit in _FLAGS.items() if name in options)
        try:
            libc_call(libc, "mount", None, point.encode(), None, flags, None)
        except OSError as exc:
            notes.append(f"could not make {point} read-only ({exc})")
    return notes


def drop_capabilities(libc: ctypes.CDLL) -> None:
    """Empty the bounding set: what this process executes next has no capabilities."""
    with open("/proc/sys/kernel/cap_last_cap", encoding="ascii") as handle:
        last = int(handle.read())
    for capability in range(last + 1):
        libc.prctl(PR_CAPBSET_DROP, capability, 0, 0, 0)
    if libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0:
        raise OSError(ctypes.get_errno(), "prctl(PR_SET_NO_NEW_PRIVS) failed")


def _mounts() -> list[tuple[str, set[str]]]:
    """Mount points of this namespace with their per-mount options, parents first."""
    found = []
    with open("/proc/self/mountinfo", encoding="utf-8") as handle:
        for line in handle:
            fields = line.split()
            point = re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), fields[4])
            found.append((point, set(fields[5].split(","))))
    return found


def inside(path: str | os.PathLike, folder: str | os.PathLike) -> bool:
    """Whether ``path`` is ``folder`` or below it, symlinks resolved."""
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")
