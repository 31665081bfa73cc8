"""Code value: the learner's own code computes a value (a number, text, list or mapping) that
``lab.record_value`` records; the grading run computes it again. No widget: the code cell is
the item."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from course.checks.code_values import check_code_value
from course.checks.values import clean_plain
from course.items.base import ItemType, no_ids, no_labels, no_parts

if TYPE_CHECKING:
    from course.checks.result import Result
    from course.questions import Question


def check(question: Question, value: Any, part_labels: Mapping[str, str], key: Any) -> Result:
    return check_code_value(value, key)


ITEM = ItemType(
    name="code_value",
    known_parts=no_parts,
    labels=no_labels,
    allowed=no_ids,
    clean=clean_plain,
    check=check,
    value_from_code=True,
)
