"""Ticking everything never pays.

On every multiple-select item of every assignment, ticking all the options scores no more than
ticking none of the right ones would; the same holds for every claim's evidence list (citing
every document in the library). Both directions: the keyed answer still scores full marks.
"""

from __future__ import annotations

import pytest

from course.casefile import load_case
from course.checks.dispatch import evaluate
from course.questions import ASSIGNMENTS, load_assignment
from sourcing_lab.key_lookup import key_for_question
from sourcing_lab.keys import load_keys

KEYS, CASE = load_keys(), load_case()
ASSIGNMENT_IDS = sorted(p.stem for p in ASSIGNMENTS.glob("*.toml"))


def _questions(item_type: str, *, multiple: bool | None = None):
    for assignment_id in ASSIGNMENT_IDS:
        for question in load_assignment(assignment_id).questions.values():
            if question.item_type == item_type and multiple in (None, question.multiple):
                yield pytest.param(
                    assignment_id, question, id=f"{assignment_id}/{question.question_id}"
                )


MULTIPLE = list(_questions("choice", multiple=True))
VERDICTS = list(_questions("claim_verdicts"))


def test_every_assignment_with_a_multiple_select_item_is_covered():
    assert {p.values[0] for p in MULTIPLE} == {"a01_provenance", "a02_attribution", "a05_verdict"}
    assert len(MULTIPLE) == 4 and len(VERDICTS) == 2


@pytest.mark.parametrize(("assignment_id", "question"), MULTIPLE)
def test_ticking_every_option_scores_no_more_than_ticking_none_of_the_right_ones(
    assignment_id, question
):
    key = key_for_question(KEYS, assignment_id, question, CASE)
    every = evaluate(question, list(question.options), CASE, key)
    wrong_only = [o for o in question.options if o not in key.accept]
    none_right = evaluate(question, wrong_only, CASE, key)
    assert every.score <= none_right.score == 0.0
    assert evaluate(question, list(key.accept), CASE, key).score == 1.0
    for option in key.accept:  # each right option earns something on its own
        assert evaluate(question, [option], CASE, key).score > 0


@pytest.mark.parametrize(("assignment_id", "question"), VERDICTS)
def test_citing_every_document_earns_no_evidence_point(assignment_id, question):
    key = key_for_question(KEYS, assignment_id, question, CASE)
    everything = list(CASE.documents)
    for claim_id in question.parts:
        claim_key = key[claim_id]
        verdict = claim_key.verdicts[0]
        unhelpful = [d for d in everything if d not in claim_key.evidence]
        scores = {}
        for name, cited in (
            ("all", everything),
            ("none right", unhelpful),
            ("keyed", list(claim_key.settles[:1])),
        ):
            answer = {c: {"verdict": verdict, "evidence": ["x"]} for c in question.parts}
            answer[claim_id] = {"verdict": verdict, "evidence": cited}
            parts = {p.part_id: p for p in evaluate(question, answer, CASE, key).parts}
            scores[name] = parts[f"{claim_id}.evidence"].score
        assert scores["all"] <= scores["none right"] == 0.0, claim_id
        assert scores["keyed"] == 1.0, claim_id
