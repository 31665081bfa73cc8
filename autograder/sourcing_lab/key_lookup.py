"""From the key set to one question: the check-shaped key, and the reference answer.

The reference answer is what a perfect student records; tests seed it into solution notebooks,
the demo's perfect student submits it, and self-study's "Show answer" describes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from course.casefile import Case
from course.checks.code_values import derive_expected
from course.items import REGISTRY
from course.questions import Question, part_labels
from sourcing_lab.items import INSTRUCTOR_REGISTRY, MissingKeyError
from sourcing_lab.items.timeline import true_order
from sourcing_lab.keys import KeySet

__all__ = [
    "MissingKeyError",
    "derive_expected",
    "describe_reference",
    "key_for_question",
    "reference_answers",
    "reference_value",
    "true_order",
]


def key_for_question(
    keys: KeySet,
    assignment_id: str,
    question: Question,
    case: Case | None = None,
    answers: dict[str, Any] | None = None,
) -> Any:
    """The key argument ``course.checks.dispatch.evaluate`` takes for ``question``.

    None for item types that are never auto-scored (written answers, the source desk).
    ``answers`` (question id -> clean value) is needed only by keys derived from another
    answer, such as a count of the learner's own tags.
    """
    if case is None:
        from course.questions import load_assignment

        case = load_assignment(assignment_id).case
    key = INSTRUCTOR_REGISTRY[question.item_type].key
    return None if key is None else key(keys, assignment_id, question, case, answers or {})


def reference_answers(keys: KeySet, assignment_id: str, case: Case) -> dict[str, Any]:
    """What a perfect student records for every keyed question of the assignment."""
    from course.questions import load_assignment

    answers: dict[str, Any] = {}
    for question in load_assignment(assignment_id).questions.values():
        if REGISTRY[question.item_type].auto_scored:
            answers[question.question_id] = reference_value(
                keys, assignment_id, question, case, answers
            )
    return answers


def reference_value(
    keys: KeySet,
    assignment_id: str,
    question: Question,
    case: Case,
    answers: dict[str, Any] | None = None,
) -> Any:
    """The answer a perfect student records (None for unkeyed item types)."""
    key = key_for_question(keys, assignment_id, question, case, answers)
    return INSTRUCTOR_REGISTRY[question.item_type].reference(question, key)


def describe_reference(keys: KeySet, assignment_id: str, question: Question, case: Case) -> str:
    """The reference answer in words, for self-study's "Show answer"."""
    value = reference_value(keys, assignment_id, question, case)
    if value is None:
        return "This question has no single right answer; compare yours with the rubric."
    describe = INSTRUCTOR_REGISTRY[question.item_type].describe
    return describe(question, value, case, part_labels(question, case))


def seed_reference_answers(folder: Path, assignment_id: str, keys: KeySet | None = None) -> int:
    """Record the reference answers in ``folder/answers/`` (for solution runs, demos, benches).

    Returns how many answers were written.
    """
    from course.answers import AnswerRecord, AnswerStore, now_iso
    from course.questions import load_assignment
    from sourcing_lab.keys import load_keys

    assignment = load_assignment(assignment_id)
    case = assignment.case
    keys = keys or load_keys(case)
    questions = assignment.questions
    store = AnswerStore(folder)
    written = 0
    for qid, value in reference_answers(keys, assignment_id, case).items():
        if value is None:
            continue
        item_type = questions[qid].item_type
        store.write(AnswerRecord(qid, item_type, value, 1, now_iso(), assignment_id=assignment_id))
        written += 1
    return written
