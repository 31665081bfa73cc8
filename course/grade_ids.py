"""The grade-id convention: how a notebook's cells are tied to the questions of its spec.

Every question cell's id (and nbgrader grade id) is the question id plus a suffix. For a
question ``q3_hedges``:

- ``q3_hedges_widget``: the cell that shows the item (``lab.show``); it carries the answer
  record in its output;
- ``q3_hedges_check``: the graded check cell of an item the kit scores (``lab.check``), whose
  output the grader replaces with the score; a code answer records its value here too;
- ``q3_hedges_answer``: the learner's own code, for a code answer;
- ``q7_written`` (no suffix): the manually graded cell of a written answer is the question id
  itself.

These ids are public: released notebooks, gradebooks and exports carry them. Never rename.
"""

from __future__ import annotations

WIDGET = "_widget"
CHECK = "_check"
ANSWER = "_answer"


def widget_id(question_id: str) -> str:
    return question_id + WIDGET


def check_id(question_id: str) -> str:
    return question_id + CHECK


def answer_id(question_id: str) -> str:
    return question_id + ANSWER


def is_widget(grade_id: str) -> bool:
    return grade_id.endswith(WIDGET)


def is_check(grade_id: str) -> bool:
    return grade_id.endswith(CHECK)


def is_answer(grade_id: str) -> bool:
    return grade_id.endswith(ANSWER)


def question_of(grade_id: str) -> str:
    """The question a check, widget or written cell belongs to (``q2_tags_check`` and
    ``q7_written`` alike); an answer cell's is :func:`question_of_answer`."""
    return grade_id.removesuffix(CHECK).removesuffix(WIDGET)


def question_of_answer(grade_id: str) -> str:
    """The question a code answer cell (``q6_days_answer``) belongs to."""
    return grade_id.removesuffix(ANSWER)


def required_cell(question_id: str, auto_scored: bool) -> str:
    """The cell a notebook must keep for a question: its check cell, or for an item the kit
    does not score (a written answer, a source desk) its widget cell."""
    return check_id(question_id) if auto_scored else widget_id(question_id)
