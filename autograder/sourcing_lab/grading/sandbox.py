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
- a safe import path: the working folder is never on ``sys.path`` (``PYTHONSAFEPATH``);
- a lockdown (``lockdown``): everything read-only but the kernel's own folders, and no
  capabilities, so a kernel started as root cannot undo any of the above.

Isolation that the operating system refuses (no root, no user namespaces) is skipped and
reported in the status file, which the grader logs. Resource caps always apply.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import importlib.util
import json
import os
import resource
import sys

from sourcing_lab.grading.cgroup import join_new_group
from sourcing_lab.grading.lockdown import drop_capabilities, inside, libc_call, make_read_only

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
    """Network and filesystem isolation, then the lockdown; notes for what could not be done."""
    if libc is None:
        return ["no C library found: no network or filesystem isolation"]
    notes = []
    flags = (CLONE_NEWNET if spec.get("no_network", True) else 0) | CLONE_NEWNS
    try:
        libc_call(libc, "unshare", flags)
    except OSError as exc:
        return [f"namespaces unavailable ({exc}): grading with network and full file access"]
    hide = list(spec.get("hide", []))
    private = spec.get("private_dir")
    if private:  # its parent holds every other kernel's private folder and signing key
        shared = os.path.dirname(os.path.realpath(private))
        needed = [p for p in needed_for_reading() if inside(p, shared)]
        if needed:
            notes.append(f"other kernels' folders stay visible: {needed[0]} is in {shared}")
        else:
            hide.append(shared)
    workdir = spec.get("workdir", "")
    try:
        _hide_folders(libc, hide, [workdir, private or ""])
    except OSError as exc:
        notes.append(f"could not hide instructor folders ({exc})")
        return notes
    try:
        notes += make_read_only([p for p in (workdir, private) if p], libc)
        drop_capabilities(libc)
    except OSError as exc:
        notes.append(f"kernel keeps root's powers ({exc}): it could undo the hiding")
    return notes


def _hide_folders(libc: ctypes.CDLL, hide: list[str], keep: list[str]) -> None:
    """Empty tmpfs (or /dev/null) over each hidden path, deepest first; then the ``keep``
    folders that were inside one are bound back from handles opened before anything moved."""
    libc_call(libc, "mount", b"none", b"/", None, MS_REC | MS_PRIVATE, None)
    handles = [
        (path, os.open(path, os.O_PATH))
        for path in keep
        if path and any(inside(path, h) for h in hide)
    ]
    for folder in sorted(hide, key=lambda p: -len(os.path.realpath(p).split("/"))):
        if os.path.isdir(folder):
            libc_call(libc, "mount", b"tmpfs", folder.encode(), b"tmpfs", 0, b"size=1m,mode=0755")
        elif os.path.exists(folder):  # a single file such as the gradebook
            libc_call(libc, "mount", b"/dev/null", folder.encode(), None, MS_BIND, None)
    for path, handle in handles:
        os.makedirs(path, exist_ok=True)
        source = f"/proc/self/fd/{handle}".encode()
        libc_call(libc, "mount", source, path.encode(), None, MS_BIND | MS_REC, None)
        os.close(handle)


def needed_for_reading() -> list[str]:
    """What the kernel reads outside its own folders: Python and the packages it imports."""
    paths = [sys.prefix, sys.base_prefix, os.path.dirname(os.path.realpath(sys.executable))]
    for name in ("course", "ipykernel"):
        found = importlib.util.find_spec(name)
        if found is not None and found.origin:
            paths.append(os.path.dirname(found.origin))
    return list(dict.fromkeys(paths))


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
