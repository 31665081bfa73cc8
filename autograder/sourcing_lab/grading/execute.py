"""Run a submission's code in a hardened kernel, inside stock nbgrader's Execute step.

``HardenedExecute`` replaces nbgrader's ``Execute`` in ``Autograde.autograde_preprocessors``:

- the kernel starts through ``sourcing_lab.grading.sandbox``: an allow-list file view built by
  bubblewrap (``kernel_view``), no network, no capabilities, memory, CPU, file-size and process
  caps, in a pids group of its own, over IPC sockets. What it got is recorded (``isolation``):
  in the log, in ``resources["sourcing_lab"]["isolation"]`` for the result file, and
  ``require_isolation`` refuses to grade below full;
- its environment is scrubbed: only a short allow-list of variables reaches it;
- interrupts go as messages (the kernel signals itself), since the sandbox's own process is not
  the kernel;
- a per-cell timeout (nbgrader's ``timeout``) and a whole-notebook ``deadline``: cells after the
  deadline are not run and get a "deadline" error output;
- outputs are capped in bytes as they arrive (per cell, per notebook, display updates
  included; graded check cells draw on a pool of their own), marked truncated, with the head
  of a long stream kept (``output_budget``);
- glibc keeps at most two malloc arenas (``MALLOC_ARENA_MAX``), so the address-space cap
  measures memory the code uses rather than arenas reserved per thread (an idle kernel
  reserves about 740 MB with the default, 215 MB with two);
- when the notebook ends, the kernel's whole process group is killed; when the grader itself
  is killed, its kernel dies with it (``lifeline``);
- kernels are pre-warmed (``forked_kernels``): one zygote per grading process has imported
  ipykernel, pandas and the kit inside the same view, and forks a child per notebook that
  makes its own sandbox first. Where that cannot be done, kernels start the ordinary way.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from jupyter_client.manager import AsyncKernelManager
from nbclient.exceptions import CellTimeoutError, DeadKernelError
from nbclient.util import run_sync
from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import Execute
from traitlets import Bool, Enum, Integer, List, Unicode

from sourcing_lab.grading import isolation
from sourcing_lab.grading.cgroup import find_group, kill_group, owned_name, sweep_groups
from sourcing_lab.grading.forked_kernel import forked_provisioner
from sourcing_lab.grading.forked_kernels import (
    ForkFailed,
    Zygote,
    group_name,
    zygote_for_notebook,
)
from sourcing_lab.grading.kernel_client import ReadyClient
from sourcing_lab.grading.kernel_view import MB, view_arguments
from sourcing_lab.grading.lifeline import grader_fd
from sourcing_lab.grading.output_budget import OutputBudget

ENV_ALLOW = ("PATH", "LANG", "LC_ALL", "TZ", "VIRTUAL_ENV", "SYSTEMROOT")


class SandboxKernelManager(AsyncKernelManager):
    """Starts the kernel command through the sandbox launcher, talking over IPC sockets."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.sandbox_spec: dict[str, Any] = {}  # set by HardenedExecute before the start

    def format_kernel_cmd(self, extra_arguments: list[str] | None = None) -> list[str]:
        command = super().format_kernel_cmd(extra_arguments)
        launcher = [sys.executable, "-m", "sourcing_lab.grading.sandbox"]
        return [*launcher, json.dumps(self.sandbox_spec), "--", *command]


class HardenedExecute(Execute):
    """nbgrader's Execute with the kernel sandboxed, a deadline and byte-capped outputs."""

    deadline = Integer(300, help="Seconds for the whole notebook; later cells are skipped.").tag(
        config=True
    )
    memory_mb = Integer(2048, help="Address-space cap for the kernel, in MiB.").tag(config=True)
    cpu_seconds = Integer(600, help="CPU-time cap for the kernel process.").tag(config=True)
    file_mb = Integer(64, help="Largest file the kernel may write, in MiB.").tag(config=True)
    processes = Integer(256, help="Processes and threads the kernel may have at once.").tag(
        config=True
    )
    workdir_mb = Integer(512, help="Space for what the kernel writes in its folder, MiB.").tag(
        config=True
    )
    tmp_mb = Integer(256, help="Space for the kernel's /tmp and home, in MiB.").tag(config=True)
    max_cell_output_bytes = Integer(100_000).tag(config=True)
    max_notebook_output_bytes = Integer(2_000_000).tag(config=True)
    max_check_output_bytes = Integer(
        500_000, help="Output bytes for all graded check cells together (a pool of their own)."
    ).tag(config=True)
    no_network = Bool(True, help="Run the kernel in an empty network namespace.").tag(config=True)
    bwrap = Unicode("bwrap", help="The bubblewrap program that builds the kernel's view.").tag(
        config=True
    )
    require_isolation = Bool(
        False, help="Refuse to grade unless the kernel gets full isolation (see isolation.py)."
    ).tag(config=True)
    read_only_paths = List(
        Unicode(),
        help="More files or folders the kernel may read (for example data the notebooks need).",
    ).tag(config=True)
    forked_kernels = Bool(
        False,
        help="Experimental, off by default (see README): fork each kernel from a pre-warmed "
        "zygote (ipykernel, pandas and the kit imported once) instead of starting a new "
        "Python; each child makes its own sandbox.",
    ).tag(config=True)
    # A graded kernel is thrown away with everything it made: stop it at once when the
    # notebook is done (a graceful shutdown waits for the kernel's own clean-up, 0.1 s or more).
    shutdown_kernel = Enum(["graceful", "immediate"], default_value="immediate").tag(config=True)
    skip_when_nothing_to_run = Bool(
        True,
        help="Grade without a kernel when no answer cell was changed and every graded "
        "item is scored from recorded answers.",
    ).tag(config=True)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["kernel_manager_class"] = SandboxKernelManager
        super().__init__(*args, **kwargs)
        self._started = 0.0
        self._budget = self._new_budget()
        self.isolation = isolation.NOT_NEEDED
        self._dead: tuple[str, str] | None = None
        self._pids_group: str | None = None
        self._ipc_dir = ""
        self._timeouts = 0
        self._launch = 0.0  # when the kernel's start began, and how long it took
        self.kernel_start_seconds = 0.0
        self.kernel_from = ""

    def preprocess(self, nb: NotebookNode, resources: Any = None, km: Any = None) -> Any:
        self._started = 0.0
        self._budget = self._new_budget()
        self._dead, self._timeouts = None, 0
        self.isolation = isolation.NOT_NEEDED
        self.kernel_start_seconds = 0.0
        self.kernel_from = ""
        began = time.perf_counter()
        if self.require_isolation:
            offered = self.host_isolation()
            if offered.level != isolation.FULL:
                raise isolation.IsolationRefused(isolation.refusal(offered))
        if self.skip_when_nothing_to_run and nothing_to_run(nb, resources):
            self.log.info("no code answers and only kit-scored items: graded without a kernel")
            result = nb, resources
        else:
            result = super().preprocess(nb, resources, km)
        kit = resources.setdefault("sourcing_lab", {})
        kit["isolation"] = self.isolation.as_dict()
        total = time.perf_counter() - began
        kit["timings"] = {  # for the benchmark's per-phase breakdown
            "kernel_start": self.kernel_start_seconds,
            "execute": max(total - self.kernel_start_seconds, 0.0),
            "kernel_from": self.kernel_from,  # "zygote", "new process", or "" (none ran)
        }
        return result

    def host_isolation(self) -> isolation.Isolation:
        return isolation.offered(self.bwrap, network=not self.no_network)

    # -- kernel start -------------------------------------------------------------------
    def create_kernel_manager(self) -> AsyncKernelManager:
        self._launch = time.perf_counter()
        km = super().create_kernel_manager()
        km.transport = "ipc"
        km.client_factory = ReadyClient  # ready when the kernel answered (kernel_client)
        zygote = self._zygote()
        self._ipc_dir = ""
        if zygote is not None:
            try:
                self._ipc_dir = zygote.new_kernel_dir()
            except ForkFailed as exc:
                self.log.warning("pre-warmed kernels are off for now: %s", exc)
                zygote = None
        self._ipc_dir = self._ipc_dir or tempfile.mkdtemp(prefix=owned_name("sl-kernel"))
        km.ip = os.path.join(self._ipc_dir, "k")
        km.connection_file = os.path.join(self._ipc_dir, "connection.json")  # not in TMPDIR
        km.kernel_spec.interrupt_mode = "message"  # the launcher's process is not the kernel
        km.sandbox_spec = self._sandbox_spec()
        if zygote is not None:
            km.provisioner = forked_provisioner(
                km, zygote, processes=self.processes,
                tmp_bytes=self.tmp_mb * MB, workdir_bytes=self.workdir_mb * MB,
            )  # fmt: skip
        return km

    def _zygote(self) -> Zygote | None:
        """This process's zygote for this notebook's view, or None where kernels must start
        the ordinary way (turned off, off Linux, no bubblewrap view)."""
        if not (self.forked_kernels and "view" in self.host_isolation().applied):
            return None
        return zygote_for_notebook(
            Path(self._workdir()),
            bwrap=shutil.which(self.bwrap) or self.bwrap,
            read_only=tuple(self.read_only_paths),
            network=not self.no_network,
            env=_kernel_env(),
        )

    def _workdir(self) -> str:
        return str(Path(self.resources.get("metadata", {}).get("path") or ".").resolve())

    def _sandbox_spec(self) -> dict[str, Any]:
        workdir = self._workdir()
        offered = self.host_isolation()
        view = None
        if "view" in offered.applied:
            view = view_arguments(
                shutil.which(self.bwrap) or self.bwrap,
                workdir=workdir,
                private_dir=self._ipc_dir,
                read_only=tuple(self.read_only_paths),
                network=not self.no_network,
                workdir_bytes=self.workdir_mb * MB,
                tmp_bytes=self.tmp_mb * MB,
            )
        return {
            "limits": {
                "memory_bytes": self.memory_mb * MB,
                "cpu_seconds": self.cpu_seconds,
                "file_bytes": self.file_mb * MB,
                "processes": self.processes,
            },
            "view": view,
            "workdir": workdir,
            "status_file": os.path.join(self._ipc_dir, "status.json"),
            "entry_status_file": os.path.join(self._ipc_dir, "entry.json"),
            "pids_group": group_name(self._ipc_dir),
            "grader_pid": os.getpid(),  # the launcher dies with this process (lifeline)
            "lifeline_fd": grader_fd(),  # and the sandbox starts nothing once it is gone
        }

    async def async_start_new_kernel(self, **kwargs: Any) -> None:
        env = _kernel_env()
        env["HOME"] = os.path.join(self._ipc_dir, "home")  # the sandbox has its own
        env["IPYTHONDIR"] = os.path.join(self._ipc_dir, "ipython")
        env["TMPDIR"] = os.path.join(self._ipc_dir, "tmp")
        os.makedirs(env["TMPDIR"], exist_ok=True)
        kwargs["env"] = env
        kwargs["pass_fds"] = (self.km.sandbox_spec["lifeline_fd"],)
        await super().async_start_new_kernel(**kwargs)
        self._started = time.monotonic()

    start_new_kernel = run_sync(async_start_new_kernel)

    async def async_start_new_kernel_client(self) -> Any:
        client = await super().async_start_new_kernel_client()
        self.kernel_start_seconds = time.perf_counter() - self._launch
        forked = getattr(self.km.provisioner, "forked", False)
        self.kernel_from = "zygote" if forked else "new process"
        self._record_isolation()  # the kernel answered: its launch is over
        return client

    start_new_kernel_client = run_sync(async_start_new_kernel_client)

    def _record_isolation(self) -> None:
        launcher = _read_json(os.path.join(self._ipc_dir, "status.json"))
        entry = _read_json(os.path.join(self._ipc_dir, "entry.json"))
        self._pids_group = launcher.get("cgroup")
        for problem in entry.get("problems", []):
            self.log.warning("sandbox: %s", problem)
        self.isolation = isolation.after_start(self.host_isolation(), launcher, entry)
        if self.isolation.level != isolation.FULL:
            self.log.warning("sandbox: isolation %s", self.isolation.describe())
        if self.require_isolation and self.isolation.level != isolation.FULL:
            self._stop_kernel()
            raise isolation.IsolationRefused(isolation.refusal(self.isolation))

    # -- cells --------------------------------------------------------------------------
    def preprocess_cell(self, cell: NotebookNode, resources: Any, index: int) -> Any:
        if cell.cell_type != "code":
            return super().preprocess_cell(cell, resources, index)
        if self._dead:
            cell.outputs = [_error(*self._dead)]
            return cell, self.resources
        if self._started and self.deadline and time.monotonic() - self._started > self.deadline:
            cell.outputs = [_error("DeadlineExceeded", "the whole-notebook time limit ran out")]
            return cell, self.resources
        try:
            result = super().preprocess_cell(cell, resources, index)
        except DeadKernelError:
            self._dead = ("DeadKernelError", "the kernel died while running an earlier cell")
            cell.outputs = [*cell.get("outputs", []), _error(*self._dead)]
            return cell, self.resources
        except CellTimeoutError:  # no reply and no output at all: the kernel is stuck
            cell.outputs = [*cell.get("outputs", []), _error("CellTimeoutError", "no reply")]
            self._stop_kernel()
            return cell, self.resources
        timed_out = any(o.get("ename") == "CellTimeoutError" for o in cell.get("outputs", []))
        self._timeouts = self._timeouts + 1 if timed_out else 0
        if self._timeouts >= 2:  # interrupting did not help: the kernel no longer answers
            self._stop_kernel()
        return result

    def _stop_kernel(self) -> None:
        self._dead = ("KernelStopped", "the code ran too long and the kernel was stopped")
        with contextlib.suppress(Exception):
            run_sync(self.km.shutdown_kernel)(now=True)

    def output(self, outs: list, msg: dict, display_id: str | None, cell_index: int) -> Any:
        content = msg.get("content", {})
        kept, marker = self._budget.admit(
            cell_index, msg["msg_type"], content, self._is_check_cell(cell_index)
        )
        result = None
        if kept is not None:
            result = super().output(outs, {**msg, "content": kept}, display_id, cell_index)
        if marker:  # a display, not a stream: it must survive stream merging and LimitOutput
            outs.append(
                NotebookNode(output_type="display_data", metadata={}, data={"text/plain": marker})
            )
        return result

    def _update_display_id(self, display_id: str, msg: dict) -> None:
        copies = sum(map(len, self._display_id_map.get(display_id, {}).values()))
        content = self._budget.admit_update(msg.get("content", {}), copies)
        super()._update_display_id(display_id, {**msg, "content": content})

    def _is_check_cell(self, cell_index: int) -> bool:
        meta = self.nb.cells[cell_index].get("metadata", {}).get("nbgrader", {})
        return bool(meta.get("grade")) and self.nb.cells[cell_index].cell_type == "code"

    def _new_budget(self) -> OutputBudget:
        return OutputBudget(
            self.max_cell_output_bytes,
            self.max_notebook_output_bytes,
            self.max_check_output_bytes,
        )

    # -- end ----------------------------------------------------------------------------
    async def _async_cleanup_kernel(self) -> None:
        pgid = getattr(getattr(self.km, "provisioner", None), "pgid", None)
        try:
            await super()._async_cleanup_kernel()
        except Exception as exc:  # a kernel we already stopped may fail to shut down again
            self.log.warning("kernel cleanup: %s", exc)
        finally:
            if pgid:
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    os.killpg(pgid, signal.SIGKILL)
            if self._ipc_dir:
                group = self._pids_group or find_group(group_name(self._ipc_dir))
                kill_group(group)  # and whatever left the process group with setsid()
                sweep_groups()  # slow-to-reap groups, and what killed graders left
                shutil.rmtree(self._ipc_dir, ignore_errors=True)  # sockets, HOME, temp files
            self._pids_group, self._ipc_dir = None, ""

    _cleanup_kernel = run_sync(_async_cleanup_kernel)


def nothing_to_run(nb: NotebookNode, resources: Any) -> bool:
    """True when running the notebook cannot change any score: every graded cell is a kit check
    of a question scored from recorded answers, and no answer cell differs from its release."""
    from nbgrader.utils import compute_checksum

    from course import grade_ids
    from course.questions import QuestionSpecError, load_assignment

    try:
        questions = load_assignment(resources["nbgrader"]["assignment"]).questions
    except (QuestionSpecError, KeyError):
        return False
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        grade_id = meta.get("grade_id", "")
        if meta.get("grade") and cell.cell_type == "code":
            question = questions.get(grade_ids.question_of(grade_id))
            if not grade_ids.is_check(grade_id) or question is None:
                return False  # an instructor's own test: it must run
        is_answer = bool(meta.get("solution")) and cell.cell_type == "code"
        if is_answer and compute_checksum(cell) != meta.get("checksum"):
            return False  # the student wrote code: run it
        if cell.cell_type == "code" and not meta:
            return False  # a cell the student added
    return True


def _read_json(path: str) -> dict[str, Any]:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _error(name: str, value: str) -> NotebookNode:
    return NotebookNode(
        output_type="error", ename=name, evalue=value, traceback=[f"{name}: {value}"]
    )


def _kernel_env() -> dict[str, str]:
    """A grading kernel's environment, whichever way it starts (a zygote gets it too)."""
    env = {k: os.environ[k] for k in ENV_ALLOW if k in os.environ}
    env["MPLBACKEND"] = "Agg"
    env["MALLOC_ARENA_MAX"] = "2"
    env["SOURCING_LAB_GRADING"] = "1"  # notebooks skip building widgets nobody will see
    return env
