"""Checks for ordering items: the timeline (order + the anachronism) and the provenance chain
(order + a status for each step)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from course.checks.result import ChoiceKey, OrderKey, PartResult, PartStatus, Result
from course.checks.scoring import scored_result
from course.messages import say


def misplaced_count(
    given: Sequence[str], truth: Sequence[str], tied: Sequence[Sequence[str]] = ()
) -> int:
    """How many items must move to turn ``given`` into ``truth`` (n minus the longest run
    of items already in the right relative order). Items in one ``tied`` group may come in
    either order among themselves."""
    group_of = {item: number for number, group in enumerate(tied) for item in group}
    rank: dict[str, int] = {}
    group_rank: dict[int, int] = {}
    for item in truth:  # tied items share one rank (they stand side by side in ``truth``)
        group = group_of.get(item)
        if group is None or group not in group_rank:
            rank[item] = len(set(rank.values()))
            if group is not None:
                group_rank[group] = rank[item]
        else:
            rank[item] = group_rank[group]
    ranks = [rank[item] for item in given if item in rank]
    tails: list[int] = []  # patience sorting: the longest non-decreasing subsequence
    for r in ranks:
        lo, hi = 0, len(tails)
        while lo < hi:
            mid = (lo + hi) // 2
            if tails[mid] <= r:
                lo = mid + 1
            else:
                hi = mid
        tails[lo : lo + 1] = [r]
    return len(truth) - len(tails)


def _order_part(order: list[str], items: Mapping[str, str], key: OrderKey | None) -> PartResult:
    placed = [i for i in order if i in items]
    complete = sorted(placed) == sorted(items) and len(placed) == len(items)
    if not complete:
        message = say("order_missing", placed=len(set(placed)), total=len(items))
        return PartResult("order", PartStatus.MISSING, 0.0, 1.0 if key else 0.0, message)
    if key is None:
        return PartResult("order", PartStatus.ANSWERED)
    truth = [i for i in key.order if i in items]
    wrong = misplaced_count(placed, truth, key.tied)
    if wrong == 0:
        return PartResult("order", PartStatus.CORRECT, 1.0, 1.0)
    score = round(1 - wrong / max(len(truth) - 1, 1), 4)
    status = PartStatus.PARTIAL if score > 0 else PartStatus.WRONG
    message = say("order_wrong", misplaced=wrong, total=len(truth))
    return PartResult("order", status, max(score, 0.0), 1.0, message)


def check_timeline(
    answer: Mapping[str, Any] | None,
    items: Mapping[str, str],
    key: OrderKey | None = None,
    *,
    mark_options: Mapping[str, str] | None = None,
) -> Result:
    """Answer: ``{"order": [item ids, earliest first], "marked": option id}``.

    ``items`` maps every id to its label. With ``mark_options``, the learner also marks the one
    option (a claim of the article) that cannot be true at the date it is given.
    """
    answer = answer or {}
    parts = [_order_part(list(answer.get("order") or []), items, key)]
    if mark_options:
        parts.append(_marked_part(answer.get("marked") or "", mark_options, key))
    complete = all(p.status != PartStatus.MISSING for p in parts)
    if key is None:
        summary = say("order_complete", total=len(items)) if complete else ""
        return Result("timeline", False, complete, tuple(parts), summary=summary)
    return scored_result("timeline", parts, complete=complete)


def _marked_part(marked: str, options: Mapping[str, str], key: OrderKey | None) -> PartResult:
    if marked not in options:
        return PartResult(
            "marked", PartStatus.MISSING, 0.0, 1.0 if key else 0.0, say("anachronism_missing")
        )
    if key is None:
        return PartResult("marked", PartStatus.ANSWERED)
    if marked == key.marked:
        return PartResult("marked", PartStatus.CORRECT, 1.0, 1.0)
    hint = key.marked_hints.get(marked)
    text = say("anachronism_wrong", hint=hint) if hint else say("anachronism_wrong_generic")
    return PartResult("marked", PartStatus.WRONG, 0.0, 1.0, text)


def check_chain(
    answer: Mapping[str, Any] | None,
    links: Mapping[str, str],
    key: tuple[OrderKey, Mapping[str, ChoiceKey]] | None = None,
) -> Result:
    """Answer: ``{"order": [step ids, reader first], "status": {step id: status id}}``."""
    answer = answer or {}
    order_key, status_keys = key if key is not None else (None, None)
    parts = [_order_part(list(answer.get("order") or []), links, order_key)]
    statuses = answer.get("status") or {}
    for link_id, label in links.items():
        given = statuses.get(link_id) or ""
        if not given:
            max_score = 1.0 if key else 0.0
            message = say("status_missing", label=label)
            parts.append(PartResult(link_id, PartStatus.MISSING, 0.0, max_score, message))
        elif status_keys is None:
            parts.append(PartResult(link_id, PartStatus.ANSWERED))
        elif given in status_keys[link_id].accept:
            parts.append(PartResult(link_id, PartStatus.CORRECT, 1.0, 1.0))
        else:
            hint = status_keys[link_id].hints.get(given, "")
            parts.append(
                PartResult(
                    link_id, PartStatus.WRONG, 0.0, 1.0, say("status_wrong", label=label, hint=hint)
                )
            )
    complete = all(p.status != PartStatus.MISSING for p in parts)
    if key is None:
        summary = say("chain_complete") if complete else ""
        return Result("provenance_chain", False, complete, tuple(parts), summary=summary)
    return scored_result("provenance_chain", parts, complete=complete)
