"""Grade export for one assignment: ``export_grades(course_root, assignment, fmt, out_path)``.

One row per student on the roster (gradebook students ∪ folders in ``submitted/``), each in one
of five states that never look alike:

============== ========================================= ======= ======== ============
state          meaning                                   csv     canvas   moodle
============== ========================================= ======= ======== ============
graded         the newest submission is graded in full   score   score    score
needs review   an item is flagged or awaits a manual     score*  (empty)  (empty)
               grade (written answers)
stale          submitted again after grading; the score  (empty) (empty)  (empty)
               on record belongs to an older submission
not gradable   submitted, but no grading result exists   (empty) (empty)  (empty)
not submitted  nothing submitted                         (empty) (empty)  (empty)
============== ========================================= ======= ======== ============

\\* provisional: ungraded items count 0. A real zero is written ``0`` and is always "graded";
an empty cell never means zero. The csv format names the state and the reason in every row.

**canvas** — the Canvas gradebook import file, as Canvas's importer reads it
(``app/models/gradebook_importer.rb`` in instructure/canvas-lms; Canvas guide "How do I import
grades in the Gradebook?"): header ``Student, ID, SIS User ID, SIS Login ID, Section`` then one
column per assignment, then a ``Points Possible`` row. Students are matched by ``ID`` (the Canvas
user id: nbgrader's ``lms_user_id`` when set, else empty), then ``SIS Login ID`` (the nbgrader
student id), then by name (``Student`` = "Last, First"). The assignment column is titled with
the assignment id: Canvas matches an existing assignment of that exact title (or ``Title (id)``)
and otherwise creates one with the points in the ``Points Possible`` row. An empty cell is "no
grade". Canvas has no column for a state: every header it does not know (other than its own
read-only totals and existing custom columns) becomes a *new assignment*, so no notes column is
written; the states of the empty cells are in the csv export, which the instructor keeps.
``EX`` (excused) is never written: only the instructor can excuse a student.

**moodle** — for Moodle's "Import grades → CSV file" (grade/import/csv): ``Username, Email
address, First name, Last name, <assignment>, Sourcing Lab state, Sourcing Lab note``. In the
import form map ``Username`` (or ``Email address``) to the user field of the same name and the
assignment column to the grade item; map the state and note to "Ignore" (or the note to the
item's feedback, which students then see). An empty grade is "no grade" for Moodle.

Every file is UTF-8 with a byte-order mark, CRLF line ends and standard CSV quoting, and every
text cell that a spreadsheet would run as a formula (starting with = + - @ tab or CR) is prefixed
with ``'``. ``pseudonymous=True`` replaces each student id by a keyed hash (HMAC-SHA256 with a
salt kept in ``<course root>/sourcing_lab/pseudonym_salt``) and leaves names, emails, LMS ids
and submitted file names out: such a file is for sharing results, not for an LMS import.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
import os
import re
import secrets
import sqlite3
from collections import Counter
from collections.abc import Iterable, Sequence
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course import grade_ids
from course.questions import Assignment, Question, QuestionSpecError, load_assignment
from sourcing_lab.grading.ledger import (
    FLAG,
    NOT_GRADABLE,
    NOT_SUBMITTED,
    read_result,
    results_folder,
)
from sourcing_lab.grading.status import GRADED_STATE, submission_states

FORMATS = ("canvas", "moodle", "csv")
NEEDS_REVIEW = "needs review"
SCORED_STATES = (GRADED_STATE, NEEDS_REVIEW)
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ValueError):
    """What is missing for an export, and what to do about it."""


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
    course_root: Path, assignment: str, *, error: type[ValueError] = ExportError
) -> ClassData:
    """Every student on the roster with a state, scores and recorded answers.

    Raises ``error`` (ExportError, or the report's ReportError) naming what is missing.
    """
    root = Path(course_root)
    if not root.is_dir():
        raise error(
            f"no course folder at {root}: pass the folder made by `sourcing-lab course init`"
        )
    db = root / "gradebook.db"
    if not db.is_file():
        raise error(
            f"{root} has no gradebook (gradebook.db): is it the course folder? Grade the "
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
        with Gradebook(f"sqlite:///{db}", course_id=(courses or ["default_course"])[0]) as gb:
            return _read(gb, root, assignment, error)
    except SQLAlchemyError as exc:
        raise error(
            f"the gradebook {db} cannot be read ({str(exc).splitlines()[0][:200]}): "
            f"restore the newest copy from {db.parent / 'gradebook-backups'}"
        ) from None


def _read(gb: Any, root: Path, assignment: str, error: type[ValueError]) -> ClassData:
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
    submitted = root / "submitted"
    folders = {p.name for p in submitted.iterdir() if p.is_dir()} if submitted.is_dir() else set()
    roster = sorted(set(people) | folders)
    states = submission_states(root, assignment, notebooks, roster)
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
        folder = results_folder(root) / assignment / sid
        results = [r for n in notebooks if isinstance(r := read_result(folder / f"{n}.json"), dict)]
        for result in results:
            row.answers.update(result.get("answers") or {})
        row.isolation = "; ".join(
            sorted({str((r.get("isolation") or {}).get("text", "")) for r in results} - {""})
        )
        if row.state == GRADED_STATE and submission is None:
            row.state = NOT_GRADABLE
            row.reason = "a result exists but the gradebook has no submission: grade it again"
        if row.state == GRADED_STATE:
            _score(row, submission, results)
        elif row.state not in (NOT_SUBMITTED, NOT_GRADABLE):  # stale
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
            if isinstance(o, dict) and o.get("state") == FLAG
        }
    if review:
        row.state = NEEDS_REVIEW
        row.reason = "to grade or review in formgrader: " + ", ".join(sorted(review))
    row.score = round(sum(float(g.score or 0) for g in grades), 4)
    row.items = {
        g.cell.name: float(g.score)
        if g.manual_score is not None or g.auto_score is not None
        else None
        for g in grades
    }


# -- writing --------------------------------------------------------------------------------


def safe_cell(value: Any) -> str:
    """A spreadsheet-safe cell: numbers as plain text; text that a spreadsheet would run as a
    formula (starting with = + - @ tab or CR) prefixed with a single quote."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:.4f}".rstrip("0").rstrip(".")
    if isinstance(value, int):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def write_csv(path: Path, headers: Sequence[Any], rows: Iterable[Sequence[Any]]) -> Path:
    """UTF-8 with BOM, CRLF line ends, standard quoting (commas, quotes, line breaks)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out, lineterminator="\r\n", quoting=csv.QUOTE_MINIMAL)
        writer.writerow([safe_cell(h) for h in headers])
        writer.writerows([safe_cell(v) for v in row] for row in rows)
    return path


def pseudonym_salt(course_root: Path) -> str:
    """The course's pseudonym salt, created once (random, readable by the owner only)."""
    path = Path(course_root) / "sourcing_lab" / "pseudonym_salt"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:  # another export made it first
            pass
        else:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                out.write(secrets.token_hex(32) + "\n")
    salt = path.read_text(encoding="utf-8").strip()
    if not salt:
        raise ExportError(f"{path} is empty: delete it to make a new salt (pseudonyms change)")
    return salt


def pseudonym(student: str, salt: str) -> str:
    digest = hmac.new(salt.encode("utf-8"), student.encode("utf-8"), hashlib.sha256)
    return "anon-" + digest.hexdigest()[:16]


def _reason(row: StudentRow, alias: str | None) -> str:
    if alias is None:
        return row.reason
    text = re.sub(r"\s*\(found: [^)]*\)", "", row.reason)  # submitted file names
    word = rf"(?<![^\W_]){re.escape(row.student)}(?![^\W_])"  # the id as a word, not "gradable"
    return re.sub(word, alias, text, flags=re.IGNORECASE)


def _grade(row: StudentRow) -> float | None:
    """The grade an LMS should store: only a complete, current one."""
    return row.score if row.state == GRADED_STATE else None


def export_grades(
    course_root: Path,
    assignment: str,
    fmt: str,
    out_path: Path,
    *,
    pseudonymous: bool = False,
    salt: str | None = None,
) -> Path:
    """Write the grades of ``assignment`` in ``fmt`` (canvas, moodle or csv) to ``out_path``."""
    if fmt not in FORMATS:
        raise ExportError(f"unknown export format '{fmt}'; choose one of: {', '.join(FORMATS)}")
    data = load_class(Path(course_root), assignment)
    key = (salt or pseudonym_salt(data.course_root)) if pseudonymous else None
    people = [(pseudonym(r.student, key) if key else None, r) for r in data.rows]
    if key:
        people.sort(key=lambda pair: pair[0])  # the raw ids' order would give them away
    top, aid = data.max_score, assignment
    if fmt == "csv":
        headers = ["student_id", "state", "score", "max_score", *data.cells, "reason"]
        rows = []
        for alias, r in people:
            score = r.score if r.state in SCORED_STATES else None
            items = [r.items.get(g) if r.state in SCORED_STATES else None for g in data.cells]
            rows.append([alias or r.student, r.state, score, top, *items, _reason(r, alias)])
    elif fmt == "canvas":
        headers = ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", aid]
        rows = [["Points Possible", "", "", "", "", top]]
        for alias, r in people:
            name = ", ".join(n for n in (r.last_name, r.first_name) if n) or r.student
            ids = [alias, "", "", alias] if alias else [name, r.lms_user_id, "", r.student]
            rows.append([*ids, "", _grade(r)])
    else:
        headers = ["Username", "Email address", "First name", "Last name", aid]
        headers += ["Sourcing Lab state", "Sourcing Lab note"]
        rows = []
        for alias, r in people:
            who = [alias, "", "", ""] if alias else [r.student, r.email, r.first_name, r.last_name]
            rows.append([*who, _grade(r), r.state, _reason(r, alias)])
    return write_csv(Path(out_path), headers, rows)
