"""Recording: atomic files, records inside notebooks, newest wins, bad records isolated."""

from __future__ import annotations

import json
import os

import pytest

from course.answers import (
    FOLDER,
    LATER_BUT_LOWER,
    METADATA,
    MIME,
    NOTEBOOK_KEY,
    OUTPUTS,
    SAME_SEQUENCE,
    AnswerRecord,
    AnswerStore,
    RecordProblem,
    merge_newest,
    newest_of_channels,
    notebook_channels,
    notebook_lags,
    read_notebook_records,
    records_in_metadata,
    records_in_notebook,
)


def _record(qid="q1", value="x", sequence=1, at="2026-01-01T00:00:00.000Z"):
    return AnswerRecord(qid, "choice", value, sequence, at)


def test_write_then_read_round_trips(tmp_path):
    store = AnswerStore(tmp_path)
    path = store.write(_record(value={"s1": "none"}))
    assert path == tmp_path / "answers" / "q1.json"
    data = json.loads(path.read_text())
    assert data["schema_version"] == 1 and data["sequence"] == 1
    assert store.read("q1") == _record(value={"s1": "none"})


def test_a_write_that_dies_midway_keeps_the_previous_answer(tmp_path, monkeypatch):
    store = AnswerStore(tmp_path)
    store.write(_record(value="old"))

    def crash(*_args):
        raise OSError("disk died mid-write")

    monkeypatch.setattr(os, "fsync", crash)
    with pytest.raises(OSError):
        store.write(_record(value="new", sequence=2))
    assert store.read("q1").value == "old"
    assert [p.name for p in (tmp_path / "answers").iterdir()] == ["q1.json"]  # no temp left


@pytest.mark.parametrize(
    "content",
    [
        b'{"question_id": "q1", "item_ty',
        b"\xff\xfe",
        b"[]",
        b'{"question_id": "q1", "item_type": "choice", "sequence": "7", "recorded_at": "x",'
        b' "schema_version": 1}',
        b'{"question_id": "q2", "item_type": "choice", "sequence": 1, "recorded_at": "x",'
        b' "schema_version": 1}',
    ],
    ids=["truncated", "not-utf8", "not-object", "sequence-text", "wrong-question"],
)
def test_bad_records_are_problems_not_crashes(tmp_path, content):
    store = AnswerStore(tmp_path)
    store.write(_record("q9", "neighbour"))
    (tmp_path / "answers" / "q1.json").write_bytes(content)
    with pytest.raises(RecordProblem):
        store.read("q1")
    found = store.read_all()
    assert isinstance(found["q1"], RecordProblem)
    assert found["q9"].value == "neighbour"


def test_question_ids_cannot_escape_the_folder(tmp_path):
    with pytest.raises(ValueError, match="not a valid question id"):
        AnswerStore(tmp_path).path_for("../../etc/passwd")


def _notebook(*records):
    outputs = [
        {"output_type": "display_data", "metadata": {}, "data": {MIME: r.to_json()}}
        for r in records
    ]
    outputs.append({"output_type": "display_data", "data": {MIME: {"bogus": True}}})
    return {"cells": [{"cell_type": "code", "outputs": outputs}, {"cell_type": "markdown"}]}


def test_records_in_notebook_keep_the_newest_per_question(tmp_path):
    nb = _notebook(
        _record(value="a", sequence=1),
        _record(value="b", sequence=3),
        _record(value="c", sequence=2),
        _record("q2", "z"),
    )
    found = records_in_notebook(nb)
    assert found["q1"].value == "b" and found["q2"].value == "z"
    path = tmp_path / "n.ipynb"
    path.write_text(json.dumps(nb))
    assert read_notebook_records(path)["q1"].value == "b"
    path.write_text("{not json")
    assert read_notebook_records(path) == {}
    assert records_in_notebook({"cells": "nonsense"}) == {}


def test_newer_record_wins_whichever_place_it_is_in():
    disk = {
        "q1": _record(value="disk", sequence=5),
        "q2": _record("q2", "disk", 1),
        "q3": RecordProblem("truncated"),
    }
    notebook = {
        "q1": _record(value="nb", sequence=4),
        "q2": _record("q2", "nb", 2),
        "q3": _record("q3", "nb", 1),
    }
    merged = merge_newest(disk, notebook)
    assert merged["q1"].value == "disk"
    assert merged["q2"].value == "nb"
    assert merged["q3"].value == "nb"  # a good notebook record beats a corrupt file


# -- channels: outputs, notebook metadata, answers/ ------------------------------------------
def _with_metadata(nb, *records, junk=()):
    answers = {f"{r.assignment_id}/{r.question_id}": r.to_json() for r in records}
    answers.update({f"junk{i}": j for i, j in enumerate(junk)})
    return {**nb, "metadata": {NOTEBOOK_KEY: {"answers": answers}}}


def test_metadata_records_are_read_checked_and_filtered_by_assignment():
    nb = _with_metadata(
        {"cells": []},
        AnswerRecord("q1", "choice", "a", 3, "2026-01-01T00:00:00.000Z", assignment_id="a02"),
        AnswerRecord("q2", "choice", "b", 1, "2026-01-01T00:00:00.000Z", assignment_id="a99"),
        junk=({"question_id": "q3"}, "text", None),
    )
    assert {q: r.value for q, r in records_in_metadata(nb).items()} == {"q1": "a", "q2": "b"}
    assert list(records_in_metadata(nb, "a02")) == ["q1"]
    for broken in ({"metadata": {NOTEBOOK_KEY: "x"}}, {"metadata": []}, [], {"metadata": {}}):
        assert records_in_metadata(broken) == {}


def test_the_notebook_gives_the_newest_of_its_outputs_and_its_metadata():
    nb = _with_metadata(
        _notebook(_record(value="old", sequence=2)), _record(value="new", sequence=5)
    )
    channels = notebook_channels(nb)
    assert channels[OUTPUTS]["q1"].value == "old" and channels[METADATA]["q1"].value == "new"
    assert records_in_notebook(nb)["q1"].value == "new"
    nb = _with_metadata(
        _notebook(_record(value="after", sequence=6)), _record(value="new", sequence=5)
    )
    assert records_in_notebook(nb)["q1"].value == "after"


def test_an_older_copy_is_no_disagreement_but_an_unordered_one_is():
    at = "2026-01-01T10:00:00.000Z"
    later = "2026-01-01T11:00:00.000Z"
    channels = {
        OUTPUTS: {"q1": _record(value="old", sequence=2, at=at), "q2": _record("q2", "x", 4, at)},
        METADATA: {
            "q1": _record(value="new", sequence=3, at=later),
            "q2": _record("q2", "y", 4, at),
        },
        FOLDER: {"q3": RecordProblem("truncated"), "q4": RecordProblem("bad")},
    }
    channels[OUTPUTS]["q4"] = _record("q4", "fine", 1, at)
    newest, disagreements = newest_of_channels(channels)
    assert newest["q1"].value == "new" and "q1" not in disagreements  # a stale copy is normal
    assert isinstance(newest["q3"], RecordProblem)  # no good copy: the problem is kept
    assert newest["q4"].value == "fine" and "q4" not in disagreements
    same = disagreements["q2"]
    assert same.kind == SAME_SEQUENCE and same.chosen == OUTPUTS
    assert same.to_json()["copies"] == {
        METADATA: {"sequence": 4, "recorded_at": at},
        OUTPUTS: {"sequence": 4, "recorded_at": at},
    }
    # A lower sequence number recorded later (a second kernel that started from older answers).
    channels = {
        FOLDER: {"q1": _record(value="second kernel", sequence=3, at=later)},
        METADATA: {"q1": _record(value="first kernel", sequence=5, at=at)},
    }
    newest, disagreements = newest_of_channels(channels)
    assert newest["q1"].value == "first kernel"
    assert disagreements["q1"].kind == LATER_BUT_LOWER and disagreements["q1"].chosen == METADATA
    # The same answer given again later is no conflict.
    channels[FOLDER]["q1"] = _record(value="first kernel", sequence=3, at=later)
    assert newest_of_channels(channels)[1] == {}


def test_notebook_lags_name_only_what_an_ipynb_alone_would_get_wrong():
    stored = {
        "missing": _record("missing", "a", 1),
        "missing_empty": _record("missing_empty", "", 1),
        "older": _record("older", "new", 4),
        "older_same": _record("older_same", "same", 4),
        "current": _record("current", "x", 2),
        "ahead": _record("ahead", "disk", 1),
        "broken": RecordProblem("truncated"),
    }
    embedded = {
        "older": _record("older", "old", 3),
        "older_same": _record("older_same", "same", 2),
        "current": _record("current", "x", 2),
        "ahead": _record("ahead", "notebook", 2),
    }
    lags = notebook_lags(stored, embedded)
    assert sorted(lags) == ["missing", "older"]
    assert lags["missing"].in_notebook is None
    assert "not in the saved notebook" in lags["missing"].message()
    assert lags["older"].in_notebook.value == "old"
    message = lags["older"].message()
    assert message.startswith("older: the saved notebook holds an older answer")
    assert "(2026-01-01 00:00:00)" in message and "Ctrl+S" in message
