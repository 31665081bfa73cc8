"""Read and validate the source library: one Markdown file per document, TOML front matter."""

from __future__ import annotations

import tomllib
from pathlib import Path

from course.casefile.errors import CaseFileError
from course.casefile.model import DOCUMENT_KINDS, UNDATED, LibraryDocument
from course.casefile.tables import ID_PATTERN, parse_date_field

DOCUMENT_FIELDS = ("title", "publisher", "date", "url", "kind", "summary", "facts")


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
    )
