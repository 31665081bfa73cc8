"""Choice, instructor half: keyed by question id in ``keys/<case>/assignments/<id>.toml``
(``accept`` and optional ``hints``)."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from course.checks.result import ChoiceKey
from sourcing_lab.items.base import Answers, InstructorItem, WrongChoice, assignment_entry
from sourcing_lab.key_fields import KeyFileError, checked_hints, known_values

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question
    from sourcing_lab.keys import KeySet

MINUTES = 1.0
MINUTES_PER_OPTION = 0.25  # weighing each option of a multiple-select item


def key(keys: KeySet, assignment_id: str, question: Question, case: Case, answers: Answers) -> Any:
    entry = assignment_entry(keys, assignment_id, question)
    return ChoiceKey(tuple(entry["accept"]), dict(entry.get("hints", {})))


def reference(question: Question, key: Any) -> Any:
    return list(key.accept) if question.multiple else key.accept[0]


def describe(question: Question, value: Any, case: Case, labels: Mapping[str, str]) -> str:
    chosen = value if isinstance(value, list) else [value]
    return "\n".join(question.options[c] for c in chosen)


def wrong_choices(question: Question, key: Any, value: Any) -> Iterator[WrongChoice]:
    for chosen in value if isinstance(value, list) else [value]:
        yield "", "option", chosen, chosen not in key.accept


def check_key_entry(path: Path, qid: str, entry: Mapping[str, Any], question: Question) -> None:
    accept = known_values(path, qid, "accept", entry.get("accept"), question.options)
    if not question.multiple and len(accept) != 1:
        raise KeyFileError(path, qid, "accept", "a single choice accepts one option")
    checked_hints(path, qid, "hints", entry.get("hints"), question.options, accept)


def slip(question: Question, value: Any, allowed: Any, rng: random.Random) -> Any:
    return value if question.multiple else rng.choice(allowed["options"])


def minutes(question: Question, case: Case, questions: Mapping[str, Question]) -> float:
    per_option = MINUTES_PER_OPTION * len(question.options)
    return MINUTES + (per_option if question.multiple else 0.0)


ITEM = InstructorItem(
    name="choice",
    minutes=minutes,
    key=key,
    reference=reference,
    describe=describe,
    wrong_choices=wrong_choices,
    check_key_entry=check_key_entry,
    slip=slip,
)
