"""Span tagger, instructor half: each segment's key is in the case's ``attribution.toml``."""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from course.vocab import ATTRIBUTION_TYPES
from sourcing_lab.items.base import Answers, InstructorItem, WrongChoice

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question
    from sourcing_lab.keys import KeySet

MINUTES_PER_PART = 0.5


def key(keys: KeySet, assignment_id: str, question: Question, case: Case, answers: Answers) -> Any:
    return {p: keys.attribution[p] for p in question.parts}


def reference(question: Question, key: Any) -> Any:
    return {p: k.accept[0] for p, k in key.items()}


def describe(question: Question, value: Any, case: Case, labels: Mapping[str, str]) -> str:
    return "\n".join(f"{labels[p]} → {ATTRIBUTION_TYPES[v]}" for p, v in value.items())


def wrong_choices(question: Question, key: Any, value: Any) -> Iterator[WrongChoice]:
    for part, label in value.items():
        if part in key and label:
            yield part, "source type", label, label not in key[part].accept


def slip(question: Question, value: Any, allowed: Any, rng: random.Random) -> Any:
    part = rng.choice(list(value))
    value[part] = rng.choice(allowed["labels"])
    return value


def minutes(question: Question, case: Case, questions: Mapping[str, Question]) -> float:
    return MINUTES_PER_PART * len(question.parts)


ITEM = InstructorItem(
    name="span_tagger",
    minutes=minutes,
    key=key,
    reference=reference,
    describe=describe,
    wrong_choices=wrong_choices,
    slip=slip,
)
