"""Validate a recorded answer value against its question before anyone trusts it.

A record read from disk or from a notebook may be truncated, hand-edited or hostile. Only plain
JSON types pass, every id must be one the question allows, and sizes are capped. A bad value
raises :class:`ValueProblem` with a short reason a learner or instructor can act on.

One cleaner per kind of value, ``clean_<kind>(value, allowed)``; each item type names its own
in ``course.items``, and ``clean_value`` picks it by item type. ``allowed`` holds the ids the
question accepts, by role (the item type's ``allowed``): ``parts`` and ``labels`` (span tagger),
``claims``, ``verdicts``, ``documents`` (claim verdicts), ``items`` and ``marks`` (timeline),
``links`` and ``statuses`` (chain), ``options`` and ``shape`` (choice).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Any

MAX_TEXT = 20_000  # characters in a written answer
MAX_LOG = 2_000  # events kept in an investigation log
LOG_FIELDS = ("action", "query", "doc_id", "at", "question")


class ValueProblem(ValueError):
    """The value does not fit the question."""


def clean_value(item_type: str, value: Any, allowed: Mapping[str, Collection[str]]) -> Any:
    """A plain copy of ``value`` if it fits ``item_type`` and the ``allowed`` ids (the item
    type's ``allowed``, ``course.questions.allowed_ids``), else :class:`ValueProblem`. None
    stays None (no answer). The item type's own cleaner (one of the ``clean_<kind>`` below) is
    found in the registry, ``course.items``, which is built from these checks and so is
    imported here, when first needed, rather than at the top."""
    if value is None:
        return None
    from course.items import REGISTRY, UnknownItemType

    try:
        item = REGISTRY[item_type]
    except UnknownItemType as exc:
        raise ValueProblem(str(exc)) from None
    return item.clean(value, allowed)


def _ids(value: Any, allowed: Collection[str], what: str) -> list[str]:
    if not isinstance(value, list):
        raise ValueProblem(f"{what} should be a list")
    out = []
    for item in value:
        if not isinstance(item, str) or item not in allowed:
            raise ValueProblem(f"'{str(item)[:40]}' is not one of the {what} this question offers")
        if item in out:
            raise ValueProblem(f"'{item}' appears twice in {what}")
        out.append(item)
    return out


def _one(value: Any, allowed: Collection[str], what: str) -> str:
    if value in ("", None):
        return ""
    if not isinstance(value, str) or value not in allowed:
        raise ValueProblem(f"'{str(value)[:40]}' is not one of the {what} this question offers")
    return value


def _mapping(value: Any, keys: Collection[str], what: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise ValueProblem(f"{what} should be a mapping")
    for k in value:
        if k not in keys:
            raise ValueProblem(f"'{str(k)[:40]}' is not one of the {what} of this question")
    return value


def clean_tags(value: Any, allowed: Mapping[str, Collection[str]]) -> dict[str, str]:
    value = _mapping(value, allowed["parts"], "parts")
    return {k: _one(v, allowed["labels"], "labels") for k, v in value.items() if v}


def clean_verdicts(value: Any, allowed: Mapping[str, Collection[str]]) -> dict[str, dict[str, Any]]:
    value = _mapping(value, allowed["claims"], "claims")
    out = {}
    for claim_id, entry in value.items():
        entry = _mapping(entry, ("verdict", "evidence"), "fields")
        out[claim_id] = {
            "verdict": _one(entry.get("verdict", ""), allowed["verdicts"], "verdicts"),
            "evidence": _ids(entry.get("evidence", []), allowed["documents"], "documents"),
        }
    return out


def clean_timeline(value: Any, allowed: Mapping[str, Collection[str]]) -> dict[str, Any]:
    value = _mapping(value, ("order", "marked"), "fields")
    return {
        "order": _ids(value.get("order", []), allowed["items"], "events"),
        "marked": _one(value.get("marked", ""), allowed.get("marks", ()), "claims"),
    }


def clean_chain(value: Any, allowed: Mapping[str, Collection[str]]) -> dict[str, Any]:
    value = _mapping(value, ("order", "status"), "fields")
    status = _mapping(value.get("status", {}), allowed["links"], "steps")
    return {
        "order": _ids(value.get("order", []), allowed["links"], "steps"),
        "status": {k: _one(v, allowed["statuses"], "statuses") for k, v in status.items() if v},
    }


def clean_choice(value: Any, allowed: Mapping[str, Collection[str]]) -> str | list[str]:
    multiple = "multiple" in allowed.get("shape", ())
    if multiple != isinstance(value, list):
        raise ValueProblem(
            "several options were expected" if multiple else "one option was expected"
        )
    if multiple:
        return _ids(value, allowed["options"], "options")
    return _one(value, allowed["options"], "options")


def clean_text(value: Any, allowed: Mapping[str, Collection[str]]) -> str:
    if not isinstance(value, str):
        raise ValueProblem("a written answer should be text")
    if len(value) > MAX_TEXT:
        raise ValueProblem(f"the text is longer than {MAX_TEXT} characters")
    return value


def clean_log(value: Any, allowed: Mapping[str, Collection[str]]) -> list[dict[str, str]]:
    if not isinstance(value, list):
        raise ValueProblem("an investigation log should be a list")
    out = []
    for event in value[-MAX_LOG:]:
        if not isinstance(event, dict) or event.get("action") not in ("search", "open"):
            raise ValueProblem("a log entry is not a search or an open")
        out.append({k: str(v)[:200] for k, v in event.items() if k in LOG_FIELDS})
    return out


def clean_plain(value: Any, allowed: Mapping[str, Collection[str]], depth: int = 0) -> Any:
    """A value computed in code (a number, text, list or mapping), as plain JSON data only."""
    if depth > 4:
        raise ValueProblem("the value is nested too deeply")
    if value is None:
        return None
    if isinstance(value, bool):
        return bool(value)
    if isinstance(value, int):
        return int.__index__(value)  # a plain int, whatever a subclass claims
    if isinstance(value, float):
        return float.__float__(value)
    if isinstance(value, str):
        return clean_text(value, allowed)
    if isinstance(value, list):
        if len(value) > 500:
            raise ValueProblem("the list is too long")
        return [clean_plain(v, allowed, depth + 1) for v in value]
    if isinstance(value, dict):
        if len(value) > 500 or not all(isinstance(k, str) for k in value):
            raise ValueProblem("the mapping is too large or has non-text keys")
        return {k: clean_plain(v, allowed, depth + 1) for k, v in value.items()}
    raise ValueProblem(f"a {type(value).__name__} is not plain data")
