"""``sourcing-lab demo`` / ``make demo``: the whole instructor path on a simulated class.

Scaffold a course, generate and release the assignments, let a dozen simulated students fetch,
answer and submit (through nbgrader's own exchange), collect, grade in parallel, generate
feedback, write the report and the exports, and print where everything is.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sourcing_lab.course_init import init_course
from sourcing_lab.demo.simulate import simulate_class, solution_code, submission_notebook
from sourcing_lab.grade import format_summary, grade_assignment, load_course_config
from sourcing_lab.keys import load_keys

DEMO_ASSIGNMENTS = ("a01_provenance", "a03_claims")
ONE_USER = (
    "\n# Demo: every simulated student is this same OS user.\nc.CollectApp.check_owner = False\n"
)


@contextmanager
def _cwd(path: Path):
    before = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(before)


def _submit(config: Any, home: Path, assignment: str, student: str) -> None:
    """Run nbgrader's own ExchangeSubmit as the student (from their home folder)."""
    from nbgrader.auth import Authenticator
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.exchange.default.submit import ExchangeSubmit

    coursedir = CourseDirectory(config=config)
    coursedir.assignment_id = assignment
    coursedir.student_id = student
    authenticator = Authenticator(config=config)
    with _cwd(home):
        ExchangeSubmit(coursedir=coursedir, authenticator=authenticator, config=config).start()


def run_demo(
    out: Path | None = None,
    *,
    students: int = 12,
    assignments: tuple[str, ...] = DEMO_ASSIGNMENTS,
    workers: int = 2,
) -> Path:
    import warnings

    from nbgrader.apps import NbGraderAPI
    from sqlalchemy.exc import SAWarning

    from sourcing_lab.export import export_grades
    from sourcing_lab.report import build_report

    warnings.filterwarnings("ignore", category=SAWarning)  # nbgrader's own session noise
    base = Path(out) if out else Path(tempfile.mkdtemp(prefix="sourcing-lab-demo-"))
    root = init_course(base / "classroom")
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write(ONE_USER)
    config = load_course_config(root)
    config.Application.log_level = "WARN"
    api = NbGraderAPI(config=config)
    keys = load_keys(keys_root=root / "keys")
    lines = [f"Sourcing Lab demo course: {root}"]
    for assignment in assignments:
        for step in (api.generate_assignment, api.release_assignment):
            result = step(assignment)
            if not result["success"]:
                raise RuntimeError(f"{step.__name__} {assignment} failed: {result.get('error')}")
        release = next((root / "release" / assignment).glob("*.ipynb"))
        release_nb = json.loads(release.read_text(encoding="utf-8"))
        for work in simulate_class(
            assignment, students, keys, correct_code=solution_code(assignment, root / "source")
        ):
            home = base / "students" / work.student
            folder = home / assignment
            folder.mkdir(parents=True, exist_ok=True)
            nb, records = submission_notebook(release_nb, work, assignment)
            (folder / release.name).write_text(json.dumps(nb), encoding="utf-8")
            if work.keep_answers_dir and records:
                from course.answers import AnswerStore

                store = AnswerStore(folder)
                for rec in records:
                    store.write(rec)
            _submit(config, home, assignment, work.student)
        api.collect(assignment)
        summary = grade_assignment(root, assignment, workers=workers)
        api.generate_feedback(assignment, force=True)
        report = build_report(root, assignment, root / "reports" / assignment)
        exports = [
            export_grades(root, assignment, fmt, root / "exports" / f"{assignment}-{fmt}.csv")
            for fmt in ("csv", "canvas", "moodle")
        ]
        lines += [
            "",
            format_summary(summary, assignment, students),
            f"  feedback: {root / 'feedback'}/<student>/{assignment}/",
            f"  report:   {report}",
            *[f"  export:   {path}" for path in exports],
        ]
    shutil.rmtree(base / "students", ignore_errors=True)
    print("\n".join(lines))
    return root
