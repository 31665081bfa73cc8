"""The status line under every item, and the item's newest record in the browser page.

An anywidget (plain ES module, no build step): ``record_status.js`` says what that module does
in the browser. Python sets ``value`` (the status sentence) and ``record`` (the newest
:class:`~course.answers.AnswerRecord` as JSON); the page sets ``page`` (which page ran the
cell). Item widgets, whatever they are built with, put one of these in their box: it works on
the enclosing ``.sourcing-lab-item`` element.
"""

from __future__ import annotations

from pathlib import Path

import anywidget
from traitlets import Dict, Unicode

from course.answers import AnswerRecord
from course.messages import say

HERE = Path(__file__).resolve().parent
# Sentences the page shows by itself, when Python cannot be asked.
PAGE_TEXTS = ("page_reopened", "page_reopened_unsaved", "not_connected")


class RecordStatus(anywidget.AnyWidget):
    _esm = (HERE / "record_status.js").read_text(encoding="utf-8")
    _css = (HERE / "record_status.css").read_text(encoding="utf-8")

    value = Unicode("").tag(sync=True)  # the status sentence Python last said
    record = Dict().tag(sync=True)  # the newest record ({} before the first answer)
    question_id = Unicode("").tag(sync=True)
    assignment_id = Unicode("").tag(sync=True)
    page = Unicode("").tag(sync=True)  # set by the browser page that ran the cell
    ref = Unicode("").tag(sync=True)  # this widget's model id, so the page can watch its channel
    texts = Dict().tag(sync=True)

    def __init__(self, question_id: str, assignment_id: str) -> None:
        super().__init__(
            question_id=question_id,
            assignment_id=assignment_id,
            texts={key: say(key) for key in PAGE_TEXTS},
        )
        self.ref = self.model_id

    def show_record(self, record: AnswerRecord | None) -> None:
        self.record = record.to_json() if record is not None else {}
