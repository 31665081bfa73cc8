"""A class member at the keyboard, through JupyterHub's and their server's REST APIs.

- ``HubUser.login`` posts the hub's login form (the authenticator checks the password), then
  asks the hub for a personal API token as the Token page does (cookie + XSRF header).
- ``run_notebook`` is what JupyterLab does with a notebook: start a kernel session for it,
  execute its code cells over the kernel's websocket, keep every output (applying
  ``update_display_data`` to the outputs with that display id, as the answer records need), then
  ``code`` (the student's clicks: widget values set in the kernel fire the kit's recording), and
  save the notebook through the contents API.
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import requests
import websocket

COURSE = "sourcing_lab"


class HubUser:
    def __init__(self, url: str, name: str) -> None:
        self.url, self.name = url, name
        self.http = requests.Session()
        self.token = ""

    # -- the hub --------------------------------------------------------------------------
    def login(self, password: str) -> HubUser:
        self.http.get(f"{self.url}/hub/login", timeout=30).raise_for_status()
        form = {
            "username": self.name,
            "password": password,
            "_xsrf": self.http.cookies.get("_xsrf", ""),
        }
        reply = self.http.post(
            f"{self.url}/hub/login", data=form, allow_redirects=False, timeout=30
        )
        if reply.status_code != 302:
            raise PermissionError(f"login as {self.name} refused ({reply.status_code})")
        made = self.http.post(
            f"{self.url}/hub/api/users/{self.name}/tokens",
            json={"note": "tests/hub", "expires_in": 3600},
            headers={"X-XSRFToken": self.http.cookies.get("_xsrf", "")},
            timeout=30,
        )
        made.raise_for_status()
        self.token = made.json()["token"]
        return self

    def hub(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(
            method, f"{self.url}/hub/api{path}", headers=self._auth(), timeout=60, **kwargs
        )

    def start_server(self, timeout: float = 120) -> None:
        reply = self.hub("POST", f"/users/{self.name}/server")
        assert reply.status_code in (201, 202, 400), reply.text  # 400: already running
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            server = self.hub("GET", f"/users/{self.name}").json()["servers"].get("", {})
            if server.get("ready"):
                return
            time.sleep(0.5)
        raise TimeoutError(f"the server of {self.name} did not start in {timeout:.0f} s")

    # -- the user's own server ------------------------------------------------------------
    def server(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        return requests.request(
            method,
            f"{self.url}/user/{self.name}{path}",
            headers=self._auth(),
            timeout=120,
            **kwargs,
        )

    def assignments(self, action: str = "", **data: str) -> Any:
        """nbgrader's Assignments tab: list, or fetch / submit / fetch_feedback."""
        if not action:
            reply = self.server("GET", "/assignments", params={"course_id": COURSE})
        else:
            reply = self.server(
                "POST", f"/assignments/{action}", data={"course_id": COURSE, **data}
            )
        reply.raise_for_status()
        return reply.json()

    def formgrader(self, action: str, assignment: str) -> dict[str, Any]:
        reply = self.server("POST", f"/formgrader/api/assignment/{assignment}/{action}")
        # A server error names what the instructor's server said, not only the status code.
        said = reply.text[-4000:]
        assert reply.ok, f"formgrader {action} {assignment}: {reply.status_code}\n{said}"
        result = reply.json()
        assert result.get("success"), f"formgrader {action} {assignment}: {result}"
        return result

    def contents(self, path: str) -> dict[str, Any]:
        reply = self.server("GET", f"/api/contents/{path}")
        reply.raise_for_status()
        return reply.json()

    def delete_tree(self, path: str) -> None:
        """Delete a folder through the contents API, file by file (as a student would)."""
        for entry in self.contents(path)["content"]:
            if entry["type"] == "directory":
                self.delete_tree(entry["path"])
            else:
                self.server("DELETE", f"/api/contents/{entry['path']}").raise_for_status()
        self.server("DELETE", f"/api/contents/{path}").raise_for_status()

    def _auth(self) -> dict[str, str]:
        return {"Authorization": f"token {self.token}"}


# -- a notebook run as JupyterLab runs it -------------------------------------------------
@dataclass
class KernelChannel:
    user: HubUser
    kernel_id: str
    session: str = field(default_factory=lambda: uuid.uuid4().hex)

    def __post_init__(self) -> None:
        ws_url = self.user.url.replace("http://", "ws://")
        self.ws = websocket.create_connection(
            f"{ws_url}/user/{self.user.name}/api/kernels/{self.kernel_id}/channels"
            f"?session_id={self.session}",
            header=[f"Authorization: token {self.user.token}"],
            timeout=120,
        )

    def execute(self, code: str, on_output: Any, timeout: float = 120) -> int | None:
        """Run ``code``; pass each output message to ``on_output``; raise on an error."""
        msg_id = uuid.uuid4().hex
        self.ws.send(
            json.dumps(
                {
                    "header": {
                        "msg_id": msg_id,
                        "msg_type": "execute_request",
                        "session": self.session,
                        "username": self.user.name,
                        "version": "5.3",
                        "date": "",
                    },
                    "parent_header": {},
                    "metadata": {},
                    "channel": "shell",
                    "buffers": [],
                    "content": {
                        "code": code,
                        "silent": False,
                        "store_history": True,
                        "user_expressions": {},
                        "allow_stdin": False,
                        "stop_on_error": True,
                    },
                }
            )
        )
        count, idle, replied = None, False, False
        deadline = time.monotonic() + timeout
        while not (idle and replied):
            if time.monotonic() > deadline:
                raise TimeoutError(f"kernel did not finish in {timeout:.0f} s:\n{code[:200]}")
            msg = json.loads(self.ws.recv())
            kind, mine = msg["msg_type"], msg["parent_header"].get("msg_id") == msg_id
            if kind == "update_display_data":
                on_output(msg)
            elif not mine:
                continue
            elif kind == "status" and msg["content"]["execution_state"] == "idle":
                idle = True
            elif kind == "execute_reply":
                replied, count = True, msg["content"].get("execution_count")
            elif kind == "error":
                raise AssertionError("\n".join(msg["content"]["traceback"]))
            elif kind in ("stream", "display_data", "execute_result", "clear_output"):
                on_output(msg)
        return count

    def close(self) -> None:
        self.ws.close()


class NotebookOutputs:
    """Outputs of the cell being run, and every output that has a display id."""

    def __init__(self) -> None:
        self.current: list[dict[str, Any]] = []
        self.by_display_id: dict[str, list[dict[str, Any]]] = {}

    def __call__(self, msg: dict[str, Any]) -> None:
        kind, content = msg["msg_type"], msg["content"]
        display_id = (content.get("transient") or {}).get("display_id")
        if kind == "update_display_data":
            for output in self.by_display_id.get(display_id, []):
                output["data"], output["metadata"] = content["data"], content.get("metadata", {})
            return
        if kind == "clear_output":
            self.current.clear()
            return
        if kind == "stream":
            output = {"output_type": "stream", "name": content["name"], "text": content["text"]}
        else:
            output = {
                "output_type": kind,
                "data": content["data"],
                "metadata": content.get("metadata", {}),
            }
            if kind == "execute_result":
                output["execution_count"] = content.get("execution_count")
        self.current.append(output)
        if display_id:
            self.by_display_id.setdefault(display_id, []).append(output)


def run_notebook(user: HubUser, path: str, sources: dict[str, str], code: str) -> str:
    """Open ``path``, type ``sources`` (cell id -> source) into cells, Run All, then run ``code``
    (the clicks), save. Returns what ``code`` printed."""
    nb = user.contents(path)["content"]
    session = user.server(
        "POST",
        "/api/sessions",
        json={
            "path": path,
            "type": "notebook",
            "name": path.rsplit("/", 1)[-1],
            "kernel": {"name": "python3"},
        },
    )
    session.raise_for_status()
    kernel_id = session.json()["kernel"]["id"]
    channel = KernelChannel(user, kernel_id)
    outputs = NotebookOutputs()
    try:
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            cell["source"] = sources.get(cell["id"], cell["source"])
            outputs.current = cell["outputs"] = []
            cell["execution_count"] = channel.execute(cell["source"], outputs)
        clicks: list[dict[str, Any]] = []
        outputs.current = clicks
        channel.execute(code, outputs)
        saved = user.server(
            "PUT",
            f"/api/contents/{path}",
            json={"type": "notebook", "format": "json", "content": nb},
        )
        saved.raise_for_status()
    finally:
        channel.close()
        user.server("DELETE", f"/api/sessions/{session.json()['id']}")
    return "".join(o.get("text", "") for o in clicks if o["output_type"] == "stream")


def run_in_kernel(user: HubUser, code: str, timeout: float = 300) -> str:
    """Run ``code`` in a new kernel on the user's server (as they would in a console); return
    what it printed."""
    reply = user.server("POST", "/api/kernels", json={"name": "python3"})
    reply.raise_for_status()
    kernel_id = reply.json()["id"]
    outputs = NotebookOutputs()
    channel = KernelChannel(user, kernel_id)
    try:
        channel.execute(code, outputs, timeout=timeout)
    finally:
        channel.close()
        user.server("DELETE", f"/api/kernels/{kernel_id}")
    return "".join(o.get("text", "") for o in outputs.current if o["output_type"] == "stream")
