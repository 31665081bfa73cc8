"""The case as small immutable records, with pandas views built only when asked for."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # pandas is imported lazily, inside the methods that need it
    import pandas as pd

SEGMENT_LEVELS = ("part", "sentence", "clause")
DATE_PRECISIONS = ("day", "month", "year", "approx")
DOCUMENT_KINDS = (
    "official",
    "news",
    "trade-press",
    "reference",
    "mirror",
    "blog",
    "forum",
    "legal-text",
    "code",
    "archive",
)
UNDATED = "undated"


@dataclass(frozen=True)
class Segment:
    """A stable piece of the article: a part, a sentence or a clause."""

    segment_id: str
    level: str
    parent_id: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class Claim:
    """A checkable claim: an exact quote inside one segment, with a neutral label."""

    claim_id: str
    segment_id: str
    quote: str
    label: str


@dataclass(frozen=True)
class LibraryDocument:
    """One offline source a student can find, open and cite."""

    doc_id: str
    title: str
    publisher: str
    date: str  # ISO date, month or year, or "undated"
    url: str
    kind: str
    summary: str
    facts: tuple[str, ...]
    body: str
    invented: bool = False  # made up for the course (a reserved .example address), and labelled so

    @property
    def date_start(self) -> dt.date | None:
        """The first day the date could mean, or None when undated."""
        return None if self.date == UNDATED else parse_partial_date(self.date)[0]


@dataclass(frozen=True)
class TimelineEvent:
    """A real dated event, with its source."""

    event_id: str
    date: str
    date_end: str
    precision: str
    event: str
    source_url: str
    doc_id: str

    @property
    def date_start(self) -> dt.date:
        return parse_partial_date(self.date)[0]


@dataclass(frozen=True)
class AsPosted:
    """What the text claims about itself and where it was found (not what is true)."""

    site: str
    poster: str
    posted_on: dt.date
    claimed_outlet: str
    claimed_author: str
    claimed_date: dt.date


@dataclass(frozen=True)
class Case:
    """A validated case folder. Build it with :func:`course.casefile.load_case`."""

    folder: Path
    case_id: str
    title: str
    language: str
    as_posted: AsPosted
    article_text: str
    segment_records: tuple[Segment, ...]
    claim_records: tuple[Claim, ...]
    documents: dict[str, LibraryDocument] = field(repr=False)
    events: tuple[TimelineEvent, ...] = field(repr=False)
    chain: dict[str, str] = field(default_factory=dict)  # provenance step id -> label

    # -- lookups --------------------------------------------------------------------------
    def segment(self, segment_id: str) -> Segment:
        for seg in self.segment_records:
            if seg.segment_id == segment_id:
                return seg
        raise KeyError(
            _unknown("segment", segment_id, [s.segment_id for s in self.segment_records])
        )

    def document(self, doc_id: str) -> LibraryDocument:
        try:
            return self.documents[doc_id]
        except KeyError:
            raise KeyError(_unknown("library document", doc_id, list(self.documents))) from None

    def leaf_segments(self) -> tuple[Segment, ...]:
        """The smallest taggable units, in reading order: clauses, or sentences with none."""
        parents = {s.parent_id for s in self.segment_records if s.level == "clause"}
        leaves = [
            s
            for s in self.segment_records
            if s.level == "clause" or (s.level == "sentence" and s.segment_id not in parents)
        ]
        return tuple(sorted(leaves, key=lambda s: s.start))

    # -- pandas views ---------------------------------------------------------------------
    def segments(self) -> pd.DataFrame:
        return _frame(Segment, self.segment_records, index="segment_id")

    def claims(self) -> pd.DataFrame:
        return _frame(Claim, self.claim_records, index="claim_id")

    def library(self) -> pd.DataFrame:
        """One row per document (without the body text), with a parsed ``date_start``."""
        import pandas as pd

        rows = [
            {
                "doc_id": d.doc_id,
                "title": d.title,
                "publisher": d.publisher,
                "date": d.date,
                "date_start": d.date_start,
                "url": d.url,
                "kind": d.kind,
                "summary": d.summary,
                "n_facts": len(d.facts),
                "invented": d.invented,
            }
            for d in self.documents.values()
        ]
        frame = pd.DataFrame(rows).set_index("doc_id")
        frame["date_start"] = pd.to_datetime(frame["date_start"])
        return frame

    def timeline(self) -> pd.DataFrame:
        """Events in date order, with ``date_start`` as a datetime column."""
        import pandas as pd

        frame = _frame(TimelineEvent, self.events, index="event_id")
        frame["date_start"] = pd.to_datetime([e.date_start for e in self.events])
        return frame.sort_values("date_start", kind="stable")


def parse_partial_date(text: str) -> tuple[dt.date, str]:
    """Parse ``YYYY-MM-DD``, ``YYYY-MM`` or ``YYYY`` to (first day, precision).

    Raises ValueError with a readable message for anything else.
    """
    parts = text.split("-")
    try:
        if len(parts) == 3 and len(parts[0]) == 4:
            return dt.date.fromisoformat(text), "day"
        if len(parts) == 2 and len(parts[0]) == 4 and len(parts[1]) == 2:
            return dt.date(int(parts[0]), int(parts[1]), 1), "month"
        if len(parts) == 1 and len(text) == 4 and text.isdigit():
            return dt.date(int(text), 1, 1), "year"
    except ValueError:
        pass
    raise ValueError(f"'{text}' is not a date. Write it as YYYY-MM-DD, YYYY-MM or YYYY")


def _frame(record_type: type, records: Any, *, index: str) -> pd.DataFrame:
    import pandas as pd

    columns = [f.name for f in fields(record_type)]
    return pd.DataFrame(
        [[getattr(r, c) for c in columns] for r in records], columns=columns
    ).set_index(index)


def _unknown(what: str, given: str, known: list[str]) -> str:
    shown = ", ".join(known[:12]) + (" …" if len(known) > 12 else "")
    return f"no {what} '{given}' in this case; known ids: {shown}"
