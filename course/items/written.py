"""Written answer: text graded by a person with a rubric; the kit only checks its length."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from course.checks.values import clean_text
from course.checks.written import check_written
from course.items.base import ItemType, no_ids, no_labels, no_parts

if TYPE_CHECKING:
    from course.checks.result import Result
    from course.questions import Question


def check(question: Question, value: Any, part_labels: Mapping[str, str], key: Any) -> Result:
    return check_written(value, min_words=question.min_words)


ITEM = ItemType(
    name="written",
    known_parts=no_parts,
    labels=no_labels,
    allowed=no_ids,
    clean=clean_text,
    check=check,
    widget="course.widgets.written.WrittenAnswer",
    auto_scored=False,
)
