"""The class data of one assignment: the gradebook and the kit's result files, joined.

``load_class(course_root, assignment)`` gives one :class:`StudentRow` per student on the roster
(gradebook students and folders in ``submitted/``) with the submission state
(``grading.status``), the auto and manual scores nbgrader stored, and the answers each student
recorded (the result files under ``sourcing_lab/results/``). The grade export and the class
report both read it; the states and what each means are in ``sourcing_lab.export``'s docstring.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course import grade_ids
from course.questions import Assignment, Question, QuestionSpecError, load_assignment
from sourcing_lab.grading.ledger import ItemState, SubmissionState, read_result
from sourcing_lab.grading.status import submission_states
from sourcing_lab.paths import CoursePaths

SCORED_STATES = (SubmissionState.GRADED, SubmissionState.NEEDS_REVIEW)


class ClassDataError(ValueError):
    """What is missing to read the class data, and what to do about it."""


@dataclass
class StudentRow:
    student: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    lms_user_id: str = ""
    state: str = ""
    reason: str = ""
    score: float | None = None  # auto + manual total; None when there is no current grade
    items: dict[str, float | None] = field(default_factory=dict)  # grade id -> score
    answers: dict[str, Any] = field(default_factory=dict)  # question id -> recorded value
    isolation: str = ""  # how isolated the grading kernel was (isolation.Isolation.describe)


@dataclass
class ClassData:
    course_root: Path
    assignment: str
    spec: Assignment | None
    cells: dict[str, float]  # grade id -> max score, in question order
    rows: list[StudentRow]

    @property
    def max_score(self) -> float:
        return sum(self.cells.values())

    @property
    def scored(self) -> list[StudentRow]:
        return [r for r in self.rows if r.state in SCORED_STATES]

    def question(self, grade_id: str) -> Question | None:
        """The question a grade cell scores (``q2_x_check`` and ``q7_written`` alike)."""
        return self.spec.questions.get(_qid(grade_id)) if self.spec else None


# -- the roster, from the gradebook and the course folder -----------------------------------


def load_class(
    course_root: Path, assignment: str, *, error: type[ValueError] = ClassDataError
) -> ClassData:
    """Every student on the roster with a state, scores and recorded answers.

    Raises ``error`` (the export's ExportError, the report's ReportError) naming what is missing.
    """
    root = Path(course_root)
    if not root.is_dir():
        raise error(
            f"no course folder at {root}: pass the folder made by `sourcing-lab course init`"
        )
    paths = CoursePaths.of(root)
    db = paths.gradebook
    if not db.is_file():
        raise error(
            f"{root} has no gradebook ({db.name}): is it the course folder? Grade the "
            "assignment there first (`sourcing-lab grade <assignment>`)"
        )
    try:  # read-only look first: a damaged file must not be "repaired" into an empty gradebook
        with closing(sqlite3.connect(db.resolve().as_uri() + "?mode=ro", uri=True)) as con:
            courses = [r[0] for r in con.execute("SELECT id FROM course")]
            con.execute("SELECT count(*) FROM submitted_assignment").fetchone()
    except sqlite3.Error as exc:
        raise error(
            f"the gradebook {db} cannot be read ({exc}): it is damaged or not an nbgrader "
            f"gradebook. Restore the newest copy from {db.parent / 'gradebook-backups'}"
        ) from None
    from nbgrader.api import Gradebook
    from sqlalchemy.exc import SQLAlchemyError

    try:
        with Gradebook(paths.db_url, course_id=(courses or ["default_course"])[0]) as gb:
            return _read(gb, root, paths, assignment, error)
    except SQLAlchemyError as exc:
        raise error(
            f"the gradebook {db} cannot be read ({str(exc).splitlines()[0][:200]}): "
            f"restore the newest copy from {db.parent / 'gradebook-backups'}"
        ) from None


def _read(
    gb: Any, root: Path, paths: CoursePaths, assignment: str, error: type[ValueError]
) -> ClassData:
    from nbgrader.api import MissingEntry

    known = [a.name for a in gb.assignments]
    try:
        spec = load_assignment(assignment)
    except QuestionSpecError:
        spec = None
    if assignment not in known:
        if spec is not None:
            raise error(
                f"nothing graded yet for {assignment}: it is not in the gradebook. "
                f"Run `sourcing-lab grade {assignment}` first"
            )
        raise error(f"unknown assignment '{assignment}'; known: {', '.join(known) or 'none'}")
    record = gb.find_assignment(assignment)
    notebooks = [nb.name for nb in record.notebooks]
    cells = {
        c.name: float(c.max_score or 0)
        for nb in record.notebooks
        for c in [*nb.grade_cells, *nb.task_cells]
    }
    order = list(spec.questions) if spec else []
    position = {g: order.index(q) for g in cells if (q := _qid(g)) in order}
    cells = dict(sorted(cells.items(), key=lambda kv: position.get(kv[0], len(order))))
    people = {s.id: s for s in gb.students}
    roster = sorted(set(people) | paths.submitters())
    states = submission_states(paths, assignment, notebooks, roster)
    rows = []
    for sid in roster:
        person = people.get(sid)
        names = [
            str(getattr(person, f, None) or "")
            for f in ("first_name", "last_name", "email", "lms_user_id")
        ]
        row = StudentRow(sid, *names, state=states[sid].state, reason=states[sid].reason)
        try:
            submission = gb.find_submission(assignment, sid)
        except MissingEntry:
            submission = None
        found = [read_result(paths.result(assignment, sid, n)) for n in notebooks]
        results = [r for r in found if isinstance(r, dict)]
        for result in results:
            row.answers.update(result.get("answers") or {})
        row.isolation = "; ".join(
            sorted({str((r.get("isolation") or {}).get("text", "")) for r in results} - {""})
        )
        if row.state == SubmissionState.GRADED and submission is None:
            row.state = SubmissionState.NOT_GRADABLE
            row.reason = "a result exists but the gradebook has no submission: grade it again"
        if row.state == SubmissionState.GRADED:
            _score(row, submission, results)
        elif row.state not in (SubmissionState.NOT_SUBMITTED, SubmissionState.NOT_GRADABLE):
            # stale
            row.reason = (
                "resubmitted after grading: the newest submission is not graded yet and the "
                "older score is not exported; run `sourcing-lab grade` again"
            )
        rows.append(row)
    if not any(r.state in SCORED_STATES for r in rows):
        counts = Counter(r.state for r in rows)
        seen = ", ".join(f"{n} {s}" for s, n in sorted(counts.items())) or "no students"
        raise error(
            f"nothing graded yet for {assignment} ({seen}): "
            f"run `sourcing-lab grade {assignment}` first"
        )
    return ClassData(root, assignment, spec, cells, rows)


def _qid(grade_id: str) -> str:
    return grade_ids.question_of(grade_id)


def _score(row: StudentRow, submission: Any, results: list[dict[str, Any]]) -> None:
    grades = [g for nb in submission.notebooks for g in nb.grades]
    review = {g.cell.name for g in grades if g.needs_manual_grade}
    for result in results:
        outcomes = result.get("outcomes") or []
        review |= {
            o.get("grade_id", "")
            for o in outcomes
            if isinstance(o, dict) and o.get("state") == ItemState.FLAG
        }
    if review:
        row.state = SubmissionState.NEEDS_REVIEW
        row.reason = "to grade or review in formgrader: " + ", ".join(sorted(review))
    row.score = round(sum(float(g.score or 0) for g in grades), 4)
    row.items = {
        g.cell.name: float(g.score)
        if g.manual_score is not None or g.auto_score is not None
        else None
        for g in grades
    }
