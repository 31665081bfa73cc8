"""A demo class on JupyterHub: users, the course, nbgrader's exchange, the hub's settings.

Layout (``base`` is world-traversable; everything private is below a private folder)::

    base/                      755  root
      home/<user>/             700  each user (the instructor's holds the course)
        <instructor>/sourcing_lab/   the course made by `sourcing-lab course init`
      exchange/                1777 nbgrader's exchange root (sticky: nobody renames another's)
      etc/jupyter/             755  the class-wide Jupyter config (what /etc/jupyter would be)
      hub/                     700  the hub's state and config (passwords, cookie secret)

Separation is what nbgrader documents for its default exchange: ``outbound`` readable by all,
``inbound`` writable but not listable (733), ``feedback`` traversable only (711), every
submission under an unguessable name; the course folder, keys and gradebook stay in the
instructor's private home. Groups ``formgrade-<course>`` and ``nbgrader-<course>`` tell
nbgrader's ``JupyterHubAuthPlugin`` who teaches and who takes the course.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from sourcing_lab.course_init import init_course
from sourcing_lab.hub import HubSetupError
from sourcing_lab.hub.accounts import (
    Account,
    can_make_system_users,
    chown_tree,
    create_system_user,
    plan_accounts,
    remove_system_user,
)
from sourcing_lab.hub.runtime import Runtime, check_traversable, proxy_command

COURSE_ID = "sourcing_lab"
# What a single-user server's token may do, on top of posting activity: read its own user's
# groups (JupyterHubAuthPlugin finds the student's courses there) and, for the instructor only
# (the token gets the subset its owner holds), manage the course's student group.
SERVER_TOKEN_SCOPES = [
    "users:activity!user",
    "access:servers!server",
    "read:users:name!user",
    "read:users:groups!user",
    f"list:groups!group=nbgrader-{COURSE_ID}",
    f"read:groups!group=nbgrader-{COURSE_ID}",
    f"groups!group=nbgrader-{COURSE_ID}",
]
# Students see the Assignments tab only; formgrader, course list and create-assignment are the
# instructor's (nbgrader's table of which extension goes to whom).
STUDENT_SERVER_EXTENSIONS_OFF = [
    "nbgrader.server_extensions.formgrader",
    "nbgrader.server_extensions.course_list",
]
STUDENT_LAB_PLUGINS_OFF = [
    "@jupyter/nbgrader:formgrader",
    "@jupyter/nbgrader:course-list",
    "@jupyter/nbgrader:create-assignment",
]


@dataclass
class Classroom:
    base: Path
    runtime: Runtime
    instructor: Account
    students: list[Account]
    system_users: bool
    port: int = 0
    hub_port: int = 0
    proxy_api_port: int = 0
    uids: dict[str, int] = field(default_factory=dict)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def course_root(self) -> Path:
        return self.instructor.home / COURSE_ID

    @property
    def exchange(self) -> Path:
        return self.base / "exchange"

    @property
    def config_dir(self) -> Path:
        return self.base / "etc" / "jupyter"

    @property
    def hub_dir(self) -> Path:
        return self.base / "hub"

    @property
    def accounts(self) -> list[Account]:
        return [self.instructor, *self.students]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def plan_classroom(base: Path, runtime: Runtime, prefix: str, *, port: int = 0) -> Classroom:
    instructor, students = plan_accounts(base / "home", prefix)
    return Classroom(
        base=base,
        runtime=runtime,
        instructor=instructor,
        students=students,
        system_users=can_make_system_users(),
        port=port or free_port(),
        hub_port=free_port(),
        proxy_api_port=free_port(),
    )


def set_up(room: Classroom) -> None:
    """Users, homes, the course, the exchange and every config file."""
    old_umask = os.umask(0o022)
    try:
        room.base.mkdir(parents=True, exist_ok=True)
        room.base.chmod(0o755)
        (room.base / "home").mkdir(mode=0o755, exist_ok=True)
        if room.system_users:
            check_traversable(room.base)
            for account in room.accounts:
                room.uids[account.name] = create_system_user(account)
        else:
            for account in room.accounts:
                account.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        room.exchange.mkdir(exist_ok=True)
        room.exchange.chmod(0o1777)
        _write(room.config_dir / "nbgrader_config.py", _class_nbgrader_config(room))
        init_course(
            room.course_root,
            course_id=COURSE_ID,
            kit_config=room.runtime.kit_config(),
            exchange_root=room.exchange,
        )
        _write(
            room.instructor.home / ".jupyter" / "nbgrader_config.py",
            "c = get_config()  # noqa: F821\n"
            f"load_subconfig({str(room.course_root / 'nbgrader_config.py')!r})  # noqa: F821\n",
        )
        for student in room.students:
            _write_student_settings(student.home)
        room.hub_dir.mkdir(mode=0o700, exist_ok=True)
        _write(room.hub_dir / "jupyterhub_config.py", hub_config(room))
        (room.hub_dir / "jupyterhub_config.py").chmod(0o600)
        if room.system_users:
            for account in room.accounts:
                chown_tree(account.home, account.name)
            chown_tree(room.exchange, room.instructor.name)
    finally:
        os.umask(old_umask)


def _class_nbgrader_config(room: Classroom) -> str:
    return (
        '"""nbgrader settings for everyone in the class (the role of /etc/jupyter)."""\n'
        "c = get_config()  # noqa: F821\n"
        f"c.CourseDirectory.course_id = {COURSE_ID!r}\n"
        f"c.Exchange.root = {str(room.exchange)!r}\n"
        "c.Exchange.path_includes_course = True\n"
        'c.Authenticator.plugin_class = "nbgrader.auth.JupyterHubAuthPlugin"\n'
    )


def _write_student_settings(home: Path) -> None:
    server = {
        "ServerApp": {"jpserver_extensions": dict.fromkeys(STUDENT_SERVER_EXTENSIONS_OFF, False)}
    }
    _write(home / ".jupyter" / "jupyter_server_config.json", json.dumps(server, indent=2))
    page = {"disabledExtensions": dict.fromkeys(STUDENT_LAB_PLUGINS_OFF, True)}
    _write(home / ".jupyter" / "labconfig" / "page_config.json", json.dumps(page, indent=2))


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def hub_config(room: Classroom) -> str:
    """``jupyterhub_config.py`` for the class, every value spelled out."""
    hub = room.hub_dir
    students = [s.name for s in room.students]
    settings = {
        "JupyterHub.bind_url": f"{room.url}/",
        "JupyterHub.hub_bind_url": f"http://127.0.0.1:{room.hub_port}",
        "JupyterHub.db_url": f"sqlite:///{hub / 'jupyterhub.sqlite'}",
        "JupyterHub.cookie_secret_file": str(hub / "jupyterhub_cookie_secret"),
        "JupyterHub.pid_file": str(hub / "jupyterhub.pid"),
        "JupyterHub.cleanup_servers": True,
        "ConfigurableHTTPProxy.api_url": f"http://127.0.0.1:{room.proxy_api_port}",
        "ConfigurableHTTPProxy.command": proxy_command(),
        "ConfigurableHTTPProxy.pid_file": str(hub / "proxy.pid"),
        "JupyterHub.authenticator_class": "sourcing_lab.hub.auth.ClassPasswordAuthenticator",
        "ClassPasswordAuthenticator.passwords": {a.name: a.password for a in room.accounts},
        "Authenticator.allowed_users": sorted(a.name for a in room.accounts),
        "JupyterHub.spawner_class": "localprocess" if room.system_users else "simple",
        "Spawner.cmd": [str(room.runtime.singleuser)],
        "Spawner.args": ["--LabApp.news_url=None"],
        "Spawner.default_url": "/lab",
        "Spawner.environment": {
            "PATH": f"{room.runtime.bin}:/usr/local/bin:/usr/bin:/bin",
            "JUPYTER_CONFIG_PATH": str(room.config_dir),
        },
        "Spawner.start_timeout": 120,
        "Spawner.http_timeout": 120,
        "Spawner.server_token_scopes": SERVER_TOKEN_SCOPES,
        "JupyterHub.load_groups": {
            f"formgrade-{COURSE_ID}": {"users": [room.instructor.name]},
            f"nbgrader-{COURSE_ID}": {"users": students},
        },
        "JupyterHub.load_roles": [
            {
                "name": f"instructor-{COURSE_ID}",
                "description": "manage the course's student group (nbgrader db student add)",
                "scopes": SERVER_TOKEN_SCOPES[4:],
                "users": [room.instructor.name],
            }
        ],
    }
    if not room.system_users:
        settings["SimpleLocalProcessSpawner.home_dir_template"] = str(
            room.base / "home" / "{username}"
        )
    lines = [
        '"""Written by sourcing_lab.hub for one demo class; regenerated on every start."""',
        "c = get_config()  # noqa: F821",
    ]
    lines += [f"c.{name} = {value!r}" for name, value in settings.items()]
    return "\n".join(lines) + "\n"


@contextmanager
def running_hub(room: Classroom, *, timeout: float = 60) -> Iterator[subprocess.Popen]:
    """The hub (and its proxy) as a child process; stopped, with every server, on exit."""
    log = (room.hub_dir / "jupyterhub.log").open("ab")
    hub_bin = Path(sys.executable).parent / "jupyterhub"
    process = subprocess.Popen(
        [str(hub_bin), "-f", str(room.hub_dir / "jupyterhub_config.py")],
        cwd=room.hub_dir,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        env={**os.environ, "PATH": f"{hub_bin.parent}:{os.environ.get('PATH', '')}"},
    )
    try:
        _wait_for_hub(room, process, timeout)
        yield process
    finally:
        _stop(process)
        log.close()


def _wait_for_hub(room: Classroom, process: subprocess.Popen, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{room.url}/hub/api/", timeout=5) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if process.poll() is not None or time.monotonic() > deadline:
            tail = (room.hub_dir / "jupyterhub.log").read_text(errors="replace")[-4000:]
            raise HubSetupError(f"JupyterHub did not start (exit {process.poll()}):\n{tail}")
        time.sleep(0.3)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM lets the hub stop every single-user server and the proxy first."""
    import signal

    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def tear_down(room: Classroom) -> list[str]:
    """Remove the class's users (stopping anything they left running) and its folder.
    Returns a line per process that was still running and had to be stopped here."""
    leftovers = []
    if room.system_users:
        for account in room.accounts:
            if account.name in room.uids:
                for pid in remove_system_user(account.name):
                    leftovers.append(f"{account.name}: process {pid} was still running")
    shutil.rmtree(room.base, ignore_errors=True)
    return leftovers


def new_prefix() -> str:
    """A short user-name prefix that no earlier class on this machine used."""
    return f"sl{secrets.token_hex(2)}-"
