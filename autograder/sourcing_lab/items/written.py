"""Written answer, instructor half: no key (a person grades it with the rubric in the
instructor notes); the demo's students all hand in the same sample answer."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sourcing_lab.items.base import InstructorItem

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question

MINUTES_PLANNING = 2.0
MINUTES_PER_WORD = 0.1  # writing at 10 words a minute
SAMPLE_ANSWER = (
    "The only copy I could find is a forum post from 2023 on a gaming community's site. "
    "The byline names a real outlet, but I found no article, author page or link, and the "
    "quoted spokesman did not hold his job on the date given, so I would not trust it."
)


def minutes(question: Question, case: Case, questions: Mapping[str, Question]) -> float:
    return MINUTES_PLANNING + MINUTES_PER_WORD * question.min_words


ITEM = InstructorItem(name="written", minutes=minutes, demo_answer=SAMPLE_ANSWER)
