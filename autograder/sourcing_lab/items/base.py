"""What an item type is on the instructor side: its key, its reference answer, the wrong
choices the report counts, and what the demo, the timing estimate and the key checks need.

The student half of each type is ``course.items`` (``course/items/<type>.py``); this half holds
whatever needs the keys, so it never ships to students. See ``sourcing_lab.items``.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question
    from sourcing_lab.keys import KeySet

# (part, kind of choice, the id chosen, is it wrong) for each choice inside one answer.
WrongChoice = tuple[str, str, str, bool]
Answers = Mapping[str, Any]  # question id -> clean value (for keys derived from an answer)


class MissingKeyError(LookupError):
    """A graded question has no key; the message says which file should hold it."""


def no_reference(question: Question, key: Any) -> Any:
    return None


def as_repr(question: Question, value: Any, case: Case, labels: Mapping[str, str]) -> str:
    return repr(value)


def no_slip(question: Question, value: Any, allowed: Any, rng: random.Random) -> Any:
    return value


@dataclass(frozen=True)
class InstructorItem:
    """The instructor half of one item type (same ``name`` as its ``course.items`` half).

    - ``key(keys, assignment_id, question, case, answers)``: the key ``evaluate`` takes; None
      (the field) for item types the kit never scores (its ``auto_scored`` is False).
    - ``reference(question, key)``: what a perfect student records.
    - ``describe(question, value, case, labels)``: that reference answer in words (self-study's
      "Show answer"); only called with a value that is not None.
    - ``wrong_choices(question, key, value)``: the choices inside one answer, marked wrong or
      not, for the report's distractor table; None when the type has no choices to count.
    - ``check_key_entry(path, question_id, entry, question)``: checks the type's entry in
      ``keys/<case>/assignments/<assignment>.toml`` (raises ``KeyFileError``); None when the
      type is keyed in the case's own key files instead.
    - ``derived_key(entry)``: for self-study, the rule that derives a key from the learner's
      own earlier answer, or None when the key is fixed.
    - ``slip(question, value, allowed, rng)``: a simulated student's ordinary mistake.
    - ``demo_answer``: what every simulated student answers (for types with no key).
    - ``minutes(question, case, questions)``: the timing estimate's minutes for the item,
      beyond reading its prompt and options.
    """

    name: str
    minutes: Callable[[Question, Case, Mapping[str, Question]], float]
    key: Callable[[KeySet, str, Question, Case, Answers], Any] | None = None
    reference: Callable[[Question, Any], Any] = no_reference
    describe: Callable[[Question, Any, Case, Mapping[str, str]], str] = as_repr
    wrong_choices: Callable[[Question, Any, Any], Iterator[WrongChoice]] | None = None
    check_key_entry: Callable[[Path, str, Mapping[str, Any], Question], None] | None = None
    derived_key: Callable[[Mapping[str, Any]], dict[str, Any] | None] | None = None
    slip: Callable[[Question, Any, Any, random.Random], Any] = no_slip
    demo_answer: Any = None


def assignment_entry(keys: KeySet, assignment_id: str, question: Question) -> dict[str, Any]:
    """A question's key in ``keys/<case>/assignments/<assignment>.toml`` (choice and code
    items are keyed there, by question id)."""
    entry = keys.assignments.get(assignment_id, {}).get(question.question_id)
    if entry is None:
        raise MissingKeyError(
            f"no key for {assignment_id}/{question.question_id}: add it to "
            f"keys/{keys.case_id}/assignments/{assignment_id}.toml"
        )
    return dict(entry)
