"""One entry point for all item types: ``evaluate(question, value, case, key) -> Result``.

Which check an item type uses is said once, by its module in ``course.items``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from course.checks.result import Result
from course.items import REGISTRY

if TYPE_CHECKING:
    from course.casefile import Case
    from course.questions import Question


def evaluate(question: Question, value: Any, case: Case, key: Any = None) -> Result:
    """Form check (``key`` None) or score (``key`` shaped for the item type) of one answer.

    ``value`` must already be clean plain data (see ``course.checks.clean_value``).
    """
    item = REGISTRY[question.item_type]
    return item.check(question, value, item.labels(question, case), key)
