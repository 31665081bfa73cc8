"""The copies of an answer inside a submission (outputs, notebook metadata, answers/), with real
nbgrader: an .ipynb uploaded alone is graded on its newest copy, copies that cannot be ordered
are flagged for review, nbgrader's Validate names stale copies, and a release never carries
recorded answers in its metadata."""

from __future__ import annotations

import copy
import json
import subprocess
from pathlib import Path

import pytest
from grading.kit import (
    BIN,
    env_for,
    item_scores,
    make_course,
    nbgrader,
    place_submission,
    record,
    release_notebook,
    result_of,
)

from course.answers import MIME, NOTEBOOK_KEY, SAME_SEQUENCE, AnswerRecord, AnswerStore
from sourcing_lab.demo.simulate import embed_records
from sourcing_lab.grading.harvest import harvest_submission

pytestmark = pytest.mark.slow

A02 = "a02_attribution"
TAGS = {"s01": "named_unverifiable", "s02": "institutional"}


def _rec(qid: str, value, sequence: int, minute: int = 0) -> AnswerRecord:
    base = record(A02, qid, value, sequence)
    return AnswerRecord(
        qid,
        base.item_type,
        value,
        sequence,
        f"2026-11-20T09:{minute:02d}:00.000Z",
        assignment_id=A02,
    )


def _in_metadata(nb: dict, records: list[AnswerRecord]) -> dict:
    """What the browser page writes before a save."""
    nb = copy.deepcopy(nb)
    answers = {f"{r.assignment_id}/{r.question_id}": r.to_json() for r in records}
    nb.setdefault("metadata", {})[NOTEBOOK_KEY] = {"answers": answers}
    return nb


@pytest.fixture(scope="module")
def course(tmp_path_factory) -> Path:
    return make_course(tmp_path_factory.mktemp("channels"), [A02])


def test_harvest_reads_every_channel_and_flags_copies_it_cannot_order(tmp_path):
    stale = [_rec("q4_anonymous_rule", "named", 2), _rec("q3_hedges", ["seeming"], 1)]
    nb = embed_records(
        {"cells": [{"id": "q4_anonymous_rule_widget"}, {"id": "q3_hedges_widget"}]}, stale
    )
    nb = _in_metadata(
        nb, [_rec("q4_anonymous_rule", "not_enough", 3), _rec("q3_hedges", ["sources_say"], 1)]
    )
    harvest = harvest_submission(nb, tmp_path, A02)  # no answers/ folder: the .ipynb alone
    assert harvest.records["q4_anonymous_rule"].value == "not_enough"  # newest: the metadata
    assert "q4_anonymous_rule" not in harvest.disagreements  # a stale output is normal
    found = harvest.disagreements["q3_hedges"]  # one sequence number, two answers
    assert found["kind"] == SAME_SEQUENCE and set(found["copies"]) == {
        "notebook outputs",
        "notebook metadata",
    }
    assert "same sequence number" in harvest.flags["q3_hedges_check"]


def test_an_ipynb_alone_is_graded_on_its_newest_copy_and_conflicts_go_to_review(course):
    name, release = release_notebook(course, A02)
    # After a page reload the outputs keep the old answers; the metadata has the new ones.
    old = [_rec("q2_tags", {"s01": "none"}, 1), _rec("q4_anonymous_rule", "named", 1)]
    new = [_rec("q2_tags", TAGS, 4, 5), _rec("q4_anonymous_rule", "not_enough", 2, 5)]
    place_submission(
        course, "reloaded", A02, _in_metadata(embed_records(copy.deepcopy(release), old), new),
        answers_dir=False,
    )  # fmt: skip
    # Two copies of q4 with one sequence number and different answers.
    clash = _in_metadata(
        embed_records(copy.deepcopy(release), [_rec("q4_anonymous_rule", "named", 2)]),
        [_rec("q4_anonymous_rule", "not_enough", 2)],
    )
    place_submission(course, "clash", A02, clash, answers_dir=False)
    place_submission(course, "stale_only", A02, embed_records(copy.deepcopy(release), old), [])
    nbgrader(course, "autograde", A02, "--force")

    reloaded, stale = item_scores(course, A02, "reloaded"), item_scores(course, A02, "stale_only")
    assert reloaded["q4_anonymous_rule_check"] == 1.0 and stale["q4_anonymous_rule_check"] == 0
    assert reloaded["q2_tags_check"] > stale["q2_tags_check"]
    result = result_of(course, A02, "reloaded")
    assert result["answers"]["q2_tags"] == TAGS and result["disagreements"] == {}

    flagged = result_of(course, A02, "clash")
    assert flagged["disagreements"]["q4_anonymous_rule"]["kind"] == SAME_SEQUENCE
    outcome = {o["question_id"]: o for o in flagged["outcomes"]}["q4_anonymous_rule"]
    assert outcome["state"] == "flag"
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}") as gradebook:
        grade = gradebook.find_grade("q4_anonymous_rule_check", Path(name).stem, A02, "clash")
        assert grade.needs_manual_grade


def _validate(folder: Path, notebook: Path) -> str:
    result = subprocess.run(
        [str(BIN / "nbgrader"), "validate", str(notebook)],
        cwd=folder,
        env=env_for(folder.parent / "home"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    return result.stdout + result.stderr


def test_nbgrader_validate_names_an_answer_the_saved_notebook_lacks(course, tmp_path):
    name, release = release_notebook(course, A02)
    folder = tmp_path / "student"
    folder.mkdir()
    notebook = folder / name
    newest = _rec("q4_anonymous_rule", "not_enough", 3)
    AnswerStore(folder).write(newest)
    AnswerStore(folder).write(_rec("q7_written", "My own words.", 1))
    notebook.write_text(
        json.dumps(embed_records(copy.deepcopy(release), [_rec("q4_anonymous_rule", "named", 2)]))
    )
    log = _validate(folder, notebook)
    assert "VALIDATION FAILED" in log, log
    assert "q4_anonymous_rule: the saved notebook holds an older answer" in log
    assert "q7_written: your answer is in the answers/ folder but not in" in log
    # The same folder once the notebook is saved with its newest copies: no such failure.
    saved = _in_metadata(json.loads(notebook.read_text()), [newest])
    saved = embed_records(saved, [_rec("q7_written", "My own words.", 1)])
    notebook.write_text(json.dumps(saved))
    log = _validate(folder, notebook)
    assert "saved notebook" not in log and "answers/ folder" not in log, log


def test_a_release_never_carries_answer_records_or_widget_state(course):
    source = course / "source" / A02
    path = next(source.glob("*.ipynb"))
    original = path.read_text(encoding="utf-8")
    nb = _in_metadata(json.loads(original), [_rec("q4_anonymous_rule", "not_enough", 1)])
    nb["metadata"]["widgets"] = {"application/vnd.jupyter.widget-state+json": {"state": {}}}
    nb["cells"][0].setdefault("outputs", [])
    try:
        path.write_text(json.dumps(nb), encoding="utf-8")
        nbgrader(course, "generate_assignment", A02, "--force")
        released = json.loads((course / "release" / A02 / path.name).read_text())
        assert NOTEBOOK_KEY not in released["metadata"] and "widgets" not in released["metadata"]
        assert MIME not in json.dumps(released)
    finally:
        path.write_text(original, encoding="utf-8")
