"""The kit's own item controls and feedback region, as anywidgets (``items.js``, ``items.css``).

Plain ES modules with a Python model, no build step: they run wherever ipywidgets 8 runs
(JupyterLab 4, Notebook 7, VS Code, Colab, JupyterLite) and give the kit its own DOM, so radio
groups are real fieldsets with a legend, feedback lives in one persistent status region, and
the article can be drawn with its taggable parts highlighted.

- :class:`ItemBody`: ``kind`` names the control drawn by ``items.js`` (``choice``,
  ``span_tagger``), ``spec`` is what it needs to draw (labels, never an answer key) and
  ``value`` is the answer as plain data, set by the page or by Python (restore).
- :class:`Feedback`: a ``role="status"`` live region created once and updated in place (a
  region created together with its text is often not announced).
"""

from __future__ import annotations

from pathlib import Path

import anywidget
from traitlets import Any, Dict, Unicode

HERE = Path(__file__).resolve().parent
ESM = (HERE / "items.js").read_text(encoding="utf-8")
CSS = (HERE / "items.css").read_text(encoding="utf-8")


class ItemBody(anywidget.AnyWidget):
    _esm = ESM
    _css = CSS

    kind = Unicode("").tag(sync=True)
    spec = Dict().tag(sync=True)
    value = Any(None).tag(sync=True)


class Feedback(anywidget.AnyWidget):
    _esm = ESM
    _css = CSS

    kind = Unicode("feedback").tag(sync=True)
    value = Unicode("").tag(sync=True)  # HTML made by ``render_result`` (escaped text only)
