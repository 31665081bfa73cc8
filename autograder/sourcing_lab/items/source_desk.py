"""Source desk, instructor half: no key (the log is never scored; the report reads it)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sourcing_lab.items.base import InstructorItem

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question

MINUTES = 6.0  # searching and opening documents, when no claim item counts them


def minutes(question: Question, case: Case, questions: Mapping[str, Question]) -> float:
    """A desk that serves a claim item is already counted in that item's minutes per claim."""
    served = questions.get(question.serves)
    return 0.0 if served is not None and served.item_type == "claim_verdicts" else MINUTES


ITEM = InstructorItem(name="source_desk", minutes=minutes)
