"""``sourcing-lab case new|check|segments``: prepare an instructor's own case.

    sourcing-lab case new cases/my_case        commented templates: the case, its keys (and a spec)
    sourcing-lab case segments cases/my_case   a first segments.csv from article.txt (--write)
    sourcing-lab case check cases/my_case      the case, its keys and the specs that use it

Inside a course folder (``<course>/cases/<case_id>``) the keys are ``<course>/keys/<case_id>``
and the specs ``<course>/assignments/``; ``--keys`` and ``--specs`` name other folders.
"""

from __future__ import annotations

import argparse
import tomllib
from pathlib import Path
from typing import Any


class CaseCommandError(Exception):
    """A failure the instructor can fix; the message says how."""


def add_parser(sub: Any) -> None:
    case = sub.add_parser("case", help="prepare your own case (new, segments, check)")
    actions = case.add_subparsers(dest="case_command", metavar="ACTION")
    new = actions.add_parser("new", help="scaffold an empty case with commented templates")
    new.add_argument("dir", type=Path, help="the new case folder, e.g. cases/my_case")
    new.add_argument("--keys", type=Path, help="its keys folder (default: <course>/keys/<id>)")
    new.add_argument("--assignment", help="also write a spec assignments/<ASSIGNMENT>.toml")
    segments = actions.add_parser("segments", help="draft segments.csv from the article")
    segments.add_argument("dir", type=Path, help="the case folder")
    segments.add_argument("--write", action="store_true", help="write segments.csv (if empty)")
    check = actions.add_parser("check", help="check the case, its keys and its specs")
    check.add_argument("dir", type=Path, help="the case folder")
    check.add_argument("--keys", type=Path, help="its keys folder (default: <course>/keys/<id>)")
    check.add_argument("--specs", type=Path, help="folder of specs (default: <course>/assignments)")


def run(args: argparse.Namespace) -> int:
    handlers = {"new": _new, "segments": _segments, "check": _check}
    handler = handlers.get(args.case_command or "")
    if handler is None:
        print("usage: sourcing-lab case new|segments|check DIR (see sourcing-lab case -h)")
        return 2
    return handler(args)


def course_places(case_dir: Path) -> tuple[Path | None, Path | None]:
    """(keys folder, specs folder) of a case inside ``<course>/cases/``, else (None, None)."""
    case_dir = case_dir.resolve()
    if case_dir.parent.name != "cases":
        return None, None
    course = case_dir.parent.parent
    return course / "keys" / case_dir.name, course / "assignments"


def _new(args: argparse.Namespace) -> int:
    from course.casefile.tables import ID_PATTERN
    from sourcing_lab.case_templates import CASE_FILES, KEY_FILES, SPEC_TEMPLATE

    case_dir = args.dir.resolve()
    case_id = case_dir.name
    if not ID_PATTERN.match(case_id):
        raise CaseCommandError(
            f"'{case_id}' cannot be a case id: name the folder with lower-case letters, digits, _"
        )
    keys_dir, specs_dir = course_places(case_dir)
    keys_dir = args.keys.resolve() if args.keys else keys_dir
    written = [_write_all(case_dir, CASE_FILES, case_id)]
    if keys_dir is not None:
        written.append(_write_all(keys_dir, KEY_FILES, case_id))
    if args.assignment:
        if specs_dir is None:
            raise CaseCommandError("--assignment needs the case inside a course's cases/ folder")
        spec = specs_dir / f"{args.assignment}.toml"
        if spec.exists():
            raise CaseCommandError(f"{spec} already exists; nothing was written over it")
        spec.parent.mkdir(parents=True, exist_ok=True)
        spec.write_text(
            SPEC_TEMPLATE.format(case_id=case_id, assignment_id=args.assignment), encoding="utf-8"
        )
        written.append(spec)
    for path in written:
        print(f"wrote {path}")
    if keys_dir is None:
        print("no keys folder written: pass --keys DIR, or make the case in <course>/cases/")
    print(f"next: paste the article into {case_dir / 'article.txt'}, then run")
    print(f"  sourcing-lab case segments {args.dir} --write")
    return 0


def _write_all(folder: Path, files: dict[str, str], case_id: str) -> Path:
    if folder.exists() and any(folder.iterdir()):
        raise CaseCommandError(f"{folder} already exists and is not empty; nothing was written")
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.replace("{case_id}", case_id), encoding="utf-8")
    return folder


def _segments(args: argparse.Namespace) -> int:
    from sourcing_lab.segmenter import draft_segments_csv

    case_dir = args.dir.resolve()
    try:
        meta = tomllib.loads((case_dir / "case.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CaseCommandError(f"{case_dir / 'case.toml'} cannot be read ({exc})") from None
    article_path = case_dir / str(meta.get("article", "article.txt"))
    try:
        article = article_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise CaseCommandError(f"{article_path} cannot be read as UTF-8 text ({exc})") from None
    text = draft_segments_csv(article)
    if not args.write:
        print(text, end="")
        return 0
    target = case_dir / "segments.csv"
    if target.exists() and len(target.read_text(encoding="utf-8").splitlines()) > 1:
        raise CaseCommandError(
            f"{target} already has segments; nothing was written over it (ids in it may be "
            "released). Print a draft without --write and copy what you need"
        )
    target.write_text(text, encoding="utf-8")
    rows = len(text.splitlines()) - 1
    print(f"wrote {target}: {rows} segments (parts and sentences). Add clauses by hand")
    return 0


def _check(args: argparse.Namespace) -> int:
    from course import lookup
    from sourcing_lab.case_check import check_case

    case_dir = args.dir.resolve()
    keys_dir, specs_dir = course_places(case_dir)
    with lookup.course(specs_dir.parent if specs_dir is not None else None):
        report = check_case(
            case_dir,
            args.keys.resolve() if args.keys else keys_dir,
            args.specs.resolve() if args.specs else specs_dir,
        )
    print(report.text())
    return 0 if report.ok else 1
