"""Autograde step: score every kit-graded item in the grader's own process.

``ScoreAnswers`` comes after Execute and LimitOutput, before SaveAutoGrades. For each check cell
``<qid>_check`` of a question the kit scores, it replaces the cell's outputs with the reasons and
the score (``execute_result`` "1.5"), which nbgrader's SaveAutoGrades stores as partial credit.
Whatever the student's kernel printed or raised there does not count.

- Widget answers come from the harvest (read before the kernel ran).
- Code answers come from the record the grading run produced in that check cell; a timeout,
  deadline or crash in the notebook gives zero with that reason.
- Written answers are shown to graders as submitted, in the widget cell's output.
- What a check cell shows (and so what feedback shows) is worded without the key's hints: the
  item is scored a second time against a copy of its key with the hints removed, so the checks
  give their general wording. The hints stay in the result file, for the instructor.
- The result file also holds the isolation the kernel got and what the intake left out.

``FlagForReview`` comes after SaveAutoGrades and marks flagged items for manual review.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import time
from pathlib import Path
from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader.api import Gradebook
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from course import grade_ids
from course.answers import MIME, REFUSAL_MIME, AnswerRecord
from course.checks import ValueProblem, clean_value
from course.checks.dispatch import evaluate
from course.items import REGISTRY
from course.questions import Question, allowed_ids, load_assignment
from sourcing_lab.grading.ledger import (
    Harvest,
    ItemOutcome,
    ItemState,
    find_coursedir,
    forget,
    ignored_entries,
    outcome_dicts,
    recall,
    result_path,
    write_result,
)
from sourcing_lab.grading.status import submitted_timestamp
from sourcing_lab.key_lookup import key_for_question
from sourcing_lab.keys import load_keys

FAULTS = {
    "CellTimeoutError": "timeout: the code ran longer than the time allowed for one cell",
    "DeadlineExceeded": "deadline: the whole notebook ran out of time before this cell",
    "DeadKernelError": "kernel crashed: the code stopped the Python process",
    "MemoryError": "memory: the code used more memory than allowed",
    "KernelStopped": "timeout: the code ran too long and the kernel was stopped",
}


def _text(text: str) -> NotebookNode:
    return NotebookNode(output_type="display_data", metadata={}, data={"text/plain": text})


def _score_output(score: float) -> NotebookNode:
    return NotebookNode(
        output_type="execute_result",
        metadata={},
        execution_count=None,
        data={"text/plain": f"{score:g}"},
    )


class ScoreAnswers(NbGraderPreprocessor):
    keys_dir = Unicode("", help="Folder holding the case's key folders (default: the kit's).").tag(
        config=True
    )

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> Any:
        began = time.perf_counter()
        info = resources["nbgrader"]
        key = (info["student"], info["assignment"], info["notebook"])
        harvest = recall(key)
        assignment = load_assignment(info["assignment"])
        case = assignment.case
        keys = self._keys(case)
        answers = self._clean_answers(harvest, assignment, case)
        fault = _notebook_fault(nb)
        outcomes = []
        for cell in nb.cells:
            grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
            qid = grade_ids.question_of(grade_id)
            question = assignment.questions.get(qid)
            if question is None:
                continue
            item = REGISTRY[question.item_type]
            if grade_ids.is_widget(grade_id) and item.manual:
                cell.outputs = [_text(_written_view(harvest, qid))]
            elif grade_ids.is_check(grade_id) and item.auto_scored:
                outcome = self._score_cell(
                    cell, question, answers, harvest, case, keys, info["assignment"], fault
                )
                outcomes.append(outcome)
                harvest.outcomes[outcome.grade_id] = outcome
        timings = resources.setdefault("sourcing_lab", {}).setdefault("timings", {})
        timings["scoring"] = time.perf_counter() - began
        self._write_result(info, harvest, answers, outcomes, resources)
        nb.metadata.pop("widgets", None)  # saved widget state: large, and not needed to grade
        return nb, resources

    def _keys(self, case: Any) -> Any:
        return load_keys(case, keys_root=self.keys_dir or None)

    def _clean_answers(self, harvest: Harvest, assignment: Any, case: Any) -> dict[str, Any]:
        clean: dict[str, Any] = {}
        for qid, record in harvest.records.items():
            question = assignment.questions[qid]
            if record.item_type != question.item_type:
                harvest.problems[qid] = "the answer belongs to another kind of question"
                continue
            try:
                clean[qid] = clean_value(
                    question.item_type, record.value, allowed_ids(question, case)
                )
            except ValueProblem as problem:
                harvest.problems[qid] = f"the recorded answer did not fit the question ({problem})"
        return clean

    def _score_cell(
        self,
        cell: NotebookNode,
        question: Question,
        answers: dict[str, Any],
        harvest: Harvest,
        case: Any,
        keys: Any,
        assignment_id: str,
        fault: str,
    ) -> ItemOutcome:
        points = float(cell.metadata["nbgrader"].get("points", 0))
        qid = question.question_id
        reasons: list[str] = []
        state = ItemState.GRADED
        if REGISTRY[question.item_type].value_from_code:
            value, problem = _executed_value(cell, question, case)
            problem = problem or (fault if value is None and fault else "")
            answers[qid] = value
        else:
            value, problem = answers.get(qid), harvest.problems.get(qid, "")
        if problem:
            reasons.append(f"Scored 0: {problem}.")
            state = ItemState.ZERO
            score = 0.0
            shown = list(reasons)
        else:
            key = key_for_question(keys, assignment_id, question, case, answers)
            result = evaluate(question, value, case, key)
            score = min(max(result.scaled(points), 0.0), points)
            reasons += result.messages
            shown = evaluate(question, value, case, without_hints(key)).messages
        flag = harvest.flags.get(grade_ids.answer_id(qid)) or harvest.flags.get(
            grade_ids.check_id(qid)
        )
        if flag:
            state = ItemState.FLAG
            reasons.append(f"Flagged for review: {flag}.")
            shown.append(f"Flagged for review: {flag}.")
        cell.outputs = [_text("\n".join(shown) or "Scored."), _score_output(score)]
        return ItemOutcome(
            qid, cell.metadata["nbgrader"]["grade_id"], state, score, points, reasons
        )

    def _write_result(
        self,
        info: dict[str, str],
        harvest: Harvest,
        answers: dict[str, Any],
        outcomes: list[ItemOutcome],
        resources: dict[str, Any],
    ) -> None:
        coursedir = find_coursedir(self)
        if coursedir is None:
            return
        timestamp = submitted_timestamp(Path(resources["metadata"]["path"]))
        isolation = resources.get("sourcing_lab", {}).get("isolation")
        ignored = ignored_entries(coursedir.root, info["assignment"], info["student"])
        path = result_path(coursedir.root, info["assignment"], info["student"], info["notebook"])
        write_result(
            path,
            {
                "student": info["student"],
                "assignment": info["assignment"],
                "notebook": info["notebook"],
                "submission_timestamp": timestamp,
                "graded_at": dt.datetime.now(dt.UTC).isoformat(),
                "outcomes": outcome_dicts(outcomes),
                "answers": answers,
                "problems": harvest.problems,
                "notes": harvest.notes,
                "flags": harvest.flags,
                "disagreements": harvest.disagreements,
                "isolation": isolation,
                "ignored_files": ignored,
                "timings": resources.get("sourcing_lab", {}).get("timings", {}),
            },
        )


def without_hints(key: Any) -> Any:
    """A copy of an item's key with every hint emptied (keys are dataclasses, or dicts and
    tuples of them)."""
    if dataclasses.is_dataclass(key) and not isinstance(key, type):
        changes = {
            f.name: type(getattr(key, f.name))()
            for f in dataclasses.fields(key)
            if "hint" in f.name
        }
        return dataclasses.replace(key, **changes)
    if isinstance(key, dict):
        return {name: without_hints(value) for name, value in key.items()}
    if isinstance(key, tuple):
        return tuple(without_hints(value) for value in key)
    return key


def _executed_value(cell: NotebookNode, question: Question, case: Any) -> tuple[Any, str]:
    """The value recorded by the grading run in this check cell, or the fault that stopped it."""
    value = None
    for output in cell.get("outputs", []):
        if output.get("output_type") == "error" and output.get("ename") in FAULTS:
            return None, FAULTS[output["ename"]]
        data = output.get("data") or {}
        refusal = data.get(REFUSAL_MIME)
        if isinstance(refusal, dict) and refusal.get("question_id") == question.question_id:
            # Lab.record_value refused the value in the kernel (it can only cost this item)
            return None, f"the value was not plain data ({str(refusal.get('problem'))[:80]})"
        if MIME in data:
            try:
                record = AnswerRecord.from_json(data[MIME])
                if record.question_id == question.question_id:
                    value = clean_value(
                        question.item_type, record.value, allowed_ids(question, case)
                    )
            except (ValueError, ValueProblem):
                return None, "the recorded value was not plain data"
    return value, ""


def _notebook_fault(nb: NotebookNode) -> str:
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error" and output.get("ename") in FAULTS:
                return FAULTS[output["ename"]]
    return ""


def _written_view(harvest: Harvest, qid: str) -> str:
    record = harvest.records.get(qid)
    if record is None or not isinstance(record.value, str) or not record.value.strip():
        return "Written answer: (none submitted)"
    return "Written answer, as submitted:\n\n" + record.value


class FlagForReview(NbGraderPreprocessor):
    """After SaveAutoGrades: flagged items need a person's look in formgrader.

    Which items are flagged comes from ScoreAnswers' outcomes in the harvest (the grader's
    memory), never from the text a cell shows: a student's own output cannot flag an item, and
    rewording a message cannot lose a flag. The last kit step of a notebook: it drops the harvest.
    """

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> Any:
        info = resources["nbgrader"]
        key = (info["student"], info["assignment"], info["notebook"])
        flagged = recall(key).flagged()
        forget(key)
        if not flagged:
            return nb, resources
        with Gradebook(info["db_url"]) as gradebook:
            for grade_id in flagged:
                grade = gradebook.find_grade(
                    grade_id, info["notebook"], info["assignment"], info["student"]
                )
                grade.needs_manual_grade = True
            gradebook.db.commit()
        return nb, resources
