"""The kit from its wheels, as an instructor who runs ``pip install`` (not a clone) gets it:
two distributions by audience, installed into a fresh environment outside the checkout, where
``sourcing-lab course init``, a one-student grade and its report work."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pytest
from grading.cases import GOOD_CODE
from grading.kit import (
    TEST_LIMITS,
    embed,
    env_for,
    item_scores,
    nbgrader,
    place_submission,
    record,
    set_code,
)

from course.casefile import load_case
from sourcing_lab.key_lookup import reference_answers
from sourcing_lab.keys import load_keys
from support import REPO

A01 = "a01_provenance"
STUDENT_RUNTIME = {"anywidget", "ipywidgets", "pandas"}
GRADER = {"nbgrader", "jupyterlab", "nbclient"}


def requires(wheel: Path) -> dict[str, str]:
    """``{project: requirement}`` of a wheel's base (not extra) requirements."""
    with zipfile.ZipFile(wheel) as archive:
        name = next(n for n in archive.namelist() if n.endswith(".dist-info/METADATA"))
        lines = archive.read(name).decode().splitlines()
    found = [line.split(":", 1)[1].strip() for line in lines if line.startswith("Requires-Dist:")]
    return {r.split("==")[0].strip().lower(): r for r in found if "extra ==" not in r}


@pytest.mark.slow
def test_the_student_runtime_needs_only_what_a_kernel_needs(kit_wheels):
    assert set(requires(kit_wheels["course"])) == STUDENT_RUNTIME
    instructor = requires(kit_wheels["instructor"])
    assert set(instructor) >= GRADER
    assert instructor["sourcing-lab-course"] == "sourcing-lab-course==0.1.0"
    with zipfile.ZipFile(kit_wheels["instructor"]) as archive:
        names = set(archive.namelist())
    for solution in sorted((REPO / "solutions").glob("*/*.ipynb")):
        assert f"sourcing_lab/template/solutions/{solution.parent.name}/{solution.name}" in names
    assert "sourcing_lab/template/keys/kosovo_ksf/claims.toml" in names
    assert {"sourcing_lab/report/template.html.j2", "sourcing_lab/report/report.css"} <= names
    assert not [n for n in names if n.startswith("course/")]


@pytest.fixture(scope="module")
def fresh_env(kit_wheels):
    """A new virtual environment in /tmp with only the two wheels (and what they require)."""
    home = Path(tempfile.mkdtemp(prefix="sl-fresh-install-", dir="/tmp"))
    env = home / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(env)], check=True, timeout=300)
    install = subprocess.run(
        [str(env / "bin" / "python"), "-m", "pip", "install", "--quiet"]
        + [str(w) for w in kit_wheels.values()],
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert install.returncode == 0, install.stderr[-3000:]
    yield env
    shutil.rmtree(home, ignore_errors=True)


def run(env: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    environ = env_for(cwd / "home")
    environ["PATH"] = f"{env / 'bin'}{os.pathsep}{environ['PATH']}"
    environ.pop("PYTHONPATH", None)
    return subprocess.run(
        [str(env / "bin" / args[0]), *args[1:]],
        cwd=cwd,
        env=environ,
        capture_output=True,
        text=True,
        timeout=900,
    )


@pytest.mark.slow
def test_init_grade_and_report_a_one_student_course_from_the_installed_wheels(tmp_path, fresh_env):
    where = run(
        fresh_env,
        "python",
        "-c",
        "import course, sourcing_lab, json; "
        "print(json.dumps([course.__file__, sourcing_lab.__file__]))",
        cwd=tmp_path,
    )
    assert where.returncode == 0, where.stderr
    for module in json.loads(where.stdout):
        assert Path(module).is_relative_to(fresh_env) and not Path(module).is_relative_to(REPO)

    made = run(fresh_env, "sourcing-lab", "course", "init", str(tmp_path / "c"), cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    root = tmp_path / "c"
    assert sorted(p.name for p in (root / "source").iterdir()) == sorted(
        p.name for p in (REPO / "solutions").iterdir()
    )
    assert (root / "keys" / "kosovo_ksf" / "claims.toml").is_file()
    config = (root / "nbgrader_config.py").read_text(encoding="utf-8")
    assert str(fresh_env) in config and str(REPO) not in config
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write(TEST_LIMITS)

    nbgrader(root, "generate_assignment", A01, "--force", bin_dir=fresh_env / "bin")
    notebook = next((root / "release" / A01).glob("*.ipynb"))
    refs = reference_answers(load_keys(), A01, load_case())
    good = [record(A01, q, v) for q, v in refs.items() if q not in ("q6_days", "q1_desk")]
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    place_submission(root, "ada", A01, set_code(embed(nb, good), "q6_days", GOOD_CODE), good)

    graded = run(fresh_env, "sourcing-lab", "grade", A01, "--course", str(root), cwd=tmp_path)
    assert graded.returncode == 0, graded.stdout + graded.stderr
    assert f"{A01}: 1 submission" in graded.stdout
    scores = item_scores(root, A01, "ada")
    assert scores["q2_posted_where_check"] > 0 and scores["q4_chain_check"] > 0
    assert scores["q6_days_check"] > 0  # the code answer ran in a grading kernel

    out = tmp_path / "report"
    args = ["report", A01, "--course", str(root), "--out", str(out)]
    reported = run(fresh_env, "sourcing-lab", *args, cwd=tmp_path)
    assert reported.returncode == 0, reported.stdout + reported.stderr
    page = (out / "report.html").read_text(encoding="utf-8")  # the template came with the wheel
    assert "<h2>Item difficulty and discrimination</h2>" in page and page.count("<svg") >= 6
    assert (out / "scores.csv").read_text(encoding="utf-8-sig").count("ada") == 1
