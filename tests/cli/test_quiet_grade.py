"""`sourcing-lab grade` keeps the console for real problems: no SQLAlchemy warnings, no
"checksum has changed" for the kit's own hidden regions, but a changed locked cell is named."""

from __future__ import annotations

import copy
import subprocess
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grading"))
from cases import GOOD_CODE
from kit import (
    embed,
    env_for,
    item_scores,
    make_course,
    place_submission,
    reference_records,
    release_notebook,
    set_code,
)

from sourcing_lab.console import nbgrader_warnings

A01 = "a01_provenance"
pytestmark = pytest.mark.slow


def test_grade_console_shows_real_problems_only(tmp_path):
    root = make_course(tmp_path, [A01])
    _name, nb = release_notebook(root, A01)
    good = reference_records(A01, without=("q6_days", "q1_desk"))
    solved = set_code(embed(nb, good), "q6_days", GOOD_CODE)
    place_submission(root, "ada", A01, solved, good)
    tampered = copy.deepcopy(solved)
    check = next(c for c in tampered["cells"] if c.get("id") == "q2_posted_where_check")
    check["source"] = "assert True\n"
    place_submission(root, "cy", A01, tampered, good)

    graded = subprocess.run(
        [str(Path(sys.executable).parent / "sourcing-lab"), "grade", A01, "--course", str(root)],
        env=env_for(tmp_path / "home"),
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert graded.returncode == 0, graded.stdout + graded.stderr
    console = graded.stdout + graded.stderr
    assert "SAWarning" not in console and "not in session" not in console
    assert "has changed" not in console
    assert "ada:" not in console  # a clean submission: nothing to report
    changed = [line for line in console.splitlines() if line.startswith("cy:")]
    assert changed == [
        "cy: cell q2_posted_where_check is locked but was changed in the submission; "
        "the instructor's version was restored and graded"
    ]
    assert item_scores(root, A01, "cy") == item_scores(root, A01, "ada")  # restored, graded


def test_nbgrader_warnings_keep_warnings_and_errors_but_not_the_expected_ones():
    log = (
        "[INFO] Converting notebook x.ipynb\n"
        "[WARNING] Removing existing assignment: /c/autograded/ada/a01\n"
        "[WARNING] Cell 'q9' does not exist in the database\n"
        "[ERROR] There was an error processing assignment: /c/submitted/ada/a01\n"
    )
    assert nbgrader_warnings(log) == [
        "Cell 'q9' does not exist in the database",
        "There was an error processing assignment: /c/submitted/ada/a01",
    ]
