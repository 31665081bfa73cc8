"""The last step before a grading kernel starts: ``python sandbox_entry.py SPEC -- CMD``.

Inside the kernel's sandbox it is the only file of the kit the kernel's view holds (bound
read-only, see ``kernel_view``), so it uses the standard library only. It

- sets the resource caps (``RLIMIT_AS``, ``_CPU``, ``_FSIZE`` and, when asked, ``_NPROC``).
  ``RLIMIT_NPROC`` is set here, inside the sandbox's own user namespace, because there it
  counts only the kernel's processes; set outside, it would count all of the instructor's;
- copies the submission's autograded folder into the kernel's working folder (a capped tmpfs);
- stops at once when its grader died while the sandbox was being set up (``lifeline_fd``, see
  ``lifeline``): nothing would ever stop the kernel. The descriptor is closed before the
  kernel starts, or kept when ``keep_lifeline`` says the command watches it (the zygote);
- writes what it could not do to ``status_file``;
- replaces itself with the kernel command, with a safe import path (``PYTHONSAFEPATH``: the
  working folder, where a student's ``pandas.py`` may lie, is never on ``sys.path``).

The launcher (``sandbox``) runs :func:`apply_limits` itself where there is no sandbox.
"""

from __future__ import annotations

import contextlib
import json
import os
import select
import shutil
import sys

LIMITS = {  # spec key -> resource module constant
    "memory_bytes": "RLIMIT_AS",
    "cpu_seconds": "RLIMIT_CPU",
    "file_bytes": "RLIMIT_FSIZE",
    "processes": "RLIMIT_NPROC",
}


def apply_limits(limits: dict) -> list[str]:
    """Set each cap in ``limits``; return a note for each one that could not be set."""
    try:
        import resource
    except ImportError:
        return ["no resource limits on this platform"]
    notes = []
    for name, value in limits.items():
        which = getattr(resource, LIMITS.get(name, ""), None)
        if not value or which is None:
            continue
        try:
            resource.setrlimit(which, (value, value))
        except (ValueError, OSError) as exc:
            notes.append(f"could not set {name}: {exc}")
    return notes


def grader_gone(fd: int | None) -> bool:
    """True when the grader that passed lifeline ``fd`` is dead (its pipe is at end-of-file);
    False while it lives, or when there is no such descriptor to ask."""
    if fd is None:
        return False
    try:
        readable, _, _ = select.select([fd], [], [], 0)
    except (OSError, ValueError):
        return False
    return bool(readable)  # nothing is ever written to it: readable means end-of-file


def main(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") != 1:
        print("usage: python sandbox_entry.py SPEC_JSON -- CMD ...", file=sys.stderr)
        return 2
    spec, command = json.loads(argv[0]), argv[2:]
    lifeline = spec.get("lifeline_fd")
    if grader_gone(lifeline):
        print("sandbox: the grader is gone; not starting the kernel", file=sys.stderr)
        return 1
    if lifeline is not None and not spec.get("keep_lifeline"):
        with contextlib.suppress(OSError):
            os.close(lifeline)  # the kernel has no use for it
    status: dict[str, list[str]] = {"notes": apply_limits(spec.get("limits", {})), "problems": []}
    source = spec.get("copy_from")
    if source:
        try:
            shutil.copytree(source, os.getcwd(), symlinks=True, dirs_exist_ok=True)
        except OSError as exc:
            status["problems"].append(f"the submission was not copied in whole: {exc}")
    if spec.get("status_file"):
        with open(spec["status_file"], "w", encoding="utf-8") as handle:
            json.dump(status, handle)
    os.execvpe(command[0], command, dict(os.environ, PYTHONSAFEPATH="1"))
    return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
