"""Code value, instructor half: keyed by question id in ``keys/<case>/assignments/<id>.toml``,
either as a fixed ``expected`` value or ``expected_from`` another answer (a count of the
learner's own tags), with an optional ``tolerance`` and ``hint``."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.checks.code_values import ValueKey, derive_expected
from sourcing_lab.items.base import Answers, InstructorItem, assignment_entry
from sourcing_lab.key_fields import KeyFileError

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question
    from sourcing_lab.keys import KeySet

MINUTES = 3.0


def key(keys: KeySet, assignment_id: str, question: Question, case: Case, answers: Answers) -> Any:
    entry = assignment_entry(keys, assignment_id, question)
    expected = entry.get("expected")
    if "expected_from" in entry:
        expected = derive_expected(entry, answers.get(entry["expected_from"]))
    return ValueKey(expected, float(entry.get("tolerance", 0.0)), str(entry.get("hint", "")))


def reference(question: Question, key: Any) -> Any:
    return key.expected


def check_key_entry(path: Path, qid: str, entry: Mapping[str, Any], question: Question) -> None:
    if "expected" not in entry and "expected_from" not in entry:
        raise KeyFileError(path, qid, "expected", "give expected or expected_from")


def derived_key(entry: Mapping[str, Any]) -> dict[str, Any] | None:
    """The rule self-study applies to the learner's own earlier answer (``expected_from``)."""
    if "expected_from" not in entry:
        return None
    return {
        "from": entry["expected_from"],
        "rule": entry.get("rule"),
        "label": entry.get("label"),
        "tolerance": float(entry.get("tolerance", 0.0)),
        "hint": str(entry.get("hint", "")),
    }


def minutes(question: Question, case: Case, questions: Mapping[str, Question]) -> float:
    return MINUTES


ITEM = InstructorItem(
    name="code_value",
    minutes=minutes,
    key=key,
    reference=reference,
    check_key_entry=check_key_entry,
    derived_key=derived_key,
)
