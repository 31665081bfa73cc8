"""Checks for answers picked from a vocabulary: span tags, and plain single/multiple choice."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from course.checks.result import ChoiceKey, PartResult, PartStatus, Result
from course.checks.scoring import scored_result
from course.messages import say


def check_tags(
    answer: Mapping[str, str | None] | None,
    parts: Mapping[str, str],
    key: Mapping[str, ChoiceKey] | None = None,
) -> Result:
    """Tags for each part (segment id -> label id).

    ``parts`` maps each part id to a short label the learner recognises (the start of the
    sentence). Without ``key``: which parts still lack a tag. With ``key``: one point per part.
    """
    answer = answer or {}
    missing = [pid for pid in parts if not answer.get(pid)]
    if key is None:
        states = tuple(
            PartResult(pid, PartStatus.MISSING if pid in missing else PartStatus.ANSWERED)
            for pid in parts
        )
        summary = (
            say("tags_missing", missing=len(missing), total=len(parts))
            if missing
            else say("tags_complete", total=len(parts))
        )
        return Result("span_tagger", False, not missing, states, summary=summary)
    results: list[PartResult] = []
    for pid, label in parts.items():
        given, item_key = answer.get(pid), key[pid]
        if not given:
            results.append(PartResult(pid, PartStatus.MISSING, 0.0, 1.0))
        elif given in item_key.accept:
            results.append(PartResult(pid, PartStatus.CORRECT, 1.0, 1.0))
        else:
            hint = item_key.hints.get(given)
            message = (
                say("tag_wrong", label=label, hint=hint)
                if hint
                else say("tag_wrong_generic", label=label)
            )
            results.append(PartResult(pid, PartStatus.WRONG, 0.0, 1.0, message))
    notes = [say("tags_missing", missing=len(missing), total=len(parts))] if missing else []
    return scored_result("span_tagger", results, complete=not missing, notes=notes)


def check_choice(
    answer: str | Iterable[str] | None,
    options: Iterable[str],
    key: ChoiceKey | None = None,
    *,
    multiple: bool = False,
) -> Result:
    """A single choice (an option id) or a multiple choice (a list of option ids)."""
    options = list(options)
    chosen = _as_choice_list(answer, multiple)
    if not chosen:
        part = PartResult("choice", PartStatus.MISSING, 0.0, 1.0 if key else 0.0)
        return Result(
            "choice", key is not None, False, (part,), 0.0, part.max_score, say("choice_missing")
        )
    if key is None:
        return Result(
            "choice",
            False,
            True,
            (PartResult("choice", PartStatus.ANSWERED),),
            summary=say("choice_complete"),
        )
    accept = set(key.accept)
    if not multiple:
        given = chosen[0]
        if given in accept:
            part = PartResult("choice", PartStatus.CORRECT, 1.0, 1.0, say("part_right"))
        else:
            hint = key.hints.get(given)
            text = say("choice_wrong", hint=hint) if hint else say("choice_wrong_generic")
            part = PartResult("choice", PartStatus.WRONG, 0.0, 1.0, text)
        return Result("choice", True, True, (part,), part.score, 1.0)
    score = right_minus_wrong(chosen, options, accept)
    if score == 1.0:
        part = PartResult("choice", PartStatus.CORRECT, 1.0, 1.0, say("part_right"))
    else:
        hints = [key.hints[o] for o in chosen if o not in accept and o in key.hints]
        text = " ".join([_multiple_feedback(chosen, accept), *hints[:1]])
        part = PartResult(
            "choice", PartStatus.PARTIAL if score else PartStatus.WRONG, score, 1.0, text
        )
    return Result("choice", True, True, (part,), part.score, 1.0)


def right_minus_wrong(chosen: Iterable[str], options: Iterable[str], accept: set[str]) -> float:
    """The kit's one rule for multiple-select items: right ticks minus wrong ticks, floored at 0.

    Every right option ticked earns 1/(number of right options); every wrong option ticked
    takes away 1/(number of wrong options). So all the right options and nothing else scores 1,
    ticking every option scores 0 (never more than ticking only wrong ones), and no score is
    negative. (The weighting is the one Moodle's multiple-answer questions use.)
    """
    options = list(options)
    picked = set(chosen) & set(options)
    right_options = [o for o in options if o in accept]
    wrong_options = [o for o in options if o not in accept]
    if not right_options:
        return 0.0
    gained = len(picked & set(right_options)) / len(right_options)
    lost = len(picked & set(wrong_options)) / len(wrong_options) if wrong_options else 0.0
    return round(max(0.0, gained - lost), 4)


def _multiple_feedback(chosen: list[str], accept: set[str]) -> str:
    right = [o for o in chosen if o in accept]
    wrong = [o for o in chosen if o not in accept]
    if not right:
        return say("choice_none_right")
    if not wrong:
        return say("choice_missed")
    return say("choice_partly")


def _as_choice_list(answer: str | Iterable[str] | None, multiple: bool) -> list[str]:
    if answer is None or answer == "":
        return []
    if isinstance(answer, str):
        return [answer]
    values = [a for a in answer if a]
    return values if multiple else values[:1]
