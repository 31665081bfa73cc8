"""Claim verdicts with evidence: a verdict for each claim and the documents it rests on."""

from __future__ import annotations

import html
from typing import Any

import ipywidgets as w

from course.messages import say
from course.vocab import VERDICTS
from course.widgets.base import ItemView, dropdown


def document_label(doc: Any) -> str:
    invented = f", {say('desk_invented_tag')}" if doc.invented else ""
    return f"{doc.publisher}: {doc.title} ({doc.date}{invented})"


class ClaimVerdicts(ItemView):
    item_type = "claim_verdicts"

    def build_body(self) -> w.Widget:
        self.verdicts: dict[str, w.Dropdown] = {}
        self.evidence: dict[str, w.SelectMultiple] = {}
        documents = sorted(self.lab.case.documents.values(), key=lambda d: d.title.casefold())
        options = [(document_label(d), d.doc_id) for d in documents]
        claims = {c.claim_id: c for c in self.lab.case.claim_records}
        rows = []
        for number, claim_id in enumerate(self.question.parts, start=1):
            claim = claims[claim_id]
            verdict = dropdown(VERDICTS, f"Claim {number} verdict")
            evidence = w.SelectMultiple(
                options=options,
                value=(),
                rows=5,
                description=f"Claim {number} evidence",
                style={"description_width": "initial"},
                layout=w.Layout(width="95%"),
            )
            verdict.observe(self.changed, names="value")
            evidence.observe(self.changed, names="value")
            self.verdicts[claim_id], self.evidence[claim_id] = verdict, evidence
            heading = w.HTML(
                value=f"<p><b>Claim {number}: {html.escape(claim.label)}</b><br>"
                f"<q>{html.escape(claim.quote)}</q></p>"
            )
            tip = w.HTML(value="<small>Hold Ctrl (or ⌘) to choose more than one document.</small>")
            rows.append(w.VBox([heading, verdict, evidence, tip]))
        return w.VBox(rows)

    def read_value(self) -> dict[str, dict[str, Any]]:
        value = {}
        for claim_id in self.question.parts:
            verdict = self.verdicts[claim_id].value or ""
            evidence = list(self.evidence[claim_id].value)
            if verdict or evidence:
                value[claim_id] = {"verdict": verdict, "evidence": evidence}
        return value

    def apply_value(self, value: Any) -> None:
        for claim_id in self.question.parts:
            entry = (value or {}).get(claim_id, {})
            self.verdicts[claim_id].value = entry.get("verdict") or None
            self.evidence[claim_id].value = tuple(entry.get("evidence", ()))
