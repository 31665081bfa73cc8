"""Data safety around real `nbgrader autograde`: backups, kill-and-rerun, manual grades kept,
a failed resubmission marked stale."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import time

import pytest
from cases import ASSIGNMENT, perfect
from kit import (
    BIN,
    env_for,
    item_scores,
    make_course,
    nbgrader,
    place_submission,
    reference_records,
    release_notebook,
)

from sourcing_lab.grading.status import submission_states

pytestmark = pytest.mark.slow
STUDENTS = ["s1", "s2", "s3", "s4"]


def _submit_all(root):
    _name, nb = release_notebook(root, ASSIGNMENT)
    refs = reference_records(ASSIGNMENT, without=("q6_days",))
    specs = {
        "s1": perfect(nb, refs),
        "s2": {"nb": nb, "records": []},
        "s3": perfect(nb, refs[:2]),
        "s4": perfect(nb, refs[2:]),
    }
    for student, spec in specs.items():
        place_submission(root, student, ASSIGNMENT, spec["nb"], spec["records"])
    return nb


def _snapshot(root):
    return {s: item_scores(root, ASSIGNMENT, s) for s in STUDENTS}


@pytest.fixture(scope="module")
def clean(tmp_path_factory):
    root = make_course(tmp_path_factory.mktemp("clean"), [ASSIGNMENT])
    _submit_all(root)
    nbgrader(root, "autograde", ASSIGNMENT, "--force")
    return root


def test_a_backup_of_the_gradebook_is_taken_before_grading(clean):
    nbgrader(clean, "autograde", ASSIGNMENT, "--force")
    backups = list((clean / "gradebook-backups").glob("gradebook-*.db"))
    assert backups and all(b.read_bytes()[:15] == b"SQLite format 3" for b in backups)


def test_killed_run_then_rerun_equals_a_clean_run(clean, tmp_path):
    root = make_course(tmp_path, [ASSIGNMENT])
    _submit_all(root)
    process = subprocess.Popen(
        [str(BIN / "nbgrader"), "autograde", ASSIGNMENT, "--force"],
        cwd=root,
        env=env_for(tmp_path / "home"),
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    results = root / "sourcing_lab" / "results" / ASSIGNMENT
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not (results / "s2").exists():
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGKILL)  # the grader dies mid-batch
    process.wait()
    nbgrader(root, "autograde", ASSIGNMENT, "--force")
    assert _snapshot(root) == _snapshot(clean)
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        assert len(gradebook.assignment_submissions(ASSIGNMENT)) == len(STUDENTS)


def test_manual_grades_survive_regrading_and_are_flagged(clean):
    from nbgrader.api import Gradebook

    url = f"sqlite:///{clean / 'gradebook.db'}"
    with Gradebook(url) as gradebook:
        for grade_id, score in (("q7_written", 2.5), ("q2_posted_where_check", 0.5)):
            grade = gradebook.find_grade(grade_id, "provenance", ASSIGNMENT, "s1")
            grade.manual_score = score
        gradebook.db.commit()
    nbgrader(clean, "autograde", ASSIGNMENT, "--force")
    with Gradebook(url) as gradebook:
        written = gradebook.find_grade("q7_written", "provenance", ASSIGNMENT, "s1")
        override = gradebook.find_grade("q2_posted_where_check", "provenance", ASSIGNMENT, "s1")
        assert written.manual_score == 2.5 and override.manual_score == 0.5
        assert override.needs_manual_grade  # a regrade after manual grading asks for a review
        assert override.auto_score == 1.0


def test_a_failed_resubmission_marks_the_old_score_stale(clean):
    states = submission_states(clean, ASSIGNMENT, ["provenance"], [*STUDENTS, "nobody"])
    assert {s: v.state for s, v in states.items()} == {
        "s1": "graded",
        "s2": "graded",
        "s3": "graded",
        "s4": "graded",
        "nobody": "not submitted",
    }
    later = dt.datetime(2026, 11, 21, 9, 0, tzinfo=dt.UTC)
    place_submission(clean, "s3", ASSIGNMENT, b'{"cells": [', when=later)
    nbgrader(clean, "autograde", ASSIGNMENT, "--force", "--student", "s3", check=False)
    state = submission_states(clean, ASSIGNMENT, ["provenance"], ["s3"])["s3"]
    assert state.state == "stale" and "newer submission" in state.reason
    assert json.loads(
        (clean / "sourcing_lab" / "results" / ASSIGNMENT / "s3" / "provenance.json").read_text()
    )["outcomes"]
