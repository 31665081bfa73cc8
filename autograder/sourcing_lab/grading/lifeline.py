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
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys

PR_SET_PDEATHSIG = 1


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
