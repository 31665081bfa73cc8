"""Claim verdicts, instructor half: each claim's key is in the case's ``claims.toml``."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

from course.vocab import VERDICTS
from sourcing_lab.items.base import Answers, InstructorItem, WrongChoice

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question
    from sourcing_lab.keys import KeySet

MINUTES_PER_CLAIM = 3.0  # a search, two documents opened, a verdict, a citation


def key(keys: KeySet, assignment_id: str, question: Question, case: Case, answers: Answers) -> Any:
    return {p: keys.claims[p] for p in question.parts}


def reference(question: Question, key: Any) -> Any:
    return {p: {"verdict": k.verdicts[0], "evidence": list(k.settles[:1])} for p, k in key.items()}


def describe(question: Question, value: Any, case: Case, labels: Mapping[str, str]) -> str:
    lines = []
    for p, entry in value.items():
        docs = ", ".join(case.document(d).title for d in entry["evidence"]) or "(no document)"
        lines.append(f"{labels[p]} → {VERDICTS[entry['verdict']]}; e.g. {docs}")
    return "\n".join(lines)


def wrong_choices(question: Question, key: Any, value: Any) -> Iterator[WrongChoice]:
    for part, entry in value.items():
        if part not in key or not isinstance(entry, dict):
            continue
        if entry.get("verdict"):
            yield part, "verdict", entry["verdict"], entry["verdict"] not in key[part].verdicts
        for doc in entry.get("evidence") or []:
            if doc in key[part].distractors:
                yield part, "cited document", doc, True


def minutes(question: Question, case: Case, questions: Mapping[str, Question]) -> float:
    return MINUTES_PER_CLAIM * len(question.parts)


ITEM = InstructorItem(
    name="claim_verdicts",
    minutes=minutes,
    key=key,
    reference=reference,
    describe=describe,
    wrong_choices=wrong_choices,
)
