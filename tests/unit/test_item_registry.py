"""The item-type registry: both halves exist for every item type and agree with each other; an
unknown type fails with a message that lists the real ones; every widget path imports."""

from __future__ import annotations

import importlib
import random
from pathlib import Path

import pytest

from course.casefile import load_case
from course.checks import ValueProblem, clean_value
from course.checks.dispatch import evaluate
from course.items import REGISTRY, UnknownItemType, allowed_ids
from course.questions import ASSIGNMENTS, ITEM_TYPES, QuestionSpecError, load_assignment
from sourcing_lab.items import INSTRUCTOR_REGISTRY
from sourcing_lab.key_lookup import key_for_question, reference_answers
from sourcing_lab.keys import load_keys

CASE = load_case()
KEYS = load_keys(CASE)
ASSIGNMENT_IDS = sorted(p.stem for p in ASSIGNMENTS.glob("*.toml"))
KIT_QUESTIONS = [
    pytest.param(a, q, id=f"{a}/{q.question_id}")
    for a in ASSIGNMENT_IDS
    for q in load_assignment(a).questions.values()
]


def test_the_spec_types_are_the_registry_and_both_halves_have_every_one():
    assert tuple(REGISTRY) == ITEM_TYPES
    # The instructor registry takes its types from the student one; no instructor module may
    # stand for a type the student side does not know (it would never be used).
    import sourcing_lab.items as instructor_items

    folder = Path(instructor_items.__file__).parent
    modules = {p.stem for p in folder.glob("*.py")} - {"__init__", "base"}
    assert modules == set(REGISTRY) == set(INSTRUCTOR_REGISTRY)


def test_the_kit_uses_every_item_type():
    used = {q.item_type for a in ASSIGNMENT_IDS for q in load_assignment(a).questions.values()}
    assert used == set(ITEM_TYPES)


@pytest.mark.parametrize("name", ITEM_TYPES)
def test_both_halves_exist_under_their_own_name_and_agree(name):
    student, instructor = REGISTRY[name], INSTRUCTOR_REGISTRY[name]
    assert student.name == instructor.name == name
    # The kit scores exactly the types that have a key, and only those are keyed per assignment.
    assert (instructor.key is not None) == student.auto_scored
    assert instructor.check_key_entry is None or student.auto_scored
    assert instructor.derived_key is None or student.value_from_code
    # A type the kit does not score is graded by a person, or not graded at all.
    assert student.manual == (student.graded and not student.auto_scored)
    assert not (student.value_from_code and not student.auto_scored)
    # A type with no key gives the demo's students something to hand in, or nothing is asked.
    assert instructor.demo_answer is None or student.manual


@pytest.mark.parametrize("name", ITEM_TYPES)
def test_every_item_type_has_a_widget_that_imports_or_is_a_code_cell(name):
    item = REGISTRY[name]
    if not item.widget:
        assert item.value_from_code, f"{name} has no widget and no code cell to answer in"
        return
    from course.widgets.base import ItemView

    module_name, _, class_name = item.widget.rpartition(".")
    view = getattr(importlib.import_module(module_name), class_name)
    assert issubclass(view, ItemView)
    assert view.item_type == name


@pytest.mark.parametrize("registry", [REGISTRY, INSTRUCTOR_REGISTRY], ids=["course", "instructor"])
def test_an_unknown_item_type_fails_with_a_message_that_lists_the_types(registry):
    with pytest.raises(UnknownItemType) as caught:
        registry["essay"]
    message = str(caught.value)
    assert message.startswith("'essay' is not an item type")
    assert all(name in message for name in ITEM_TYPES)
    assert "essay" not in registry and registry.get("essay") is None
    with pytest.raises(UnknownItemType):
        registry[["not", "hashable"]]  # type: ignore[index]


def test_an_unknown_type_in_a_record_is_a_value_problem_and_in_a_spec_names_the_types(tmp_path):
    with pytest.raises(ValueProblem, match="'essay' is not an item type; item types: span_tagger"):
        clean_value("essay", "text", {})
    spec = tmp_path / "a09_x.toml"
    spec.write_text(
        'case = "kosovo_ksf"\n[questions.q1]\ntype = "essay"\nskill = "time"\n', encoding="utf-8"
    )
    with pytest.raises(QuestionSpecError, match="question 'q1', field 'type': use one of: span"):
        load_assignment("a09_x", tmp_path)


@pytest.mark.parametrize(("assignment_id", "question"), KIT_QUESTIONS)
def test_the_halves_fit_a_reference_answer_cleans_unchanged_and_scores_full(
    assignment_id, question
):
    """Both directions through both halves: the instructor half's reference answer is a value
    the student half accepts as it is, and scores full marks; a blank answer scores nothing."""
    reference = reference_answers(KEYS, assignment_id, CASE)
    blank = evaluate(question, None, CASE, None)
    assert blank.item_type == question.item_type and not blank.scored
    if not REGISTRY[question.item_type].auto_scored:
        assert question.question_id not in reference
        return
    value = reference[question.question_id]
    assert clean_value(question.item_type, value, allowed_ids(question, CASE)) == value
    key = key_for_question(KEYS, assignment_id, question, CASE, reference)
    scored = evaluate(question, value, CASE, key)
    assert scored.scored and scored.max_score > 0 and scored.score == scored.max_score
    assert evaluate(question, None, CASE, key).score == 0


@pytest.mark.parametrize(("assignment_id", "question"), KIT_QUESTIONS)
def test_a_simulated_slip_keeps_the_value_one_the_question_accepts(assignment_id, question):
    if not REGISTRY[question.item_type].auto_scored:
        return
    import copy

    value = copy.deepcopy(reference_answers(KEYS, assignment_id, CASE)[question.question_id])
    allowed = allowed_ids(question, CASE)
    slipped = INSTRUCTOR_REGISTRY[question.item_type].slip(
        question, value, allowed, random.Random(3)
    )
    assert clean_value(question.item_type, slipped, allowed) == slipped
