"""The instructor's class report for one assignment: ``build_report(course_root, assignment, out)``.

Reads the class data (``sourcing_lab.classdata``: the nbgrader gradebook's auto and manual
scores joined with the kit's result files, the answers each student recorded, by the same
reading the grade export uses) with the question specs and keys, and writes ``report.html``
(self-contained: inline CSS and SVG, no script) with CSV files of the same tables.

- ``analysis``: the tables (item statistics, wrong choices, skill mastery, investigation logs);
- ``charts``: the SVG charts, pure functions from numbers to escaped markup;
- ``page`` and ``template.html.j2``: the page, a jinja2 template with autoescape on.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sourcing_lab.classdata import ClassDataError, load_class
from sourcing_lab.export import write_csv
from sourcing_lab.paths import CoursePaths
from sourcing_lab.report.analysis import (
    COLUMNS,
    investigation,
    item_stats,
    score_bins,
    skill_mastery,
    wrong_choices,
)

__all__ = ["ReportError", "build_report", "item_stats", "score_bins"]


class ReportError(ClassDataError):
    """What is missing for a report, and what to do about it."""


def build_report(
    course_root: Path, assignment: str, out_dir: Path, *, keys_root: Path | None = None
) -> Path:
    """Write ``out_dir/report.html`` and its CSV tables; return the HTML path."""
    from sourcing_lab.keys import KeyFileError, load_keys
    from sourcing_lab.report.page import render

    course_root = Path(course_root)
    data = load_class(course_root, assignment, error=ReportError)
    if data.spec is None:
        raise ReportError(
            f"{assignment} is in the gradebook but has no question spec "
            f"(course/assignments/{assignment}.toml): the report needs it"
        )
    case = data.spec.case
    if keys_root is None:
        keys_root = CoursePaths.of(course_root).keys_dir
    try:
        keys = load_keys(case, keys_root=keys_root)
    except KeyFileError as exc:
        raise ReportError(f"the answer keys cannot be loaded: {exc}") from None
    tables = {
        "items": item_stats(data),
        "distractors": wrong_choices(data, keys, case),
        "skills": skill_mastery(data),
        "investigation": investigation(data, keys, case),
    }
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_csv(
        out_dir / "scores.csv",
        ["student_id", "state", "score", "max_score", "reason", "isolation"],
        ([r.student, r.state, r.score, data.max_score, r.reason, r.isolation] for r in data.rows),
    )
    for name, rows in tables.items():
        headers = COLUMNS[name].split()
        write_csv(out_dir / f"{name}.csv", headers, ([r[h] for h in headers] for r in rows))
    generated = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    path = out_dir / "report.html"
    bins = score_bins([r.score or 0.0 for r in data.scored], data.max_score)
    path.write_text(render(data, tables, bins, generated), encoding="utf-8")
    return path
