"""A first ``segments.csv`` from a plain article, for the instructor to edit.

Parts are the article's paragraphs (blocks between blank lines; each line when there is no blank
line); sentences come from pySBD, a rule-based sentence splitter that knows abbreviations such as
"Brig. Gen." (hand-written splitting on full stops gets those wrong). Offsets are Python string
offsets into the article, end exclusive, exactly as the case loader checks them. Clauses are left
to the instructor: which phrase deserves its own tag is a teaching choice.
"""

from __future__ import annotations

import csv
import io
import re

from course.casefile.tables import SEGMENT_COLUMNS

BLANK_LINE = re.compile(r"\n[ \t]*\n")


def paragraphs(article: str) -> list[tuple[int, int]]:
    """(start, end) of each part, white space trimmed."""
    splitter = BLANK_LINE if BLANK_LINE.search(article) else re.compile(r"\n")
    spans, start = [], 0
    for match in [*splitter.finditer(article), None]:
        end = match.start() if match else len(article)
        spans.append(_trim(article, start, end))
        start = match.end() if match else len(article)
    return [(s, e) for s, e in spans if e > s]


def sentences(article: str, start: int, end: int) -> list[tuple[int, int]]:
    import pysbd

    splitter = pysbd.Segmenter(language="en", clean=False, char_span=True)
    found = [
        _trim(article, start + s.start, start + s.end) for s in splitter.segment(article[start:end])
    ]
    return [(s, e) for s, e in found if e > s]


def draft_rows(article: str) -> list[dict[str, str]]:
    rows, number = [], 0
    for part_number, (p_start, p_end) in enumerate(paragraphs(article), start=1):
        part_id = f"p{part_number}"
        rows.append(_row(part_id, "part", "", p_start, p_end, article))
        for s_start, s_end in sentences(article, p_start, p_end):
            number += 1
            rows.append(_row(f"s{number:02d}", "sentence", part_id, s_start, s_end, article))
    return rows


def draft_segments_csv(article: str) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=SEGMENT_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(draft_rows(article))
    return out.getvalue()


def _row(sid: str, level: str, parent: str, start: int, end: int, article: str) -> dict[str, str]:
    return {
        "segment_id": sid,
        "level": level,
        "parent_id": parent,
        "start": str(start),
        "end": str(end),
        "text": article[start:end],
    }


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end
