"""The claim key (verdicts, two tiers of evidence, hints) and the provenance chain's order.

Strict on purpose: a document in two tiers, a second-hand page that "settles" a claim, a hint
for a document that is not weak, or the old single ``evidence`` list each raise
:class:`KeyFileError` naming the file, the claim and the field, with the fix.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from course.casefile import Case
from course.checks.result import ClaimKey
from course.vocab import VERDICTS
from sourcing_lab.key_fields import (
    KeyFileError,
    checked_hints,
    document_ids,
    factcheck_rows,
    known_values,
)

CLAIM_FIELDS = (
    "factcheck",
    "verdicts",
    "settles",
    "supports",
    "weak",
    "verdict_hints",
    "evidence_hints",
)
SECOND_HAND_KINDS = ("mirror", "blog")


def claim_items(
    path: Path, data: dict[str, Any], case: Case, trace: dict[str, dict[str, Any]]
) -> dict[str, ClaimKey]:
    claim_ids = {c.claim_id for c in case.claim_records}
    items = {}
    for claim_id, entry in data.items():
        if claim_id not in claim_ids:
            raise KeyFileError(path, claim_id, None, "no such claim in claims.csv")
        _only_fields(path, claim_id, entry)
        factcheck_rows(path, claim_id, entry)
        verdicts = known_values(path, claim_id, "verdicts", entry.get("verdicts"), VERDICTS)
        settles = document_ids(path, claim_id, "settles", entry.get("settles", []), case.documents)
        supports = document_ids(
            path, claim_id, "supports", entry.get("supports", []), case.documents
        )
        weak = document_ids(path, claim_id, "weak", entry.get("weak", []), case.documents)
        _check_tiers(path, claim_id, settles, supports, weak, case, trace)
        evidence_hints = entry.get("evidence_hints") or {}
        document_ids(path, claim_id, "evidence_hints", list(evidence_hints), case.documents)
        for doc_id in evidence_hints:
            if doc_id not in weak and trace[doc_id]["role"] != "distractor":
                raise KeyFileError(
                    path,
                    claim_id,
                    "evidence_hints",
                    f"a hint for '{doc_id}', which is not weak for this claim (hints are shown "
                    "only for weak documents). List it under weak, or drop the hint",
                )
        items[claim_id] = ClaimKey(
            verdicts,
            settles,
            checked_hints(
                path, claim_id, "verdict_hints", entry.get("verdict_hints"), VERDICTS, verdicts
            ),
            dict(evidence_hints),
            weak,
            supports,
        )
    return items


def _only_fields(path: Path, claim_id: str, entry: dict[str, Any]) -> None:
    for name in entry:
        if name == "evidence":
            raise KeyFileError(
                path,
                claim_id,
                "evidence",
                "the evidence list is now two tiers. Move each document that settles the claim "
                "on its own to settles, and each one that only bears on it to supports",
            )
        if name not in CLAIM_FIELDS:
            raise KeyFileError(
                path, claim_id, name, f"unknown field; use only: {', '.join(CLAIM_FIELDS)}"
            )


def _check_tiers(
    path: Path,
    claim_id: str,
    settles: tuple[str, ...],
    supports: tuple[str, ...],
    weak: tuple[str, ...],
    case: Case,
    trace: dict[str, dict[str, Any]],
) -> None:
    """A document sits in one tier only; second-hand and weak documents never settle a claim."""
    for name, docs, others in (
        ("settles", settles, supports + weak),
        ("supports", supports, weak),
    ):
        twice = [d for d in docs if d in others]
        if twice:
            raise KeyFileError(
                path, claim_id, name, f"'{twice[0]}' is listed in two tiers; keep it in one"
            )
    for doc_id in settles:
        kind, role = case.documents[doc_id].kind, trace[doc_id]["role"]
        if kind in SECOND_HAND_KINDS or role != "evidence":
            raise KeyFileError(
                path,
                claim_id,
                "settles",
                f"'{doc_id}' ({kind}, trace role {role}) cannot settle a claim on its own: "
                "a copy, a blog or a secondary page only supports. Move it to supports",
            )
    for doc_id in supports:
        if trace[doc_id]["role"] == "distractor":
            raise KeyFileError(
                path,
                claim_id,
                "supports",
                f"'{doc_id}' is a distractor in library_trace.toml, weak for every claim. "
                "Remove it from supports",
            )


def chain_order(
    path: Path, order: Any, case: Case
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...]]:
    """``order`` lists chain steps, reader first; a list inside it is a group of steps whose
    order among themselves does not matter. Returns (one valid order, the groups)."""
    if not isinstance(order, list) or not order:
        raise KeyFileError(path, "order", "order", "must be a non-empty list of chain steps")
    flat: list[str] = []
    tied: list[tuple[str, ...]] = []
    for entry in order:
        group = entry if isinstance(entry, list) else [entry]
        if not group or not all(isinstance(step, str) for step in group):
            raise KeyFileError(
                path, "order", "order", f"{entry!r} is not a step id or a list of step ids"
            )
        flat += group
        if len(group) > 1:
            tied.append(tuple(group))
    if sorted(flat) != sorted(case.chain):
        raise KeyFileError(
            path,
            "order",
            "order",
            f"must list each chain step once: {', '.join(sorted(case.chain))}",
        )
    return tuple(flat), tuple(tied)
