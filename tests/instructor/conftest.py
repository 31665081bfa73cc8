"""Fixtures: ``course`` (fast, see instructor_course.py) and ``autograded`` (slow: real
``nbgrader autograde`` with the kit's preprocessors)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from instructor_course import A01, WHEN, build_course, desk_log, wrong_a01

from course.casefile import load_case
from sourcing_lab.key_lookup import reference_answers
from sourcing_lab.keys import load_keys


@pytest.fixture(scope="session")
def course_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_course(tmp_path_factory.mktemp("instructor"))


@pytest.fixture
def course(course_template: Path, tmp_path: Path) -> Path:
    """A private copy of the fast course (tests may add files or break the gradebook)."""
    return Path(shutil.copytree(course_template, tmp_path / "course"))


@pytest.fixture(scope="session")
def autograded(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """a01_provenance graded by real `nbgrader autograde`: perfect and blank (written answers
    then graded by hand), wrong (written answer still to grade), truncated, resubmitted."""
    from grading.cases import GOOD_CODE
    from grading.kit import (
        embed,
        make_course,
        nbgrader,
        place_submission,
        record,
        release_notebook,
        set_code,
    )
    from nbgrader.api import Gradebook

    root = make_course(tmp_path_factory.mktemp("autograded"), [A01])
    name, nb = release_notebook(root, A01)
    refs = reference_answers(load_keys(), A01, load_case())
    good = [record(A01, q, v) for q, v in refs.items() if q != "q6_days"]
    good.append(record(A01, "q1_desk", desk_log(("search", "kfor"), ("open", "nato_kfor_topic"))))
    wrong = [record(A01, q, v) for q, v in wrong_a01().items() if q != "q6_days"]
    solved = set_code(embed(nb, good), "q6_days", GOOD_CODE)
    place_submission(root, "ada", A01, solved, good)
    place_submission(root, "ben", A01, nb, [])
    place_submission(root, "cy", A01, embed(nb, wrong), wrong)
    place_submission(root, "dee", A01, json.dumps(solved).encode()[:4000], [])
    place_submission(root, "eve", A01, solved, good)
    nbgrader(root, "autograde", A01, "--force", check=False)  # dee cannot be graded
    place_submission(root, "eve", A01, solved, good, when=WHEN + dt.timedelta(days=1))
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="sourcing_lab") as gb:
        for student, points in (("ada", 3.0), ("ben", 0.0)):  # formgrader, by hand
            written = gb.find_grade("q7_written", Path(name).stem, A01, student)
            written.manual_score, written.needs_manual_grade = points, False
        gb.db.commit()
    return root
