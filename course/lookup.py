"""Where a case and an assignment's question spec live: one lookup for everyone who needs them.

The student runtime (``Lab``, the widgets, the checks), the grader, the report and the keys all
find a case and a question spec by id through this module. Places are tried in this order:

1. the course folder named by ``SOURCING_LAB_COURSE`` (a course's ``nbgrader_config.py`` sets
   it, and ``sourcing-lab ... --course DIR`` does too): ``cases/<case_id>/``,
   ``assignments/<assignment_id>.toml`` and, for the instructor side, ``keys/<case_id>/``;
2. ``course_data/`` beside the notebook (the current folder, only when no course folder is
   configured): what a released assignment carries for the student's kernel, the same layout
   without ``keys/``;
3. the kit itself: ``course/casefile/<case_id>/`` and ``course/assignments/<id>.toml``.

The first place that has the file wins, so a course's own copy of a kit case or spec takes
precedence over the kit's. Pure standard library; no widgets, no nbgrader.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path

COURSE_ENV = "SOURCING_LAB_COURSE"
RELEASED_DATA = "course_data"  # the folder a released assignment carries beside its notebook
KIT = Path(__file__).resolve().parent
KIT_CASES = KIT / "casefile"
KIT_SPECS = KIT / "assignments"
_BESIDE: list[Path] = []  # notebook folders a tool is looking at (see ``beside``)


class CaseLookupError(LookupError):
    """No place holds the case or spec asked for; the message lists where it looked."""


def course_root() -> Path | None:
    """The configured course folder, or None."""
    value = os.environ.get(COURSE_ENV, "")
    return Path(value).resolve() if value else None


def use_course(root: str | Path) -> None:
    """Make ``root`` the course folder for this process (and the processes it starts)."""
    os.environ[COURSE_ENV] = str(Path(root).resolve())


@contextlib.contextmanager
def course(root: str | Path | None) -> Iterator[None]:
    """``root`` as the course folder inside the block (unchanged when None), then as before."""
    before = os.environ.get(COURSE_ENV)
    if root is not None:
        use_course(root)
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(COURSE_ENV, None)
        else:
            os.environ[COURSE_ENV] = before


def data_roots() -> list[Path]:
    """Folders laid out as ``cases/`` + ``assignments/``, in lookup order (kit excluded)."""
    roots = []
    root = course_root()
    if root is not None:
        roots.append(root)
    # With a course folder configured (the grader, the instructor's tools) the current folder is
    # never consulted: a submission's own course_data/ must not stand in for the course's.
    folders = _BESIDE if root is not None else [*_BESIDE, Path.cwd()]
    for folder in folders:
        released = folder / RELEASED_DATA
        if released.is_dir() and released not in roots:
            roots.append(released)
    return roots


@contextlib.contextmanager
def beside(folder: str | Path) -> Iterator[None]:
    """Also look in ``folder/course_data`` (a tool checking a notebook that is not in the
    current folder, such as ``sourcing-lab validate path/to/notebook.ipynb``)."""
    _BESIDE.insert(0, Path(folder).resolve())
    try:
        yield
    finally:
        _BESIDE.pop(0)


def _places(kind: str) -> list[Path]:
    kit = KIT_CASES if kind == "cases" else KIT_SPECS
    return [root / kind for root in data_roots()] + [kit]


def case_folder(case_id: str) -> Path:
    """The folder of case ``case_id`` (raises :class:`CaseLookupError` naming where it looked)."""
    if not _safe_id(case_id):
        raise CaseLookupError(f"'{case_id}' is not a case id (lowercase letters, digits, '_')")
    places = _places("cases")
    for place in places:
        if (place / case_id / "case.toml").is_file():
            return place / case_id
    raise CaseLookupError(
        f"no case '{case_id}': looked for {case_id}/case.toml in "
        + ", ".join(str(p) for p in places)
        + f". Put the case folder in your course's cases/ (known: {', '.join(known_cases())})"
    )


def spec_path(assignment_id: str) -> Path:
    """The question spec of ``assignment_id`` (raises :class:`CaseLookupError` if none)."""
    if not _safe_id(assignment_id):
        raise CaseLookupError(f"'{assignment_id}' is not an assignment id")
    places = _places("assignments")
    for place in places:
        if (place / f"{assignment_id}.toml").is_file():
            return place / f"{assignment_id}.toml"
    raise CaseLookupError(
        f"no question spec for '{assignment_id}': looked for {assignment_id}.toml in "
        + ", ".join(str(p) for p in places)
        + f". Write it in your course's assignments/ (known: {', '.join(known_assignments())})"
    )


def keys_root_for(case_id: str) -> Path | None:
    """The folder holding ``<case_id>/`` keys in the course folder, else None (kit keys)."""
    root = course_root()
    if root is not None and (root / "keys" / case_id).is_dir():
        return root / "keys"
    return None


def known_cases() -> list[str]:
    found = {p.parent.name for place in _places("cases") for p in place.glob("*/case.toml")}
    return sorted(found)


def known_assignments() -> list[str]:
    return sorted({p.stem for place in _places("assignments") for p in place.glob("*.toml")})


def _safe_id(value: str) -> bool:
    return bool(value) and value.replace("_", "").replace("-", "").isalnum() and value.isascii()
