"""Span tagger: each segment of the article gets a source type (named on the record, ...)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from course.checks.choices import check_tags
from course.checks.values import clean_tags
from course.items.base import ItemType, Table, opening
from course.vocab import ATTRIBUTION_TYPES

if TYPE_CHECKING:
    from course.casefile import Case
    from course.checks.result import Result
    from course.questions import Question


def known_parts(case: Case) -> set[str]:
    return {s.segment_id for s in case.segment_records}


def labels(question: Question, case: Case) -> dict[str, str]:
    return {p: opening(case.segment(p).text) for p in question.parts}


def allowed(question: Question, case: Case) -> dict[str, tuple[str, ...]]:
    return {"parts": question.parts, "labels": tuple(ATTRIBUTION_TYPES)}


def check(question: Question, value: Any, part_labels: Mapping[str, str], key: Any) -> Result:
    return check_tags(value, part_labels, key)


def table(question: Question, value: Any, case: Case) -> Table:
    columns = ["segment_id", "text", "source_type"]
    rows = [
        {"segment_id": p, "text": case.segment(p).text, "source_type": value[p]}
        for p in question.parts
        if p in value
    ]
    return columns, rows


ITEM = ItemType(
    name="span_tagger",
    known_parts=known_parts,
    labels=labels,
    allowed=allowed,
    clean=clean_tags,
    check=check,
    widget="course.widgets.span_tagger.SpanTagger",
    table=table,
)
