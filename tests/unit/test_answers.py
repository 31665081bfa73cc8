"""Recording: atomic files, records inside notebooks, newest wins, bad records isolated."""

from __future__ import annotations

import json
import os

import pytest

from course.answers import (
    MIME,
    AnswerRecord,
    AnswerStore,
    RecordProblem,
    merge_newest,
    read_notebook_records,
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
