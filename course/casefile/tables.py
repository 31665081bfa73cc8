"""Read and validate the case's CSV tables: segments, claims, timeline."""

from __future__ import annotations

import csv
import datetime as dt
import re
from pathlib import Path

from course.casefile.errors import CaseFileError
from course.casefile.model import (
    DATE_PRECISIONS,
    SEGMENT_LEVELS,
    Claim,
    LibraryDocument,
    Segment,
    TimelineEvent,
    parse_partial_date,
)

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")
SEGMENT_COLUMNS = ("segment_id", "level", "parent_id", "start", "end", "text")
CLAIM_COLUMNS = ("claim_id", "segment_id", "quote", "label")
TIMELINE_COLUMNS = ("event_id", "date", "date_end", "precision", "event", "source_url", "doc_id")


def read_csv(path: Path, columns: tuple[str, ...]) -> list[dict[str, str]]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CaseFileError(path, "file is missing. Every case folder needs one") from None
    except UnicodeDecodeError:
        raise CaseFileError(path, "not UTF-8. Save the file as UTF-8 text") from None
    reader = csv.DictReader(text.splitlines())
    header = tuple(reader.fieldnames or ())
    missing = [c for c in columns if c not in header]
    if missing:
        raise CaseFileError(
            path,
            f"missing column(s) {', '.join(missing)}. The header must be: {','.join(columns)}",
            row=0,
            row_id="header",
            field=missing[0],
        )
    rows = []
    for number, row in enumerate(reader, start=1):
        if None in row or any(value is None for value in row.values()):
            raise CaseFileError(
                path,
                f"has {len(header)} columns in the header but a different number here. "
                "Quote any value that contains a comma",
                row=number,
            )
        rows.append({key: value.strip() if key != "text" else value for key, value in row.items()})
    return rows


def check_id(path: Path, row: int, field: str, value: str, seen: set[str]) -> None:
    if not ID_PATTERN.match(value):
        raise CaseFileError(
            path,
            f"'{value}' is not a valid id. Use lower-case letters, digits and _",
            row=row,
            field=field,
        )
    if value in seen:
        raise CaseFileError(
            path, f"duplicate id '{value}'. Every id must be unique", row=row, field=field
        )
    seen.add(value)


def read_segments(path: Path, article: str) -> tuple[Segment, ...]:
    rows = read_csv(path, SEGMENT_COLUMNS)
    seen: set[str] = set()
    segments: dict[str, Segment] = {}
    for number, row in enumerate(rows, start=1):
        sid = row["segment_id"]
        label = f"segment_id '{sid}'"
        check_id(path, number, "segment_id", sid, seen)
        if row["level"] not in SEGMENT_LEVELS:
            raise CaseFileError(
                path,
                f"'{row['level']}' is not a level. Use one of: {', '.join(SEGMENT_LEVELS)}",
                row=number,
                row_id=label,
                field="level",
            )
        start, end = (_int_field(path, number, label, row, name) for name in ("start", "end"))
        if not 0 <= start < end <= len(article):
            raise CaseFileError(
                path,
                f"offsets {start}:{end} fall outside the article (length {len(article)})",
                row=number,
                row_id=label,
                field="start",
            )
        if article[start:end] != row["text"]:
            raise CaseFileError(
                path,
                f"text does not match article[{start}:{end}] = {article[start:end][:60]!r}. "
                "Fix the offsets or the text",
                row=number,
                row_id=label,
                field="text",
            )
        segment = Segment(sid, row["level"], row["parent_id"], start, end, row["text"])
        _check_parent(path, number, label, segment, segments)
        segments[sid] = segment
    _check_parts_cover(path, article, [s for s in segments.values() if s.level == "part"])
    return tuple(segments.values())


def _int_field(path: Path, number: int, label: str, row: dict[str, str], name: str) -> int:
    try:
        return int(row[name])
    except ValueError:
        raise CaseFileError(
            path, f"'{row[name]}' is not a whole number", row=number, row_id=label, field=name
        ) from None


def _check_parent(
    path: Path, number: int, label: str, seg: Segment, known: dict[str, Segment]
) -> None:
    wanted = {"part": None, "sentence": "part", "clause": "sentence"}[seg.level]
    if wanted is None:
        if seg.parent_id:
            raise CaseFileError(
                path,
                "a part has no parent. Leave parent_id empty",
                row=number,
                row_id=label,
                field="parent_id",
            )
        return
    parent = known.get(seg.parent_id)
    if parent is None or parent.level != wanted:
        raise CaseFileError(
            path,
            f"a {seg.level} needs a {wanted} listed above it as parent; "
            f"'{seg.parent_id}' is not one",
            row=number,
            row_id=label,
            field="parent_id",
        )
    if not parent.start <= seg.start < seg.end <= parent.end:
        raise CaseFileError(
            path,
            f"lies outside its parent '{parent.segment_id}' ({parent.start}:{parent.end})",
            row=number,
            row_id=label,
            field="start",
        )


def _check_parts_cover(path: Path, article: str, parts: list[Segment]) -> None:
    position = 0
    for part in sorted(parts, key=lambda s: s.start):
        gap = article[position : part.start]
        if gap.strip() or part.start < position:
            raise CaseFileError(
                path,
                f"parts must cover the whole article in order; text at {position}:{part.start} "
                f"({gap.strip()[:40]!r}) belongs to no part",
                row_id=f"segment_id '{part.segment_id}'",
                field="start",
            )
        position = part.end
    if article[position:].strip():
        raise CaseFileError(
            path,
            f"the article's end ({article[position:].strip()[:40]!r}) belongs to no part",
            field="end",
        )


def read_claims(path: Path, segments: dict[str, Segment]) -> tuple[Claim, ...]:
    rows = read_csv(path, CLAIM_COLUMNS)
    seen: set[str] = set()
    claims = []
    for number, row in enumerate(rows, start=1):
        cid = row["claim_id"]
        check_id(path, number, "claim_id", cid, seen)
        label = f"claim_id '{cid}'"
        segment = segments.get(row["segment_id"])
        if segment is None:
            raise CaseFileError(
                path,
                f"no segment '{row['segment_id']}' in segments.csv",
                row=number,
                row_id=label,
                field="segment_id",
            )
        if not row["quote"] or row["quote"] not in segment.text:
            raise CaseFileError(
                path,
                f"the quote is not found verbatim in segment '{segment.segment_id}'. "
                "Copy it exactly from the article",
                row=number,
                row_id=label,
                field="quote",
            )
        if not row["label"]:
            raise CaseFileError(
                path, "a claim needs a short label", row=number, row_id=label, field="label"
            )
        claims.append(Claim(cid, row["segment_id"], row["quote"], row["label"]))
    return tuple(claims)


def parse_date_field(path: Path, row: int | None, row_id: str, field: str, value: str) -> dt.date:
    try:
        return parse_partial_date(value)[0]
    except ValueError as exc:
        raise CaseFileError(path, str(exc), row=row, row_id=row_id, field=field) from None


def read_timeline(path: Path, documents: dict[str, LibraryDocument]) -> tuple[TimelineEvent, ...]:
    rows = read_csv(path, TIMELINE_COLUMNS)
    seen: set[str] = set()
    events = []
    for number, row in enumerate(rows, start=1):
        eid = row["event_id"]
        check_id(path, number, "event_id", eid, seen)
        label = f"event_id '{eid}'"
        start = parse_date_field(path, number, label, "date", row["date"])
        if row["date_end"]:
            end = parse_date_field(path, number, label, "date_end", row["date_end"])
            if end < start:
                raise CaseFileError(
                    path, "date_end is before date", row=number, row_id=label, field="date_end"
                )
        if row["precision"] not in DATE_PRECISIONS:
            raise CaseFileError(
                path,
                f"'{row['precision']}' is not a precision. "
                f"Use one of: {', '.join(DATE_PRECISIONS)}",
                row=number,
                row_id=label,
                field="precision",
            )
        for name in ("event", "source_url"):
            if not row[name]:
                raise CaseFileError(
                    path,
                    f"'{name}' is empty; every event needs one",
                    row=number,
                    row_id=label,
                    field=name,
                )
        if row["doc_id"] and row["doc_id"] not in documents:
            raise CaseFileError(
                path,
                f"no library document '{row['doc_id']}'",
                row=number,
                row_id=label,
                field="doc_id",
            )
        events.append(TimelineEvent(**{name: row[name] for name in TIMELINE_COLUMNS}))
    return tuple(events)
