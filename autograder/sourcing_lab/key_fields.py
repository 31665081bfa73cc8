"""Field checks shared by the key loaders: each problem raises :class:`KeyFileError`, which
names the file, the item and the field, and says how to fix it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

# The shape of a dossier row id; which ids exist is the case's own FACTCHECK.md's business
# (``dossier_rows``), so a new dossier never has to be renumbered to fit the kit's.
FACTCHECK_ROW = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
TABLE_RULE = re.compile(r"^\|\s*:?-{3,}")


class KeyFileError(ValueError):
    """A key file is missing or malformed; the message says where and how to fix it."""

    def __init__(self, path: Path, item: str | None, field_name: str | None, problem: str) -> None:
        where = [str(path)] + [
            p for p in (item and f"item '{item}'", field_name and f"field '{field_name}'") if p
        ]
        super().__init__(", ".join(where) + ": " + problem)
        self.path, self.item, self.field = path, item, field_name


def read_key_file(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise KeyFileError(path, None, None, "file is missing") from None
    except tomllib.TOMLDecodeError as exc:
        raise KeyFileError(path, None, None, f"not valid TOML ({exc})") from None


def factcheck_rows(
    path: Path, item: str, data: dict[str, Any], name: str = "factcheck"
) -> tuple[str, ...]:
    rows = data.get(name)
    if not isinstance(rows, list) or not rows:
        raise KeyFileError(
            path,
            item,
            name,
            "every key item must name the FACTCHECK.md rows it rests on, as a list of row "
            'ids such as ["C1", "A3"] (the first column of the case\'s FACTCHECK.md)',
        )
    bad = [r for r in rows if not isinstance(r, str) or not FACTCHECK_ROW.match(r)]
    if bad:
        raise KeyFileError(
            path, item, name, f"{bad[0]!r} is not a FACTCHECK.md row id (a word such as C1)"
        )
    return tuple(rows)


def dossier_rows(path: Path) -> frozenset[str]:
    """The row ids a case's FACTCHECK.md defines: the first cell of every table row that is
    not a table's header (the line above a ``|---|`` rule)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise KeyFileError(
            path,
            None,
            None,
            "the case's fact-check dossier is missing. Write FACTCHECK.md beside the key files: "
            "a Markdown table with one row per fact checked, its id in the first column "
            "(see autograder/keys/README.md)",
        ) from None
    rows = set()
    for number, line in enumerate(lines):
        following = lines[number + 1] if number + 1 < len(lines) else ""
        if not line.startswith("|") or TABLE_RULE.match(line) or TABLE_RULE.match(following):
            continue
        first = line.strip("|").split("|", 1)[0].strip().strip("*")
        if FACTCHECK_ROW.match(first):
            rows.add(first)
    if not rows:
        raise KeyFileError(
            path, None, None, "defines no rows: key items cite the ids in its tables' first column"
        )
    return frozenset(rows)


def known_values(
    path: Path, item: str, field_name: str, values: list[str], vocab: Any
) -> tuple[str, ...]:
    if not isinstance(values, list) or not values:
        raise KeyFileError(path, item, field_name, "must be a non-empty list")
    for value in values:
        if value not in vocab:
            raise KeyFileError(
                path,
                item,
                field_name,
                f"'{value}' is unknown; choose from: {', '.join(sorted(vocab))}",
            )
    return tuple(values)


def checked_hints(
    path: Path, item: str, name: str, hints: Any, vocab: Any, accept: tuple[str, ...]
) -> dict[str, str]:
    hints = hints or {}
    for option, text in hints.items():
        if option not in vocab:
            raise KeyFileError(path, item, name, f"hint for unknown option '{option}'")
        if option in accept:
            raise KeyFileError(
                path, item, name, f"hint for '{option}', which is an accepted answer"
            )
        if not isinstance(text, str) or not text.strip():
            raise KeyFileError(path, item, name, f"hint for '{option}' is empty")
    return dict(hints)


def document_ids(
    path: Path, item: str, field_name: str, values: Any, known: Any
) -> tuple[str, ...]:
    if not isinstance(values, list):
        raise KeyFileError(path, item, field_name, "must be a list (it may be empty)")
    for value in values:
        if value not in known:
            raise KeyFileError(path, item, field_name, f"no library document '{value}'")
    return tuple(values)
