"""Choice: one option (radio buttons) or several (``multiple = true``, checkboxes)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from course.checks.choices import check_choice
from course.checks.values import clean_choice
from course.items.base import ItemType, no_labels, no_parts

if TYPE_CHECKING:
    from course.casefile import Case
    from course.checks.result import Result
    from course.questions import Question


def allowed(question: Question, case: Case) -> dict[str, tuple[str, ...]]:
    shape = ("multiple",) if question.multiple else ("single",)
    return {"options": tuple(question.options), "shape": shape}


def check(question: Question, value: Any, part_labels: Mapping[str, str], key: Any) -> Result:
    return check_choice(value, question.options, key, multiple=question.multiple)


def spec_problem(question: Question, case: Case) -> tuple[str, str] | None:
    if len(question.options) < 2:
        return "options", "a choice needs at least two options"
    return None


ITEM = ItemType(
    name="choice",
    known_parts=no_parts,
    labels=no_labels,
    allowed=allowed,
    clean=clean_choice,
    check=check,
    widget="course.widgets.choice.Choice",
    spec_problem=spec_problem,
)
