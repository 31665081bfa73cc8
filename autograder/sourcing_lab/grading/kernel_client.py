"""The grader's kernel client: ready as soon as the kernel has answered, not 0.2 s later.

jupyter_client's ``wait_for_ready`` ends by reading IOPub until it has been silent for 0.2 s,
so every kernel start costs a fifth of a second of waiting, for each notebook graded.
:class:`ReadyClient` waits for what readiness means instead: the reply to its
``kernel_info`` request on the shell channel and the ``idle`` status that closes that request
on IOPub (which also proves IOPub is connected). nbclient only reads IOPub messages whose
parent is the request it sent, so nothing left in the channel is mistaken for a cell's output.
"""

from __future__ import annotations

import time
from queue import Empty
from typing import Any

from jupyter_client.asynchronous import AsyncKernelClient

REPLY_SECONDS = 1.0  # per kernel_info request; the request is sent again after that


class ReadyClient(AsyncKernelClient):
    async def wait_for_ready(self, timeout: float | None = None) -> None:
        deadline = time.monotonic() + (float("inf") if timeout is None else timeout)
        while True:
            msg_id = self.kernel_info()
            reply = await self._reply_to(msg_id)
            if reply is not None and await self._idle_after(msg_id):
                self._handle_kernel_info_reply(reply)
                return
            if not await self.is_alive():
                raise RuntimeError("Kernel died before replying to kernel_info")
            if time.monotonic() > deadline:
                raise RuntimeError(f"Kernel didn't respond in {timeout:.0f} seconds")

    async def _reply_to(self, msg_id: str) -> dict[str, Any] | None:
        reply = await _answer_to(self.shell_channel, msg_id, lambda msg: True)
        return reply if reply and reply["msg_type"] == "kernel_info_reply" else None

    async def _idle_after(self, msg_id: str) -> bool:
        def idle(msg: dict[str, Any]) -> bool:
            return msg["msg_type"] == "status" and msg["content"].get("execution_state") == "idle"

        return await _answer_to(self.iopub_channel, msg_id, idle) is not None


async def _answer_to(channel: Any, msg_id: str, wanted: Any) -> dict[str, Any] | None:
    """The first message on ``channel`` answering request ``msg_id`` that is ``wanted``,
    within ``REPLY_SECONDS``; None when there is none by then."""
    end = time.monotonic() + REPLY_SECONDS
    while (left := end - time.monotonic()) > 0:
        try:
            msg = await channel.get_msg(timeout=left)
        except Empty:
            return None
        if msg["parent_header"].get("msg_id") == msg_id and wanted(msg):
            return msg
    return None
