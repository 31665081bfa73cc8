"""Start a grading kernel in its sandbox: ``python -m sourcing_lab.grading.sandbox SPEC -- CMD``.

``SPEC`` is JSON, written by ``HardenedExecute`` (``execute``):

- ``limits``: memory, CPU seconds, file size and process caps;
- ``pids_group``: the name of a pids control group to make and join first (``cgroup``), so the
  kernel and everything it starts are capped and killed together even for a root grader;
- ``view``: the bubblewrap command that builds the kernel's allow-list view (``kernel_view``),
  or null where there is none (then the caps are set here and the kernel runs in ``workdir``);
- ``status_file``: where this launcher says what it did, for the grader's isolation record;
- ``copy_submission``: false for the zygote (``zygote``), which has no submission of its own;
- ``grader_pid``: the grader that started it; the launcher, and the kernel it becomes, are
  killed when that process dies, even if it dies before the sandbox is up (``lifeline``);
- ``lifeline_fd``: the read end of that grader's lifeline pipe (``lifeline.grader_fd``), passed
  on to the first step inside the sandbox, which starts nothing once the grader is gone;
  ``keep_lifeline``: the command gets it too (the zygote watches it, ``zygote``).

Everything happens before the kernel command replaces the process (``os.execvp``), so the
kernel inherits it. :func:`enter` is the one callable step that puts a command in the sandbox;
a kernel started any other way would have to call it too.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from sourcing_lab.grading import sandbox_entry
from sourcing_lab.grading.isolation import is_root, on_linux
from sourcing_lab.grading.kernel_view import INSIDE_ENTRY, INSIDE_SUBMISSION
from sourcing_lab.grading.lifeline import die_with_parent


def _cgroup(spec: dict[str, Any]) -> tuple[str | None, str | None]:
    if not (spec.get("pids_group") and on_linux()):
        return None, None
    from sourcing_lab.grading.cgroup import join_new_group

    return join_new_group(spec["pids_group"], spec["limits"].get("processes") or 256)


def enter(spec: dict[str, Any], command: list[str]) -> None:
    """Join the kernel's process group, record what was done, and exec ``command`` inside the
    sandbox (or, without one, with the caps that are safe to set here). Does not return."""
    lifeline = die_with_parent(spec.get("grader_pid"))  # before anything else is made
    group, note = _cgroup(spec)
    limits = dict(spec.get("limits", {}))
    view = spec.get("view")
    in_sandbox = bool(view) and not is_root()  # its own user namespace: NPROC counts its own
    status = {
        "cgroup": group,
        "cgroup_note": note,
        "nproc_in_sandbox": in_sandbox,
        "dies_with_grader": lifeline,
    }
    if not view and not is_root():
        limits.pop("processes", None)  # outside a user namespace it counts all our processes
    if spec.get("status_file"):
        with open(spec["status_file"], "w", encoding="utf-8") as handle:
            json.dump(status, handle)
    entry = {
        "limits": limits,
        "status_file": spec.get("entry_status_file"),
        "lifeline_fd": spec.get("lifeline_fd"),
        "keep_lifeline": spec.get("keep_lifeline", False),
    }
    if view:
        entry["copy_from"] = INSIDE_SUBMISSION if spec.get("copy_submission", True) else None
        inner = [sys.executable, INSIDE_ENTRY, json.dumps(entry), "--", *command]
        os.execvp(view[0], [*view, "--", *inner])
    if spec.get("workdir"):
        os.chdir(spec["workdir"])
    sandbox_entry.main([json.dumps(entry), "--", *command])


def main(argv: list[str]) -> int:
    if "--" not in argv or argv.index("--") != 1:
        print("usage: python -m sourcing_lab.grading.sandbox SPEC_JSON -- CMD ...", file=sys.stderr)
        return 2
    enter(json.loads(argv[0]), argv[2:])
    return 1


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
