"""A grading process dies with the process that started it, even when that one is killed.

jupyter_client starts every kernel in a session of its own, so killing a grader (``kill -9``,
an out-of-memory kill, a pod evicted) leaves its kernel launcher running, re-parented to
PID 1. bubblewrap's ``--die-with-parent`` ties the sandbox to the launcher's parent only once
bwrap runs: a grader killed while the launcher was still starting left a whole sandboxed kernel
behind. :func:`die_with_parent` closes that gap with Linux's ``PR_SET_PDEATHSIG`` (SIGKILL),
set first thing and kept across ``exec`` (bwrap here is not set-uid), and then checks that the
parent is still the one expected: if it died in between, this process exits at once.

Linux sends the signal when the *thread* that started this process ends; the kit starts
kernels and workers from threads that live as long as their process (nbclient's event loop
runs in the grading thread, or in jupyter_core's own long-lived runner thread).

One gap is bubblewrap's own: its sandbox process sets its parent-death signal only at the end
of the sandbox's set-up, so a grader killed during those milliseconds left a sandbox that went
on to start its kernel, with nobody to stop it. :func:`grader_fd` closes that gap: each grading
process keeps the write end of a pipe that nothing ever writes to, and passes the read end to
its kernels. The first step inside the sandbox (``sandbox_entry.grader_gone``) asks whether the
read end is at end-of-file, which it is only once every process holding the write end is dead;
then it stops before it starts anything.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1
_PIPE: tuple[int, int, int] | None = None  # (owner pid, read end, write end)


def die_with_parent(expected_parent: int | None = None) -> bool:
    """SIGKILL this process when its parent dies; exit now if ``expected_parent`` is already
    gone. Returns False where the platform has no such thing (then nothing was changed)."""
    if sys.platform != "linux":
        return False
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        done = libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):
        return False
    if done and expected_parent is not None and os.getppid() != expected_parent:
        os._exit(1)  # the grader died before the signal was set: nothing to grade for
    return done


def grader_fd() -> int:
    """The read end of this process's lifeline pipe, to pass to a kernel (``pass_fds``).

    Both ends are closed on ``exec`` (Python's default), so only this process holds the write
    end; a process forked from it makes its own pipe the first time it asks."""
    global _PIPE
    if _PIPE is None or _PIPE[0] != os.getpid():
        read, write = os.pipe()
        _PIPE = (os.getpid(), read, write)
    return _PIPE[1]
