"""``Lab``: what a notebook cell talks to. It restores, records and checks answers.

    from course.lab import Lab
    lab = Lab("a02_attribution", notebook="attribution.ipynb")
    lab.show("q2_tags")        # the widget, restored to the recorded answer
    lab.check("q2_tags")       # the visible check: form feedback, never correctness

Widgets only hold state and forward it here; correctness is decided by ``course.checks``.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import Any

from course.answers import (
    MIME,
    REFUSAL_MIME,
    AnswerRecord,
    AnswerStore,
    NotebookLag,
    RecordProblem,
    merge_newest,
    notebook_lags,
    now_iso,
    read_notebook_records,
)
from course.checks import Result, ValueProblem, clean_value
from course.checks.dispatch import evaluate
from course.items import REGISTRY
from course.messages import say
from course.progress import answers_home
from course.questions import Question, allowed_ids, load_assignment
from course.selfstudy import key_for


class Lab:
    """One assignment's answers in one folder (the notebook's folder by default)."""

    def __init__(
        self, assignment_id: str, notebook: str | None = None, *, folder: str | Path | None = None
    ) -> None:
        self.assignment = load_assignment(assignment_id)
        self.case = self.assignment.case
        self.folder = Path(folder) if folder is not None else Path.cwd()
        self.store = AnswerStore(answers_home(self.folder, self.assignment.assignment_id))
        self.notebook_path = _notebook_path(self.folder, notebook)
        aid = self.assignment.assignment_id
        embedded = read_notebook_records(self.notebook_path, aid) if self.notebook_path else {}
        stored = self.store.read_all()
        merged = merge_newest(stored, embedded)
        # Records for questions this assignment does not have are ignored, never an error.
        self._records = {q: r for q, r in merged.items() if q in self.assignment.questions}
        self._heal(stored)
        self._handles: dict[str, Any] = {}
        self._views: dict[str, Any] = {}

    def _heal(self, stored: dict[str, AnswerRecord | RecordProblem]) -> None:
        """Write back notebook records that are newer than (or missing from) answers/."""
        for qid, record in self._records.items():
            if isinstance(record, AnswerRecord) and stored.get(qid) != record:
                # A read-only folder is fine: the notebook still carries the answer.
                with contextlib.suppress(OSError, ValueError):
                    self.store.write(record)

    # -- answers ------------------------------------------------------------------------
    @property
    def self_study(self) -> bool:
        """True only where the open keys are present (see ``course.selfstudy``)."""
        from course.selfstudy import open_keys

        return open_keys(self.case.case_id) is not None

    def question(self, question_id: str) -> Question:
        return self.assignment.question(question_id)

    def restored(self, question_id: str) -> tuple[Any, str]:
        """(value, message) to start a widget with; a bad record gives (None, why)."""
        question = self.question(question_id)
        record = self._records.get(question_id)
        if record is None:
            return None, ""
        if isinstance(record, RecordProblem):
            return None, say("record_unreadable")
        try:
            value = clean_value(question.item_type, record.value, allowed_ids(question, self.case))
        except ValueProblem as problem:
            return None, say("record_invalid", problem=problem)
        if record.item_type != question.item_type:
            return None, say("record_invalid", problem="it belongs to another kind of question")
        return value, say("restored") if value not in (None, "", {}, []) else ""

    def answer(self, question_id: str) -> Any:
        return self.restored(question_id)[0]

    def record(self, question_id: str, value: Any) -> AnswerRecord:
        """Validate and record ``value``; raises ValueProblem / OSError with a clear reason."""
        question = self.question(question_id)
        value = clean_value(question.item_type, value, allowed_ids(question, self.case))
        previous = self._records.get(question_id)
        sequence = previous.sequence + 1 if isinstance(previous, AnswerRecord) else 1
        record = AnswerRecord(
            question_id,
            question.item_type,
            value,
            sequence,
            now_iso(),
            assignment_id=self.assignment.assignment_id,
        )
        self.store.write(record)
        self._records[question_id] = record
        self._publish(record)
        return record

    # -- checks -------------------------------------------------------------------------
    def result(self, question_id: str, *, scored: bool | None = None) -> Result:
        """Form result, or the scored one in self-study mode (``scored`` forces either)."""
        question = self.question(question_id)
        key = None
        if scored is not False:
            answers = {qid: self.answer(qid) for qid in self.assignment.questions}
            key = key_for(question, self.assignment.assignment_id, self.case.case_id, answers)
        return evaluate(question, self.answer(question_id), self.case, key)

    def check(self, question_id: str) -> None:
        """The visible check cell: show form feedback (never correctness in graded mode).

        Under nbgrader's Validate button (``NBGRADER_VALIDATING``) it also fails the cell, on
        stderr, when the saved notebook's copy of the answer is older than answers/ or missing.
        """
        _show_text(_format(self.result(question_id, scored=False)))
        if os.environ.get("NBGRADER_VALIDATING") == "1":
            import sys

            for lag in self.notebook_lags().values():
                if lag.question_id in self._speaks_for(question_id):
                    print(lag.message(), file=sys.stderr)

    def _speaks_for(self, question_id: str) -> set[str]:
        """The questions a check cell reports on: its own, and for the first check cell also
        the items that have none (written answers)."""
        questions = self.assignment.questions
        has_check = {q: REGISTRY[x.item_type].auto_scored for q, x in questions.items()}
        checked = [q for q, check_cell in has_check.items() if check_cell]
        if checked[:1] != [question_id]:
            return {question_id}
        return {question_id} | {q for q, check_cell in has_check.items() if not check_cell}

    def notebook_lags(self) -> dict[str, NotebookLag]:
        """Answers that the saved notebook holds in an older version than answers/, or not at
        all (only answers a notebook uploaded alone is graded on; empty when the notebook file
        is unknown)."""
        if self.notebook_path is None or not self.notebook_path.is_file():
            return {}
        embedded = read_notebook_records(self.notebook_path, self.assignment.assignment_id)
        lags = notebook_lags(self.store.read_all(), embedded)
        return {
            qid: lag
            for qid, lag in lags.items()
            if qid in self.assignment.questions and REGISTRY[self.question(qid).item_type].graded
        }

    def record_value(self, question_id: str, compute: Any) -> None:
        """For code answers: call ``compute()`` and record its result as plain data."""
        try:
            value = compute()
        except NameError:
            value = None
        except Exception as error:  # the learner's own code failed: say so, kindly
            _show_text(say("value_error", error=type(error).__name__))
            return
        from IPython.display import display

        try:
            # None is recorded too: clearing the answer cell clears the recorded value.
            record = self.record(question_id, _to_plain(value))
        except ValueProblem as problem:
            # As data for the grader (it can only cost this item), and in words for the learner.
            refusal = {"question_id": question_id, "problem": str(problem)[:200]}
            text = say("value_not_plain", problem=problem)
            display({REFUSAL_MIME: refusal, "text/plain": text}, raw=True)
        else:
            # Kept in this cell's output too, so the saved notebook carries the value.
            display(_record_bundle(record, question_id), raw=True)
        self.check(question_id)

    def answer_table(self, question_id: str) -> Any:
        """Your recorded tags or verdicts as a pandas DataFrame, one row per part.

        Span tagger: columns ``segment_id, text, source_type``. Claim verdicts: columns
        ``claim_id, label, verdict, evidence``. Parts you have not answered are left out.
        """
        import pandas as pd

        question = self.question(question_id)
        table = REGISTRY[question.item_type].table
        if table is None:
            raise ValueError(f"{question_id} is a {question.item_type} item; no table for it")
        columns, rows = table(question, self.answer(question_id) or {}, self.case)
        return pd.DataFrame(rows, columns=columns)

    def summary(self) -> None:
        """Print which questions are answered and which still need work (form only)."""
        lines, missing = [], 0
        for qid, question in self.assignment.questions.items():
            if not REGISTRY[question.item_type].graded:
                continue
            result = self.result(qid, scored=False)
            missing += not result.complete
            mark = "✔ done" if result.complete else "○ to do"
            lines.append(f"{mark}  {qid}: {question.prompt}")
        lines.append(say("summary_done") if not missing else say("summary_missing", n=missing))
        lines += [lag.message() for lag in self.notebook_lags().values()]
        _show_text("\n".join(lines))
        self.progress_controls()

    def progress_controls(self) -> Any:
        """'Export my answers' and 'Import answers' (``course.progress``); none when grading."""
        if os.environ.get("SOURCING_LAB_GRADING") == "1":
            return None
        from course.widgets.progress import ProgressControls

        return ProgressControls(self).show()

    def reload_answers(self) -> None:
        """Read answers/ again (after an import): its newer records replace those in memory."""
        for qid, record in self.store.read_all().items():
            current = self._records.get(qid)
            older = current if isinstance(current, AnswerRecord) else None
            if isinstance(record, AnswerRecord) and qid in self.assignment.questions:
                self._records[qid] = record if record.is_newer_than(older) else current

    def kit_scores(self, question_id: str) -> None:
        """In a hidden test region: fail safe under stock nbgrader.

        The kit's grader replaces this cell's output with the score it computes from the
        recorded answer. Run without the kit's configuration, nbgrader sees this stderr
        message and scores the item 0 (never full marks), and the message says why.
        """
        import sys

        self.question(question_id)
        print(say("kit_scores", question_id=question_id), file=sys.stderr)

    def show_article(self) -> None:
        """The article as posted, sentence by sentence, numbered for reference and grouped by
        the parts of the post (so the run-on body's start and end are marked)."""
        from IPython.display import HTML, display

        from course.article_view import article_html

        display(HTML(article_html(self.case)))

    def cite(self, question_id: str, claim_id: str, doc_id: str) -> AnswerRecord | None:
        """Add ``doc_id`` to a claim's evidence in claim-verdicts question ``question_id`` (the
        source desk's "Cite for claim N"); through its widget when it is shown."""
        view = self._views.get(question_id)
        if view is not None:
            view.cite(claim_id, doc_id)
            record = self._records.get(question_id)
            return record if isinstance(record, AnswerRecord) else None
        value = dict(self.answer(question_id) or {})
        entry = value.get(claim_id) or {"verdict": "", "evidence": []}
        if doc_id not in entry["evidence"]:
            value[claim_id] = {**entry, "evidence": [*entry["evidence"], doc_id]}
        return self.record(question_id, value)

    # -- widgets ------------------------------------------------------------------------
    def show(self, question_id: str) -> Any:
        """Build and display the question's widget, then its answer-record line.

        In a grading run nobody sees the widget: only the record line is shown, which saves
        building widgets for every submission (scores never depend on this kernel anyway).
        """
        from IPython.display import display

        if os.environ.get("SOURCING_LAB_GRADING") == "1":
            record = self._records.get(question_id)
            display(
                _record_bundle(record if isinstance(record, AnswerRecord) else None, question_id),
                raw=True,
            )
            return None
        from course.widgets import build_view

        previous = self._views.pop(question_id, None)
        if previous is not None:  # the cell ran again: its old widgets are gone from the page
            previous.close()
        view = build_view(self, self.question(question_id))
        self._views[question_id] = view
        record = self._records.get(question_id)
        view.status.show_record(record if isinstance(record, AnswerRecord) else None)
        display(view.widget)
        self._handles[question_id] = display(
            _record_bundle(record if isinstance(record, AnswerRecord) else None, question_id),
            raw=True,
            display_id=True,
        )
        return view

    def _publish(self, record: AnswerRecord) -> None:
        """Into the notebook: the answer line (an output the kernel updates) and the status
        widget, whose page keeps the record in the notebook's metadata."""
        handle = self._handles.get(record.question_id)
        if handle is not None:
            handle.update(_record_bundle(record, record.question_id), raw=True)
        view = self._views.get(record.question_id)
        if view is not None:
            view.status.show_record(record)


def _notebook_path(folder: Path, notebook: str | None) -> Path | None:
    session = os.environ.get("JPY_SESSION_NAME")
    if session and session.endswith(".ipynb") and Path(session).is_file():
        return Path(session)
    return folder / notebook if notebook else None


def _record_bundle(record: AnswerRecord | None, question_id: str) -> dict[str, Any]:
    if record is None:
        return {"text/plain": f"{question_id}: {say('no_answer_yet')}"}
    text = f"{question_id}: {say('recorded', when=record.when)}"
    item = REGISTRY.get(record.item_type)  # a record read from disk may name any type
    if item is not None and item.manual and isinstance(record.value, str):
        text += "\n" + record.value  # so graders see the text in formgrader
    return {MIME: record.to_json(), "text/plain": text}


def _format(result: Result) -> str:
    return "\n".join(result.messages) or say("no_answer_yet")


def _show_text(text: str) -> None:
    print(text)


def _to_plain(value: Any) -> Any:
    """pandas and numpy values become plain Python data (numbers, lists, dicts)."""
    if isinstance(value, str | bool | int | float) or value is None:
        return value
    if hasattr(value, "to_dict") and not isinstance(value, dict):  # pandas Series / DataFrame
        value = value.to_dict()
    elif hasattr(value, "tolist"):  # numpy arrays and numpy scalars
        value = value.tolist()
    elif hasattr(value, "item") and callable(value.item):
        try:
            value = value.item()
        except (TypeError, ValueError):
            return value
    if isinstance(value, dict):
        return {str(k): _to_plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_to_plain(v) for v in value]
    return value
