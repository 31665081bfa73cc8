"""``sourcing-lab validate NOTEBOOK``: a student's check before submitting.

Is the notebook readable, which assignment is it, are all graded items answered, are the answers
recorded where the grader will find them (inside the notebook, and in answers/ beside it), and
is the notebook's structure intact (no duplicated, deleted or edited locked cells)? Every
problem comes with what to do. Needs no answer key: it never says whether an answer is right.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course import grade_ids
from course.answers import (
    AnswerStore,
    RecordProblem,
    merge_newest,
    notebook_lags,
    records_in_notebook,
)
from course.checks import ValueProblem, clean_value
from course.checks.dispatch import evaluate
from course.items import REGISTRY
from course.questions import QuestionSpecError, allowed_ids, load_assignment

LAB_CALL = re.compile(r"""Lab\(\s*["']([a-z0-9_]+)["']""")


@dataclass
class Validation:
    notebook: Path
    assignment: str = ""
    problems: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def text(self) -> str:
        head = f"{self.notebook.name}" + (f" ({self.assignment})" if self.assignment else "")
        if self.ok:
            lines = [f"{head}: ready to submit."]
        else:
            lines = [f"{head}: {len(self.problems)} thing(s) to fix before you submit:"]
            lines += [f"  - {p}" for p in self.problems]
        return "\n".join(lines + [f"  note: {n}" for n in self.notes])


def validate_notebook(path: Path) -> Validation:
    from course import lookup

    with lookup.beside(Path(path).parent):  # a released copy's own case, beside the notebook
        return _validate(Path(path))


def _validate(path: Path) -> Validation:
    result = Validation(path)
    try:
        nb = json.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        result.problems.append(f"{path} does not exist. Check the file name and folder.")
        return result
    except (UnicodeDecodeError, ValueError):
        result.problems.append(
            "the file is not a readable notebook (it may be cut off). Open it in JupyterLab; "
            "if it does not open, download it again from your course and redo the last changes."
        )
        return result
    if not isinstance(nb, dict) or nb.get("nbformat") != 4 or not isinstance(nb.get("cells"), list):
        result.problems.append(
            "this is not a Jupyter notebook of format 4. Submit the .ipynb file you worked in."
        )
        return result
    assignment = _assignment_of(nb, path)
    if not assignment:
        result.problems.append(
            "no `Lab(...)` setup cell found: this does not look like a course "
            "notebook. Did the first code cell get deleted? Fetch a fresh copy."
        )
        return result
    result.assignment = assignment
    import nbformat

    _check_structure(nbformat.reads(json.dumps(nb), as_version=4), result)
    _check_answers(nb, path, result)
    return result


def _assignment_of(nb: dict, path: Path) -> str:
    for cell in nb["cells"]:
        source = cell.get("source", "")
        match = LAB_CALL.search("".join(source) if isinstance(source, list) else str(source))
        if match:
            return match.group(1)
    return ""


def _check_structure(nb: Any, result: Validation) -> None:
    from nbgrader.utils import compute_checksum

    seen: dict[str, int] = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader") or {}
        grade_id = meta.get("grade_id")
        if not grade_id:
            continue
        seen[grade_id] = seen.get(grade_id, 0) + 1
        edited = meta.get("checksum") and compute_checksum(cell) != meta["checksum"]
        if meta.get("locked") and edited:
            result.problems.append(
                f"the locked cell '{grade_id}' was edited. Undo your change to it (Edit > "
                "Undo, or copy it back from a fresh copy): the grader restores it anyway."
            )
    for grade_id, count in seen.items():
        if count > 1:
            result.problems.append(
                f"the cell '{grade_id}' appears {count} times. Delete the "
                "extra copies (keep the first one)."
            )
    try:
        questions = load_assignment(result.assignment).questions
    except QuestionSpecError:
        result.problems.append(f"'{result.assignment}' is not an assignment of this course kit.")
        return
    for qid, question in questions.items():
        expected = grade_ids.required_cell(qid, REGISTRY[question.item_type].auto_scored)
        if expected not in seen:
            result.problems.append(
                f"the cell '{expected}' for question {qid} is missing. Copy it "
                "back from a fresh copy of the assignment."
            )


def _check_answers(nb: dict, path: Path, result: Validation) -> None:
    try:
        assignment = load_assignment(result.assignment)
    except QuestionSpecError:
        return
    embedded = records_in_notebook(nb, result.assignment)
    stored = AnswerStore(path.parent).read_all()
    merged = merge_newest(stored, embedded)
    lags = notebook_lags(stored, embedded)
    case = assignment.case
    for qid, question in assignment.questions.items():
        if not REGISTRY[question.item_type].graded:
            continue
        record = merged.get(qid)
        if isinstance(record, RecordProblem):
            result.problems.append(
                f"{qid}: the saved answer is damaged ({record}). Answer it "
                "again in the notebook and save."
            )
            continue
        value = None
        if record is not None:
            try:
                value = clean_value(question.item_type, record.value, allowed_ids(question, case))
            except ValueProblem as problem:
                result.problems.append(
                    f"{qid}: the saved answer does not fit the question "
                    f"({problem}). Answer it again and save."
                )
                continue
        form = evaluate(question, value, case, None)
        if not form.complete:
            detail = "; ".join(form.messages) or "no answer yet"
            result.problems.append(f"{qid}: {detail}")
        if qid in lags:
            result.problems.append(lags[qid].message())
    if not stored:
        result.notes.append(
            "no answers/ folder next to the notebook: that is fine if you upload "
            "only the .ipynb, as long as you saved it after answering."
        )
