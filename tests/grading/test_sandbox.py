"""The grading kernel's view, seen from inside a kernel that real ``nbgrader autograde`` runs:
everything it can read lies in the allow-list, for the kit installed editable from this
checkout (what ``make`` does) and for the kit installed from its wheel into a fresh environment
outside the checkout. And, for a busy non-root user, the process cap counts only the kernel's
own processes."""

from __future__ import annotations

import json
import os
import pwd
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from cases import ASSIGNMENT, FORK_BOMB, _append, perfect, with_cells
from kit import BIN, make_course, nbgrader, place_submission, reference_records, release_notebook

from sourcing_lab.grading import isolation
from support import REPO

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        "view" not in isolation.offered().applied,
        reason=f"no bubblewrap view here: {isolation.offered().describe()}",
    ),
]
SLOW_CELLS = "\nc.Execute.timeout = 120  # the listing walks the whole view\n"
LISTING = """
import json, os
ALLOWED = {allowed!r}
FORBIDDEN = {forbidden!r}
seen, outside = 0, []
for top, folders, files in os.walk('/'):
    if top in ('/proc', '/dev', '/sys'):
        folders[:] = []
        continue
    for name in files:
        path = os.path.join(top, name)
        if os.access(path, os.R_OK):
            seen += 1
            if not any(path == a or path.startswith(a.rstrip('/') + '/') for a in ALLOWED):
                outside.append(path)
present = [p for p in FORBIDDEN if os.path.lexists(p)]
print('VIEW', json.dumps({{'seen': seen, 'outside': outside[:40], 'forbidden': present}}))
"""


def _runtime(python: Path) -> dict[str, str]:
    """What the environment ``python`` belongs to: its prefixes and the course package."""
    code = (
        "import json, os, sys, course, importlib.util as u\n"
        "kit = u.find_spec('sourcing_lab')\n"
        "print(json.dumps({'prefix': sys.prefix, 'base': sys.base_prefix,"
        " 'course': os.path.dirname(os.path.realpath(course.__file__)),"
        " 'kit': os.path.dirname(os.path.realpath(kit.origin))}))"
    )
    out = subprocess.run(  # -I, from /: not a course/ folder that happens to be here
        [str(python), "-I", "-c", code], capture_output=True, text=True, check=True, cwd="/"
    )
    return json.loads(out.stdout)


def _listing(root: Path, student: str, runtime: dict[str, str]) -> str:
    tmpdir = str((root.parent / "tmp").resolve())
    allowed = [
        "/usr",
        "/etc/ld.so.cache",
        "/etc/localtime",
        "/etc/alternatives",
        "/tmp",
        "/run/sourcing-lab",
        runtime["prefix"],
        runtime["base"],
        runtime["course"],
        str((root / "autograded" / student / ASSIGNMENT).resolve()),
        os.path.join(tmpdir, "sl-kernel-"),  # its private folder (sockets): checked below
    ]
    forbidden = [
        str(REPO / "README.md"),
        str(REPO / "autograder"),
        str(REPO / "solutions"),
        str(REPO / ".git"),
        str(REPO / "tests"),
        str(root / "nbgrader_config.py"),
        str(root / "keys"),
        str(root / "gradebook.db"),
        str(root / "source"),
        str(root / "submitted"),
        str(root / "sourcing_lab"),
        str(root / "autograded" / "someone_else"),
        os.path.join(runtime["kit"], "grading", "score.py"),  # the instructor package
        os.path.expanduser("~/.bash_history"),
        "/etc/passwd",
        "/etc/shadow",
        "/home",
        "/var",
    ]
    return LISTING.format(allowed=allowed, forbidden=forbidden)


def _view_from_inside(root: Path, bin_dir: Path) -> dict:
    """Grade one submission whose last cell lists everything the kernel can read."""
    _name, nb = release_notebook(root, ASSIGNMENT)
    refs = reference_records(ASSIGNMENT, without=("q6_days",))
    place_submission(root, "someone_else", ASSIGNMENT, nb, [])
    listing = _listing(root, "lister", _runtime(bin_dir / "python"))
    spec = with_cells(perfect(nb, refs), _append(listing))
    place_submission(root, "lister", ASSIGNMENT, spec["nb"], spec["records"])
    run = nbgrader(root, "autograde", ASSIGNMENT, "--force", check=False, bin_dir=bin_dir)
    path = root / "autograded" / "lister" / ASSIGNMENT / "provenance.ipynb"
    assert path.exists(), run.stderr[-3000:]
    printed = "".join(
        "".join(o.get("text", ""))
        for c in json.loads(path.read_text())["cells"]
        for o in c.get("outputs", [])
    )
    found = re.search(r"^VIEW (.*)$", printed, re.MULTILINE)
    assert found, printed[-3000:]
    return json.loads(found.group(1))


def _check_view(view: dict) -> None:
    assert view["forbidden"] == []
    private = [p for p in view["outside"] if "/sl-kernel-" in p]
    assert all(Path(p).name in ("connection.json", "status.json", "entry.json") for p in private)
    assert [p for p in view["outside"] if p not in private] == []
    assert view["seen"] > 1000  # it really walked: Python and pandas are there to read


def test_an_editable_checkout_shows_the_kernel_only_its_allow_list(tmp_path):
    root = make_course(tmp_path, [ASSIGNMENT])
    with (root / "nbgrader_config.py").open("a") as config:
        config.write(SLOW_CELLS)
    assert Path(_runtime(BIN / "python")["course"]).is_relative_to(REPO)  # make's install
    _check_view(_view_from_inside(root, BIN))


# -- the kit installed from its wheel, in an environment outside the checkout ---------------------


@pytest.fixture(scope="module")
def wheel_env(kit_wheels):
    """A fresh environment made with Debian's Python (readable by every user, unlike this
    machine's own interpreter), with the kit installed from its wheels."""
    system_python = shutil.which("python3.11", path="/usr/bin")
    if system_python is None:
        pytest.skip("no /usr/bin/python3.11 to build an environment any user can run")
    home = Path(tempfile.mkdtemp(prefix="sl-wheel-env-", dir="/tmp"))
    os.chmod(home, 0o755)
    env = home / "venv"
    subprocess.run([system_python, "-m", "venv", str(env)], check=True, timeout=300)
    install = subprocess.run(
        [
            str(env / "bin" / "python"),
            "-m",
            "pip",
            "install",
            "--quiet",
            *map(str, kit_wheels.values()),
        ],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    yield env
    shutil.rmtree(home, ignore_errors=True)


def wheel_course(folder: Path, env: Path) -> Path:
    """A course whose nbgrader settings are the installed wheel's (course init itself copies
    the kit's notebooks from a checkout, so it runs from this one)."""
    kit = Path(_runtime(env / "bin" / "python")["kit"])
    folder.mkdir(parents=True, exist_ok=True)

    def use_the_wheel(root: Path) -> None:
        config = root / "nbgrader_config.py"
        text = re.sub(
            r"load_subconfig\('[^']*'\)",
            f"load_subconfig({str(kit / 'grading' / 'kit_config.py')!r})",
            config.read_text(),
        )
        config.write_text(text + SLOW_CELLS)

    root = make_course(folder, [], use_the_wheel)
    nbgrader(root, "generate_assignment", ASSIGNMENT, "--force", bin_dir=env / "bin")
    return root


def test_an_installed_wheel_shows_the_kernel_only_its_allow_list(tmp_path, wheel_env):
    runtime = _runtime(wheel_env / "bin" / "python")
    assert not Path(runtime["course"]).is_relative_to(REPO)
    root = wheel_course(tmp_path, wheel_env)
    _check_view(_view_from_inside(root, wheel_env / "bin"))


# -- a busy user: more than 256 threads of the grader's own user already running ------------------


BUSY = (
    "import threading, time\n"
    "for _ in range(300):\n"
    "    threading.Thread(target=time.sleep, args=(600,), daemon=True).start()\n"
    "print('busy', flush=True)\ntime.sleep(600)\n"
)


def _as(user: pwd.struct_passwd) -> dict:
    return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}


def _tasks(user: pwd.struct_passwd) -> list[str]:
    found = subprocess.run(
        ["ps", "-L", "-u", str(user.pw_uid), "-o", "comm="], capture_output=True, text=True
    )
    return found.stdout.split()


@pytest.mark.skipif(os.geteuid() != 0, reason="making a test user needs root")
def test_a_busy_user_s_kernel_starts_and_its_process_cap_counts_only_its_own(wheel_env):
    name = f"slbusy{os.getpid() % 100000}"
    subprocess.run(["useradd", "-M", "-s", "/usr/sbin/nologin", name], check=True)
    user = pwd.getpwnam(name)
    base = Path(tempfile.mkdtemp(prefix="sl-busy-", dir="/tmp"))
    busy = None
    try:
        os.chmod(base, 0o755)
        root = wheel_course(base / "course", wheel_env)
        _name, nb = release_notebook(root, ASSIGNMENT)
        refs = reference_records(ASSIGNMENT, without=("q6_days",))
        spec = with_cells(perfect(nb, refs), _append(FORK_BOMB))
        place_submission(root, "busy_student", ASSIGNMENT, spec["nb"], spec["records"])
        for folder in ("home", "tmp"):
            (base / folder).mkdir(exist_ok=True)
        for path in [base, *base.rglob("*")]:
            os.lchown(path, user.pw_uid, user.pw_gid)
        busy = subprocess.Popen(
            ["/usr/bin/python3", "-c", BUSY], stdout=subprocess.PIPE, text=True, **_as(user)
        )
        assert busy.stdout.readline().strip() == "busy"
        assert len(_tasks(user)) > 256  # the user is over the cap before grading starts
        env = {
            "PATH": f"{wheel_env / 'bin'}:/usr/bin:/bin",
            "HOME": str(base / "home"),
            "TMPDIR": str(base / "tmp"),
            "LANG": "C.UTF-8",
        }
        command = [str(wheel_env / "bin" / "sourcing-lab"), "grade", ASSIGNMENT]
        command += ["--course", str(root), "--require-isolation"]
        graded = subprocess.run(
            command, env=env, cwd=base, capture_output=True, text=True, timeout=600, **_as(user)
        )
        assert graded.returncode == 0, graded.stdout + graded.stderr[-3000:]
        assert "isolation: full" in graded.stdout, graded.stdout
        results = root / "sourcing_lab" / "results" / ASSIGNMENT / "busy_student"
        result = json.loads(next(results.glob("*.json")).read_text())
        assert result["isolation"]["level"] == "full"
        scores = {o["question_id"]: o["score"] for o in result["outcomes"]}
        assert scores["q6_days"] == 1.0  # its kernel started (threads and all) and ran the code
        notebook = root / "autograded" / "busy_student" / ASSIGNMENT / "provenance.ipynb"
        printed = notebook.read_text()
        started = int(re.search(r"started (\d+)", printed).group(1))
        assert 0 < started < 256  # and its own processes were still capped
        assert "sleep" not in _tasks(user)  # everything the kernel started ended with it
    finally:
        if busy is not None:
            busy.kill()
            busy.wait()
        subprocess.run(["userdel", name], capture_output=True)
        shutil.rmtree(base, ignore_errors=True)
