"""Helpers for grading tests: a real nbgrader course, simulated submissions, gradebook reads."""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from course.answers import AnswerRecord, AnswerStore, now_iso
from course.questions import load_assignment
from sourcing_lab.course_init import init_course
from sourcing_lab.demo.simulate import embed_records

BIN = Path(sys.executable).parent
TEST_LIMITS = """
# Test course: short limits so that faulty submissions finish fast.
c.Execute.timeout = 10
c.HardenedExecute.deadline = 25
c.HardenedExecute.memory_mb = 1024
c.CollectApp.check_owner = False
"""


def env_for(home: Path) -> dict[str, str]:
    """An isolated environment whose temporary folder is the course's own, so a test can
    check that grading left nothing behind in it."""
    from support import isolated_env

    env = isolated_env(home)
    env["TMPDIR"] = str(home.parent / "tmp")
    os.makedirs(env["TMPDIR"], exist_ok=True)
    os.makedirs(home, exist_ok=True)  # without it IPython makes a temporary .ipython per call
    return env


def nbgrader(
    root: Path, *args: str, check: bool = True, cwd: Path | None = None, bin_dir: Path = BIN
):
    """Run a real ``nbgrader`` command in the course folder (from the environment ``bin_dir``,
    this one by default)."""
    env = env_for(root.parent / "home")
    env["PATH"] = f"{bin_dir}{os.pathsep}{env['PATH']}"
    result = subprocess.run(
        [str(bin_dir / "nbgrader"), *args],
        cwd=cwd or root,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    log = result.stdout + result.stderr
    assert "Exception while loading config file" not in log, log
    if check:
        assert result.returncode == 0, log
    return result


def make_course(folder: Path, assignments: list[str], edit_source: Any = None) -> Path:
    """A course from ``sourcing-lab course init``; ``edit_source(root)`` may change its
    ``source/`` before the assignments are generated."""
    root = init_course(folder / "classroom")
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write(TEST_LIMITS)
    if edit_source:
        edit_source(root)
    for assignment in assignments:
        nbgrader(root, "generate_assignment", assignment, "--force")
    return root


def release_notebook(root: Path, assignment: str) -> tuple[str, dict[str, Any]]:
    path = next((root / "release" / assignment).glob("*.ipynb"))
    return path.name, json.loads(path.read_text(encoding="utf-8"))


def record(assignment: str, qid: str, value: Any, sequence: int = 1) -> AnswerRecord:
    item_type = load_assignment(assignment).question(qid).item_type
    return AnswerRecord(qid, item_type, value, sequence, now_iso(), assignment_id=assignment)


def embed(nb: dict[str, Any], records: list[AnswerRecord]) -> dict[str, Any]:
    """A copy of ``nb`` carrying ``records`` in its outputs, as a saved notebook does."""
    return embed_records(copy.deepcopy(nb), records)


def reference_records(assignment: str, *, without: tuple[str, ...] = ()) -> list[AnswerRecord]:
    """A perfect student's recorded answers (code answers are code, so leave those out)."""
    from course.casefile import load_case
    from sourcing_lab.key_lookup import reference_answers
    from sourcing_lab.keys import load_keys

    answers = reference_answers(load_keys(), assignment, load_case())
    return [record(assignment, q, v) for q, v in answers.items() if q not in without]


def set_code(nb: dict[str, Any], qid: str, source: str) -> dict[str, Any]:
    nb = copy.deepcopy(nb)
    for cell in nb["cells"]:
        if cell.get("id") == f"{qid}_answer":
            cell["source"] = source
    return nb


def place_submission(
    root: Path,
    student: str,
    assignment: str,
    nb: dict[str, Any] | bytes | None,
    records: list[AnswerRecord] = (),
    *,
    answers_dir: bool = True,
    name: str | None = None,
    when: dt.datetime | None = None,
    extra: dict[str, bytes] | None = None,
) -> Path:
    """Write what ``nbgrader collect`` would have put in submitted/<student>/<assignment>/."""
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    notebook_name, _ = release_notebook(root, assignment)
    if nb is not None:
        data = nb if isinstance(nb, bytes) else json.dumps(nb).encode()
        (folder / (name or notebook_name)).write_bytes(data)
    if answers_dir:
        store = AnswerStore(folder)
        for rec in records:
            store.write(rec)
    for filename, content in (extra or {}).items():
        target = folder / filename
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(content)
    when = when or dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
    # nbgrader's submit writes a random hex token; release_feedback needs it in feedback/.
    secret = hashlib.sha256(f"{student}/{assignment}".encode()).hexdigest() * 2
    (folder / "submission_secret.txt").write_text(secret)
    return folder


def item_scores(root: Path, assignment: str, student: str) -> dict[str, float | None]:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        submission = gradebook.find_submission(assignment, student)
        return {
            grade.cell.name: grade.auto_score
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


def result_of(root: Path, assignment: str, student: str) -> dict[str, Any] | None:
    paths = list((root / "sourcing_lab" / "results" / assignment / student).glob("*.json"))
    return json.loads(paths[0].read_text()) if paths else None
