"""The glossary and the toolbox of methods, for any notebook, offline.

    from course.glossary import glossary, methods
    glossary()          # every term, A to Z
    glossary("KFOR")    # one term (any case; part of the name is enough)
    methods()           # each method the course uses, mapped to the three questions

The words live in ``course/glossary.toml`` (shipped inside the package). Each call returns a
small object that Jupyter shows as Markdown and ``print`` shows as plain text, so this module
needs no IPython and stays importable everywhere.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

GLOSSARY_FILE = Path(__file__).resolve().parent / "glossary.toml"
TERM_FIELDS = ("term", "means")
METHOD_FIELDS = ("name", "asks", "serves", "where")


class GlossaryError(ValueError):
    """The glossary file is malformed; the message names the entry, the field and the fix."""


@dataclass(frozen=True)
class Entry:
    """One glossary term or one method: a heading, its lines, and where to read more."""

    heading: str
    lines: tuple[str, ...]
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class Card:
    """What a notebook cell shows: Markdown in Jupyter, plain text when printed."""

    title: str
    entries: tuple[Entry, ...]
    note: str = ""

    def _repr_markdown_(self) -> str:
        parts = [f"### {self.title}"]
        for entry in self.entries:
            text = " ".join(entry.lines)
            more = " ".join(f"<{url}>" for url in entry.sources)
            parts.append(f"- **{entry.heading}**: {text}" + (f" ({more})" if more else ""))
        return "\n".join([*parts, *([f"\n{self.note}"] if self.note else [])])

    def __repr__(self) -> str:
        parts = [self.title, ""]
        for entry in self.entries:
            parts.append(f"{entry.heading}: {' '.join(entry.lines)}")
            parts += [f"  {url}" for url in entry.sources]
        return "\n".join([*parts, *([f"\n{self.note}"] if self.note else [])])


@lru_cache(maxsize=2)
def _load(path: Path = GLOSSARY_FILE) -> tuple[dict[str, Entry], dict[str, Entry]]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise GlossaryError(f"{path}: not valid TOML ({exc})") from None
    terms = {key: _term(path, key, item) for key, item in data.get("terms", {}).items()}
    methods_ = {key: _method(path, key, item) for key, item in data.get("methods", {}).items()}
    if not terms or not methods_:
        raise GlossaryError(f"{path}: needs at least one [terms.*] and one [methods.*] entry")
    return terms, methods_


def _term(path: Path, key: str, item: dict) -> Entry:
    _require(path, f"terms.{key}", item, TERM_FIELDS)
    return Entry(item["term"], (item["means"],), _sources(path, f"terms.{key}", item))


def _method(path: Path, key: str, item: dict) -> Entry:
    _require(path, f"methods.{key}", item, METHOD_FIELDS)
    lines = (item["asks"], f"Serves: {item['serves']}.", f"In this course: {item['where']}.")
    return Entry(item["name"], lines, _sources(path, f"methods.{key}", item))


def _require(path: Path, where: str, item: dict, fields: tuple[str, ...]) -> None:
    for name in fields:
        if not isinstance(item.get(name), str) or not item[name].strip():
            raise GlossaryError(f"{path}, entry '{where}', field '{name}': write it as text")


def _sources(path: Path, where: str, item: dict) -> tuple[str, ...]:
    sources = item.get("sources", [])
    if not isinstance(sources, list) or not all(
        isinstance(url, str) and url.startswith(("https://", "http://")) for url in sources
    ):
        raise GlossaryError(
            f"{path}, entry '{where}', field 'sources': a list of web addresses (https://…)"
        )
    return tuple(sources)


def glossary(term: str | None = None) -> Card:
    """Every term, or the terms whose name contains ``term`` (case does not matter)."""
    terms, _methods = _load()
    entries = sorted(terms.values(), key=lambda e: e.heading.casefold())
    if term is None:
        return Card("Glossary", tuple(entries), 'For one word, run glossary("KFOR").')
    wanted = term.casefold().strip()
    found = tuple(e for e in entries if wanted in e.heading.casefold())
    if found:
        return Card("Glossary", found)
    known = ", ".join(e.heading for e in entries)
    return Card("Glossary", (), f"No entry for '{term}'. The glossary has: {known}.")


def methods() -> Card:
    """The toolbox: each method the course uses and which of the three questions it serves."""
    _terms, methods_ = _load()
    note = (
        "Civic Online Reasoning's three questions tie the methods together: Who is behind the "
        "information? What is the evidence? What do other sources say?"
    )
    return Card("Toolbox: the methods in this course", tuple(methods_.values()), note)
