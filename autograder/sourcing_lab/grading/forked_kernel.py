"""One pre-warmed kernel: the jupyter_client provisioner that takes it from the zygote.

:class:`ForkedProvisioner`'s ``launch_kernel`` asks the zygote (``forked_kernels``) for a
child instead of starting a process. It learns the child's process id from the credentials on
the child's control socket, moves it into its own pids cgroup before it runs anything, and
watches it by pidfd (:class:`ForkedProcess`). When the zygote cannot give a kernel, it starts
the ordinary sandboxed kernel instead, with the same connection file, and logs why.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import select
import shutil
import signal
import socket
import struct
import subprocess
import sys
import time
import uuid
from typing import Any

from jupyter_client.provisioning import LocalProvisioner

from sourcing_lab.grading.cgroup import move_into_new_group
from sourcing_lab.grading.forked_kernels import ForkFailed, Zygote, group_name
from sourcing_lab.grading.kernel_view import INSIDE_STAGING
from sourcing_lab.grading.zygote_child import ERROR_OUTPUT

REPORT_SECONDS = 60.0
KILL_SECONDS = 2.0
OUTPUT_SHOWN = 4000  # characters of a forked kernel's output shown in the grader's log


class ForkedProcess:
    """A forked kernel, watched by pidfd: it is the zygote's child, not ours, and is the first
    process of its own process namespace (signalling it ends everything it started)."""

    stdin = stdout = stderr = None

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self._fd: int | None = os.pidfd_open(pid)
        self.returncode: int | None = None

    def poll(self) -> int | None:
        if self.returncode is None and self._fd is not None:
            ready, _, _ = select.select([self._fd], [], [], 0)
            if ready:
                self.returncode = 0
                os.close(self._fd)
                self._fd = None
        return self.returncode

    def wait(self, timeout: float | None = None) -> int | None:
        deadline = None if timeout is None else time.monotonic() + timeout
        while self.poll() is None:
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(0.01)
        return self.returncode

    def send_signal(self, signum: int) -> None:
        if self.poll() is None and self._fd is not None:
            signal.pidfd_send_signal(self._fd, signum)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)

    async def ended(self, timeout: float) -> None:
        """Return when the kernel has exited (or after ``timeout`` seconds)."""
        deadline = time.monotonic() + timeout
        while self.poll() is None and time.monotonic() < deadline:
            await asyncio.sleep(0.002)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)


class ForkedProvisioner(LocalProvisioner):
    """Launches a kernel by asking the zygote for a child (see the module)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.zygote: Zygote | None = None
        self.request: dict[str, Any] = {}  # set by forked_provisioner
        self.processes_cap = 256
        self.forked, self.fallback_reason = False, ""

    async def launch_kernel(self, cmd: list[str], **kwargs: Any) -> Any:
        try:
            self._launch_forked(cmd, kwargs)
        except (ForkFailed, OSError) as exc:
            if isinstance(self.process, ForkedProcess):  # it forked, then something broke
                self.process.kill()
            self.process, self.forked, self.fallback_reason = None, False, str(exc)
            self.parent.log.warning("pre-warmed kernel unavailable (%s): starting one", exc)
            return await super().launch_kernel(cmd, **kwargs)
        return self.connection_info

    async def kill(self, restart: bool = False) -> None:
        process = self.process
        await super().kill(restart)
        if isinstance(process, ForkedProcess):  # gone before the manager polls (every 0.1 s)
            await process.ended(KILL_SECONDS)

    async def cleanup(self, restart: bool = False) -> None:
        if self.forked:  # what the kernel wrote (an ordinary one writes to our standard error)
            path = os.path.join(self.request["kernel_dir"], ERROR_OUTPUT)
            with contextlib.suppress(OSError), open(path, "rb") as handle:
                handle.seek(max(0, os.fstat(handle.fileno()).st_size - OUTPUT_SHOWN))
                if text := handle.read().decode(errors="replace").strip():
                    self.parent.log.warning("the forked kernel wrote:\n%s", text)
        await super().cleanup(restart)

    def _launch_forked(self, cmd: list[str], kwargs: dict[str, Any]) -> None:
        if self.zygote is None:
            raise ForkFailed("no zygote")
        kernel_dir = self.request["kernel_dir"]
        args = _kernel_args(cmd)
        shutil.copytree(self.request["source"], os.path.join(kernel_dir, "submission"))
        with _control_socket(os.path.join(kernel_dir, "ctl")) as control:
            request = {key: value for key, value in self.request.items() if key != "source"}
            request.update(kernel_args=args, env=_inside_env(kwargs.get("env") or {}))
            request.update(staging=INSIDE_STAGING, pool_dir=self.zygote.pool_dir)
            request["autograded_root"] = self.zygote.autograded_root
            self.zygote.fork(request)
            pid, message, conn = _report(control)
            with conn:
                if "error" in message:
                    why = message["error"]
                    raise ForkFailed(f"the forked kernel could not make its sandbox: {why}")
                status = message.get("status", {})
                group, note = move_into_new_group(group_name(kernel_dir), pid, self.processes_cap)
                self.process = ForkedProcess(pid)
                conn.sendall(b"go\n")
        self.pid, self.pgid, self.forked = pid, None, True
        self.cwd = kwargs.get("cwd")
        launcher = {"cgroup": group, "cgroup_note": note, "nproc_in_sandbox": True,
                    "dies_with_grader": True, "forked": True}  # fmt: skip
        if status.get("capabilities"):
            status["notes"] = [*status.get("notes", []), "capabilities were left"]
        _write_json(os.path.join(kernel_dir, "status.json"), launcher)
        _write_json(os.path.join(kernel_dir, "entry.json"), status)


def _kernel_args(cmd: list[str]) -> list[str]:
    """The ipykernel arguments of the launcher-wrapped kernel command (``sandbox``)."""
    inner = cmd[cmd.index("--") + 1 :] if "--" in cmd else cmd
    if len(inner) < 3 or inner[1:3] != ["-m", "ipykernel_launcher"]:
        raise ForkFailed(f"not an ipykernel command: {inner[:3]}")
    if os.path.realpath(inner[0]) != os.path.realpath(sys.executable):
        raise ForkFailed("the kernel runs another Python than the grader's")
    return inner[3:]


def _inside_env(env: dict[str, str]) -> dict[str, str]:
    inside = {**env, "HOME": "/tmp/home", "TMPDIR": "/tmp", "IPYTHONDIR": "/tmp/ipython"}
    return {**inside, "JPY_PARENT_PID": "1"}


@contextlib.contextmanager
def _control_socket(path: str) -> Any:
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    listener.bind(path)
    listener.listen(1)
    listener.settimeout(REPORT_SECONDS)
    try:
        yield listener
    finally:
        listener.close()
        with contextlib.suppress(OSError):
            os.unlink(path)


def _report(listener: socket.socket) -> tuple[int, dict[str, Any], socket.socket]:
    """The forked kernel's report, and its process id as this process's namespace sees it (the
    kernel translates the credentials that come with each message)."""
    try:
        conn, _ = listener.accept()
    except TimeoutError:
        raise ForkFailed("the forked kernel did not report") from None
    conn.setsockopt(socket.SOL_SOCKET, socket.SO_PASSCRED, 1)
    conn.settimeout(REPORT_SECONDS)
    data, pid = b"", 0
    try:
        while not data.endswith(b"\n"):
            chunk, ancillary, _flags, _addr = conn.recvmsg(65536, socket.CMSG_SPACE(12))
            if not chunk:
                break
            data += chunk
            for level, kind, payload in ancillary:
                if level == socket.SOL_SOCKET and kind == socket.SCM_CREDENTIALS:
                    pid = struct.unpack("3i", payload[:12])[0]
    except (OSError, TimeoutError) as exc:
        conn.close()
        raise ForkFailed(f"the forked kernel's report broke off: {exc}") from exc
    try:
        message = json.loads(data)
    except ValueError:
        conn.close()
        raise ForkFailed("the forked kernel's report was not readable") from None
    if "error" not in message and pid <= 0:
        conn.close()
        raise ForkFailed("the forked kernel's process id did not come with its report")
    return pid, message, conn


def _write_json(path: str, data: dict[str, Any]) -> None:
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle)


def forked_provisioner(
    km: Any, zygote: Zygote, *, processes: int, tmp_bytes: int, workdir_bytes: int
) -> ForkedProvisioner:
    """The provisioner for ``km`` (set up by ``HardenedExecute``: its folder, connection file
    and sandbox spec), taking its kernel from ``zygote``."""
    km.kernel_id = km.kernel_id or str(uuid.uuid4())
    provisioner = ForkedProvisioner(kernel_id=km.kernel_id, kernel_spec=km.kernel_spec, parent=km)
    provisioner.zygote, provisioner.processes_cap = zygote, processes
    workdir = km.sandbox_spec["workdir"]
    provisioner.request = {
        "kernel_dir": os.path.dirname(km.connection_file),
        "workdir": workdir,
        "source": workdir,
        "limits": km.sandbox_spec["limits"],
        "tmp_bytes": tmp_bytes,
        "workdir_bytes": workdir_bytes,
        "shm_bytes": 16 * 2**20,
    }
    return provisioner
