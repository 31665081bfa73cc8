"""'Export my answers' and 'Import answers', shown under ``lab.summary()``.

The export button collects every answer of the course (``course.progress``) and hands the file
to the browser as a download (``progress.js``: a Blob, no network, so it works the same on the
self-study site and in JupyterLab). The import is ipywidgets' ``FileUpload``: the chosen file is
checked and restored into each assignment's ``answers/`` folder, newer answers here are kept,
and a status line says what happened. UI only: the file's format and every decision about a
record are in ``course.progress``.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import anywidget
import ipywidgets as widgets
from traitlets import Unicode

from course.answers import now_iso
from course.messages import say
from course.progress import (
    ImportReport,
    ProgressFileProblem,
    assignment_homes,
    collect,
    count,
    export_name,
    export_text,
    import_records,
    parse_export,
)

HERE = Path(__file__).resolve().parent


class Downloads(anywidget.AnyWidget):
    """Turns a file sent from Python into a browser download; shows the status sentence."""

    _esm = (HERE / "progress.js").read_text(encoding="utf-8")
    _css = (HERE / "progress.css").read_text(encoding="utf-8")

    message = Unicode("").tag(sync=True)

    def offer(self, name: str, text: str) -> None:
        self.send({"type": "download", "name": name, "text": text})


class ProgressControls:
    """The two controls and their status line, for one notebook's ``Lab``."""

    def __init__(self, lab: Any) -> None:
        self.lab = lab
        self.export_button = widgets.Button(
            description=say("export_label"),
            icon="download",
            tooltip="Save every answer of the course in one file",
        )
        self.upload = widgets.FileUpload(
            description=say("import_label"),
            accept=".json,application/json",
            multiple=False,
            tooltip="Choose a file that 'Export my answers' saved",
        )
        self.status = Downloads()
        self.export_button.on_click(lambda _button: self.export())
        self.upload.observe(self._uploaded, names="value")
        self.widget = widgets.VBox(
            [
                widgets.HTML(f"<p>{html.escape(say('progress_intro'))}</p>"),
                widgets.HBox([self.export_button, self.upload]),
                self.status,
            ]
        )
        self.widget.add_class("sourcing-lab-progress")

    def show(self) -> ProgressControls:
        from IPython.display import display

        display(self.widget)
        return self

    def homes(self) -> dict[str, Path]:
        return assignment_homes(self.lab.folder, self.lab.assignment.assignment_id)

    def export(self) -> str | None:
        """What the button does: the file's text, sent to the page (None when empty)."""
        records = collect(self.homes())
        if not records:
            self.status.message = say("export_nothing")
            return None
        stamp = now_iso()
        name, text = export_name(stamp), export_text(records, stamp)
        self.status.offer(name, text)
        self.status.message = say("export_done", n=count(records), name=name)
        return text

    def import_file(self, name: str, data: bytes) -> ImportReport | None:
        """What choosing a file does: restore it, then say what happened."""
        try:
            parsed = parse_export(data, name=name)
        except ProgressFileProblem as problem:
            self.status.message = say("import_failed", problem=problem)
            return None
        report = import_records(parsed, self.homes())
        self.lab.reload_answers()
        self.status.message = "\n".join(report.lines())
        return report

    def _uploaded(self, change: dict[str, Any]) -> None:
        files = change["new"]
        if not files:
            return
        chosen = files[0]
        self.import_file(str(chosen["name"]), bytes(chosen["content"]))
        self.upload.value = ()  # the same file can be chosen again
