"""Self-study mode: correctness feedback only where an open keys file is really present.

The mode is decided by whether the open keys data file exists, never by a flag. The instructor
side exports it (``python -m sourcing_lab.open_keys``; ``make lab``, ``make lite`` and the tests
run it) to one of the places looked in, in this order:

1. ``$SOURCING_LAB_OPEN_KEYS`` (a file; set to an empty value to force graded mode);
2. beside the keys of the case: a course folder's ``keys/open/<case>.json`` for a course's own
   case (``course.lookup``), else the checkout's ``autograder/keys/open/<case>.json``
   (what ``make lab`` uses);
3. ``open-keys/<case>.json`` in the notebook's folder or any folder above it (the self-study
   site puts it at the root of its files).

A student image built from the ``course`` package alone has none of these, so it only ever
gives form feedback. This module reads a data file; it never imports the instructor package.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from course.checks.code_values import ValueKey, derive_expected
from course.checks.result import ChoiceKey, ClaimKey, OrderKey

KEYS_BESIDE_PACKAGE = Path(__file__).resolve().parent.parent / "autograder" / "keys"
OPEN_KEYS_FOLDER = KEYS_BESIDE_PACKAGE / "open"
SITE_FOLDER_NAME = "open-keys"
ENV_VAR = "SOURCING_LAB_OPEN_KEYS"
FORMAT = 1
TYPE_TAG = "__key__"
TUPLE_TAG = "__tuple__"
KEY_TYPES = {cls.__name__: cls for cls in (ChoiceKey, ClaimKey, OrderKey, ValueKey)}


@dataclass(frozen=True)
class OpenKeys:
    """The open keys of one case: ``assignments[assignment_id][question_id]`` entries."""

    case_id: str
    assignments: dict[str, dict[str, Any]]

    def entry(self, assignment_id: str, question_id: str) -> dict[str, Any] | None:
        return self.assignments.get(assignment_id, {}).get(question_id)


def decode(value: Any) -> Any:
    """The inverse of the exporter's encoding (only the kit's key classes are built)."""
    if isinstance(value, list):
        return [decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if TUPLE_TAG in value:
        return tuple(decode(v) for v in value[TUPLE_TAG])
    if TYPE_TAG in value:
        fields = {k: decode(v) for k, v in value.items() if k != TYPE_TAG}
        return KEY_TYPES[value[TYPE_TAG]](**fields)
    return {k: decode(v) for k, v in value.items()}


def open_keys_file(case_id: str) -> Path | None:
    """Where this machine's open keys file for ``case_id`` is, or None (graded mode)."""
    if ENV_VAR in os.environ:
        given = os.environ[ENV_VAR]
        return Path(given) if given and Path(given).is_file() else None
    from course import lookup

    course_keys = lookup.keys_root_for(case_id)
    if course_keys is not None:
        beside_course = course_keys / "open" / f"{case_id}.json"
        return beside_course if beside_course.is_file() else None
    beside = KEYS_BESIDE_PACKAGE / "open" / f"{case_id}.json"
    if beside.is_file():
        return beside
    if KEYS_BESIDE_PACKAGE.is_dir():
        return None  # a checkout whose keys were not exported: never pick up a stray file
    here = Path.cwd().resolve()
    for folder in (here, *here.parents):
        candidate = folder / SITE_FOLDER_NAME / f"{case_id}.json"
        if candidate.is_file():
            return candidate
    return None


def open_keys(case_id: str) -> OpenKeys | None:
    """The case's open keys when this machine has them, else None (graded mode)."""
    path = open_keys_file(case_id)
    return None if path is None else _read_open_keys(case_id, path)


@lru_cache(maxsize=8)
def _read_open_keys(case_id: str, path: Path) -> OpenKeys | None:
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if document.get("format") != FORMAT or document.get("case_id") != case_id:
        return None
    return OpenKeys(case_id, document.get("assignments", {}))


open_keys.cache_clear = _read_open_keys.cache_clear  # type: ignore[attr-defined]


def key_for(
    question: Any, assignment_id: str, case_id: str, answers: dict[str, Any] | None = None
) -> Any | None:
    """The check-shaped key for one question, or None in graded mode."""
    keys = open_keys(case_id)
    entry = keys.entry(assignment_id, question.question_id) if keys else None
    if entry is None:
        return None
    derived = entry.get("derived")
    if derived:
        expected = derive_expected(derived, (answers or {}).get(derived["from"]))
        return ValueKey(expected, derived["tolerance"], derived["hint"])
    return decode(entry.get("key"))


def reference_text(lab: Any, question: Any) -> str:
    """The reference answer in words (self-study only; empty text in graded mode)."""
    keys = open_keys(lab.case.case_id)
    entry = keys.entry(lab.assignment.assignment_id, question.question_id) if keys else None
    return entry.get("reference", "") if entry else ""
