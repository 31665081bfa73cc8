"""'Export my answers' and 'Import answers' under lab.summary(), without a browser: the file
the button sends to the page, the upload restoring it, bad files told plainly."""

from __future__ import annotations

import json

import pytest

from course.answers import AnswerStore
from course.lab import Lab
from course.progress import FORMAT, PROGRESS_ENV
from course.widgets.progress import Downloads, ProgressControls


@pytest.fixture
def sent(monkeypatch):
    """What the Python side sent to the page (custom messages of the Downloads widget)."""
    messages: list = []
    monkeypatch.setattr(
        Downloads, "send", lambda self, content, buffers=None: messages.append(content)
    )
    return messages


@pytest.fixture
def workspace(tmp_path, monkeypatch):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    return tmp_path / "workspace"


def _lab(workspace, aid="a01_provenance"):
    return Lab(aid, folder=workspace / aid)


def test_the_button_sends_one_file_of_every_assignment(workspace, sent, frontend):
    _lab(workspace, "a02_attribution").record("q4_anonymous_rule", "named")
    lab = _lab(workspace)
    lab.record("q2_posted_where", "dod_site")
    controls = ProgressControls(lab).show()
    controls.export_button.click()
    (message,) = sent
    assert message["type"] == "download"
    assert message["name"].startswith("sourcing-lab-answers-") and message["name"].endswith(".json")
    document = json.loads(message["text"])
    assert document["format"] == FORMAT
    assert document["assignments"]["a02_attribution"]["q4_anonymous_rule"]["value"] == "named"
    assert document["assignments"]["a01_provenance"]["q2_posted_where"]["value"] == "dod_site"
    assert controls.status.message == f"Saved 2 answer(s) in {message['name']}."


def test_with_no_answer_the_button_says_so_and_sends_nothing(workspace, sent, frontend):
    controls = ProgressControls(_lab(workspace))
    controls.export_button.click()
    assert sent == [] and "no answer to export yet" in controls.status.message


def test_an_uploaded_export_restores_answers_into_the_running_lab(
    workspace, tmp_path, sent, frontend
):
    home = tmp_path / "home" / "a01_provenance"
    Lab("a01_provenance", folder=home).record("q2_posted_where", "wire_service")
    ProgressControls(Lab("a01_provenance", folder=home)).export_button.click()
    exported = sent[0]["text"].encode()

    lab = _lab(workspace)
    controls = ProgressControls(lab)
    # As the page sends a chosen file (ipywidgets' own deserializer turns it into the value).
    controls.upload.set_state(
        {
            "value": [
                {
                    "name": "mine.json",
                    "type": "application/json",
                    "size": len(exported),
                    "content": memoryview(exported),
                    "last_modified": 1764741600000,
                },
            ]
        }
    )
    assert controls.upload.value == ()  # ready for the next file
    assert "Restored 1 answer(s)" in controls.status.message
    assert lab.answer("q2_posted_where") == "wire_service"
    assert AnswerStore(workspace / "a01_provenance").read("q2_posted_where").value == "wire_service"


def test_a_file_that_is_no_export_is_refused_in_plain_words(workspace, frontend):
    lab = _lab(workspace)
    lab.record("q2_posted_where", "dod_site")
    controls = ProgressControls(lab)
    assert controls.import_file("holiday.jpg", b"\xff\xd8\xff\xe0") is None
    assert controls.status.message.startswith("That file could not be imported.")
    assert "holiday.jpg is not a file of answers" in controls.status.message
    assert lab.answer("q2_posted_where") == "dod_site"  # nothing lost


def test_summary_shows_the_controls_except_in_a_grading_run(workspace, frontend, monkeypatch):
    lab = _lab(workspace)
    lab.summary()
    shown = [obj for kind, obj in frontend if kind == "display"]
    assert any("sourcing-lab-progress" in getattr(obj, "_dom_classes", ()) for obj in shown)
    frontend.clear()
    monkeypatch.setenv("SOURCING_LAB_GRADING", "1")
    lab.summary()
    assert not [obj for kind, obj in frontend if hasattr(obj, "_dom_classes")]
