"""Source library desk: search and open the offline documents, like lateral reading on the web.

Every search and every opened document is appended to an investigation log (recorded as this
question's answer), which the instructor's report reads. Under an opened document, one
"Cite for claim N" button per claim of the question the desk serves adds that document to the
claim's evidence (``Lab.cite``).
"""

from __future__ import annotations

import html
from typing import Any
from urllib.parse import urlsplit

import ipywidgets as w

from course.answers import now_iso
from course.casefile.search import search_library
from course.checks import ValueProblem
from course.messages import say
from course.widgets.base import ItemView
from course.widgets.claim_verdicts import claim_numbers

MAX_EVENTS = 2_000


def site_of(url: str) -> str:
    """The web site a document's address points to (``www.nato.int``), shown in the results
    instead of the kit's own label of the document's kind: judging what kind of page a result is
    (an official record, a mirror, a blog) is the learner's work, done from its address and
    publisher, not read off a label (content review 3.4.4)."""
    return urlsplit(url).hostname or url


class SourceDesk(ItemView):
    item_type = "source_desk"

    def build_body(self) -> w.Widget:
        self.log: list[dict[str, str]] = []
        self.query = w.Text(
            value="",
            placeholder="Search words, e.g. KFOR 2015",
            description="Search the library",
            continuous_update=False,
            style={"description_width": "initial"},
        )
        self.search_button = w.Button(description="Search")
        self.results = w.Select(
            options=[],
            rows=8,
            description="Results",
            layout=w.Layout(width="95%"),
            style={"description_width": "initial"},
        )
        self.open_button = w.Button(description="Open document", disabled=True)
        self.reader = w.HTML(value="")
        self.opened: str | None = None
        self.cite_buttons = self._cite_buttons()
        self.cite_row = w.HBox(self.cite_buttons, layout=w.Layout(flex_flow="row wrap"))
        self.cite_row.layout.display = "none"
        self.cited = w.HTML(value="")
        self.search_button.on_click(lambda _b: self.search(self.query.value))
        self.query.observe(lambda change: self.search(change["new"]), names="value")
        self.results.observe(self._selected, names="value")
        self.open_button.on_click(lambda _b: self.open(self.results.value))
        return w.VBox(
            [
                w.HBox([self.query, self.search_button]),
                self.results,
                self.open_button,
                self.reader,
                self.cite_row,
                self.cited,
            ]
        )

    def _cite_buttons(self) -> list[w.Button]:
        served = self.lab.assignment.questions.get(self.question.serves)
        if served is None or served.item_type != "claim_verdicts":
            return []
        buttons = []
        for claim_id, number in claim_numbers(served).items():
            button = w.Button(description=f"Cite for claim {number}", layout={"width": "auto"})
            # The answer this changes is the claim question's (record_status.js knows).
            button.add_class(f"sourcing-lab-records-{served.question_id}")
            button.on_click(lambda _b, c=claim_id: self.cite(c))
            buttons.append(button)
        return buttons

    def cite(self, claim_id: str) -> None:
        """Cite the opened document for ``claim_id`` in the question the desk serves."""
        if self.opened is None:
            return
        number = claim_numbers(self.lab.question(self.question.serves))[claim_id]
        title = html.escape(self.lab.case.document(self.opened).title)
        try:
            self.lab.cite(self.question.serves, claim_id, self.opened)
        except (ValueProblem, OSError) as problem:
            self.cited.value = (
                f"<p role='status'>{html.escape(say('record_not_saved', problem=problem))}</p>"
            )
            return
        self.cited.value = f"<p role='status'>Cited “{title}” for claim {number}.</p>"

    # The desk is a tool, not a test: its check only says how much was looked at.
    def search(self, query: str) -> list[str]:
        found = search_library(self.lab.case, query)
        docs = self.lab.case.documents
        self.results.options = [
            (
                f"{docs[d].title} — {docs[d].publisher} · {site_of(docs[d].url)}, {docs[d].date}"
                + (f" [{say('desk_invented_tag')}]" if docs[d].invented else ""),
                d,
            )
            for d in found
        ]
        self.results.value = None
        last = self.log[-1] if self.log else {}
        repeat = last.get("action") == "search" and last.get("query") == query.strip()[:200]
        if query.strip() and not repeat:  # typing then pressing Search is one search
            self._log({"action": "search", "query": query.strip()[:200]})
        if not found and query.strip():
            self.reader.value = (
                "<p role='status'>No document in the library matches those words. "
                "Try fewer or different words.</p>"
            )
        return found

    def _selected(self, change: Any) -> None:
        self.open_button.disabled = change["new"] is None

    def open(self, doc_id: str | None) -> None:
        if not doc_id:
            return
        doc = self.lab.case.document(doc_id)
        paragraphs = "".join(
            f"<p>{html.escape(p.strip())}</p>" for p in doc.body.split("\n\n") if p.strip()
        )
        self.reader.value = (
            f"<article aria-label='{html.escape(doc.title)}'>"
            f"<h4>{html.escape(doc.title)}</h4>"
            f"<p><b>Publisher:</b> {html.escape(doc.publisher)} · <b>Date:</b> "
            f"{html.escape(doc.date)}<br>"
            f"<b>Address:</b> <code>{html.escape(doc.url)}</code></p>"
            + (f"<p><b>{html.escape(say('desk_invented_note'))}</b></p>" if doc.invented else "")
            + f"{paragraphs}</article>"
        )
        self.opened = doc_id
        self.cite_row.layout.display = "flex" if self.cite_buttons else "none"
        self.cited.value = ""
        self._log({"action": "open", "doc_id": doc_id})

    def _log(self, event: dict[str, str]) -> None:
        event = {**event, "at": now_iso(), "question": self.question.serves}
        self.log = [*self.log, event][-MAX_EVENTS:]
        self.changed()

    def read_value(self) -> list[dict[str, str]]:
        return list(self.log)

    def apply_value(self, value: Any) -> None:
        self.log = list(value or [])
