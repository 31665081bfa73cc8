"""The class's users: real system users when run as root on Linux, else names only.

System users give the separation a classroom needs (a student's server runs as that student and
cannot open another's files). They are created with ``useradd`` for the life of the class and
removed with ``userdel`` afterwards; an existing account is never taken over.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sourcing_lab.hub import HubSetupError

INSTRUCTOR = "instructor"
STUDENTS = ("ada", "ben", "cy")


@dataclass(frozen=True)
class Account:
    name: str
    password: str
    role: str  # "instructor" or "student"
    home: Path


def plan_accounts(homes: Path, prefix: str) -> tuple[Account, list[Account]]:
    """One instructor and three students, each with a fresh random password."""

    def make(short: str, role: str) -> Account:
        name = f"{prefix}{short}"
        return Account(name, secrets.token_urlsafe(12), role, homes / name)

    return make(INSTRUCTOR, "instructor"), [make(s, "student") for s in STUDENTS]


def can_make_system_users() -> bool:
    return sys.platform.startswith("linux") and os.geteuid() == 0 and bool(shutil.which("useradd"))


def create_system_user(account: Account) -> int:
    """``useradd`` the account with a private home. Its shell is bash (JupyterLab's terminal
    starts the user's shell); it has no password, so the system refuses it any login."""
    try:
        pwd.getpwnam(account.name)
    except KeyError:
        pass
    else:
        raise HubSetupError(
            f"a system user named {account.name!r} already exists; the classroom never takes "
            "over an account: choose another prefix (HUB_PREFIX=...) or remove that user"
        )
    subprocess.run(
        [
            "useradd",
            "--no-create-home",
            "--home-dir",
            str(account.home),
            "--shell",
            "/bin/bash",
            "--user-group",
            "--comment",
            "Sourcing Lab classroom",
            account.name,
        ],
        check=True,
        capture_output=True,
        text=True,
    )
    entry = pwd.getpwnam(account.name)
    account.home.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chown(account.home, entry.pw_uid, entry.pw_gid)
    account.home.chmod(0o700)
    return entry.pw_uid


def chown_tree(path: Path, user: str) -> None:
    entry = pwd.getpwnam(user)
    for folder, dirs, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, n) for n in dirs + files)]:
            os.chown(name, entry.pw_uid, entry.pw_gid, follow_symlinks=False)


def processes_of(uid: int) -> list[int]:
    """Process ids owned by ``uid`` (from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if entry.stat().st_uid == uid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def remove_system_user(name: str) -> list[int]:
    """Stop what is left of the user's processes (by id), then ``userdel``. Returns the ids of
    processes that had to be stopped here (none when the hub stopped its servers cleanly)."""
    try:
        uid = pwd.getpwnam(name).pw_uid
    except KeyError:
        return []
    stopped = processes_of(uid)
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in processes_of(uid):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, sig)
        deadline = time.monotonic() + 5
        while processes_of(uid) and time.monotonic() < deadline:
            time.sleep(0.1)
    subprocess.run(["userdel", name], check=False, capture_output=True)
    return stopped
