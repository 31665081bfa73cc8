"""A real classroom per test module: JupyterHub on 127.0.0.1, real system users, nbgrader's
exchange. Everything it makes (users, their processes, the class folder) is removed afterwards,
also when a test fails. The phase timings are printed in pytest's terminal summary.

Skips only where the platform cannot do it: system users need root on Linux (CI runs as
root); the browser student needs Debian's ``/usr/bin/chromium`` (CI installs it).
"""

from __future__ import annotations

import pwd
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from browser_student import CHROMIUM

from sourcing_lab.hub.accounts import can_make_system_users, processes_of
from sourcing_lab.hub.classroom import (
    Classroom,
    new_prefix,
    plan_classroom,
    running_hub,
    set_up,
    tear_down,
)
from sourcing_lab.hub.runtime import shared_runtime
from support import REPO

TIMINGS: list[tuple[str, float]] = []
NOTES: list[str] = []


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    reason = None
    if not can_make_system_users():
        reason = (
            "the classroom tests create system users (useradd) and so need root on Linux; "
            "CI runs as root. Without root, `make hub` runs the same hub with one OS user"
        )
    elif not CHROMIUM.exists():
        reason = (
            f"{CHROMIUM} is missing (one student works in real Chromium): apt-get install chromium"
        )
    if reason is None:
        return
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.fspath)).resolve().parents:
            item.add_marker(pytest.mark.skip(reason=reason))


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if not TIMINGS and not NOTES:
        return
    terminalreporter.section("hub: a class round trip on JupyterHub")
    for label, seconds in TIMINGS:
        terminalreporter.write_line(f"{label:<58} {seconds:6.1f} s")
    for note in NOTES:
        terminalreporter.write_line(f"note: {note}")


@contextmanager
def timed(label: str) -> Iterator[None]:
    started = time.monotonic()
    yield
    TIMINGS.append((label, time.monotonic() - started))


@pytest.fixture(scope="module")
def classroom() -> Iterator[Classroom]:
    with timed("servers' runtime (venv from /usr/bin/python3 + kit wheel)"):
        runtime = shared_runtime(REPO)
    base = Path(tempfile.mkdtemp(prefix="sourcing-lab-hubtest-", dir="/tmp"))
    room = plan_classroom(base, runtime, new_prefix())
    try:
        with timed("class set-up (users, course init, configs)"):
            set_up(room)
        with running_hub(room):
            yield room
    finally:
        left = tear_down(room)
        NOTES.extend(left)
        for account in room.accounts:  # nothing of this class may survive it
            uid = room.uids.get(account.name)
            assert uid is None or not processes_of(uid), f"{account.name} still has processes"
        assert not base.exists(), f"{base} was not removed"
        for account in room.accounts:
            with pytest.raises(KeyError):
                pwd.getpwnam(account.name)
