"""Start a grading kernel inside limits: ``python -m sourcing_lab.grading.sandbox SPEC -- CMD``.

``SPEC`` is JSON. Everything is applied before the kernel command replaces this process
(``os.execvpe``), so the kernel and all it starts inherit it:

- resource caps: address space (memory), CPU seconds, file size, process count;
- a pids control group of its own (``cgroup``), which caps processes and threads even for
  root and lets the grader kill everything the kernel started;
- a fresh network namespace with no interface up (the kernel talks to the grader over IPC
  sockets, so it needs none);
- a private mount namespace in which the course folder, the answer keys and the gradebook are
  hidden behind empty folders, and only the submission's own working folder is visible;
- a safe import path: the working folder is never on ``sys.path`` (``PYTHONSAFEPATH``).

Isolation that the operating system refuses (no root, no user namespaces) is skipped and
reported in the status file, which the grader logs. Resource caps always apply.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import json
import os
import resource
import sys
import tempfile

from sourcing_lab.grading.cgroup import join_new_group

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_REC, MS_PRIVATE, MS_BIND = 0x4000, 0x40000, 0x1000
RLIMITS = {
    "memory_bytes": resource.RLIMIT_AS,
    "cpu_seconds": resource.RLIMIT_CPU,
    "file_bytes": resource.RLIMIT_FSIZE,
    "processes": resource.RLIMIT_NPROC,
}


def _libc() -> ctypes.CDLL | None:
    name = ctypes.util.find_library("c")
    return ctypes.CDLL(name, use_errno=True) if name else None


def _call(libc: ctypes.CDLL, name: str, *args: object) -> None:
    if getattr(libc, name)(*args) != 0:
        raise OSError(ctypes.get_errno(), f"{name}: {os.strerror(ctypes.get_errno())}")


def apply_limits(spec: dict) -> list[str]:
    notes = []
    for name, which in RLIMITS.items():
        value = spec.get(name)
        if value:
            try:
                resource.setrlimit(which, (value, value))
            except (ValueError, OSError) as exc:
                notes.append(f"could not set {name}: {exc}")
    return notes


def isolate(spec: dict, libc: ctypes.CDLL | None) -> list[str]:
    """Network and filesystem isolation; notes for whatever could not be done."""
    if libc is None:
        return ["no C library found: no network or filesystem isolation"]
    notes = []
    flags = (CLONE_NEWNET if spec.get("no_network", True) else 0) | CLONE_NEWNS
    try:
        _call(libc, "unshare", flags)
    except OSError as exc:
        return [f"namespaces unavailable ({exc}): grading with network and full file access"]
    try:
        _hide_folders(libc, spec.get("hide", []), spec.get("workdir", ""))
    except OSError as exc:
        notes.append(f"could not hide instructor folders ({exc})")
    return notes


def _hide_folders(libc: ctypes.CDLL, hide: list[str], workdir: str) -> None:
    _call(libc, "mount", b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    keep = None
    if workdir and any(_inside(workdir, h) for h in hide):
        keep = tempfile.mkdtemp(prefix="sl-keep-")
        _call(libc, "mount", workdir.encode(), keep.encode(), None, MS_BIND | MS_REC, None)
    for folder in hide:
        if os.path.isdir(folder):
            _call(libc, "mount", b"tmpfs", folder.encode(), b"tmpfs", 0, b"size=1m,mode=0755")
        elif os.path.exists(folder):  # a single file such as the gradebook
            _call(libc, "mount", b"/dev/null", folder.encode(), None, MS_BIND, None)
    if keep:
        os.makedirs(workdir, exist_ok=True)
        _call(libc, "mount", keep.encode(), workdir.encode(), None, MS_BIND | MS_REC, None)


def _inside(path: str, folder: str) -> bool:
    path, folder = os.path.realpath(path), os.path.realpath(folder)
    return path == folder or path.startswith(folder.rstrip("/") + "/")


def main(argv: list[str]) -> int:
    if "--" not in argv:
        print("usage: python -m sourcing_lab.grading.sandbox SPEC_JSON -- CMD ...", file=sys.stderr)
        return 2
    split = argv.index("--")
    spec = json.loads(argv[0]) if split else {}
    command = argv[split + 1 :]
    group, note = None, None
    if spec.get("pids_group"):
        group, note = join_new_group(spec["pids_group"], spec.get("processes") or 256)
    notes = [note] if note else []
    notes += isolate(spec, _libc()) + apply_limits(spec)
    if spec.get("status_file"):
        with open(spec["status_file"], "w", encoding="utf-8") as handle:
            json.dump({"notes": notes, "cgroup": group}, handle)
    if spec.get("workdir"):
        os.chdir(spec["workdir"])
    env = dict(os.environ, PYTHONSAFEPATH="1")
    os.execvpe(command[0], command, env)
    return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
