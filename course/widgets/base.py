"""What every item widget shares: prompt, body, Check / Show answer, feedback, status line.

A view holds state in ipywidgets controls, reads it out as plain data (``read_value``), puts
recorded data back (``apply_value``) and forwards every change to the Lab, which records it.
It never decides correctness: Check asks the Lab, which asks ``course.checks``. The status line
is a :class:`~course.widgets.record_status.RecordStatus`: it also carries the item's newest
record to the browser page, which keeps it in the saved notebook.
"""

from __future__ import annotations

import html
import uuid
from typing import Any

import ipywidgets as w

from course.checks import ValueProblem
from course.checks.result import PartStatus, Result
from course.messages import say
from course.questions import Question
from course.widgets.item_body import Feedback
from course.widgets.record_status import RecordStatus

SHOW_ANSWER_AFTER = 3
PLACEHOLDER = "— choose —"
NO_RECORD = "sourcing-lab-no-record"  # buttons that never change the answer (the page knows)
# Status is never shown by colour alone: every line starts with a word-like symbol.
MARKS = {
    PartStatus.CORRECT: "✔ Right",
    PartStatus.PARTIAL: "◐ Partly",
    PartStatus.WRONG: "✘ Not yet",
    PartStatus.MISSING: "○ Missing",
}


class ItemView:
    """Base class; subclasses build ``self.body`` and implement read/apply."""

    item_type = ""

    def __init__(self, lab: Any, question: Question) -> None:
        self.lab = lab
        self.question = question
        self.attempts = 0
        self._applying = False
        # Lets a control name its group after the prompt (a fieldset's aria-labelledby).
        self.prompt_id = f"sl-prompt-{uuid.uuid4().hex[:10]}"
        self.feedback = Feedback()
        self.status = RecordStatus(question.question_id, lab.assignment.assignment_id)
        self.body = self.build_body()
        self.check_button = w.Button(
            description="Check",
            tooltip="Check this answer",
            button_style="",
        )
        self.check_button.add_class(NO_RECORD)
        self.check_button.on_click(lambda _b: self.on_check())
        buttons = [self.check_button]
        self.answer_button: w.Button | None = None
        if lab.self_study:
            self.answer_button = w.Button(
                description="Show answer",
                tooltip=say("show_answer_locked", attempts=SHOW_ANSWER_AFTER),
                disabled=True,
            )
            self.answer_button.add_class(NO_RECORD)
            self.answer_button.on_click(lambda _b: self.on_show_answer())
            buttons.append(self.answer_button)
        prompt = w.HTML(value=f"<p id='{self.prompt_id}'><b>{html.escape(question.prompt)}</b></p>")
        self.widget = w.VBox(
            [prompt, self.body, w.HBox(buttons), self.feedback, self.status],
            layout=w.Layout(border="1px solid #888", padding="8px", margin="4px 0"),
        )
        self.widget.add_class("sourcing-lab-item")
        self.widget.add_class(f"sourcing-lab-{self.item_type.replace('_', '-')}")
        value, message = lab.restored(question.question_id)
        if value is not None:
            self._apply(value)
        self.status.value = message

    # -- subclass API -------------------------------------------------------------------
    def build_body(self) -> w.Widget:
        raise NotImplementedError

    def read_value(self) -> Any:
        raise NotImplementedError

    def apply_value(self, value: Any) -> None:
        raise NotImplementedError

    def _ipython_display_(self) -> None:
        """Shown by ``Lab.show``; as a cell's last value the view adds no second output."""

    # -- shared behaviour ---------------------------------------------------------------
    @property
    def value(self) -> Any:
        return self.read_value()

    def _apply(self, value: Any) -> None:
        self._applying = True
        try:
            self.apply_value(value)
        finally:
            self._applying = False

    def changed(self, *_args: Any) -> None:
        """Every control calls this on change: record the whole answer at once."""
        if self._applying:
            return
        try:
            record = self.lab.record(self.question.question_id, self.read_value())
        except (ValueProblem, OSError) as problem:
            self.status.value = say("record_not_saved", problem=problem)
            return
        self.status.value = say("recorded", when=record.when)

    def close(self) -> None:
        """Close every widget of this view (the cell ran again and shows a new one)."""
        close_tree(self.widget)

    def on_check(self) -> None:
        self.attempts += 1
        result = self.lab.result(self.question.question_id)
        self.feedback.value = render_result(result, graded_mode=not self.lab.self_study)
        if self.answer_button is not None and self.attempts >= SHOW_ANSWER_AFTER:
            self.answer_button.disabled = False
            self.answer_button.tooltip = "Show the reference answer"

    def on_show_answer(self) -> None:
        from course.selfstudy import reference_text

        text = reference_text(self.lab, self.question)
        self.feedback.value = (
            f"<p><b>Reference answer</b></p><pre style='white-space:pre-wrap'>"
            f"{html.escape(text)}</pre>"
        )


def render_result(result: Result, *, graded_mode: bool) -> str:
    """Feedback as HTML for the item's live region: one line per message, symbols not colour
    (the region itself, ``role="status"``, is made once by ``items.js`` and kept)."""
    lines = []
    if result.summary:
        lines.append(f"<p>{html.escape(result.summary)}</p>")
    items = []
    for part in result.parts:
        if part.message:
            mark = MARKS.get(part.status, "•")
            items.append(f"<li>{html.escape(mark)}: {html.escape(part.message)}</li>")
    items += [f"<li>{html.escape(note)}</li>" for note in result.notes]
    if items:
        lines.append("<ul>" + "".join(items) + "</ul>")
    if graded_mode and result.complete:
        lines.append(f"<p>{html.escape(say('graded_mode'))}</p>")
    if not lines:
        lines.append(f"<p>{html.escape(say('no_answer_yet'))}</p>")
    return "".join(lines)


def close_tree(widget: w.Widget) -> None:
    for child in getattr(widget, "children", ()):
        close_tree(child)
    for part in (getattr(widget, "layout", None), getattr(widget, "style", None)):
        if isinstance(part, w.Widget):
            part.close()
    widget.close()


def dropdown(options: dict[str, str], description: str) -> w.Dropdown:
    """A labelled dropdown whose first entry means "not answered" (value None)."""
    choices = [(PLACEHOLDER, None)] + [(label, key) for key, label in options.items()]
    return w.Dropdown(
        options=choices,
        value=None,
        description=description,
        style={"description_width": "initial"},
        layout=w.Layout(width="auto"),
    )
