"""Read a case folder and validate every file on load.

Validation uses only the standard library, so a broken file is reported before pandas is ever
imported. Each problem raises :class:`CaseFileError` naming the file, row and field.
"""

from __future__ import annotations

import datetime as dt
import tomllib
from functools import lru_cache
from pathlib import Path
from typing import Any

from course.casefile.errors import CaseFileError
from course.casefile.library_reader import read_library
from course.casefile.model import AsPosted, Case
from course.casefile.tables import ID_PATTERN, read_claims, read_segments, read_timeline

DEFAULT_CASE = Path(__file__).resolve().parent / "kosovo_ksf"
AS_POSTED_FIELDS = (
    "site",
    "poster",
    "posted_on",
    "claimed_outlet",
    "claimed_author",
    "claimed_date",
)


def load_case(folder: str | Path | None = None) -> Case:
    """Load and validate a case folder (the kit's own case when ``folder`` is None)."""
    path = Path(folder).resolve() if folder is not None else DEFAULT_CASE
    return _load_cached(path, _fingerprint(path))


def _fingerprint(folder: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and mtimes of the case's files, so an edited case is reloaded."""
    if not folder.is_dir():
        raise CaseFileError(folder, "no such case folder. Pass the folder that holds case.toml")
    found = [p for p in folder.rglob("*") if p.is_file()]
    return tuple(sorted((str(p), p.stat().st_size, p.stat().st_mtime_ns) for p in found))


@lru_cache(maxsize=8)
def _load_cached(folder: Path, _fingerprint: tuple[tuple[str, int, int], ...]) -> Case:
    meta = _read_toml(folder / "case.toml")
    case_id = _require_str(meta, "id", folder / "case.toml")
    article_path = folder / _require_str(meta, "article", folder / "case.toml")
    article = _read_article(article_path)
    segments = read_segments(folder / "segments.csv", article)
    segment_ids = {s.segment_id: s for s in segments}
    claims = read_claims(folder / "claims.csv", segment_ids)
    documents = read_library(folder / "library")
    events = read_timeline(folder / "timeline.csv", documents)
    return Case(
        folder=folder,
        case_id=case_id,
        title=_require_str(meta, "title", folder / "case.toml"),
        language=str(meta.get("language", "en")),
        as_posted=_read_as_posted(meta, folder / "case.toml"),
        article_text=article,
        segment_records=segments,
        claim_records=claims,
        documents=documents,
        events=events,
        chain=_read_chain(meta, folder / "case.toml"),
    )


# -- files --------------------------------------------------------------------------------
def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise CaseFileError(path, "file is missing. Every case folder needs one") from None
    except tomllib.TOMLDecodeError as exc:
        raise CaseFileError(path, f"not valid TOML ({exc}). Fix the syntax at that line") from None


def _read_article(path: Path) -> str:
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise CaseFileError(path, "the article file is missing. Name it in case.toml") from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CaseFileError(
            path, f"not UTF-8 (byte {exc.start}). Save the article as UTF-8 text"
        ) from None


def _read_as_posted(meta: dict[str, Any], path: Path) -> AsPosted:
    table = meta.get("as_posted")
    if not isinstance(table, dict):
        raise CaseFileError(path, "the [as_posted] table is missing", field="as_posted")
    values: dict[str, Any] = {}
    for name in AS_POSTED_FIELDS:
        value = table.get(name)
        if name.endswith(("_on", "_date")):
            if not isinstance(value, dt.date):
                raise CaseFileError(
                    path, "must be a TOML date such as 2021-03-15", row_id="as_posted", field=name
                )
        elif not isinstance(value, str) or not value:
            raise CaseFileError(path, "is missing or empty", row_id="as_posted", field=name)
        values[name] = value
    return AsPosted(**values)


def _read_chain(meta: dict[str, Any], path: Path) -> dict[str, str]:
    table = meta.get("chain", {})
    chain = {}
    for link_id, entry in table.items():
        if not ID_PATTERN.match(link_id):
            raise CaseFileError(path, "not a valid id", row_id=f"chain.{link_id}", field="id")
        if not isinstance(entry, dict) or not entry.get("label"):
            raise CaseFileError(
                path, "each chain step needs a label", row_id=f"chain.{link_id}", field="label"
            )
        chain[link_id] = str(entry["label"])
    return chain


def _require_str(meta: dict[str, Any], name: str, path: Path) -> str:
    value = meta.get(name)
    if not isinstance(value, str) or not value:
        raise CaseFileError(path, f"'{name}' is missing or empty", field=name)
    return value
