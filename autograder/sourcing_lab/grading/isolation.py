"""How isolated a grading kernel is: what this host offers, and what a kernel actually got.

Full isolation has five parts (each a :data:`PARTS` entry):

- **view**: an allow-list file-system view built by bubblewrap (``kernel_view``);
- **network**: no network (a network namespace with nothing in it);
- **process cap**: a cap on processes and threads that counts only the kernel's own: a pids
  cgroup where one can be made (root), otherwise ``RLIMIT_NPROC`` inside the kernel's own user
  namespace (the kernel counts per user namespace, so the instructor's own processes do not);
- **resource caps**: memory, CPU time and file size (``RLIMIT_AS``, ``_CPU``, ``_FSIZE``);
- **no privileges**: every capability dropped, even for a root grader.

Anything less is *partial* (with what is missing and why), and without bubblewrap *none*. The
level goes into the log, each result file, the grade summary and the report, and
``HardenedExecute.require_isolation`` / ``sourcing-lab grade --require-isolation`` refuse to
grade below full. Off Linux there is no isolation to offer, and this module says so instead of
failing on import.
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from typing import Any

FULL, PARTIAL, NONE, NO_KERNEL = "full", "partial", "none", "no kernel"
PARTS = {
    "view": "allow-list file view (bubblewrap)",
    "network": "no network",
    "process cap": "process cap counting only the kernel's own processes",
    "resource caps": "memory, CPU-time and file-size caps",
    "no privileges": "no capabilities",
}
NO_ISOLATION_HERE = "no isolation available here: grade on Linux or in a container"
INSTALL_BWRAP = (
    "bubblewrap is not installed (apt-get install bubblewrap, or dnf install bubblewrap), "
    "or HardenedExecute.bwrap does not name it"
)


@dataclass(frozen=True)
class Isolation:
    """The parts of :data:`PARTS` in place, and why each missing one is missing."""

    applied: tuple[str, ...] = ()
    missing: dict[str, str] = field(default_factory=dict)
    ran_code: bool = True

    @property
    def level(self) -> str:
        if not self.ran_code:
            return NO_KERNEL
        if not self.missing:
            return FULL
        return NONE if "view" in self.missing else PARTIAL

    def describe(self) -> str:
        if self.level == NO_KERNEL:
            return "not needed: no code ran"
        if self.level == FULL:
            return "full (" + "; ".join(PARTS[p] for p in self.applied) + ")"
        gaps = "; ".join(f"{PARTS[p]}: {why}" for p, why in self.missing.items())
        return f"{self.level} (missing {gaps})"

    def as_dict(self) -> dict[str, Any]:
        return {
            "level": self.level,
            "applied": list(self.applied),
            "missing": dict(self.missing),
            "text": self.describe(),
        }

    def without(self, part: str, why: str) -> Isolation:
        applied = tuple(p for p in self.applied if p != part)
        return Isolation(applied, {**self.missing, part: why}, self.ran_code)


NOT_NEEDED = Isolation(ran_code=False)


class IsolationRefused(RuntimeError):
    """Grading was asked to require full isolation, and this host or kernel has less."""


def refusal(isolation: Isolation) -> str:
    return (
        f"refusing to grade: isolation is {isolation.describe()}. Grade on Linux with "
        "bubblewrap installed (as root, or in a container, for the process cap), or leave out "
        "--require-isolation (HardenedExecute.require_isolation) to grade with less."
    )


def on_linux() -> bool:
    return sys.platform.startswith("linux")


def is_root() -> bool:
    return on_linux() and os.geteuid() == 0


def offered(bwrap: str = "bwrap", network: bool = False) -> Isolation:
    """What this host can give a grading kernel (bubblewrap is tried once per process)."""
    if not on_linux():
        return Isolation(missing=dict.fromkeys(PARTS, NO_ISOLATION_HERE))
    found = shutil.which(bwrap)
    problem = INSTALL_BWRAP if found is None else _bwrap_problem(found)
    isolation = Isolation(applied=tuple(PARTS))
    if problem:
        for part in ("view", "network", "no privileges"):
            isolation = isolation.without(part, problem)
    if network:
        isolation = isolation.without("network", "HardenedExecute.no_network is off")
    cap = _process_cap_problem(sandboxed=not problem)
    if cap:
        isolation = isolation.without("process cap", cap)
    return isolation


def _process_cap_problem(sandboxed: bool) -> str:
    from sourcing_lab.grading.cgroup import writable_parent

    if writable_parent() is not None:
        return ""
    if is_root():
        return (
            "root ignores RLIMIT_NPROC and no pids cgroup can be made here "
            "(/sys/fs/cgroup is read-only or has no pids controller)"
        )
    if not sandboxed:
        return (
            "without a user namespace of its own, RLIMIT_NPROC would count all of this "
            "user's processes, so none is set"
        )
    return ""


@functools.lru_cache(maxsize=8)
def _bwrap_problem(bwrap: str) -> str:
    """'' when bubblewrap can build a kernel's view here, else why not (its own message)."""
    from sourcing_lab.grading.kernel_view import view_arguments

    with tempfile.TemporaryDirectory(prefix="sl-probe-") as scratch:
        work, private = os.path.join(scratch, "work"), os.path.join(scratch, "private")
        os.makedirs(work)
        os.makedirs(private)
        command = [*view_arguments(bwrap, workdir=work, private_dir=private), "--"]
        command += [sys.executable, "-c", "import course"]
        try:
            run = subprocess.run(command, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return f"bubblewrap did not start ({exc})"
    if run.returncode != 0:
        said = (run.stderr.strip().splitlines() or [f"exit status {run.returncode}"])[-1]
        return f"bubblewrap refused to build the sandbox ({said[:200]})"
    return ""


def after_start(expected: Isolation, launcher: dict[str, Any], entry: dict[str, Any]) -> Isolation:
    """What one kernel got: the host's offer, less what its launch reported as not done."""
    isolation = expected
    capped = launcher.get("cgroup") is not None or launcher.get("nproc_in_sandbox")
    if not capped and "process cap" not in isolation.missing:
        reason = launcher.get("cgroup_note") or "no pids cgroup and no user namespace"
        isolation = isolation.without("process cap", reason)
    failed = [n for n in entry.get("notes", []) if isinstance(n, str)]
    if failed:
        isolation = isolation.without("resource caps", "; ".join(failed))
    elif not entry and "view" in isolation.applied:
        isolation = isolation.without("resource caps", "the sandbox did not report its limits")
    return isolation
