"""Release step: a released notebook never carries recorded answers in its metadata.

The browser page keeps the newest answer records in the notebook's metadata (see
``course.answers``), and ipywidgets can save every widget's state there; both would hold the
instructor's own answers if a solution notebook was run and saved. nbgrader's ClearOutput
removes outputs only, so this removes those metadata entries too.
"""

from __future__ import annotations

from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from course.answers import NOTEBOOK_KEY

WIDGET_STATE = "widgets"


class ClearAnswerRecords(NbGraderPreprocessor):
    """In ``GenerateAssignment.preprocessors``, next to ClearOutput."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> Any:
        for key in (NOTEBOOK_KEY, WIDGET_STATE):
            if nb.metadata.pop(key, None) is not None:
                self.log.info("removed the notebook's '%s' metadata from the release", key)
        return nb, resources
