"""Pre-warmed kernels (``grading.forked_kernels``, ``forked_kernel``, ``zygote``,
``zygote_child``), through real ``nbgrader autograde`` runs: each notebook gets a fresh fork of a
zygote that has run nothing of any student's; a child sees nothing another child or the zygote
left, holds no capability and sees no other process; a dead zygote is replaced and grading goes
on; a zygote that cannot give a kernel leaves ordinary kernels, and the grades are the same."""

from __future__ import annotations

import json
import re
import subprocess
import textwrap
from pathlib import Path

import pytest
from cases import ASSIGNMENT, _append, perfect, with_cells
from kit import (
    BIN,
    env_for,
    item_scores,
    make_course,
    nbgrader,
    place_submission,
    reference_records,
    release_notebook,
    result_of,
)

from sourcing_lab.grading import isolation

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        "view" not in isolation.offered().applied,
        reason=f"no bubblewrap view here: {isolation.offered().describe()}",
    ),
]

POLLUTE = """
import builtins, json, os, sys, pandas
pandas.read_csv = lambda *args, **kwargs: "patched by the first student"
builtins.LEFT_BY_FIRST = True
json.LEFT_BY_FIRST = True
sys.modules["left_by_first"] = type(sys)("left_by_first")
os.environ["LEFT_BY_FIRST"] = "1"
for path in ("/tmp/left_by_first", "/dev/shm/left_by_first", "left_by_first"):
    open(path, "w").write("x")
print("POLLUTED", os.getpid())
"""
INSPECT = """
import builtins, ctypes, json, os, sys, pandas
from ipykernel.kernelapp import IPKernelApp
libc = ctypes.CDLL(None, use_errno=True)
caps = (ctypes.c_uint32 * 6)()
header = (ctypes.c_uint32 * 2)(0x20080522, 0)
libc.capget(header, caps)
own = os.path.dirname(IPKernelApp.instance().connection_file)
def seen(path):
    try:
        return sorted(os.listdir(path))
    except OSError as exc:
        return exc.strerror
report = {
    "pid": os.getpid(),
    "uid": os.getuid(),
    "read_csv_patched": getattr(pandas.read_csv, "__name__", "") == "<lambda>",
    "builtin": hasattr(builtins, "LEFT_BY_FIRST"),
    "module_attr": hasattr(json, "LEFT_BY_FIRST"),
    "module": "left_by_first" in sys.modules,
    "env": "LEFT_BY_FIRST" in os.environ,
    "tmp": seen("/tmp"), "shm": seen("/dev/shm"), "cwd": seen("."),
    "proc": seen("/proc"),
    "pool": seen(os.path.dirname(own)), "own": os.path.basename(own),
    "capabilities": sum(caps),
    "no_new_privs": libc.prctl(39, 0, 0, 0, 0),
    "mount": libc.mount(b"none", b"/tmp", b"tmpfs", 0, None),
    "pandas_loaded_before": "pandas" in sys.modules,
}
print("REPORT " + json.dumps(report))
"""


def _outputs(root: Path, student: str) -> str:
    path = root / "autograded" / student / ASSIGNMENT / "provenance.ipynb"
    cells = json.loads(path.read_text())["cells"]
    return "".join(
        "".join(o.get("text", "")) + str(o.get("evalue", ""))
        for c in cells
        for o in c.get("outputs", [])
    )


def _course(tmp_path: Path, students: dict[str, str], extra_config: str = "") -> Path:
    root = make_course(tmp_path, [ASSIGNMENT])
    extra_config = "\nc.HardenedExecute.forked_kernels = True\n" + extra_config
    if extra_config:
        with (root / "nbgrader_config.py").open("a") as handle:
            handle.write(extra_config)
    _name, nb = release_notebook(root, ASSIGNMENT)
    refs = reference_records(ASSIGNMENT)
    for student, code in students.items():
        spec = with_cells(perfect(nb, refs), _append(code)) if code else perfect(nb, refs)
        place_submission(root, student, ASSIGNMENT, spec["nb"], spec["records"])
    return root


def _report(root: Path, student: str) -> dict:
    found = re.search(r"^REPORT (.*)$", _outputs(root, student), re.MULTILINE)
    assert found, _outputs(root, student)[-3000:]
    return json.loads(found.group(1))


def test_each_kernel_is_a_fresh_fork_that_sees_nothing_another_left(tmp_path):
    root = _course(tmp_path, {"a_first": POLLUTE, "b_second": INSPECT, "c_third": INSPECT})
    run = nbgrader(root, "autograde", ASSIGNMENT, "--force")
    assert "POLLUTED" in _outputs(root, "a_first")
    for student in ("b_second", "c_third"):
        report = _report(root, student)
        assert report["pid"] == 1  # the first of a process namespace of its own: no process
        # outside it (the zygote, another kernel, the grader) has a pid it could signal
        assert report["pandas_loaded_before"]  # imported by the zygote, before the fork
        for left in ("read_csv_patched", "builtin", "module_attr", "module", "env"):
            assert report[left] is False, (student, left)
        for folder in ("tmp", "shm", "cwd"):
            assert "left_by_first" not in report[folder], (student, folder, report[folder])
        assert report["shm"] == []
        assert report["proc"] == []  # covered: the zygote's /proc would show the others
        assert report["pool"] == [report["own"]]  # its own folder only, no other kernel's
        assert report["capabilities"] == 0
        assert report["no_new_privs"] == 1
        assert report["mount"] == -1  # no capability left to mount anything with
        assert report["uid"] != 0
        result = result_of(root, ASSIGNMENT, student)
        assert result["timings"]["kernel_from"] == "zygote", result["timings"]
        assert result["isolation"]["level"] == isolation.FULL, result["isolation"]
    assert item_scores(root, ASSIGNMENT, "b_second") == item_scores(root, ASSIGNMENT, "c_third")
    assert "pre-warmed kernel unavailable" not in run.stdout + run.stderr


DRIVER = textwrap.dedent(
    """
    import json, os, signal, sys
    from pathlib import Path
    from nbgrader.apps import NbGraderAPI
    from sourcing_lab.exercises import load_nbgrader_config
    from sourcing_lab.grading import forked_kernels
    api = NbGraderAPI(config=load_nbgrader_config(Path("nbgrader_config.py")))
    seen = []
    for student in sys.argv[2:]:
        done = api.autograde(sys.argv[1], student, force=True, create=True)
        zygote = next(iter(forked_kernels._ZYGOTES.values()))
        seen.append({"student": student, "ok": done["success"], "zygote": zygote.process.pid})
        os.killpg(zygote.process.pid, signal.SIGKILL)  # the zygote crashes between notebooks
        zygote.process.wait()
    print("SEEN " + json.dumps(seen))
    """
)


def _drive(root: Path, students: list[str]) -> list[dict]:
    env = env_for(root.parent / "home")
    done = subprocess.run(
        [str(BIN / "python"), "-c", DRIVER, ASSIGNMENT, *students],
        cwd=root, env=env, capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    found = re.search(r"^SEEN (.*)$", done.stdout, re.MULTILINE)
    assert found, done.stdout[-3000:] + done.stderr[-3000:]
    return json.loads(found.group(1))


def test_a_zygote_that_died_is_replaced_and_grading_goes_on(tmp_path):
    students = ["s1", "s2", "s3"]
    root = _course(tmp_path, dict.fromkeys(students, "print('RAN', 6 * 7)"))
    seen = _drive(root, students)
    assert [s["ok"] for s in seen] == [True, True, True]
    assert len({s["zygote"] for s in seen}) == 3  # a new zygote after each crash
    for student in students:
        assert "RAN 42" in _outputs(root, student)
        assert result_of(root, ASSIGNMENT, student)["timings"]["kernel_from"] == "zygote"


def test_without_a_zygote_kernels_start_as_before_and_grade_the_same(tmp_path):
    students = {"s1": "print('RAN', 6 * 7)", "s2": ""}
    forked = _course(tmp_path / "forked", students)
    broken = _course(  # every child fails to build its sandbox: each kernel starts as before
        tmp_path / "broken",
        students,
        "\nimport sourcing_lab.grading.forked_kernel as fk\nfk.INSIDE_STAGING = '/no/such'\n",
    )
    plain = _course(tmp_path / "plain", students, "\nc.HardenedExecute.forked_kernels = False\n")
    runs = {r: nbgrader(r, "autograde", ASSIGNMENT, "--force") for r in (forked, broken, plain)}
    assert "pre-warmed kernel unavailable" in runs[broken].stdout + runs[broken].stderr
    assert "/no/such" in runs[broken].stdout + runs[broken].stderr  # it says why
    expected = {"zygote": forked, "new process": broken}
    for kind, root in [*expected.items(), ("new process", plain)]:
        assert result_of(root, ASSIGNMENT, "s1")["timings"]["kernel_from"] == kind
        assert "RAN 42" in _outputs(root, "s1")
    for student in students:
        scores = item_scores(forked, ASSIGNMENT, student)
        assert scores == item_scores(broken, ASSIGNMENT, student)
        assert scores == item_scores(plain, ASSIGNMENT, student)
