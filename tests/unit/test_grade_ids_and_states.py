"""The grade-id convention in one module, and the states as StrEnums that store as today's
strings."""

from __future__ import annotations

import dataclasses
import json

import pytest

from course import grade_ids
from course.checks.result import PartResult, PartStatus
from course.items import REGISTRY
from course.questions import ASSIGNMENTS, load_assignment
from sourcing_lab.grading.ledger import ItemOutcome, ItemState, SubmissionState

SOLUTIONS = ASSIGNMENTS.parent.parent / "solutions"


@pytest.mark.parametrize("qid", ["q2_tags", "q7_written", "q6_days"])
def test_each_cell_id_leads_back_to_its_question(qid):
    assert grade_ids.question_of(grade_ids.widget_id(qid)) == qid
    assert grade_ids.question_of(grade_ids.check_id(qid)) == qid
    assert grade_ids.question_of(qid) == qid  # a written answer's graded cell is its id
    assert grade_ids.question_of_answer(grade_ids.answer_id(qid)) == qid
    assert grade_ids.is_check(grade_ids.check_id(qid)) and not grade_ids.is_check(qid)
    assert grade_ids.is_widget(grade_ids.widget_id(qid)) and not grade_ids.is_widget(qid)
    assert grade_ids.is_answer(grade_ids.answer_id(qid))


def test_the_suffixes_are_the_public_ones():
    assert (grade_ids.widget_id("q1"), grade_ids.check_id("q1"), grade_ids.answer_id("q1")) == (
        "q1_widget",
        "q1_check",
        "q1_answer",
    )


@pytest.mark.parametrize("path", sorted(SOLUTIONS.glob("*/*.ipynb")), ids=lambda p: p.stem)
def test_every_solution_has_the_cell_each_question_requires(path):
    cells = {c.get("id") for c in json.loads(path.read_text(encoding="utf-8"))["cells"]}
    for qid, question in load_assignment(path.parent.name).questions.items():
        item = REGISTRY[question.item_type]
        assert grade_ids.required_cell(qid, item.auto_scored) in cells
        if item.widget:
            assert grade_ids.widget_id(qid) in cells
        if item.value_from_code:
            assert grade_ids.answer_id(qid) in cells


def test_states_are_stored_and_shown_as_the_strings_they_were():
    assert [s.value for s in PartStatus] == ["correct", "partial", "wrong", "missing", "answered"]
    assert [s.value for s in ItemState] == ["graded", "zero", "flag"]
    assert [s.value for s in SubmissionState] == [
        "not submitted",
        "not gradable",
        "stale",
        "graded",
        "needs review",
    ]
    outcome = ItemOutcome("q1", "q1_check", ItemState.FLAG, 1.0, 1.0)
    assert json.loads(json.dumps(dataclasses.asdict(outcome)))["state"] == "flag"
    assert f"{SubmissionState.NEEDS_REVIEW}" == "needs review"
    assert PartResult("p", PartStatus.WRONG).status == "wrong"
    assert ItemState("zero") is ItemState.ZERO  # a stored string reads back as the member
