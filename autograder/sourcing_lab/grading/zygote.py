"""The zygote: a pre-warmed parent of grading kernels, ``python zygote.py CONFIG``.

It runs inside a bubblewrap view like every grading kernel's (``kernel_view.zygote_view``),
started by the sandbox launcher (so it dies with its grader), and uses the standard library
only besides what it preloads. It imports ipykernel, pandas and the kit once, runs nothing of
any student's, and then forks one fresh child per kernel the grader asks for; each child makes
its own sandbox before anything of the student's reaches it (``zygote_child``) and is used for
one notebook.

The grader talks to it over a Unix socket in the pool folder: one JSON line per kernel, and
the answer ``{"forked": true}`` or ``{"error": ...}``. Everything else about a kernel (its
status, its process id, its cgroup) goes between that kernel and the grader directly.
On start it writes one JSON line to standard output: what it imported and that it is ready.
"""

from __future__ import annotations

import contextlib
import gc
import importlib
import json
import os
import selectors
import socket
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))


def preload(modules: list[str]) -> tuple[list[str], list[str]]:
    done, failed = [], []
    for name in modules:
        try:
            importlib.import_module(name)
            done.append(name)
        except Exception as exc:
            failed.append(f"{name}: {type(exc).__name__}: {exc}")
    return done, failed


def _reap() -> None:
    while True:
        try:
            pid, _status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return


def _fork_kernel(request: dict, open_fds: list[int]) -> dict:
    from zygote_child import run

    pid = os.fork()
    if pid == 0:
        for fd in open_fds:
            with contextlib.suppress(OSError):
                os.close(fd)
        run(request)
    return {"forked": True}


def serve(listener: socket.socket, lifeline: int | None = None) -> None:
    """Answer fork requests until the grader is gone: ``lifeline`` (the read end of its
    lifeline pipe) becomes readable only at end-of-file, when the grader died; then the zygote
    exits, and its kernels with it (each has it as its parent-death signal's parent)."""
    selector = selectors.DefaultSelector()
    selector.register(listener, selectors.EVENT_READ)
    if lifeline is not None:
        selector.register(lifeline, selectors.EVENT_READ)
    buffers: dict[socket.socket, bytes] = {}
    while True:
        for key, _mask in selector.select(timeout=1.0):
            sock = key.fileobj
            if sock == lifeline:
                os._exit(0)  # the grader is gone: nothing is left to fork for
            if sock is listener:
                conn, _ = listener.accept()
                selector.register(conn, selectors.EVENT_READ)
                buffers[conn] = b""
                continue
            data = sock.recv(65536)
            if not data:
                selector.unregister(sock)
                buffers.pop(sock, None)
                sock.close()
                continue
            buffers[sock] += data
            while b"\n" in buffers[sock]:
                line, buffers[sock] = buffers[sock].split(b"\n", 1)
                open_fds = [listener.fileno(), *(s.fileno() for s in buffers)]
                open_fds += [] if lifeline is None else [lifeline]
                try:
                    answer = _fork_kernel(json.loads(line), open_fds)
                except Exception as exc:
                    answer = {"error": f"{type(exc).__name__}: {exc}"}
                sock.sendall(json.dumps(answer).encode() + b"\n")
        _reap()


def main(argv: list[str]) -> int:
    config = json.loads(argv[0])
    sys.path[:] = [p for p in sys.path if p]  # never the working folder
    sys.path.append(HERE)  # zygote_child, removed again in each kernel
    began = time.perf_counter()
    done, failed = preload(config.get("preload", []))
    importlib.import_module("zygote_child")
    gc.collect()
    gc.freeze()  # what is imported now is shared by every child, untouched by its collector
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    listener.bind(config["socket"])
    listener.listen(64)
    ready = {"ready": True, "preloaded": done, "failed": failed,
             "seconds": round(time.perf_counter() - began, 3)}  # fmt: skip
    sys.stdout.write(json.dumps(ready) + "\n")
    sys.stdout.flush()
    serve(listener, config.get("lifeline_fd"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
