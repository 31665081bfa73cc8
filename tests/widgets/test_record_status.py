"""The status line is a RecordStatus that carries each item's newest record to the page; a cell
run again replaces its widgets; the Lab reports answers the saved notebook lacks (summary, and
check cells under nbgrader's Validate) and restores from the notebook's metadata channel."""

from __future__ import annotations

import json
import re

import pytest

from course.answers import MIME, NOTEBOOK_KEY, AnswerRecord, AnswerStore
from course.lab import Lab
from course.messages import say
from course.widgets.base import NO_RECORD
from course.widgets.record_status import PAGE_TEXTS, RecordStatus

NOTEBOOK = "attribution.ipynb"


@pytest.fixture(autouse=True)
def _no_jupyter_session(monkeypatch):
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.delenv("NBGRADER_VALIDATING", raising=False)


def _saved_notebook(folder, outputs=(), metadata=()):
    """A saved notebook whose outputs and metadata hold the given records."""
    cell = {
        "cell_type": "code",
        "metadata": {},
        "source": "",
        "execution_count": 1,
        "outputs": [
            {"output_type": "display_data", "metadata": {}, "data": {MIME: r.to_json()}}
            for r in outputs
        ],
    }
    answers = {f"{r.assignment_id}/{r.question_id}": r.to_json() for r in metadata}
    nb = {"cells": [cell], "metadata": {NOTEBOOK_KEY: {"answers": answers}}, "nbformat": 4}
    nb["nbformat_minor"] = 5
    (folder / NOTEBOOK).write_text(json.dumps(nb), encoding="utf-8")


def _rec(qid, value, sequence, item_type="choice"):
    at = f"2026-11-20T09:00:{sequence:02d}.000Z"
    return AnswerRecord(qid, item_type, value, sequence, at, assignment_id="a02_attribution")


def test_every_item_status_is_a_record_status_that_carries_the_newest_record(tmp_path, frontend):
    lab = Lab("a02_attribution", folder=tmp_path)
    view = lab.show("q4_anonymous_rule")
    status = view.status
    assert isinstance(status, RecordStatus)
    assert status.question_id == "q4_anonymous_rule" and status.assignment_id == "a02_attribution"
    assert status.ref == status.model_id and status.record == {} and status.page == ""
    assert status.texts == {key: say(key) for key in PAGE_TEXTS}
    assert "reloaded" in status.texts["page_reopened"]
    assert NO_RECORD in view.check_button._dom_classes
    view.choose("not_enough")
    assert status.record["value"] == "not_enough" and status.record["sequence"] == 1
    assert "Answer recorded" in status.value
    again = Lab("a02_attribution", folder=tmp_path).show("q4_anonymous_rule")
    assert again.status.record == status.record  # restored: the page starts from the record


def test_a_cell_run_again_closes_its_old_widgets(tmp_path, frontend):
    lab = Lab("a02_attribution", folder=tmp_path)
    first = lab.show("q3_hedges")
    body, feedback = first.choices, first.feedback
    second = lab.show("q3_hedges")
    assert first.widget.comm is None and first.status.comm is None and body.comm is None
    assert feedback.comm is None and second.widget.comm is not None
    second.choose(["sources_say"])
    assert second.status.record["value"] == ["sources_say"]


def test_the_written_answer_reaches_python_when_typing_pauses_not_at_every_key(tmp_path, frontend):
    view = Lab("a02_attribution", folder=tmp_path).show("q7_written")
    assert view.text.continuous_update is False  # the page sends it on pause, blur, save
    view.text.value = "One sentence."
    assert view.status.record["value"] == "One sentence."


def test_summary_says_which_answers_the_saved_notebook_lacks(tmp_path, frontend, capsys):
    store = AnswerStore(tmp_path)
    store.write(_rec("q4_anonymous_rule", "not_enough", 3))
    store.write(_rec("q3_hedges", ["sources_say"], 2))
    store.write(_rec("q5_counts", None, 1, "code_value"))  # empty: nothing lost
    _saved_notebook(tmp_path, outputs=[_rec("q4_anonymous_rule", "named", 2)])
    Lab("a02_attribution", notebook=NOTEBOOK, folder=tmp_path).summary()
    printed = capsys.readouterr().out
    assert "q4_anonymous_rule: the saved notebook holds an older answer" in printed
    assert "q3_hedges: your answer is in the answers/ folder but not in the saved" in printed
    assert "q5_counts" not in printed.split("need an answer.")[1]
    # Once the notebook is saved with the newest copies (here: in its metadata), all is well.
    _saved_notebook(
        tmp_path,
        outputs=[_rec("q4_anonymous_rule", "named", 2)],
        metadata=[
            _rec("q4_anonymous_rule", "not_enough", 3),
            _rec("q3_hedges", ["sources_say"], 2),
        ],
    )
    Lab("a02_attribution", notebook=NOTEBOOK, folder=tmp_path).summary()
    assert "saved notebook" not in capsys.readouterr().out


def test_check_cells_fail_under_nbgrader_validate_when_the_notebook_copy_lags(
    tmp_path, frontend, capsys, monkeypatch
):
    store = AnswerStore(tmp_path)
    store.write(_rec("q4_anonymous_rule", "not_enough", 3))
    store.write(_rec("q2_tags", {"s01": "none"}, 1, "span_tagger"))
    store.write(_rec("q7_written", "My text.", 1, "written"))
    _saved_notebook(tmp_path, outputs=[_rec("q4_anonymous_rule", "named", 2)])
    lab = Lab("a02_attribution", notebook=NOTEBOOK, folder=tmp_path)
    lab.check("q4_anonymous_rule")
    assert capsys.readouterr().err == ""  # outside nbgrader's Validate: form feedback only
    monkeypatch.setenv("NBGRADER_VALIDATING", "1")
    lab.check("q4_anonymous_rule")
    err = capsys.readouterr().err
    assert err.startswith("q4_anonymous_rule: the saved notebook holds an older answer")
    assert "q7_written" not in err and "q2_tags" not in err
    lab.check("q2_tags")  # the first check cell also speaks for the written answer
    err = capsys.readouterr().err
    assert "q2_tags: your answer is in the answers/ folder" in err
    assert "q7_written: your answer is in the answers/ folder" in err
    lab.check("q3_hedges")
    assert capsys.readouterr().err == ""  # nothing recorded, nothing lost


def test_the_lab_restores_from_the_metadata_channel_when_the_outputs_are_stale(tmp_path, frontend):
    _saved_notebook(
        tmp_path,
        outputs=[_rec("q4_anonymous_rule", "named", 2)],
        metadata=[_rec("q4_anonymous_rule", "not_enough", 5)],
    )
    lab = Lab("a02_attribution", notebook=NOTEBOOK, folder=tmp_path)  # no answers/ folder
    assert lab.answer("q4_anonymous_rule") == "not_enough"
    view = lab.show("q4_anonymous_rule")
    assert view.choices.value == "not_enough" and view.status.record["sequence"] == 5
    view.choose("named")
    assert AnswerStore(tmp_path).read("q4_anonymous_rule").sequence == 6


def test_the_page_module_and_python_name_the_same_things():
    from course.widgets.record_status import HERE

    source = (HERE / "record_status.js").read_text(encoding="utf-8")
    assert f'const KEY = "{NOTEBOOK_KEY}";' in source  # the notebook metadata channel
    assert f'const NO_RECORD = "{NO_RECORD}";' in source
    assert 'const ITEM = ".sourcing-lab-item";' in source  # ItemView's box class
    assert set(re.findall(r"texts\.(\w+)", source)) == set(PAGE_TEXTS)
    assert "export default { initialize, render };" in source
