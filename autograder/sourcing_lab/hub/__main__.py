"""``make hub`` / ``python -m sourcing_lab.hub``: a demo class on JupyterHub, until Ctrl+C.

As root on Linux the class gets real system users (created now, removed on exit) and
LocalProcessSpawner: each server runs as its user, so students cannot open each other's files,
the keys or the gradebook. Otherwise every user is this OS user (SimpleLocalProcessSpawner):
the hub, the exchange and the lab extensions work the same, but nothing separates one user's
files from another's; use it to try the workflow, never for a real class.
"""

from __future__ import annotations

import argparse
import os
import signal
import tempfile
from pathlib import Path

from sourcing_lab.exercises import REPO
from sourcing_lab.hub import HubSetupError
from sourcing_lab.hub.classroom import (
    COURSE_ID,
    Classroom,
    plan_classroom,
    running_hub,
    set_up,
    tear_down,
)
from sourcing_lab.hub.runtime import shared_runtime, this_environment


def describe(room: Classroom) -> str:
    mode = (
        "system users + LocalProcessSpawner (each server runs as its user)"
        if room.system_users
        else "one OS user + SimpleLocalProcessSpawner (NO separation between users)"
    )
    lines = [
        f"JupyterHub for course {COURSE_ID!r}: {room.url}/hub/login",
        f"  users: {mode}",
        f"  instructor  {room.instructor.name:<18} password {room.instructor.password}",
        *(f"  student     {s.name:<18} password {s.password}" for s in room.students),
        f"  course folder: {room.course_root}",
        f"  exchange:      {room.exchange}",
        f"  hub log:       {room.hub_dir / 'jupyterhub.log'}",
        "The instructor: Nbgrader > Formgrader (Manage Assignments: Generate, Release, Collect),",
        "then `sourcing-lab grade a01_provenance` in a terminal in the course folder.",
        "Students: Nbgrader > Assignment List (Fetch, work, Submit; later Fetch Feedback).",
        "Ctrl+C stops the hub, removes the users and the class folder.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sourcing_lab.hub", description=__doc__)
    parser.add_argument("--port", type=int, default=int(os.environ.get("HUB_PORT", "8000")))
    parser.add_argument(
        "--prefix",
        default=os.environ.get("HUB_PREFIX", "sl-"),
        help="prefix of the class's user names (default sl-)",
    )
    args = parser.parse_args(argv)
    base = Path(tempfile.mkdtemp(prefix="sourcing-lab-hub-", dir="/tmp"))
    probe = plan_classroom(base, this_environment(), args.prefix, port=args.port)
    runtime = shared_runtime(REPO) if probe.system_users else this_environment()
    room = plan_classroom(base, runtime, args.prefix, port=args.port)
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        set_up(room)
        with running_hub(room):
            print(describe(room), flush=True)
            signal.pause()
    except KeyboardInterrupt:
        print("\nStopping the hub ...")
    except HubSetupError as error:
        print(f"sourcing-lab hub: {error}")
        return 1
    finally:
        for line in tear_down(room):
            print(line)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
