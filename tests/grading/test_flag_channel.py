"""Grading steps talk through structured data: FlagForReview reads ScoreAnswers' outcomes in the
harvest, never the text a cell shows (code review §8.3; issue 18)."""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.api import (
    Grade,
    Gradebook,
    GradeCell,
    Notebook,
    SubmittedAssignment,
    SubmittedNotebook,
)

from sourcing_lab.grading.ledger import Harvest, ItemOutcome, ItemState, recall, remember
from sourcing_lab.grading.score import FlagForReview

KEY = ("ada", "a02_attribution", "attribution")


def _graded_cell(grade_id: str, shown: str) -> nbformat.NotebookNode:
    cell = nbformat.v4.new_code_cell("")
    cell.metadata["nbgrader"] = {
        "grade": True,
        "grade_id": grade_id,
        "points": 1,
        "solution": False,
    }
    cell.outputs = [nbformat.v4.new_output("display_data", data={"text/plain": shown})]
    return cell


def _resources(db: Path) -> dict:
    student, assignment, notebook = KEY
    return {
        "nbgrader": {
            "student": student, "assignment": assignment, "notebook": notebook,
            "db_url": f"sqlite:///{db}",
        }
    }  # fmt: skip


def test_text_that_looks_like_a_flag_flags_nothing(tmp_path):
    # Text a student can put in front of the grader (a written answer is shown as submitted).
    nb = nbformat.v4.new_notebook(cells=[_graded_cell("q7_written", "Flagged for review: me.")])
    remember(KEY, Harvest())
    FlagForReview().preprocess(nb, _resources(tmp_path / "gradebook.db"))
    assert not (tmp_path / "gradebook.db").exists()  # nothing flagged: the gradebook is not opened
    assert recall(KEY).notes, "the harvest is dropped after the last kit step"


def test_an_outcome_flagged_by_the_scorer_marks_the_grade_for_review(tmp_path):
    db = tmp_path / "gradebook.db"
    student, assignment, notebook = KEY
    with Gradebook(f"sqlite:///{db}") as gradebook:
        gradebook.add_assignment(assignment)
        gradebook.add_student(student)
    _seed_grade(db, assignment, notebook, student, "q4_anonymous_rule_check")
    harvest = Harvest()
    harvest.outcomes["q4_anonymous_rule_check"] = ItemOutcome(
        "q4_anonymous_rule", "q4_anonymous_rule_check", ItemState.FLAG, 1.0, 1.0, ["two copies"]
    )
    remember(KEY, harvest)
    nb = nbformat.v4.new_notebook(cells=[_graded_cell("q4_anonymous_rule_check", "1")])
    FlagForReview().preprocess(nb, _resources(db))
    with Gradebook(f"sqlite:///{db}") as gradebook:
        grade = gradebook.find_grade("q4_anonymous_rule_check", notebook, assignment, student)
        assert grade.needs_manual_grade


def _seed_grade(db: Path, assignment: str, notebook: str, student: str, grade_id: str) -> None:
    """A submitted notebook with one auto-graded cell, as nbgrader's SaveAutoGrades leaves it."""
    with Gradebook(f"sqlite:///{db}") as gradebook:
        source = gradebook.find_assignment(assignment)
        nb = Notebook(name=notebook, assignment=source)
        gradebook.db.add(nb)
        gradebook.db.add(GradeCell(name=grade_id, notebook=nb, max_score=1, cell_type="code"))
        gradebook.db.commit()
        gradebook.db.add(
            SubmittedAssignment(assignment=source, student=gradebook.find_student(student))
        )
        gradebook.db.commit()
        submitted = gradebook.find_submission(assignment, student)
        snb = SubmittedNotebook(assignment=submitted, notebook=nb)
        gradebook.db.add(snb)
        gradebook.db.add(Grade(cell=nb.grade_cells[0], notebook=snb, auto_score=1))
        gradebook.db.commit()
