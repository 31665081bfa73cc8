"""Pure checks: ``answer (+ key) -> Result``. One function per item type, three callers: the
widget's instant feedback, the visible check cell, and the grader.

No widgets, no IPython, no nbgrader; a check never contains or loads a key: keys are passed in.
Which check (and which value cleaner) an item type uses is said once, in ``course.items``.
"""

from course.checks.choices import check_choice, check_tags
from course.checks.claims import check_verdicts
from course.checks.code_values import ValueKey, check_code_value, same_value
from course.checks.ordering import check_chain, check_timeline, misplaced_count
from course.checks.result import ChoiceKey, ClaimKey, OrderKey, PartResult, PartStatus, Result
from course.checks.values import ValueProblem, clean_value
from course.checks.written import check_log, check_written, count_words, summarise_log

__all__ = [
    "ChoiceKey",
    "ClaimKey",
    "OrderKey",
    "PartResult",
    "PartStatus",
    "Result",
    "ValueKey",
    "ValueProblem",
    "check_chain",
    "check_choice",
    "check_code_value",
    "check_log",
    "check_tags",
    "check_timeline",
    "check_verdicts",
    "check_written",
    "clean_value",
    "count_words",
    "misplaced_count",
    "same_value",
    "summarise_log",
]
