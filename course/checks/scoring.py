"""Turn scored parts into one Result with a summary line."""

from __future__ import annotations

from collections.abc import Iterable

from course.checks.result import PartResult, PartStatus, Result
from course.messages import say


def scored_result(
    item_type: str,
    parts: list[PartResult],
    *,
    complete: bool,
    notes: Iterable[str] = (),
) -> Result:
    """Sum the parts; the summary says "all correct" or how many parts are right."""
    right = sum(1 for p in parts if p.status == PartStatus.CORRECT)
    summary = (
        say("all_right")
        if right == len(parts)
        else say("score_line", right=right, total=len(parts))
    )
    return Result(
        item_type,
        True,
        complete,
        tuple(parts),
        round(sum(p.score for p in parts), 4),
        sum(p.max_score for p in parts),
        summary,
        tuple(n for n in notes if n),
    )
