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
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from sourcing_lab.classdata import SCORED_STATES, ClassDataError, StudentRow, load_class
from sourcing_lab.grading.ledger import SubmissionState

FORMATS = ("canvas", "moodle", "csv")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


class ExportError(ClassDataError):
    """What is missing for an export, and what to do about it."""


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
    return row.score if row.state == SubmissionState.GRADED else None


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
    data = load_class(Path(course_root), assignment, error=ExportError)
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
