"""Grade export: exact columns per format, distinct states, spreadsheet safety, pseudonyms."""

from __future__ import annotations

import csv
import hashlib
import hmac
import io
import json
import re
import stat
from pathlib import Path

import pytest

from sourcing_lab.export import ExportError, export_grades, safe_cell

A01 = "a01_provenance"
FORMULA_ID = '=HYPERLINK("x")'
ITEMS = [
    "q2_posted_where_check",
    "q3_footer_check",
    "q4_chain_check",
    "q5_checkable_check",
    "q6_days_check",
    "q7_written",
]
RAW_IDS = ["ada", "ben", "dee", "eve", "fay", "gus", "hal", FORMULA_ID]
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def table(path: Path) -> list[list[str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "UTF-8 with BOM"
    return list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def by_first(rows: list[list[str]]) -> dict[str, list[str]]:
    return {row[0]: row for row in rows[1:]}


def export(course: Path, tmp_path: Path, fmt: str, **kwargs) -> Path:
    return export_grades(course, A01, fmt, tmp_path / "out" / f"{fmt}.csv", **kwargs)


def test_csv_columns_and_distinct_states(course, tmp_path):
    path = export(course, tmp_path, "csv")
    rows = table(path)
    assert rows[0] == ["student_id", "state", "score", "max_score", *ITEMS, "reason"]
    people = by_first(rows)
    assert len(people) == 9  # gradebook students ∪ submitted folders
    summary = {sid: (r[1], r[2]) for sid, r in people.items()}
    assert summary["ben"] == ("graded", "0")  # a real zero
    assert summary["ada"] == ("graded", "13")
    assert summary["gus"] == ("not submitted", "")
    assert summary["fay"] == ("not gradable", "")
    assert summary["eve"] == ("stale", "")
    assert summary["dee"] == ("needs review", "10")  # provisional: written answer ungraded
    assert summary["hal"][0] == "needs review"
    assert len({summary[s] for s in ("ben", "gus", "fay", "eve")}) == 4
    assert people["ben"][4:10] == ["0"] * 6
    assert people["dee"][9] == "" and "q7_written" in people["dee"][-1]
    assert people["gus"][4:10] == [""] * 6
    for sid in ("eve", "fay"):
        assert people[sid][-1], f"{sid} needs a reason"
    assert "resubmitted after grading" in people["eve"][-1]


def test_files_are_crlf_utf8_bom_and_quoted(course, tmp_path):
    raw = export(course, tmp_path, "csv").read_bytes()
    assert raw.count(b"\n") == raw.count(b"\r\n") > 9
    canvas = table(export(course, tmp_path, "canvas"))
    names = [row[0] for row in canvas]
    assert 'O"Neil, Jr., Line\nBreak' in names  # comma, quote and line break survive
    assert all(len(row) == len(canvas[0]) for row in canvas)


@pytest.mark.parametrize("fmt", ["csv", "canvas", "moodle"])
def test_no_cell_can_run_as_a_formula(course, tmp_path, fmt):
    rows = table(export(course, tmp_path, fmt))
    cells = [cell for row in rows for cell in row]
    assert not [c for c in cells if c.startswith(FORMULA_START)]
    assert "'" + FORMULA_ID in cells
    if fmt != "csv":
        assert any(c.startswith("'@SUM(1)") for c in cells)


def test_safe_cell():
    assert [safe_cell(v) for v in ("=1+1", "+1", "-1", "@x", "\tx", "\rx")] == [
        "'=1+1",
        "'+1",
        "'-1",
        "'@x",
        "'\tx",
        "'\rx",
    ]
    assert safe_cell("Ada, Lovelace") == "Ada, Lovelace"
    assert [safe_cell(v) for v in (0.0, 12.5, None, 3)] == ["0", "12.5", "", "3"]


def test_canvas_import_format(course, tmp_path):
    rows = table(export(course, tmp_path, "canvas"))
    assert rows[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section", A01]
    assert rows[1] == ["Points Possible", "", "", "", "", "13"]
    login = {row[3]: row for row in rows[2:]}
    assert login["ada"][5] == "13"
    assert login["ben"][5] == "0"  # a real zero stays a zero
    for sid in ("gus", "fay", "eve", "dee", "hal"):
        assert login[sid][5] == "", f"{sid}: no grade, never 0"
    assert login["gus"][0] == "Nosub, Gus"
    assert login["hal"][1] == "4242"  # nbgrader's lms_user_id is the Canvas user id


def test_moodle_import_format(course, tmp_path):
    rows = table(export(course, tmp_path, "moodle"))
    assert rows[0] == [
        "Username",
        "Email address",
        "First name",
        "Last name",
        A01,
        "Sourcing Lab state",
        "Sourcing Lab note",
    ]
    people = by_first(rows)
    assert people["ben"][4:6] == ["0", "graded"]
    assert people["gus"][4:6] == ["", "not submitted"]
    assert people["eve"][4:6] == ["", "stale"]
    assert people["fay"][4:6] == ["", "not gradable"]
    assert people["hal"][1] == "hal@example.org"


@pytest.mark.parametrize("fmt", ["csv", "canvas", "moodle"])
def test_pseudonymous_export_holds_no_raw_id(course, tmp_path, fmt):
    folder = course / "submitted" / "ida" / A01  # a wrongly named upload carries the id
    folder.mkdir(parents=True)
    (folder / "ida_provenance_final.ipynb").write_text(json.dumps({"nbformat": 4, "cells": []}))
    plain = (export(course, tmp_path, "csv")).read_text(encoding="utf-8-sig")
    assert "ida_provenance_final.ipynb" in plain  # the instructor's own copy says which file
    path = export(course, tmp_path, fmt, pseudonymous=True)
    text = path.read_text(encoding="utf-8-sig")
    cells = [c for row in table(path) for c in row]
    for raw in [*RAW_IDS, "cy", "ida", "Nosub", "Neil", "Line", "hal@example.org", "4242", "SUM"]:
        assert not re.search(rf"(?<![^\W_]){re.escape(raw)}(?![^\W_])", text, re.I), raw
    aliases = [c for c in cells if c.startswith("anon-")]
    assert len(set(aliases)) == 10
    salt_file = course / "sourcing_lab" / "pseudonym_salt"
    assert stat.S_IMODE(salt_file.stat().st_mode) == 0o600
    again = export_grades(course, A01, fmt, tmp_path / "again.csv", pseudonymous=True)
    assert again.read_bytes() == path.read_bytes()  # the stored salt is reused: stable aliases


def test_pseudonyms_are_keyed_hashes(course, tmp_path):
    rows = table(export(course, tmp_path, "csv", pseudonymous=True, salt="course-secret"))
    expected = hmac.new(b"course-secret", b"ada", hashlib.sha256).hexdigest()[:16]
    ids = [row[0] for row in rows[1:]]
    assert "anon-" + expected in ids
    assert ids == sorted(ids)  # sorted by alias, not by the raw ids
    assert not (course / "sourcing_lab" / "pseudonym_salt").exists()
    other = table(export(course, tmp_path, "csv", pseudonymous=True, salt="another"))
    assert not set(ids) & {row[0] for row in other[1:]}


def test_unknown_format_lists_the_valid_ones(course, tmp_path):
    with pytest.raises(ExportError, match="unknown export format 'xlsx'; choose one of: canvas"):
        export_grades(course, A01, "xlsx", tmp_path / "x.csv")


def test_clear_errors(course, tmp_path):
    with pytest.raises(ExportError, match="no course folder"):
        export_grades(tmp_path / "nowhere", A01, "csv", tmp_path / "x.csv")
    with pytest.raises(ExportError, match="unknown assignment 'a99'"):
        export_grades(course, "a99", "csv", tmp_path / "x.csv")
    with pytest.raises(ExportError, match="nothing graded yet for a05_verdict"):
        export_grades(course, "a05_verdict", "csv", tmp_path / "x.csv")
    (course / "gradebook.db").write_bytes(b"\x00" * 4096)
    with pytest.raises(ExportError, match="cannot be read"):
        export_grades(course, A01, "csv", tmp_path / "x.csv")
    assert not (tmp_path / "x.csv").exists()


@pytest.mark.slow
def test_export_of_a_really_autograded_course(autograded, tmp_path):
    people = by_first(table(export_grades(autograded, A01, "csv", tmp_path / "g.csv")))
    assert {sid: (r[1], r[2]) for sid, r in people.items() if sid != "cy"} == {
        "ada": ("graded", "13"),
        "ben": ("graded", "0"),
        "dee": ("not gradable", ""),
        "eve": ("stale", ""),
    }
    assert people["cy"][1] == "needs review" and "q7_written" in people["cy"][-1]
    canvas = {r[3]: r[5] for r in table(export_grades(autograded, A01, "canvas", tmp_path / "c"))}
    assert (canvas["ada"], canvas["ben"], canvas["cy"], canvas["dee"]) == ("13", "0", "", "")
