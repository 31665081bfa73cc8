"""Check a value the learner computed in code (a pandas exercise), as plain data."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from course.checks.result import PartResult, PartStatus, Result
from course.messages import say


@dataclass(frozen=True)
class ValueKey:
    """The expected value; numbers match within ``tolerance`` (absolute)."""

    expected: Any
    tolerance: float = 0.0
    hint: str = ""


def check_code_value(value: Any, key: ValueKey | None = None) -> Result:
    """Form: has the answer cell produced a value? Scored: does it equal the expected one?"""
    if value is None:
        part = PartResult(
            "value", PartStatus.MISSING, 0.0, 1.0 if key else 0.0, say("value_missing")
        )
        return Result("code_value", key is not None, False, (part,), 0.0, part.max_score)
    if key is None:
        part = PartResult("value", PartStatus.ANSWERED, message=say("value_given"))
        return Result("code_value", False, True, (part,))
    if key.expected is None:
        part = PartResult("value", PartStatus.WRONG, 0.0, 1.0, say("value_needs_source"))
        return Result("code_value", True, True, (part,), 0.0, 1.0)
    if same_value(value, key.expected, key.tolerance):
        part = PartResult("value", PartStatus.CORRECT, 1.0, 1.0, say("part_right"))
    else:
        part = PartResult("value", PartStatus.WRONG, 0.0, 1.0, say("value_wrong", hint=key.hint))
    return Result("code_value", True, True, (part,), part.score, 1.0)


def same_value(given: Any, expected: Any, tolerance: float) -> bool:
    """Plain-data equality, with a numeric tolerance, compared in the grader's process."""
    if isinstance(expected, bool) or isinstance(given, bool):
        return type(given) is type(expected) and given == expected
    if isinstance(expected, int | float) and isinstance(given, int | float):
        return math.isfinite(given) and abs(given - expected) <= tolerance
    if isinstance(expected, str):
        return isinstance(given, str) and given.strip().casefold() == expected.strip().casefold()
    if isinstance(expected, list):
        return (
            isinstance(given, list)
            and len(given) == len(expected)
            and all(same_value(g, e, tolerance) for g, e in zip(given, expected, strict=True))
        )
    if isinstance(expected, dict):
        return (
            isinstance(given, dict)
            and set(given) == set(expected)
            and all(same_value(given[k], expected[k], tolerance) for k in expected)
        )
    return False


def derive_expected(entry: dict[str, Any], source: Any) -> Any:
    """The expected value of a code question computed from the learner's own earlier answer.

    ``entry`` holds the rule (``count_by_label`` or ``share_of_label`` with its ``label``); None
    when that answer is missing (the code cannot be right without data to work on).
    """
    if not source:
        return None
    rule = entry.get("rule")
    labels = list(source.values())
    if rule == "count_by_label":
        return {label: labels.count(label) for label in sorted(set(labels))}
    if rule == "share_of_label":
        return labels.count(entry["label"]) / len(labels)
    raise ValueError(f"unknown rule {rule!r} for a derived key")
