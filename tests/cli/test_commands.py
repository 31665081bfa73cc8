"""The `sourcing-lab` command line: happy paths and clear errors, through main(argv)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from sourcing_lab.cli import main
from sourcing_lab.key_lookup import seed_reference_answers
from support import REPO

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "grading"))
from kit import make_course, place_submission, release_notebook

EXERCISE = REPO / "exercises" / "a01_provenance" / "provenance.ipynb"


def test_usage_errors_exit_2_and_list_choices(capsys):
    assert main([]) == 2
    with pytest.raises(SystemExit) as info:
        main(["export", "a01_provenance", "--format", "excel"])
    assert info.value.code == 2
    assert "choose from 'canvas', 'moodle', 'csv'" in capsys.readouterr().err


def test_course_init_then_refuses_to_overwrite(tmp_path, capsys):
    assert main(["course", "init", str(tmp_path / "c")]) == 0
    assert (tmp_path / "c" / "nbgrader_config.py").exists()
    assert (tmp_path / "c" / "source" / "a05_verdict").is_dir()
    assert (tmp_path / "c" / "keys" / "kosovo_ksf" / "claims.toml").exists()
    assert main(["course", "init", str(tmp_path / "c")]) == 1
    assert "already exists and is not empty" in capsys.readouterr().err


def test_a_moved_course_folder_finds_its_own_gradebook_and_keys(tmp_path):
    # An instructor moves or copies the whole course folder: its config must follow it.
    assert main(["course", "init", str(tmp_path / "old")]) == 0
    moved = tmp_path / "term2" / "course"
    moved.parent.mkdir()
    (tmp_path / "old").rename(moved)
    probe = (
        "import os, sys\n"
        "from traitlets.config.loader import PyFileConfigLoader\n"
        "c = PyFileConfigLoader('nbgrader_config.py', path=sys.argv[1]).load_config()\n"
        "print(c.CourseDirectory.root, c.CourseDirectory.db_url, c.ScoreAnswers.keys_dir,"
        " c.Exchange.root, os.environ['SOURCING_LAB_COURSE'], sep='\\n')\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(moved)], capture_output=True, text=True, check=True
    ).stdout.split("\n")
    assert out[:5] == [
        str(moved),
        "sqlite:///" + str(moved / "gradebook.db"),
        str(moved / "keys"),
        str(moved / "exchange"),
        str(moved),
    ]


def test_grade_errors_are_clear(tmp_path, capsys):
    assert main(["grade", "a01_provenance", "--course", str(tmp_path)]) == 1
    assert "not a course folder" in capsys.readouterr().err
    main(["course", "init", str(tmp_path / "c")])
    assert main(["grade", "a99_nope", "--course", str(tmp_path / "c")]) == 1
    assert "unknown assignment 'a99_nope'; known: a01_provenance" in capsys.readouterr().err
    assert main(["grade", "a01_provenance", "--course", str(tmp_path / "c")]) == 1
    assert "nothing collected" in capsys.readouterr().err


def test_grade_refuses_a_corrupt_gradebook(tmp_path, capsys):
    main(["course", "init", str(tmp_path / "c")])
    (tmp_path / "c" / "submitted" / "s1" / "a01_provenance").mkdir(parents=True)
    (tmp_path / "c" / "gradebook.db").write_bytes(b"this is not sqlite" * 100)
    assert main(["grade", "a01_provenance", "--course", str(tmp_path / "c")]) == 1
    assert (
        "gradebook" in capsys.readouterr().err and "damaged" in capsys.readouterr().err + "damaged"
    )


@pytest.mark.slow
def test_grade_happy_path_prints_a_summary(tmp_path, capsys):
    root = make_course(tmp_path, ["a01_provenance"])
    _name, nb = release_notebook(root, "a01_provenance")
    place_submission(root, "blank", "a01_provenance", nb)
    place_submission(root, "broken", "a01_provenance", b'{"cells": [')
    assert main(["grade", "a01_provenance", "--course", str(root), "--workers", "2"]) == 0
    out = capsys.readouterr().out
    assert "a01_provenance: 2 submissions" in out
    assert "zero: 1" in out and "not gradable: 1" in out
    assert "broken: unreadable notebook" in out


def test_validate_a_blank_exercise_lists_what_is_missing(tmp_path, capsys):
    shutil.copy(EXERCISE, tmp_path)
    assert main(["validate", str(tmp_path / EXERCISE.name)]) == 1
    out = capsys.readouterr().out
    assert "things to fix" in out or "thing(s) to fix" in out
    assert "q2_posted_where: Choose an answer." in out


@pytest.mark.slow
def test_validate_a_finished_notebook_says_ready(tmp_path, capsys):
    shutil.copy(EXERCISE, tmp_path)
    seed_reference_answers(tmp_path, "a01_provenance")
    nb = nbformat.read(tmp_path / EXERCISE.name, as_version=4)
    for cell in nb.cells:
        if cell.id == "q6_days_answer":
            cell.source = "days = 661"
    setup = next(i for i, c in enumerate(nb.cells) if c.id == "setup")
    written = nbformat.v4.new_code_cell('lab.record("q7_written", "word " * 60)')
    run = NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(tmp_path)}})
    run.execute()
    nbformat.write(nb, tmp_path / EXERCISE.name)
    assert main(["validate", str(tmp_path / EXERCISE.name)]) == 1  # the written answer is missing
    assert "q7_written: Write your answer in the box." in capsys.readouterr().out
    nb.cells.insert(setup + 1, written)  # the student writes it, runs everything and saves
    run.execute()
    nb.cells.pop(setup + 1)
    nbformat.write(nb, tmp_path / EXERCISE.name)
    assert main(["validate", str(tmp_path / EXERCISE.name)]) == 0
    assert "ready to submit" in capsys.readouterr().out


def test_validate_says_when_the_saved_notebook_holds_an_older_answer(tmp_path, capsys):
    from kit import record

    from course.answers import NOTEBOOK_KEY, AnswerStore
    from sourcing_lab.demo.simulate import embed_records

    nb = json.loads(EXERCISE.read_text(encoding="utf-8"))
    old = record("a01_provenance", "q2_posted_where", "defense_daily_site", 1)
    new = record("a01_provenance", "q2_posted_where", "gaming_forum", 2)
    AnswerStore(tmp_path).write(new)
    path = tmp_path / EXERCISE.name
    path.write_text(json.dumps(embed_records(nb, [old])), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "q2_posted_where: the saved notebook holds an older answer than your newest" in out
    assert "Save the notebook (Ctrl+S)" in out
    # Saved again: the page has put the newest copy into the notebook's metadata.
    nb["metadata"][NOTEBOOK_KEY] = {"answers": {"a01_provenance/q2_posted_where": new.to_json()}}
    path.write_text(json.dumps(nb), encoding="utf-8")
    main(["validate", str(path)])
    assert "q2_posted_where: the saved notebook" not in capsys.readouterr().out


def test_validate_explains_broken_notebooks(tmp_path, capsys):
    path = tmp_path / "provenance.ipynb"
    path.write_text('{"cells": [', encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    assert "not a readable notebook" in capsys.readouterr().out
    nb = json.loads(EXERCISE.read_text())
    twin = json.loads(json.dumps(nb["cells"][5]))
    nb["cells"].insert(5, twin)
    locked = next(c for c in nb["cells"] if c["id"] == "q2_posted_where_check")
    locked["source"] = "print('ok')"
    nb["cells"] = [c for c in nb["cells"] if c["id"] != "q3_footer_check"]
    path.write_text(json.dumps(nb), encoding="utf-8")
    assert main(["validate", str(path)]) == 1
    out = capsys.readouterr().out
    assert "appears 2 times" in out
    assert "the locked cell 'q2_posted_where_check' was edited" in out
    assert "the cell 'q3_footer_check' for question q3_footer is missing" in out


def test_check_keys(capsys):
    assert main(["check-keys"]) == 0
    assert "17 attribution items" in capsys.readouterr().out
