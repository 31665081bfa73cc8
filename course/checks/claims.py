"""Check claim verdicts with the evidence they rest on."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from course.checks.result import ClaimKey, PartResult, PartStatus, Result
from course.checks.scoring import scored_result
from course.messages import say


def check_verdicts(
    answer: Mapping[str, Mapping[str, Any]] | None,
    claims: Mapping[str, str],
    key: Mapping[str, ClaimKey] | None = None,
) -> Result:
    """Answer: ``{claim_id: {"verdict": id, "evidence": [doc_id, ...]}}``.

    Form: each claim needs a verdict and at least one cited document. Scored: per claim, one
    point for the verdict and one for the evidence (see :func:`evidence_score`).
    """
    answer = answer or {}
    parts: list[PartResult] = []
    gaps: list[str] = []
    for claim_id, label in claims.items():
        entry = answer.get(claim_id) or {}
        verdict = entry.get("verdict") or ""
        evidence = [d for d in entry.get("evidence") or [] if d]
        gap = _form_gap(label, verdict, evidence)
        if gap:
            gaps.append(gap)
        if key is None:
            parts.append(
                PartResult(
                    claim_id, PartStatus.MISSING if gap else PartStatus.ANSWERED, message=gap
                )
            )
        else:
            parts += _score_claim(claim_id, label, verdict, evidence, key[claim_id])
    if key is None:
        summary = "" if gaps else say("verdicts_complete")
        return Result("claim_verdicts", False, not gaps, tuple(parts), summary=summary)
    return scored_result("claim_verdicts", parts, complete=not gaps, notes=gaps)


def _form_gap(label: str, verdict: str, evidence: list[str]) -> str:
    if not verdict:
        return say("verdict_missing", label=label)
    if not evidence:
        return say("evidence_missing", label=label)
    return ""


def _score_claim(
    claim_id: str, label: str, verdict: str, evidence: list[str], key: ClaimKey
) -> list[PartResult]:
    verdict_id, evidence_id = f"{claim_id}.verdict", f"{claim_id}.evidence"
    if not verdict:
        verdict_part = PartResult(verdict_id, PartStatus.MISSING, 0.0, 1.0)
    elif verdict in key.verdicts:
        verdict_part = PartResult(verdict_id, PartStatus.CORRECT, 1.0, 1.0)
    else:
        hint = key.verdict_hints.get(verdict)
        text = (
            say("verdict_wrong", label=label, hint=hint)
            if hint
            else say("verdict_wrong_generic", label=label)
        )
        verdict_part = PartResult(verdict_id, PartStatus.WRONG, 0.0, 1.0, text)
    if not evidence:
        return [verdict_part, PartResult(evidence_id, PartStatus.MISSING, 0.0, 1.0)]
    score = evidence_score(evidence, key)
    status = (
        PartStatus.CORRECT if score == 1.0 else PartStatus.PARTIAL if score else PartStatus.WRONG
    )
    return [
        verdict_part,
        PartResult(evidence_id, status, score, 1.0, _evidence_text(label, evidence, key)),
    ]


def evidence_score(evidence: list[str], key: ClaimKey) -> float:
    """The evidence point for one claim, from the documents cited.

    1 when a cited document settles the claim on its own; 0.5 when the cited documents only
    support it (each bears on the claim, none settles it alone); 0 otherwise. Each weak
    document cited takes away 0.5 and the point never goes below 0, so citing everything in
    sight (the weak documents with the good ones) does not pay.
    """
    cited = set(evidence)
    credit = 1.0 if cited & set(key.settles) else 0.5 if cited & set(key.supports) else 0.0
    weak = len(cited & set(key.distractors))
    return max(0.0, credit - 0.5 * weak)


def _evidence_text(label: str, evidence: list[str], key: ClaimKey) -> str:
    weak = [d for d in evidence if d in key.distractors]
    if weak:
        return _distractor_text(label, weak, key)
    if set(evidence) & set(key.settles):
        return ""
    if set(evidence) & set(key.supports):
        return say("evidence_partial", label=label)
    return say("evidence_weak", label=label)


def _distractor_text(label: str, weak: list[str], key: ClaimKey) -> str:
    hint = next((key.evidence_hints[d] for d in weak if d in key.evidence_hints), None)
    if hint:
        return say("evidence_distractor", label=label, hint=hint)
    return say("evidence_distractor_generic", label=label)
