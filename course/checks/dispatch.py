"""One entry point for all item types: ``evaluate(question, value, case, key) -> Result``."""

from __future__ import annotations

from typing import Any

from course.casefile import Case
from course.checks.choices import check_choice, check_tags
from course.checks.claims import check_verdicts
from course.checks.code_values import check_code_value
from course.checks.ordering import check_chain, check_timeline
from course.checks.result import PartResult, Result
from course.checks.written import check_written, summarise_log
from course.messages import say
from course.questions import Question, part_labels


def evaluate(question: Question, value: Any, case: Case, key: Any = None) -> Result:
    """Form check (``key`` None) or score (``key`` shaped for the item type) of one answer.

    ``value`` must already be clean plain data (see ``course.checks.clean_value``).
    """
    labels = part_labels(question, case)
    kind = question.item_type
    if kind == "span_tagger":
        return check_tags(value, labels, key)
    if kind == "claim_verdicts":
        return check_verdicts(value, labels, key)
    if kind == "timeline":
        return check_timeline(value, labels, key, mark_options=question.options or None)
    if kind == "provenance_chain":
        return check_chain(value, labels, key)
    if kind == "choice":
        return check_choice(value, question.options, key, multiple=question.multiple)
    if kind == "written":
        return check_written(value, min_words=question.min_words)
    if kind == "code_value":
        return check_code_value(value, key)
    if kind == "source_desk":
        log = summarise_log(value)
        part = PartResult("log", "answered" if log["events"] else "missing")
        text = say("desk_summary", searches=log["searches"], opened=len(log["opened"]))
        return Result("source_desk", False, True, (part,), summary=text)
    raise ValueError(f"unknown item type '{kind}'")
