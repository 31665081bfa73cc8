"""One file of all the learner's answers: export, import, bad files, newer answers kept, and the
answers' place outside the course version's folder (course.progress)."""

from __future__ import annotations

import json

import pytest

from course import __version__
from course.answers import AnswerRecord, AnswerStore
from course.lab import Lab
from course.progress import (
    FORMAT,
    FORMAT_VERSION,
    PROGRESS_ENV,
    ProgressFileProblem,
    answers_home,
    assignment_homes,
    build_export,
    collect,
    course_homes,
    export_name,
    export_text,
    import_records,
    main,
    parse_export,
)

AT = "2026-12-03T06:00:00.000Z"
LATER = "2026-12-03T07:00:00.000Z"


def record(
    qid="q2_posted_where",
    value="gaming_forum",
    sequence=2,
    at=AT,
    aid="a01_provenance",
    item_type="choice",
):
    return AnswerRecord(qid, item_type, value, sequence, at, assignment_id=aid)


def workspace_with_answers(root):
    """A JupyterLab workspace: a01 with two answers, a02 with one, a03 untouched."""
    AnswerStore(root / "a01_provenance").write(record())
    AnswerStore(root / "a01_provenance").write(
        record("q7_written", "My reasons.", 5, item_type="written")
    )
    AnswerStore(root / "a02_attribution").write(
        record("q4_anonymous_rule", "named", 1, aid="a02_attribution")
    )
    return root


def test_export_holds_every_assignment_versioned_with_the_records_as_stored(tmp_path):
    records = collect(course_homes(workspace_with_answers(tmp_path)))
    document = json.loads(export_text(records, AT))
    assert document["format"] == FORMAT and document["format_version"] == FORMAT_VERSION
    assert document["kit_version"] == __version__ and document["exported_at"] == AT
    assert sorted(document["assignments"]) == ["a01_provenance", "a02_attribution"]
    a01 = document["assignments"]["a01_provenance"]
    assert sorted(a01) == ["q2_posted_where", "q7_written"]
    on_disk = json.loads((tmp_path / "a01_provenance/answers/q7_written.json").read_text())
    assert a01["q7_written"] == on_disk  # today's AnswerRecord JSON, unchanged
    assert export_name(AT) == "sourcing-lab-answers-2026-12-03-0600.json"


def test_an_unreadable_answer_file_is_left_out_of_the_export(tmp_path):
    workspace_with_answers(tmp_path)
    (tmp_path / "a01_provenance/answers/q3_footer.json").write_text("{not json")
    records = collect(course_homes(tmp_path))
    assert sorted(records["a01_provenance"]) == ["q2_posted_where", "q7_written"]


def test_import_into_an_empty_workspace_restores_every_record(tmp_path):
    text = export_text(collect(course_homes(workspace_with_answers(tmp_path / "old"))), AT)
    new = tmp_path / "new"
    report = import_records(parse_export(text), course_homes(new))
    assert sorted(report.restored) == [
        ("a01_provenance", "q2_posted_where"),
        ("a01_provenance", "q7_written"),
        ("a02_attribution", "q4_anonymous_rule"),
    ]
    assert report.kept == [] and report.skipped == []
    assert AnswerStore(new / "a01_provenance").read("q7_written") == record(
        "q7_written", "My reasons.", 5, item_type="written"
    )
    assert "Run each notebook again" in "\n".join(report.lines())


def test_import_never_overwrites_a_newer_answer(tmp_path):
    text = export_text({"a01_provenance": {"q2_posted_where": record(sequence=2)}}, AT)
    store = AnswerStore(tmp_path / "a01_provenance")
    store.write(record(value="dod_site", sequence=3, at=LATER))  # answered again since
    report = import_records(parse_export(text), course_homes(tmp_path))
    assert report.restored == [] and report.kept == [("a01_provenance", "q2_posted_where")]
    assert store.read("q2_posted_where").value == "dod_site"
    assert "were kept" in report.lines()[1]


def test_import_replaces_an_older_answer_and_a_corrupt_file(tmp_path):
    text = export_text(
        {
            "a01_provenance": {
                "q2_posted_where": record(sequence=4, at=LATER),
                "q3_footer": record("q3_footer", "last_line", 1),
            }
        },
        AT,
    )
    store = AnswerStore(tmp_path / "a01_provenance")
    store.write(record(value="dod_site", sequence=1))
    store.folder.joinpath("q3_footer.json").write_text("{broken")
    report = import_records(parse_export(text), course_homes(tmp_path))
    assert len(report.restored) == 2
    assert store.read("q2_posted_where").value == "gaming_forum"
    assert store.read("q3_footer").value == "last_line"


def test_importing_the_same_file_twice_changes_nothing_the_second_time(tmp_path):
    text = export_text(collect(course_homes(workspace_with_answers(tmp_path / "a"))), AT)
    homes = course_homes(tmp_path / "b")
    assert len(import_records(parse_export(text), homes).restored) == 3
    again = import_records(parse_export(text), homes)
    assert again.restored == [] and len(again.kept) == 3


def _document(**changes):
    document = build_export({"a01_provenance": {"q2_posted_where": record()}}, AT)
    document.update(changes)
    return json.dumps(document)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        pytest.param("this is not json", "is not a file of answers", id="not-json"),
        pytest.param(b"\xff\xfe\x00", "is not a file of answers", id="not-text"),
        pytest.param('{"cells": []}', "is not a Sourcing Lab answers file", id="a-notebook"),
        pytest.param("[1, 2]", "is not a Sourcing Lab answers file", id="a-list"),
        pytest.param(
            _document(format="other"), "is not a Sourcing Lab answers file", id="wrong-format"
        ),
        pytest.param(
            _document(format_version=0), "is not a Sourcing Lab answers file", id="version-zero"
        ),
        pytest.param(
            _document(format_version="1"), "is not a Sourcing Lab answers file", id="version-text"
        ),
        pytest.param(
            _document(format_version=FORMAT_VERSION + 1), "newer version", id="newer-version"
        ),
        pytest.param(
            _document(assignments=[]),
            "is not a Sourcing Lab answers file",
            id="assignments-not-a-mapping",
        ),
    ],
)
def test_a_file_that_is_no_export_is_refused_with_what_to_do(text, words, tmp_path):
    with pytest.raises(ProgressFileProblem) as problem:
        parse_export(text, name="answers.json")
    message = str(problem.value)
    assert "answers.json" in message and words in message
    assert "Traceback" not in message and "{" not in message


@pytest.mark.parametrize(
    ("assignments", "where", "words"),
    [
        pytest.param(
            {"a99_unknown": {"q1": record().to_json()}},
            "a99_unknown",
            "no such assignment",
            id="unknown-assignment",
        ),
        pytest.param(
            {"a01_provenance": {"q9_gone": record("q9_gone").to_json()}},
            "a01_provenance/q9_gone",
            "no such question",
            id="unknown-question",
        ),
        pytest.param(
            {"a01_provenance": {"q2_posted_where": record(value="moon").to_json()}},
            "a01_provenance/q2_posted_where",
            "does not fit",
            id="value-fails-clean",
        ),
        pytest.param(
            {"a01_provenance": {"q2_posted_where": record(item_type="written").to_json()}},
            "a01_provenance/q2_posted_where",
            "another kind",
            id="wrong-item-type",
        ),
        pytest.param(
            {"a01_provenance": {"q2_posted_where": {"question_id": "q2_posted_where"}}},
            "a01_provenance/q2_posted_where",
            "does not fit",
            id="broken-record",
        ),
        pytest.param(
            {"a01_provenance": {"q3_footer": record().to_json()}},
            "a01_provenance/q3_footer",
            "another question",
            id="filed-elsewhere",
        ),
        pytest.param(
            {"a01_provenance": {"q2_posted_where": record(aid="a02_attribution").to_json()}},
            "a01_provenance/q2_posted_where",
            "another question",
            id="other-assignment",
        ),
    ],
)
def test_a_bad_record_is_skipped_with_its_reason_and_the_rest_restored(
    assignments, where, words, tmp_path
):
    good = {"q5_checkable": record("q5_checkable", ["weekday"], 1).to_json()}
    merged = {**assignments}
    merged["a01_provenance"] = {**assignments.get("a01_provenance", {}), **good}
    text = json.dumps({**build_export({}, AT), "assignments": merged})
    parsed = parse_export(text)
    report = import_records(parsed, course_homes(tmp_path))
    assert report.restored == [("a01_provenance", "q5_checkable")]
    assert [s.where for s in report.skipped] == [where]
    message = report.skipped[0].message()
    assert message.startswith(f"{where}: not restored") and words in message
    if where.startswith("a01_provenance/"):  # the bad record's file was never written
        qid = where.split("/")[1]
        assert AnswerStore(tmp_path / "a01_provenance").read(qid) is None


def test_answers_live_beside_the_notebook_unless_a_progress_root_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    notebook_folder = tmp_path / "workspace" / "a01_provenance"
    assert answers_home(notebook_folder, "a01_provenance") == notebook_folder
    homes = assignment_homes(notebook_folder, "a01_provenance")
    assert homes["a02_attribution"] == tmp_path / "workspace" / "a02_attribution"
    # A notebook folder not named after its assignment knows only its own answers.
    assert assignment_homes(tmp_path / "elsewhere", "a01_provenance") == {
        "a01_provenance": tmp_path / "elsewhere"
    }
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "my-answers"))
    assert answers_home(notebook_folder, "a01_provenance") == tmp_path / "my-answers/a01_provenance"
    assert assignment_homes(tmp_path / "x", "a01_provenance")["a05_verdict"] == (
        tmp_path / "my-answers" / "a05_verdict"
    )


def test_a_course_update_keeps_progress(tmp_path, monkeypatch):
    """The site's notebooks move to a new version folder; the answers do not move with them."""
    monkeypatch.setenv(PROGRESS_ENV, str(tmp_path / "my-answers"))
    old = tmp_path / "course-1111111111" / "a01_provenance"
    new = tmp_path / "course-2222222222" / "a01_provenance"
    old.mkdir(parents=True)
    new.mkdir(parents=True)
    Lab("a01_provenance", folder=old).record("q2_posted_where", "dod_site")
    assert not (old / "answers").exists()
    assert Lab("a01_provenance", folder=new).answer("q2_posted_where") == "dod_site"


def test_a_restored_answer_reaches_a_running_lab(tmp_path, monkeypatch):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    folder = tmp_path / "a01_provenance"
    lab = Lab("a01_provenance", folder=folder)
    lab.record("q2_posted_where", "dod_site")  # sequence 1
    text = export_text({"a01_provenance": {"q2_posted_where": record(sequence=7)}}, AT)
    import_records(parse_export(text), assignment_homes(folder, "a01_provenance"))
    lab.reload_answers()
    assert lab.answer("q2_posted_where") == "gaming_forum"
    assert lab.record("q2_posted_where", "wire_service").sequence == 8  # numbering goes on


def test_the_command_line_exports_and_imports(tmp_path, capsys):
    workspace_with_answers(tmp_path / "old")
    target = tmp_path / "mine.json"
    assert main(["export", "--from", str(tmp_path / "old"), "-o", str(target)]) == 0
    assert "Saved 3 answer(s)" in capsys.readouterr().out
    (tmp_path / "new").mkdir()
    assert main(["import", str(target), "--into", str(tmp_path / "new")]) == 0
    out = capsys.readouterr().out
    assert "Restored 3 answer(s)" in out and "a01_provenance, a02_attribution" in out
    assert AnswerStore(tmp_path / "new/a02_attribution").read("q4_anonymous_rule").value == "named"


def test_the_command_line_says_what_is_wrong_with_a_bad_file(tmp_path, capsys):
    bad = tmp_path / "notes.json"
    bad.write_text("hello")
    assert main(["import", str(bad), "--into", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert str(bad) in err and "is not a file of answers" in err
    assert main(["import", str(tmp_path / "missing.json"), "--into", str(tmp_path)]) == 2
    assert "cannot be read" in capsys.readouterr().err
    assert main(["import", str(bad), "--into", str(tmp_path / "nowhere")]) == 2
    assert "no such folder" in capsys.readouterr().err


def test_on_the_site_answers_go_to_the_stored_drive_outside_the_version_folder():
    from pathlib import Path

    from course.lite import kept_answers_folder

    assert kept_answers_folder(Path("/drive/course-1a2b3c4d5e/a01_provenance")) == Path(
        "/drive/my-answers"
    )
    # No stored drive (a browser that allows no storage): answers stay beside the notebook.
    assert kept_answers_folder(Path("/home/pyodide")) is None
    assert kept_answers_folder(Path("/drivel/x")) is None


def test_a_notebook_from_an_older_site_version_is_told_where_the_current_one_is():
    from pathlib import Path

    from course.lite import older_version

    here = Path("/drive/course-1111111111/a01_provenance")
    assert older_version(here, "course-2222222222") == "course-1111111111"
    assert older_version(here, "course-1111111111") is None
    assert older_version(here, "") is None  # no version file: say nothing
    assert older_version(Path("/home/pyodide"), "course-2222222222") is None


def test_from_a_folder_not_named_after_its_assignment_other_assignments_are_skipped(
    tmp_path, monkeypatch
):
    monkeypatch.delenv(PROGRESS_ENV, raising=False)
    text = export_text(collect(course_homes(workspace_with_answers(tmp_path / "old"))), AT)
    homes = assignment_homes(tmp_path / "my-notebook", "a01_provenance")
    report = import_records(parse_export(text), homes)
    assert {aid for aid, _ in report.restored} == {"a01_provenance"}
    (skipped,) = report.skipped
    assert skipped.where == "a02_attribution" and "from the notebook of a02" in skipped.message()
