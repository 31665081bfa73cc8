"""Form checks for written answers (graded by a person with a rubric) and the investigation
log (read by reports, never scored)."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from course.checks.result import PartResult, PartStatus, Result
from course.messages import say

WORD = re.compile(r"[^\W_]+(?:['’-][^\W_]+)*")


def count_words(text: str) -> int:
    return len(WORD.findall(text or ""))


def check_written(answer: str | None, *, min_words: int = 40) -> Result:
    """Form only: is there an answer, and is it long enough to be judged?"""
    words = count_words(answer or "")
    if words == 0:
        part = PartResult("text", PartStatus.MISSING, message=say("written_missing"))
    elif words < min_words:
        part = PartResult(
            "text", PartStatus.MISSING, message=say("written_short", words=words, minimum=min_words)
        )
    else:
        part = PartResult("text", PartStatus.ANSWERED, message=say("written_complete", words=words))
    return Result("written", False, part.status == PartStatus.ANSWERED, (part,))


def summarise_log(log: Sequence[Mapping[str, Any]] | None) -> dict[str, Any]:
    """Counts from an investigation log: searches, documents opened (in first-open order)."""
    log = log or []
    opened: list[str] = []
    searches = 0
    for event in log:
        if event.get("action") == "search":
            searches += 1
        elif event.get("action") == "open" and event.get("doc_id") not in opened:
            opened.append(str(event.get("doc_id")))
    return {"searches": searches, "opened": opened, "events": len(log)}


def check_log(log: Sequence[Mapping[str, Any]] | None) -> Result:
    """The source desk's log is never scored: this says what it holds (searches, documents)."""
    summary = summarise_log(log)
    part = PartResult("log", PartStatus.ANSWERED if summary["events"] else PartStatus.MISSING)
    text = say("desk_summary", searches=summary["searches"], opened=len(summary["opened"]))
    return Result("source_desk", False, True, (part,), summary=text)
