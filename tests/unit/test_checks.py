"""Every check, table-driven: (answer, key) -> expected outcome, in both directions."""

from __future__ import annotations

import pytest

from course.checks import (
    ChoiceKey,
    ClaimKey,
    OrderKey,
    ValueKey,
    check_chain,
    check_choice,
    check_code_value,
    check_tags,
    check_timeline,
    check_verdicts,
    check_written,
    misplaced_count,
)

PARTS = {"s1": "First part", "s2": "Second part", "s3": "Third part"}
TAG_KEY = {
    "s1": ChoiceKey(("anonymous",), {"none": "Who says so here?"}),
    "s2": ChoiceKey(("none",)),
    "s3": ChoiceKey(("institutional", "anonymous")),
}


@pytest.mark.parametrize(
    ("answer", "complete", "summary"),
    [
        (None, False, "3 of 3 parts still have no label."),
        ({"s1": "none"}, False, "2 of 3 parts still have no label."),
        ({"s1": "none", "s2": "none", "s3": "none"}, True, "Every part has a label (3 of 3)."),
    ],
    ids=["blank", "partial", "complete"],
)
def test_tags_form_check_never_scores(answer, complete, summary):
    result = check_tags(answer, PARTS)
    assert not result.scored and result.score == 0
    assert result.complete is complete
    assert result.summary == summary


@pytest.mark.parametrize(
    ("answer", "score", "statuses"),
    [
        ({"s1": "anonymous", "s2": "none", "s3": "institutional"}, 3, ["correct"] * 3),
        ({"s1": "anonymous", "s2": "none", "s3": "anonymous"}, 3, ["correct"] * 3),
        ({"s1": "none", "s2": "none", "s3": "anonymous"}, 2, ["wrong", "correct", "correct"]),
        ({}, 0, ["missing"] * 3),
    ],
    ids=["right", "either-accepted", "one-wrong", "blank"],
)
def test_tags_scored(answer, score, statuses):
    result = check_tags(answer, PARTS, TAG_KEY)
    assert result.scored and result.max_score == 3
    assert result.score == score
    assert [p.status for p in result.parts] == statuses
    assert result.scaled(8) == round(8 * score / 3, 2)


def test_tag_feedback_uses_the_distractor_hint_and_never_the_answer():
    result = check_tags({"s1": "none", "s2": "anonymous"}, PARTS, TAG_KEY)
    messages = " ".join(result.messages)
    assert "Who says so here?" in messages  # the hint written for this wrong choice
    assert "'Second part': not quite." in messages  # generic, still names the part
    assert "none" not in messages.replace("'", " ").split()  # no answer id leaks


CLAIMS = {"c1": "When KFOR ended", "c2": "Ally status"}
CLAIM_KEY = {
    "c1": ClaimKey(
        ("false",),
        ("nato",),
        {"accurate": "Look for KFOR after 2015."},
        {"blog": "The blog just repeats the article."},
        ("blog", "copy"),
        supports=("photo_2015",),
    ),
    "c2": ClaimKey(("false",), ("mnna",), distractors=("blog",), supports=("mirror",)),
}


def test_verdicts_form_check_names_what_is_missing():
    result = check_verdicts({"c1": {"verdict": "false", "evidence": []}}, CLAIMS)
    assert not result.complete and not result.scored
    text = " ".join(result.messages)
    assert "'When KFOR ended': verdict given but no evidence chosen" in text
    assert "'Ally status': choose a verdict." in text


@pytest.mark.parametrize(
    ("answer", "score", "statuses"),
    [
        (
            {
                "c1": {"verdict": "false", "evidence": ["nato"]},
                "c2": {"verdict": "false", "evidence": ["mnna"]},
            },
            4,
            ["correct"] * 4,
        ),
        (
            {
                "c1": {"verdict": "false", "evidence": ["nato", "blog"]},
                "c2": {"verdict": "false", "evidence": ["mnna"]},
            },
            3.5,
            ["correct", "partial", "correct", "correct"],
        ),
        (
            {
                "c1": {"verdict": "accurate", "evidence": ["blog"]},
                "c2": {"verdict": "false", "evidence": ["other"]},
            },
            1,
            ["wrong", "wrong", "correct", "wrong"],
        ),
        (
            {
                "c1": {"verdict": "false", "evidence": ["photo_2015"]},
                "c2": {"verdict": "false", "evidence": ["mirror", "mnna"]},
            },
            3.5,
            ["correct", "partial", "correct", "correct"],
        ),
        (
            {
                "c1": {"verdict": "false", "evidence": ["nato", "photo_2015", "blog", "copy"]},
                "c2": {"verdict": "false", "evidence": ["mirror"]},
            },
            2.5,
            ["correct", "wrong", "correct", "partial"],
        ),
        ({}, 0, ["missing"] * 4),
    ],
    ids=["right", "weak-beside-good", "wrong-and-weak", "supports-only", "two-weak", "blank"],
)
def test_verdicts_scored(answer, score, statuses):
    result = check_verdicts(answer, CLAIMS, CLAIM_KEY)
    assert result.max_score == 4 and result.score == score
    assert [p.status for p in result.parts] == statuses


def test_evidence_that_only_supports_says_so_without_naming_a_document():
    answer = {"c1": {"verdict": "false", "evidence": ["photo_2015"]}}
    text = " ".join(check_verdicts(answer, CLAIMS, CLAIM_KEY).messages)
    assert "none of them settles it on its own" in text and "nato" not in text


def test_verdict_hints_explain_without_revealing():
    answer = {"c1": {"verdict": "accurate", "evidence": ["blog"]}}
    text = " ".join(check_verdicts(answer, CLAIMS, CLAIM_KEY).messages)
    assert "Look for KFOR after 2015." in text and "The blog just repeats the article." in text
    assert "false" not in text.lower().split()


@pytest.mark.parametrize(
    ("given", "truth", "expected"),
    [
        (["a", "b", "c", "d"], ["a", "b", "c", "d"], 0),
        (["b", "a", "c", "d"], ["a", "b", "c", "d"], 1),
        (["d", "c", "b", "a"], ["a", "b", "c", "d"], 3),
        (["a", "c", "d", "b"], ["a", "b", "c", "d"], 1),
    ],
)
def test_misplaced_count(given, truth, expected):
    assert misplaced_count(given, truth) == expected


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        (["a", "c", "b", "e", "d"], 0),  # tied steps in either order
        (["a", "b", "c", "d", "e"], 0),
        (["b", "a", "c", "d", "e"], 1),
        (["d", "a", "b", "c", "e"], 1),
        (["e", "d", "c", "b", "a"], 3),
    ],
)
def test_misplaced_count_with_tied_groups(given, expected):
    tied = (("b", "c"), ("d", "e"))
    assert misplaced_count(given, ["a", "b", "c", "d", "e"], tied) == expected


EVENTS = {"e1": "First", "e2": "Second", "e3": "Third"}
MARKS = {"m1": "Monday", "m2": "Job title"}
ORDER_KEY = OrderKey(("e1", "e2", "e3"), "m2", {"m1": "That weekday checks out."})


@pytest.mark.parametrize(
    ("answer", "score", "complete"),
    [
        ({"order": ["e1", "e2", "e3"], "marked": "m2"}, 2, True),
        ({"order": ["e2", "e1", "e3"], "marked": "m2"}, 1.5, True),
        ({"order": ["e3", "e2", "e1"], "marked": "m1"}, 0, True),
        ({"order": ["e1", "e2"], "marked": ""}, 0, False),
        (None, 0, False),
    ],
    ids=["right", "one-swap", "reversed-wrong-mark", "incomplete", "blank"],
)
def test_timeline_scored(answer, score, complete):
    result = check_timeline(answer, EVENTS, ORDER_KEY, mark_options=MARKS)
    assert result.score == score and result.max_score == 2
    assert result.complete is complete


def test_timeline_form_and_hint():
    form = check_timeline({"order": ["e1"]}, EVENTS, mark_options=MARKS)
    assert not form.scored and "Put all 3 items in order (1 placed so far)." in form.messages
    wrong = check_timeline(
        {"order": ["e1", "e2", "e3"], "marked": "m1"}, EVENTS, ORDER_KEY, mark_options=MARKS
    )
    assert any("That weekday checks out." in m for m in wrong.messages)


LINKS = {"a": "Forum post", "b": "Outlet"}
CHAIN_KEY = (
    OrderKey(("a", "b")),
    {
        "a": ChoiceKey(("verified",)),
        "b": ChoiceKey(("unverified",), {"verified": "Only the outlet?"}),
    },
)


def test_chain_scored_and_form():
    right = check_chain(
        {"order": ["a", "b"], "status": {"a": "verified", "b": "unverified"}}, LINKS, CHAIN_KEY
    )
    assert right.score == right.max_score == 3
    wrong = check_chain(
        {"order": ["b", "a"], "status": {"a": "verified", "b": "verified"}}, LINKS, CHAIN_KEY
    )
    assert wrong.score == 1 and any("Only the outlet?" in m for m in wrong.messages)
    form = check_chain({"order": [], "status": {"a": "verified"}}, LINKS)
    assert not form.complete and any("'Outlet': mark this step" in m for m in form.messages)


@pytest.mark.parametrize(
    ("answer", "multiple", "score"),
    [
        ("x", False, 1),
        ("y", False, 0),
        (["x", "z"], True, 1),
        (["x"], True, 1 / 2),
        (["x", "z", "y"], True, 0),  # every option ticked: right minus wrong is 1 - 1
        (["x", "y"], True, 0),
        (["y"], True, 0),  # only wrong ones: floored at zero, never negative
        ([], True, 0),
        (None, False, 0),
    ],
)
def test_choice(answer, multiple, score):
    key = ChoiceKey(("x", "z") if multiple else ("x",), {"y": "Think again about y."})
    result = check_choice(answer, ["x", "y", "z"], key, multiple=multiple)
    assert result.score == pytest.approx(score, abs=1e-3)


@pytest.mark.parametrize(
    ("chosen", "score", "says"),
    [
        (["a", "b", "c"], 1.0, "Right."),
        (["a", "b"], 2 / 3, "you have not found them all"),
        (["a", "d"], 1 / 3 - 1 / 3, "Some of your choices are right"),
        (["a", "b", "c", "d"], 1 - 1 / 3, "Each wrong tick takes marks away"),
        (["a", "b", "c", "d", "e", "f"], 0.0, "Some of your choices are right"),
        (["d", "e"], 0.0, "None of the options you ticked is right."),
    ],
)
def test_multiple_choice_is_right_minus_wrong_floored_at_zero(chosen, score, says):
    options = ["a", "b", "c", "d", "e", "f"]
    key = ChoiceKey(("a", "b", "c"), {"d": "Look again at d."})
    result = check_choice(chosen, options, key, multiple=True)
    assert result.score == pytest.approx(score, abs=1e-3)
    assert says in result.messages[0]
    if "d" in chosen:
        assert "Look again at d." in result.messages[0]


@pytest.mark.parametrize(
    ("value", "expected", "tolerance", "status"),
    [
        (661, 661, 0, "correct"),
        (660, 661, 0, "wrong"),
        (0.004, 0.0, 0.01, "correct"),
        ("monday ", "Monday", 0, "correct"),
        ([False, True], [False, True], 0, "correct"),
        ([0, 1], [False, True], 0, "wrong"),
        ({"a": 2}, {"a": 2}, 0, "correct"),
        (float("nan"), 1.0, 1.0, "wrong"),
        (None, 1, 0, "missing"),
    ],
)
def test_code_values_compare_plain_data(value, expected, tolerance, status):
    result = check_code_value(value, ValueKey(expected, tolerance))
    assert result.parts[0].status == status


def test_code_value_derived_from_a_missing_answer_is_not_credited():
    result = check_code_value(0.0, ValueKey(None))
    assert result.score == 0 and "earlier answer" in result.messages[0]


@pytest.mark.parametrize(
    ("text", "complete"),
    [("", False), ("too short", False), ("word " * 40, True)],
)
def test_written_is_form_only(text, complete):
    result = check_written(text, min_words=40)
    assert result.complete is complete and not result.scored
