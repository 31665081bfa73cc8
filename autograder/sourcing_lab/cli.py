"""The ``sourcing-lab`` command line: ``main(argv) -> int``.

    sourcing-lab course init DIR          scaffold a ready nbgrader course
    sourcing-lab grade ASSIGNMENT         autograde every collected submission, in parallel
                  [--shard I/N | --merge] one shard's records only; merge the records
    sourcing-lab report ASSIGNMENT        analytics as HTML (with plots) and CSV
    sourcing-lab export ASSIGNMENT --format canvas|moodle|csv
    sourcing-lab validate NOTEBOOK        a student's check before submitting
    sourcing-lab demo [--out DIR]         the whole instructor path on a simulated class
    sourcing-lab check-keys               validate the answer keys against the case file
    sourcing-lab case new|segments|check  prepare your own case (sourcing-lab case -h)

Exit codes: 0 done, 1 the command could not do its job (the message says why), 2 bad usage.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

EXPORT_FORMATS = ("canvas", "moodle", "csv")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="sourcing-lab",
        description="Sourcing Lab for instructors.",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n")[1],
    )
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    course = sub.add_parser("course", help="course folders")
    course_sub = course.add_subparsers(dest="course_command", metavar="ACTION")
    init = course_sub.add_parser("init", help="scaffold a ready nbgrader course in DIR")
    init.add_argument("dir", type=Path)
    init.add_argument("--course-id", default="sourcing_lab")

    def course_dir(p: argparse.ArgumentParser) -> None:
        p.add_argument(
            "--course",
            type=Path,
            default=Path.cwd(),
            help="the course folder (default: the current folder)",
        )

    grade = sub.add_parser("grade", help="autograde every collected submission")
    grade.add_argument("assignment")
    grade.add_argument("--workers", type=int, default=2, help="worker processes (default 2)")
    grade.add_argument("--timings", action="store_true", help="print each submission's time")
    grade.add_argument(
        "--require-isolation",
        action="store_true",
        help="grade nothing unless kernels get full isolation (Linux with bubblewrap)",
    )
    split = grade.add_mutually_exclusive_group()
    split.add_argument(
        "--shard",
        metavar="I/N",
        help="grade only shard I of N (I from 0) and write records, leaving the gradebook alone",
    )
    split.add_argument(
        "--merge", action="store_true", help="merge every shard's records into the gradebook"
    )
    course_dir(grade)

    report = sub.add_parser("report", help="analytics from the gradebook and the answers")
    report.add_argument("assignment")
    report.add_argument("--out", type=Path, help="folder for report.html and the CSV tables")
    course_dir(report)

    export = sub.add_parser("export", help="grades in an LMS import format")
    export.add_argument("assignment")
    export.add_argument("--format", choices=EXPORT_FORMATS, required=True)
    export.add_argument("--out", type=Path, help="output file")
    export.add_argument("--pseudonymous", action="store_true", help="export keyed pseudonyms")
    course_dir(export)

    validate = sub.add_parser("validate", help="check a notebook before submitting it")
    validate.add_argument("notebook", type=Path)

    demo = sub.add_parser("demo", help="the whole instructor path on a simulated class")
    demo.add_argument("--out", type=Path, help="where to build it (default: a temporary folder)")
    demo.add_argument("--students", type=int, default=12)

    keys = sub.add_parser("check-keys", help="validate the answer keys against the case file")
    keys.add_argument("--case", default=None, help="case folder (default: the kit's own case)")

    from sourcing_lab.case_cli import add_parser as add_case_parser

    add_case_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    # nbgrader shells out to tools of its own environment (alembic): find them even when the
    # virtual environment is not activated.
    os.environ["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    parser = build_parser()
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    handler = COMMANDS.get(args.command or "")
    if handler is None or (args.command == "course" and not args.course_command):
        parser.print_help()
        return 2
    from course import lookup
    from sourcing_lab.case_cli import CaseCommandError

    course = getattr(args, "course", None)
    is_course = isinstance(course, Path) and (course / "nbgrader_config.py").is_file()
    try:
        with lookup.course(course if is_course else None):  # its own cases and specs first
            return handler(args)
    except (KnownError, CaseCommandError) as exc:
        print(f"sourcing-lab {args.command}: {exc}", file=sys.stderr)
        return 1


class KnownError(Exception):
    """Raised by a command for a failure the user can fix; printed without a traceback."""


def _course_init(args: argparse.Namespace) -> int:
    from sourcing_lab.course_init import CourseExistsError, init_course

    try:
        root = init_course(args.dir, course_id=args.course_id)
    except CourseExistsError as exc:
        raise KnownError(exc) from None
    print(f"course ready in {root}\n  cd {root} && nbgrader generate_assignment a01_provenance")
    return 0


def _grade(args: argparse.Namespace) -> int:
    from sourcing_lab.grade import GradeError, format_summary, grade_assignment, merge_assignment
    from sourcing_lab.grading.merge import parse_shard

    try:
        shard = parse_shard(args.shard) if args.shard else None
    except ValueError as exc:
        raise KnownError(exc) from None
    try:
        if args.merge:
            merged = merge_assignment(args.course.resolve(), args.assignment)
            print(f"{args.assignment}: {merged} submissions merged into the gradebook")
            return 0
        summary = grade_assignment(
            args.course.resolve(),
            args.assignment,
            workers=args.workers,
            require_isolation=args.require_isolation,
            shard=shard,
        )
    except GradeError as exc:
        raise KnownError(exc) from None
    roster = _roster_size(args.course.resolve(), args.assignment)
    print(format_summary(summary, args.assignment, roster))
    if args.timings:
        for outcome in sorted(summary.outcomes, key=lambda o: o.student):
            print(f"graded {outcome.student} in {outcome.seconds:.3f} s")
    return 0


def _roster_size(course_root: Path, assignment: str) -> int:
    from nbgrader.api import Gradebook

    from sourcing_lab.paths import CoursePaths

    try:
        with Gradebook(CoursePaths.of(course_root).db_url) as gradebook:
            return len(gradebook.students)
    except Exception:
        return 0


def _report(args: argparse.Namespace) -> int:
    from sourcing_lab.report import ReportError, build_report

    out = args.out or args.course / "reports" / args.assignment
    try:
        path = build_report(args.course.resolve(), args.assignment, out)
    except ReportError as exc:
        raise KnownError(exc) from None
    print(f"report written to {path}")
    return 0


def _export(args: argparse.Namespace) -> int:
    from sourcing_lab.export import ExportError, export_grades

    out = args.out or args.course / "exports" / f"{args.assignment}-{args.format}.csv"
    try:
        path = export_grades(
            args.course.resolve(), args.assignment, args.format, out, pseudonymous=args.pseudonymous
        )
    except ExportError as exc:
        raise KnownError(exc) from None
    print(f"grades written to {path}")
    return 0


def _validate(args: argparse.Namespace) -> int:
    from sourcing_lab.validate import validate_notebook

    result = validate_notebook(args.notebook)
    print(result.text())
    return 0 if result.ok else 1


def _demo(args: argparse.Namespace) -> int:
    from sourcing_lab.demo import run_demo

    run_demo(args.out, students=args.students)
    return 0


def _check_keys(args: argparse.Namespace) -> int:
    from sourcing_lab.case_cli import course_places
    from sourcing_lab.keys import KeyFileError, load_keys

    keys_dir, _ = course_places(Path(args.case)) if args.case else (None, None)
    try:
        keys = load_keys(case_folder=args.case, keys_root=keys_dir.parent if keys_dir else None)
    except KeyFileError as exc:
        raise KnownError(exc) from None
    print(f"keys for case '{keys.case_id}': {keys.summary()}")
    return 0


def _case(args: argparse.Namespace) -> int:
    from sourcing_lab.case_cli import run

    return run(args)


COMMANDS = {
    "course": _course_init,
    "grade": _grade,
    "report": _report,
    "export": _export,
    "validate": _validate,
    "demo": _demo,
    "check-keys": _check_keys,
    "case": _case,
}


if __name__ == "__main__":
    raise SystemExit(main())
