"""Read and validate the source library: one Markdown file per document, TOML front matter."""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from course.casefile.errors import CaseFileError
from course.casefile.model import DOCUMENT_KINDS, UNDATED, LibraryDocument
from course.casefile.tables import ID_PATTERN, parse_date_field

DOCUMENT_FIELDS = ("title", "publisher", "date", "url", "kind", "summary", "facts")
OPTIONAL_FIELDS = ("invented",)
# Domains reserved for examples (RFC 2606, RFC 6761): an invented page lives at one of these,
# so it can never be mistaken for, or lead to, a real site.
RESERVED_SUFFIXES = (".example", ".test", ".invalid", ".localhost")
RESERVED_DOMAINS = ("example.com", "example.net", "example.org")


def read_library(folder: Path) -> dict[str, LibraryDocument]:
    if not folder.is_dir():
        raise CaseFileError(folder, "the library folder is missing. Add library/<doc_id>.md files")
    documents = {}
    for path in sorted(folder.glob("*.md")):
        doc = read_document(path)
        documents[doc.doc_id] = doc
    if not documents:
        raise CaseFileError(folder, "the library is empty. Add at least one <doc_id>.md file")
    return documents


def read_document(path: Path) -> LibraryDocument:
    doc_id = path.stem
    if not ID_PATTERN.match(doc_id):
        raise CaseFileError(path, "file name is not a valid id. Use lower-case letters, digits, _")
    text = path.read_text(encoding="utf-8")
    lines = text.split("\n")
    try:
        close = lines.index("+++", 1) if lines and lines[0] == "+++" else -1
    except ValueError:
        close = -1
    if close < 0:
        raise CaseFileError(path, "must start with TOML front matter between two '+++' lines")
    try:
        meta = tomllib.loads("\n".join(lines[1:close]))
    except tomllib.TOMLDecodeError as exc:
        raise CaseFileError(path, f"front matter is not valid TOML ({exc})") from None
    for name in DOCUMENT_FIELDS:
        if name not in meta or meta[name] in ("", []):
            raise CaseFileError(path, f"'{name}' is missing or empty", row_id=doc_id, field=name)
    if meta["kind"] not in DOCUMENT_KINDS:
        raise CaseFileError(
            path,
            f"'{meta['kind']}' is not a kind. Use one of: {', '.join(DOCUMENT_KINDS)}",
            row_id=doc_id,
            field="kind",
        )
    date = str(meta["date"])
    if date != UNDATED:
        parse_date_field(path, None, doc_id, "date", date)
    if not str(meta["url"]).startswith(("https://", "http://")):
        raise CaseFileError(
            path, "url must start with https:// or http://", row_id=doc_id, field="url"
        )
    unknown = sorted(set(meta) - set(DOCUMENT_FIELDS) - set(OPTIONAL_FIELDS))
    if unknown:
        raise CaseFileError(
            path,
            f"unknown front-matter field '{unknown[0]}'. "
            f"Use only: {', '.join(DOCUMENT_FIELDS + OPTIONAL_FIELDS)}",
            row_id=doc_id,
            field=unknown[0],
        )
    invented = _invented(path, doc_id, meta)
    facts = meta["facts"]
    if not isinstance(facts, list) or not all(isinstance(f, str) and f for f in facts):
        raise CaseFileError(path, "facts must be a list of sentences", row_id=doc_id, field="facts")
    body = "\n".join(lines[close + 1 :]).strip()
    if not body:
        raise CaseFileError(
            path, "the document has no text after the front matter", row_id=doc_id, field="body"
        )
    return LibraryDocument(
        doc_id=doc_id,
        title=str(meta["title"]),
        publisher=str(meta["publisher"]),
        date=date,
        url=str(meta["url"]),
        kind=str(meta["kind"]),
        summary=str(meta["summary"]),
        facts=tuple(facts),
        body=body,
        invented=invented,
    )


def _invented(path: Path, doc_id: str, meta: dict[str, Any]) -> bool:
    """``invented = true`` marks a page made up for the course; it must live at a reserved
    example domain, and a page at such a domain must say that it is invented."""
    invented = meta.get("invented", False)
    if not isinstance(invented, bool):
        raise CaseFileError(
            path, "must be true or false (no quotes)", row_id=doc_id, field="invented"
        )
    host = (urlsplit(str(meta["url"])).hostname or "").lower()
    reserved = host.endswith(RESERVED_SUFFIXES) or any(
        host == domain or host.endswith("." + domain) for domain in RESERVED_DOMAINS
    )
    if reserved and not invented:
        raise CaseFileError(
            path,
            f"the address {host} is a reserved example domain, so the page is made up. "
            "Add invented = true to the front matter",
            row_id=doc_id,
            field="invented",
        )
    if invented and not reserved:
        raise CaseFileError(
            path,
            f"an invented page must use a reserved example domain, not {host}. "
            "Give it an address ending in .example",
            row_id=doc_id,
            field="url",
        )
    return invented
