"""RELIABILITY.md cases 33-36 as submissions of a01_provenance: what a submission folder may
hold besides files, what the intake must say it left out, and which cannot be graded at all.

Each ``make`` adds entries to a submission placed the usual way; ``ignored`` is what the intake
must name (in the log, the result file and the submission's status). Link cases also run a
kernel that tries to open the link's name: it must find nothing there. They are graded in the
same batch as cases 1-32 (``conftest.graded``).
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cases import ASSIGNMENT

# Each ``make`` adds entries to the placed submission folder; ``ignored`` is what the intake must
# name (in the log, the result file and the submission's status). Link cases also run a kernel
# that tries to open the link's name: it must find nothing there.
KEY_FILE = ("keys", "kosovo_ksf", "attribution.toml")
CAN_MKNOD = os.geteuid() == 0  # device nodes need CAP_MKNOD
LINK = "a symbolic link is not a file; it was not followed"
PROBE_NAMES = ("key.toml", "keys", "gradebook.db", "friend", "passwd")
PROBE = (
    f"import os\nfor name in {PROBE_NAMES!r}:\n    try:\n"
    "        seen = os.listdir(name) if os.path.isdir(name) else open(name, 'rb').read(60)\n"
    "        print('READ', name, seen)\n"
    "    except OSError as exc:\n        print('NOT THERE', name, type(exc).__name__)"
)


@dataclass
class Hygiene:
    make: Any  # (submission folder, course root) -> None
    ignored: list[str]  # expected "ignored <kind> <path>: <why>" lines (prefixes)
    kernel: bool = False  # also run a kernel that probes the names
    reason: str = ""  # for a submission that cannot be graded: its not-gradable reason


def _key(root: Path) -> Path:
    return root.joinpath(*KEY_FILE)


def _fifos(*names: str):
    def make(folder: Path, _root: Path) -> None:
        for name in names:
            (folder / name).unlink(missing_ok=True)
            os.mkfifo(folder / name)

    return make


def _socket(folder: Path, _root: Path) -> None:
    server = socket.socket(socket.AF_UNIX)
    server.bind(str(folder / "sock"))
    server.close()  # the socket file stays


def _device(folder: Path, _root: Path) -> None:
    if CAN_MKNOD:
        os.mknod(folder / "zero", 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # reads for ever


def _sparse(folder: Path, _root: Path) -> None:
    with open(folder / "huge.bin", "wb") as handle:
        handle.truncate(2 * 2**30)  # 2 GB that take no disk space


def _loops(folder: Path, _root: Path) -> None:
    os.symlink("loop", folder / "loop")
    os.symlink("b", folder / "a")
    os.symlink("a", folder / "b")


def _notebook_link(folder: Path, root: Path) -> None:
    notebook = folder / "provenance.ipynb"
    notebook.unlink()
    os.symlink(root / "submitted" / "c04_perfect" / ASSIGNMENT / "provenance.ipynb", notebook)


def _folder_link(folder: Path, root: Path) -> None:
    shutil.rmtree(folder)
    os.symlink(root / "submitted" / "c04_perfect" / ASSIGNMENT, folder)


def _links(**targets):
    def make(folder: Path, root: Path) -> None:
        for name, target in targets.items():
            os.symlink(target(root) if callable(target) else target, folder / name)

    return make


HYGIENE = {
    "c34_link_to_keys": Hygiene(
        _links(**{"key.toml": _key, "keys": lambda root: root / "keys"}),
        [f"ignored link key.toml: {LINK}", f"ignored link keys: {LINK}"],
        kernel=True,
    ),
    "c35_link_to_gradebook": Hygiene(
        _links(**{"gradebook.db": lambda root: root / "gradebook.db"}),
        [f"ignored link gradebook.db: {LINK}"],
        kernel=True,
    ),
    "c36_link_to_other_student": Hygiene(
        _links(friend=lambda root: root / "submitted" / "c04_perfect" / ASSIGNMENT),
        [f"ignored link friend: {LINK}"],
        kernel=True,
    ),
    "c37_link_to_etc_passwd": Hygiene(
        _links(passwd="/etc/passwd"), [f"ignored link passwd: {LINK}"], kernel=True
    ),
    "c38_link_loop": Hygiene(
        _loops, [f"ignored link a: {LINK}", f"ignored link b: {LINK}", f"ignored link loop: {LINK}"]
    ),
    "c39_fifo": Hygiene(
        _fifos("pipe", "answers/q3_footer.json"),
        [
            "ignored pipe answers/q3_footer.json: a named pipe is not a file",
            "ignored pipe pipe: a named pipe is not a file",
        ],
    ),
    "c40_socket": Hygiene(_socket, ["ignored socket sock: a socket is not a file"]),
    "c41_device": Hygiene(
        _device, ["ignored device zero: a device is not a file"] if CAN_MKNOD else []
    ),
    "c42_hard_link": Hygiene(
        lambda folder, root: os.link(_key(root), folder / "hard.toml"),
        ["ignored hard link hard.toml: the same file is also stored outside the submission"],
    ),
    "c43_bad_name": Hygiene(
        lambda folder, _root: (folder / os.fsdecode(b"notes\xff.txt")).write_text("x"),
        ["ignored name notes\\xff.txt: the name is not valid UTF-8"],
    ),
    "c44_sparse_2gb": Hygiene(
        _sparse, ["ignored large file huge.bin: 2,147 MB is over the 100 MB limit"]
    ),
    "c45_timestamp_fifo": Hygiene(
        _fifos("timestamp.txt"), ["ignored pipe timestamp.txt: a named pipe is not a file"]
    ),
    "c49_secret_not_a_token": Hygiene(  # the kit carries nbgrader's token only, never text
        lambda folder, _root: (folder / "submission_secret.txt").write_text("<b>../../x</b>"),
        [],
    ),
    "c46_notebook_is_a_link": Hygiene(
        _notebook_link,
        [f"ignored link provenance.ipynb: {LINK}"],
        reason=f"not a notebook file: {LINK}",
    ),
    "c47_notebook_is_a_pipe": Hygiene(
        _fifos("provenance.ipynb"),
        ["ignored pipe provenance.ipynb: a named pipe is not a file"],
        reason="not a notebook file: a named pipe is not a file",
    ),
    "c48_folder_is_a_link": Hygiene(
        _folder_link,
        ["ignored link .: the submission folder is not a folder: " + LINK],
        reason="not a notebook file",
    ),
}


MARK_SCHEME = "MARK-SCHEME-SECRET: full marks only when both dates are named"


def add_marked_task(root: Path) -> None:
    """An instructor task cell with a mark scheme, as nbgrader's docs show one (the kit's own
    notebooks have none): autograde restores it whole, so only feedback can drop it."""
    path = root / "source" / ASSIGNMENT / "provenance.ipynb"
    nb = json.loads(path.read_text(encoding="utf-8"))
    nb["cells"].append(
        {
            "cell_type": "markdown",
            "id": "rubric_task",
            "metadata": {
                "nbgrader": {
                    "task": True,
                    "grade": False,
                    "solution": False,
                    "locked": True,
                    "points": 1,
                    "grade_id": "rubric_task",
                    "schema_version": 3,
                }
            },
            "source": f"How the timeline is marked.\n### BEGIN MARK SCHEME\n{MARK_SCHEME}\n"
            "### END MARK SCHEME",
        }
    )
    path.write_text(json.dumps(nb, indent=1), encoding="utf-8")
