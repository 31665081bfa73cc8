"""Question specs and keys agree with each other and with the case data."""

from __future__ import annotations

import datetime as dt

import pytest

from course.casefile import load_case
from course.items import REGISTRY
from course.questions import ASSIGNMENTS, QuestionSpecError, load_assignment
from sourcing_lab.key_lookup import key_for_question, reference_answers
from sourcing_lab.keys import load_keys

ASSIGNMENT_IDS = sorted(p.stem for p in ASSIGNMENTS.glob("*.toml"))


def test_there_are_five_assignments():
    assert ASSIGNMENT_IDS == [
        "a01_provenance",
        "a02_attribution",
        "a03_claims",
        "a04_time",
        "a05_verdict",
    ]


@pytest.mark.parametrize("assignment_id", ASSIGNMENT_IDS)
def test_every_keyed_question_has_a_key(assignment_id):
    keys, case = load_keys(), load_case()
    assignment = load_assignment(assignment_id)
    reference = reference_answers(keys, assignment_id, case)
    for question in assignment.questions.values():
        if REGISTRY[question.item_type].auto_scored:
            assert key_for_question(keys, assignment_id, question, case, reference) is not None
            assert reference[question.question_id] is not None, question.question_id
    assert assignment.total_points > 0


@pytest.mark.parametrize("assignment_id", ASSIGNMENT_IDS)
def test_claims_asked_about_have_documents_that_settle_them(assignment_id):
    keys = load_keys()
    for question in load_assignment(assignment_id).questions.values():
        if question.item_type == "claim_verdicts":
            for claim_id in question.parts:
                assert keys.claims[claim_id].settles, f"{claim_id}: no document settles it"


def test_timeline_events_have_distinct_exact_dates():
    case = load_case()
    events = {e.event_id: e for e in case.events}
    question = load_assignment("a04_time").question("q2_timeline")
    dates = [events[p].date_start for p in question.parts]
    assert len(set(dates)) == len(dates)
    assert all(events[p].precision == "day" for p in question.parts)


def test_computed_keys_agree_with_the_case_data():
    case, keys = load_case(), load_keys()
    posted, claimed = case.as_posted.posted_on, case.as_posted.claimed_date
    a01, a04, a05 = (keys.assignments[a] for a in ("a01_provenance", "a04_time", "a05_verdict"))
    assert a01["q6_days"]["expected"] == (posted - claimed).days
    assert a04["q4_weekday"]["expected"] == claimed.strftime("%A")
    start, end = keys.timeline["window"]["start"], keys.timeline["window"]["end"]
    assert a04["q5_days_after"]["expected"] == (posted - start).days
    assert a04["q6_inside_window"]["expected"] == [start <= d < end for d in (claimed, posted)]
    named = next(e for e in case.events if e.event_id == "ryder_named_press_secretary")
    assert named.date_start == start == dt.date(2022, 8, 4)
    library = case.library()
    assert a05["q4_weak_kinds"]["expected"] == int(library["kind"].isin(["mirror", "blog"]).sum())


def test_a_bad_question_spec_names_file_question_and_field(tmp_path):
    (tmp_path / "broken.toml").write_text(
        'case = "kosovo_ksf"\n[questions.q1]\ntype = "span_tagger"\nskill = "attribution"\n'
        'parts = ["s99"]\n'
    )
    with pytest.raises(QuestionSpecError, match=r"broken.toml, question 'q1', field 'parts'"):
        load_assignment("broken", tmp_path)
    with pytest.raises(QuestionSpecError, match="no such assignment; known: broken"):
        load_assignment("nope", tmp_path)


def test_the_click_restraint_premise_is_true_of_the_library_search():
    """a03 q4 says what the kit's own search does for its query (content review K11)."""
    from course.casefile.search import search_library

    case = load_case()
    prompt = load_assignment("a03_claims").question("q4_click_restraint").prompt
    query = prompt.split("'")[1]
    results = search_library(case, query)
    first = case.document(results[0])
    assert first.kind == "blog" and first.date == "undated"
    assert "wound down" in first.body
    assert len(results) > 1, "there must be other results to scan"


def test_a_chain_step_label_and_a_claim_label_never_state_a_verdict():
    """Labels are the kit's own voice: they name what the text claims, not what is true."""
    case = load_case()
    labels = [c.label for c in case.claim_records] + list(case.chain.values())
    for label in labels:
        lowered = label.casefold()
        assert not any(word in lowered.split() for word in ("false", "fake", "true", "wrong"))
    ended = next(c for c in case.claim_records if c.claim_id == "c_kfor_ended")
    assert "the text claims" in ended.label  # not "When the KFOR mission ended" (X1)


def test_option_labels_fit_on_one_line_of_the_widget():
    """ipywidgets' RadioButtons and Checkbox do not wrap a label: a longer one runs under the
    next option, which then takes the click (seen in the browser test)."""
    for assignment_id in ASSIGNMENT_IDS:
        for question in load_assignment(assignment_id).questions.values():
            if question.item_type == "choice":
                for option, label in question.options.items():
                    assert len(label) <= 92, f"{assignment_id}/{question.question_id}/{option}"
