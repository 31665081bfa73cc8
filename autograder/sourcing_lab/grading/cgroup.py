"""A pids control group for one grading kernel.

It caps how many processes and threads the kernel and everything it starts may have at once,
which ``RLIMIT_NPROC`` cannot do when grading runs as root. It also finds every process the
kernel started, even one that left the kernel's process group with ``setsid()``, so the grader
can kill them all when the notebook ends.

cgroup v1 (a ``pids`` hierarchy) and cgroup v2 (a unified hierarchy with the ``pids``
controller) are both tried. Where neither can be written (no root, a read-only
``/sys/fs/cgroup``), the cap comes from ``RLIMIT_NPROC`` inside the kernel's own user namespace
instead (``sandbox_entry``), or is missing, and the isolation record says which.

bubblewrap does not make control groups; this module is kept for that, and for the kill: a
root kernel's pids group reaches every process it started, whatever it did with its process
group.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import time
from pathlib import Path

CGROUP_FS = Path("/sys/fs/cgroup")
PREFIX = "sourcing-lab-"
OWNER = re.compile(r"(?:sl-kernel|pool)-(\d+)-")  # see owned_name


def _own_path(controller: str) -> str:
    """This process's cgroup path in the hierarchy of ``controller`` ("" for cgroup v2)."""
    try:
        lines = Path("/proc/self/cgroup").read_text().splitlines()
    except OSError:
        return "/"
    for line in lines:
        _hid, controllers, path = line.split(":", 2)
        if controllers.split(",") == [controller] or (controller == "" and controllers == ""):
            return path
    return "/"


def group_parents() -> list[Path]:
    """Parent folders in which a kernel's group may be made, the most specific first."""
    found = []
    v1 = CGROUP_FS / "pids"
    if v1.is_dir():
        found.append(v1 / _own_path("pids").lstrip("/"))
    for unified in (CGROUP_FS, CGROUP_FS / "unified"):
        controllers = unified / "cgroup.controllers"
        if controllers.is_file() and "pids" in controllers.read_text().split():
            found.append(unified / _own_path("").lstrip("/"))
    return found


def writable_parent() -> Path | None:
    """The first folder in which this process may make a kernel's group, if any."""
    for parent in group_parents():
        if os.access(parent, os.W_OK):
            return parent
    return None


def join_new_group(name: str, max_pids: int) -> tuple[str | None, str | None]:
    """Move this process into a new group ``name`` capped at ``max_pids`` tasks.

    Returns the group's folder, or ``None`` and a note saying why there is no cap."""
    return move_into_new_group(name, os.getpid(), max_pids)


def move_into_new_group(name: str, pid: int, max_pids: int) -> tuple[str | None, str | None]:
    """Move process ``pid`` (with its threads) into a new group ``name`` capped at
    ``max_pids`` tasks: the launcher moves itself, the grader moves a forked kernel."""
    problems = []
    for parent in group_parents():
        group = parent / f"{PREFIX}{name}"
        try:
            if (parent / "cgroup.subtree_control").exists():  # v2: let children use pids
                with contextlib.suppress(OSError):
                    (parent / "cgroup.subtree_control").write_text("+pids")
            group.mkdir()
            (group / "pids.max").write_text(str(max_pids))
            (group / "cgroup.procs").write_text(str(pid))
            return str(group), None
        except OSError as exc:
            problems.append(f"{parent}: {exc.strerror or exc}")
            with contextlib.suppress(OSError):
                group.rmdir()
    reason = "; ".join(problems) or "no writable pids cgroup hierarchy"
    return None, f"no process cap from cgroups ({reason})"


def find_group(name: str) -> str | None:
    """The folder of group ``name`` if it exists (a launcher that died after joining it
    could not say where it was)."""
    for parent in group_parents():
        group = parent / f"{PREFIX}{name}"
        if group.is_dir():
            return str(group)
    return None


def kill_group(group: str | None, wait: float = 5.0) -> int:
    """SIGKILL every process left in ``group``, then remove it. Returns how many were killed."""
    if not group or not Path(group).name.startswith(PREFIX):
        return 0
    folder = Path(group)
    killed: set[int] = set()
    deadline = time.monotonic() + wait
    while True:
        try:
            pids = [int(p) for p in (folder / "cgroup.procs").read_text().split()]
        except OSError:
            return len(killed)  # already gone
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
                killed.add(pid)
        try:
            folder.rmdir()
            return len(killed)
        except OSError:
            if time.monotonic() > deadline:
                return len(killed)  # still being reaped: sweep_groups removes it later
            time.sleep(0.02)


def owned_name(kind: str) -> str:
    """A name prefix for a group (and the folder it is named after) that says which process
    owns it: ``sweep_groups`` kills what a dead owner left behind."""
    return f"{kind}-{os.getpid()}-"


def _owner_gone(group: Path) -> bool:
    """True when the process named in ``group``'s name is dead, or its pid now belongs to a
    process that started after the group was made. False when no owner is named."""
    match = OWNER.match(group.name.removeprefix(PREFIX))
    if not match:
        return False
    try:
        stat = Path(f"/proc/{match.group(1)}/stat").read_text()
        boot = next(
            float(line.split()[1])
            for line in Path("/proc/stat").read_text().splitlines()
            if line.startswith("btime ")
        )
        made = group.stat().st_mtime
    except (OSError, StopIteration, ValueError):
        return not Path(f"/proc/{match.group(1)}").exists()
    ticks = int(stat.rsplit(")", 1)[1].split()[19])  # field 22: start time since boot
    return boot + ticks / os.sysconf("SC_CLK_TCK") > made + 2.0  # btime has whole seconds


def sweep_groups(min_age: float = 60.0) -> int:
    """Clean up the kit's groups that no notebook is using; returns how many were removed.

    - A group whose owner is dead (a grader killed while its kernel was starting) has every
      process in it killed and is removed: nothing else would ever stop that kernel.
    - An empty group older than ``min_age`` seconds is removed: one whose last processes were
      still being reaped when its notebook ended. A younger empty group may be one that another
      grader has just made and not yet joined, so it is left alone."""
    removed = 0
    now = time.time()
    for parent in group_parents():
        for group in parent.glob(f"{PREFIX}*"):
            if _owner_gone(group):
                kill_group(str(group), wait=1.0)
                removed += not group.exists()
                continue
            try:
                if (group / "pids.current").read_text().strip() != "0":
                    continue
                if now - group.stat().st_mtime < min_age:
                    continue
                group.rmdir()
                removed += 1
            except OSError:
                continue
    return removed
