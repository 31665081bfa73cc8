"""Field checks shared by the key loaders: each problem raises :class:`KeyFileError`, which
names the file, the item and the field, and says how to fix it."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from typing import Any

FACTCHECK_ROW = re.compile(r"^(C([1-9]|1[0-9]|2[0-7])|A([1-9]|1[0-5]))$")


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
            "every key item must name the FACTCHECK.md rows (C1–C27, A1–A15) it rests on",
        )
    bad = [r for r in rows if not isinstance(r, str) or not FACTCHECK_ROW.match(r)]
    if bad:
        raise KeyFileError(
            path, item, name, f"{bad[0]!r} is not a FACTCHECK.md row id (C1–C27, A1–A15)"
        )
    return tuple(rows)


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
