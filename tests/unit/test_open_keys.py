"""The open keys file: self-study reads the same keys the grader uses, without the instructor
package, and only where the file is present."""

from __future__ import annotations

import json

import pytest

import course.selfstudy as selfstudy
from course.casefile import load_case
from course.questions import load_assignment
from sourcing_lab.key_lookup import describe_reference, key_for_question, reference_answers
from sourcing_lab.keys import load_keys
from sourcing_lab.open_keys import ASSIGNMENTS, export_open_keys

CASE = load_case()
KEYS = load_keys(CASE)


@pytest.fixture
def keys_file(tmp_path, monkeypatch):
    path = export_open_keys(tmp_path / "open-keys.json")
    monkeypatch.setenv(selfstudy.ENV_VAR, str(path))
    selfstudy.open_keys.cache_clear()
    yield path
    selfstudy.open_keys.cache_clear()


@pytest.mark.parametrize("assignment_id", ASSIGNMENTS)
def test_every_key_read_from_the_file_is_the_graders_key(keys_file, assignment_id):
    answers = reference_answers(KEYS, assignment_id, CASE)
    for question in load_assignment(assignment_id).questions.values():
        expected = key_for_question(KEYS, assignment_id, question, CASE, answers)
        got = selfstudy.key_for(question, assignment_id, CASE.case_id, answers)
        assert got == expected, question.question_id


def test_a_derived_key_follows_the_learners_own_answer(keys_file):
    derived = [
        (a, q)
        for a in ASSIGNMENTS
        for q in load_assignment(a).questions.values()
        if "expected_from" in KEYS.assignments.get(a, {}).get(q.question_id, {})
    ]
    assert derived, "the course has code questions keyed on an earlier answer"
    assignment_id, question = derived[0]
    source = KEYS.assignments[assignment_id][question.question_id]["expected_from"]
    for answers in ({}, reference_answers(KEYS, assignment_id, CASE)):
        expected = key_for_question(KEYS, assignment_id, question, CASE, answers)
        assert selfstudy.key_for(question, assignment_id, CASE.case_id, answers) == expected
    assert source


def test_reference_text_comes_from_the_file(keys_file):
    class Lab:
        case = CASE

        class assignment:
            assignment_id = "a01_provenance"

    for question in load_assignment("a01_provenance").questions.values():
        text = selfstudy.reference_text(Lab, question)
        assert text == describe_reference(KEYS, "a01_provenance", question, CASE)


def test_without_the_file_there_is_no_key(tmp_path, monkeypatch):
    monkeypatch.setenv(selfstudy.ENV_VAR, "")
    selfstudy.open_keys.cache_clear()
    question = next(iter(load_assignment("a01_provenance").questions.values()))
    assert selfstudy.open_keys(CASE.case_id) is None
    assert selfstudy.key_for(question, "a01_provenance", CASE.case_id) is None
    selfstudy.open_keys.cache_clear()


def test_a_file_for_another_case_or_format_is_ignored(tmp_path, monkeypatch):
    path = tmp_path / "k.json"
    for document in (
        {"format": selfstudy.FORMAT, "case_id": "other_case", "assignments": {}},
        {"format": 999, "case_id": CASE.case_id, "assignments": {}},
    ):
        path.write_text(json.dumps(document), encoding="utf-8")
        monkeypatch.setenv(selfstudy.ENV_VAR, str(path))
        selfstudy.open_keys.cache_clear()
        assert selfstudy.open_keys(CASE.case_id) is None
    selfstudy.open_keys.cache_clear()


def test_the_site_layout_is_found_from_the_notebook_folder(tmp_path, monkeypatch):
    # As in the self-study site: course installed without a checkout beside it, the file at
    # the root of the learner's files, the notebook one folder down.
    monkeypatch.delenv(selfstudy.ENV_VAR, raising=False)
    monkeypatch.setattr(selfstudy, "KEYS_BESIDE_PACKAGE", tmp_path / "site-packages" / "nothing")
    export_open_keys(tmp_path / "drive" / selfstudy.SITE_FOLDER_NAME / f"{CASE.case_id}.json")
    notebook_folder = tmp_path / "drive" / "a01_provenance"
    notebook_folder.mkdir(parents=True)
    monkeypatch.chdir(notebook_folder)
    selfstudy.open_keys.cache_clear()
    assert selfstudy.open_keys(CASE.case_id) is not None
    selfstudy.open_keys.cache_clear()


def test_course_never_imports_the_instructor_package():
    import ast

    offenders = []
    for path in (selfstudy.KEYS_BESIDE_PACKAGE.parent.parent / "course").rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            offenders += [f"{path.name}: {n}" for n in names if n.split(".")[0] == "sourcing_lab"]
    assert offenders == []
