"""Pre-warmed grading kernels: a zygote per grading process, one forked child per notebook.

Starting a kernel and importing pandas and the kit in it is most of the time a submission that
runs code costs. The zygote (``zygote``) does that once, inside the same bubblewrap view every
grading kernel gets, and forks a fresh child for each notebook; the child builds its own
sandbox (``zygote_child``) before anything of the student's reaches it.

This module is the grader's half:

- :class:`Zygote` starts the zygote through the sandbox launcher (it dies with the grader, as
  every kernel does), asks it for children, and restarts it when it died (at most
  ``RESTARTS`` times in a row; then this process grades with ordinary kernels and says why);
- ``forked_provisioner`` (``forked_kernel``) gives one kernel manager a kernel from it.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from sourcing_lab.grading.cgroup import owned_name
from sourcing_lab.grading.kernel_view import INSIDE_ZYGOTE, zygote_view
from sourcing_lab.grading.lifeline import grader_fd

PRELOAD = (  # what a grading kernel imports: ipykernel, then what the notebooks import
    "ipykernel.kernelapp",
    "ipykernel.ipkernel",
    "IPython.core.interactiveshell",
    "ipykernel.zmqshell",  # and what starting a kernel imports (debugger, history, comms):
    "ipykernel.comm",  # measured, 66 ms of a child's start without them, 22 ms with
    "ipykernel.debugger",
    "ipykernel.eventloops",
    "IPython.core.debugger",
    "IPython.core.history",
    "sqlite3",
    "pandas",
    "course.lab",
    "course.glossary",
    "course.casefile",
)
POOL_PREFIX = "sl-pool-"  # owned_name: a killed grader's pool folder (and groups) found later
RESTARTS = 2
START_SECONDS = 120.0
SOCKET_PATH_MAX = 107  # bytes in a Unix socket's address (sun_path, less its final NUL)
LONGEST_INSIDE_POOL = len("/sl-pool-4194304-abcdefgh/k99999/ctl")


class ForkFailed(Exception):
    """The zygote could not give this kernel; the reason says why."""


class Zygote:
    """One zygote, for kernels that share its view (the same autograded folder and settings)."""

    def __init__(self, key: tuple, spec: dict[str, Any], autograded_root: str) -> None:
        self.key, self.autograded_root = key, autograded_root
        self._spec = spec  # the launcher spec, without its view (made per start)
        self.pool_dir = ""
        self.process: subprocess.Popen | None = None
        self.sock: socket.socket | None = None
        self.failures, self.disabled = 0, ""
        self.ready: dict[str, Any] = {}
        self.kernels = 0

    # -- the zygote's life ----------------------------------------------------------------
    def start(self) -> None:
        base = _pool_base()
        _sweep_pools(Path(base))
        self.pool_dir = tempfile.mkdtemp(prefix=owned_name("sl-pool"), dir=base)
        spec = dict(self._spec)
        spec["view"] = zygote_view(
            spec.pop("bwrap"),
            pool_dir=self.pool_dir,
            autograded_root=self.autograded_root,
            read_only=tuple(spec.pop("read_only")),
            network=spec.pop("network"),
        )
        spec["status_file"] = os.path.join(self.pool_dir, "launcher.json")
        spec["lifeline_fd"], spec["keep_lifeline"] = grader_fd(), True  # the zygote watches it
        env = spec.pop("env")
        config = {"socket": os.path.join(self.pool_dir, "zygote.sock"), "preload": PRELOAD,
                  "lifeline_fd": spec["lifeline_fd"]}  # fmt: skip
        command = [sys.executable, "-m", "sourcing_lab.grading.sandbox", json.dumps(spec), "--"]
        command += [sys.executable, INSIDE_ZYGOTE, json.dumps(config)]
        self.process = subprocess.Popen(
            command, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, env=env,
            start_new_session=True, pass_fds=(spec["lifeline_fd"],),
        )  # fmt: skip
        line = _read_line(self.process.stdout, START_SECONDS)
        try:
            self.ready = json.loads(line)
        except ValueError:
            self.stop()
            raise ForkFailed(f"the zygote did not start ({line[-300:]!r})") from None
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(30)
        self.sock.connect(config["socket"])

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def stop(self) -> None:
        if self.sock is not None:
            self.sock.close()
        if self.process is not None:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            if self.process.stdout:
                self.process.stdout.close()
        if self.pool_dir:
            shutil.rmtree(self.pool_dir, ignore_errors=True)
        self.sock, self.process, self.pool_dir = None, None, ""

    def new_kernel_dir(self) -> str:
        """A folder in the pool for one kernel: its sockets, control socket, submission copy.
        Starts (or restarts) the zygote first; raises ForkFailed when there is none to use."""
        if self.disabled:
            raise ForkFailed(self.disabled)
        if not self.alive():
            if self.process is not None:
                self.stop()  # it died: a new one, up to RESTARTS times in a row
            try:
                self.start()
            except (OSError, ForkFailed) as exc:
                self._failed(f"the zygote could not start: {exc}")
                raise ForkFailed(str(exc)) from exc
        self.kernels += 1
        kernel_dir = os.path.join(self.pool_dir, f"k{self.kernels}")  # the pool folder is 0700
        os.mkdir(kernel_dir, 0o700)
        return kernel_dir

    def _failed(self, why: str) -> None:
        self.failures += 1
        if self.failures > RESTARTS:
            self.disabled = f"{why} (after {self.failures} tries: ordinary kernels from now on)"

    def fork(self, request: dict[str, Any]) -> None:
        assert self.sock is not None
        try:
            self.sock.sendall(json.dumps(request).encode() + b"\n")
            answer = json.loads(self.sock.makefile("rb").readline() or b"{}")
        except (OSError, ValueError) as exc:
            self._failed(f"the zygote stopped answering: {exc}")
            self.stop()
            raise ForkFailed(f"the zygote stopped answering: {exc}") from exc
        if not answer.get("forked"):
            raise ForkFailed(answer.get("error") or "the zygote did not fork")
        self.failures = 0


_ZYGOTES: dict[tuple, Zygote] = {}


def zygote_for_notebook(
    workdir: Path,
    *,
    bwrap: str,
    read_only: tuple[str, ...],
    network: bool,
    env: dict[str, str],
) -> Zygote | None:
    """This process's zygote for a notebook graded in ``workdir``, one at a time (a notebook
    with another view stops the old one). None for a folder outside ``autograded/``: a child
    mounts its working tmpfs on that folder, which the zygote's view must hold."""
    if not hasattr(os, "pidfd_open"):
        return None
    root = workdir.parents[1] if len(workdir.parents) > 2 else None
    if root is None or root.name != "autograded":
        return None
    key = (bwrap, str(root), read_only, network)
    if key not in _ZYGOTES:
        stop_all()
        spec = {
            "limits": {}, "pids_group": None, "grader_pid": os.getpid(),
            "copy_submission": False, "bwrap": bwrap, "read_only": list(read_only),
            "network": network, "env": env,
        }  # fmt: skip
        _ZYGOTES[key] = Zygote(key, spec, str(root))
        atexit.register(stop_all)
    return _ZYGOTES[key]


def stop_all() -> None:
    for zygote in _ZYGOTES.values():
        zygote.stop()
    _ZYGOTES.clear()


def group_name(kernel_dir: str) -> str:
    """The pids cgroup name for a kernel folder: unique across graders (a pool's ``k1`` is
    named with its pool)."""
    parent, name = os.path.split(kernel_dir.rstrip("/"))
    pool = os.path.basename(parent)
    return f"{pool.removeprefix('sl-')}-{name}" if pool.startswith(POOL_PREFIX) else name


def _pool_base() -> str:
    """The temporary folder, or ``/tmp`` when that one is too deep for the pool's sockets."""
    for base in (tempfile.gettempdir(), "/tmp"):
        if len(os.fsencode(base)) + LONGEST_INSIDE_POOL <= SOCKET_PATH_MAX and os.access(
            base, os.W_OK | os.X_OK
        ):
            return base
    raise ForkFailed(
        f"the temporary folder {tempfile.gettempdir()!r} is too long a path for the kernels'"
        " control sockets and /tmp is not writable: set TMPDIR to a shorter folder"
    )


def _sweep_pools(folder: Path) -> None:
    """Remove the pool folders of graders that were killed (their pid is gone)."""
    for found in folder.glob(f"{POOL_PREFIX}*-*"):
        pid = found.name.removeprefix(POOL_PREFIX).split("-", 1)[0]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(found, ignore_errors=True)


def _read_line(stream: Any, timeout: float) -> str:
    deadline, data = time.monotonic() + timeout, b""
    while b"\n" not in data and time.monotonic() < deadline:
        ready, _, _ = select.select([stream], [], [], max(0.0, deadline - time.monotonic()))
        if not ready:
            break
        chunk = os.read(stream.fileno(), 65536)
        if not chunk:
            break
        data += chunk
    return data.decode(errors="replace").strip()
