"""Claim verdicts with evidence: a verdict for each claim and the documents it rests on.

Drawn by ``items.js``: one card per claim with its quote, a verdict chooser and the cited
documents as removable chips. Documents are cited from the source desk ("Cite for claim 2"
under an opened document, see ``source_desk.py``) or, without the desk, from a short "add
evidence" chooser on the card.
"""

from __future__ import annotations

from typing import Any

from course.messages import say
from course.vocab import VERDICTS
from course.widgets.base import ItemView
from course.widgets.item_body import ItemBody


def document_label(doc: Any) -> str:
    invented = f", {say('desk_invented_tag')}" if doc.invented else ""
    return f"{doc.publisher}: {doc.title} ({doc.date}{invented})"


def claim_numbers(question: Any) -> dict[str, int]:
    return {claim_id: number for number, claim_id in enumerate(question.parts, start=1)}


class ClaimVerdicts(ItemView):
    item_type = "claim_verdicts"

    def build_body(self) -> ItemBody:
        documents = sorted(self.lab.case.documents.values(), key=lambda d: d.title.casefold())
        claims = {c.claim_id: c for c in self.lab.case.claim_records}
        self.verdicts = ItemBody(
            kind="claim_verdicts",
            spec={
                "claims": [
                    {"id": c, "number": n, "label": claims[c].label, "quote": claims[c].quote}
                    for c, n in claim_numbers(self.question).items()
                ],
                "verdicts": [[key, label] for key, label in VERDICTS.items()],
                "documents": [[d.doc_id, document_label(d)] for d in documents],
            },
            value={},
        )
        self.verdicts.observe(self.changed, names="value")
        return self.verdicts

    def _entry(self, claim_id: str) -> dict[str, Any]:
        entry = (self.verdicts.value or {}).get(claim_id) or {}
        return {"verdict": entry.get("verdict", ""), "evidence": list(entry.get("evidence", []))}

    def _put(self, claim_id: str, entry: dict[str, Any]) -> None:
        value = {k: v for k, v in (self.verdicts.value or {}).items() if k != claim_id}
        if entry["verdict"] or entry["evidence"]:
            value[claim_id] = entry
        self.verdicts.value = value

    def set_verdict(self, claim_id: str, verdict: str | None) -> None:
        """What choosing a verdict on a claim's card does."""
        self._put(claim_id, {**self._entry(claim_id), "verdict": verdict or ""})

    def cite(self, claim_id: str, doc_id: str) -> None:
        """Add ``doc_id`` to the claim's evidence (once)."""
        entry = self._entry(claim_id)
        if doc_id not in entry["evidence"]:
            self._put(claim_id, {**entry, "evidence": [*entry["evidence"], doc_id]})

    def uncite(self, claim_id: str, doc_id: str) -> None:
        """What a chip's Remove button does."""
        entry = self._entry(claim_id)
        self._put(claim_id, {**entry, "evidence": [d for d in entry["evidence"] if d != doc_id]})

    def read_value(self) -> dict[str, dict[str, Any]]:
        value = {}
        for claim_id in self.question.parts:
            entry = self._entry(claim_id)
            if entry["verdict"] or entry["evidence"]:
                value[claim_id] = entry
        return value

    def apply_value(self, value: Any) -> None:
        self.verdicts.value = {
            claim_id: {"verdict": e.get("verdict") or "", "evidence": list(e.get("evidence", []))}
            for claim_id, e in (value or {}).items()
        }
