"""Search the offline library the way a reader searches the web: words in, ranked results out."""

from __future__ import annotations

import re

from course.casefile.model import Case

TOKEN = re.compile(r"[^\W_]+", re.UNICODE)


def tokens(text: str) -> list[str]:
    return [t.casefold() for t in TOKEN.findall(text)]


def search_library(case: Case, query: str, *, limit: int = 12) -> list[str]:
    """Document ids matching every word of ``query`` (title words count most), best first.

    An empty query lists nothing: the student has to ask for something.
    """
    words = [w for w in tokens(query) if len(w) > 1]
    if not words:
        return []
    scored = []
    for doc in case.documents.values():
        title = tokens(doc.title + " " + doc.publisher)
        body = tokens(" ".join([doc.summary, *doc.facts, doc.body, doc.url]))
        if not all(w in title or any(t.startswith(w) for t in body) for w in words):
            continue
        score = sum(3 * title.count(w) + sum(1 for t in body if t.startswith(w)) for w in words)
        scored.append((-score, doc.title.casefold(), doc.doc_id))
    return [doc_id for _score, _title, doc_id in sorted(scored)[:limit]]
