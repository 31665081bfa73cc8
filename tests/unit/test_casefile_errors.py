"""A broken case file fails on load with a message naming the file, row and field."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from course.casefile import CaseFileError, load_case


def _edit(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"fixture text {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _error(folder: Path) -> CaseFileError:
    with pytest.raises(CaseFileError) as info:
        load_case(folder)
    return info.value


def test_missing_column_names_file_and_column(case_copy):
    _edit(case_copy / "timeline.csv", "event_id,date,", "event_id,when,")
    err = _error(case_copy)
    assert err.path.name == "timeline.csv"
    assert err.field == "date"
    assert "missing column" in str(err) and "header must be" in str(err)


def test_bad_date_names_row_event_and_field(case_copy):
    path = case_copy / "timeline.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    event_id, date = lines[3].split(",")[:2]
    lines[3] = lines[3].replace(date, date[:4] + "-13-45", 1)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _error(case_copy)
    message = str(err)
    assert "timeline.csv" in message and "row 3" in message and event_id in message
    assert "field 'date'" in message and "YYYY-MM-DD" in message


def test_duplicate_id_is_reported_with_its_row(case_copy):
    path = case_copy / "claims.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append(lines[1])
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _error(case_copy)
    assert err.path.name == "claims.csv" and err.field == "claim_id"
    assert err.row == len(lines) - 1
    assert "duplicate id" in str(err)


def test_segment_text_that_does_not_match_the_offsets(case_copy):
    _edit(
        case_copy / "segments.csv",
        "Bruce Mathews for Defense Daily March 15th 2021",
        "Bruce Matthews for Defense Daily March 15th 2021",
    )
    err = _error(case_copy)
    assert err.field == "text" and "segment_id 'p2'" in str(err)
    assert "Fix the offsets or the text" in str(err)


def test_an_edited_article_breaks_every_offset_loudly(case_copy):
    _edit(case_copy / "article.txt", "Posted", "posted")
    err = _error(case_copy)
    assert err.path.name == "segments.csv" and err.field == "text"


def test_claim_quote_not_in_its_segment(case_copy):
    _edit(case_copy / "claims.csv", "towards full NATO membership", "towards NATO membership")
    err = _error(case_copy)
    assert err.field == "quote" and "claim_id 'c_nato_membership'" in str(err)


def test_library_document_without_url(case_copy):
    doc = sorted((case_copy / "library").glob("*.md"))[0]
    text = doc.read_text(encoding="utf-8")
    doc.write_text(re.sub(r"(?m)^url = .*$", 'url = ""', text, count=1), encoding="utf-8")
    err = _error(case_copy)
    assert err.path == doc and err.field == "url"


def test_library_document_with_unknown_kind(case_copy):
    doc = sorted((case_copy / "library").glob("*.md"))[0]
    text = doc.read_text(encoding="utf-8")
    doc.write_text(re.sub(r"(?m)^kind = .*$", 'kind = "rumour"', text, count=1), encoding="utf-8")
    err = _error(case_copy)
    assert err.field == "kind" and "Use one of" in str(err)


def test_an_invented_page_must_say_so_and_only_invented_pages_may_use_example_domains(case_copy):
    blog = case_copy / "library" / "blog_balkan_notes.md"
    _edit(blog, "invented = true\n", "")
    err = _error(case_copy)
    assert err.path == blog and err.field == "invented"
    assert "reserved example domain" in str(err) and "Add invented = true" in str(err)
    _edit(blog, 'kind = "blog"\n', 'kind = "blog"\ninvented = "yes"\n')
    assert "must be true or false" in str(_error(case_copy))
    real = case_copy / "library" / "nato_kfor_topic.md"
    _edit(blog, 'invented = "yes"', "invented = true")
    _edit(real, 'kind = "official"\n', 'kind = "official"\ninvented = true\n')
    err = _error(case_copy)
    assert err.path == real and err.field == "url" and "ending in .example" in str(err)


def test_library_document_with_an_unknown_field(case_copy):
    doc = case_copy / "library" / "nato_kfor_topic.md"
    _edit(doc, 'kind = "official"\n', 'kind = "official"\nreliable = true\n')
    err = _error(case_copy)
    assert err.field == "reliable" and "Use only: title" in str(err)


def test_library_document_without_front_matter(case_copy):
    doc = case_copy / "library" / "stray_note.md"
    doc.write_text("Just some text.\n", encoding="utf-8")
    err = _error(case_copy)
    assert err.path == doc and "front matter" in str(err)


def test_timeline_event_pointing_at_a_missing_document(case_copy):
    path = case_copy / "timeline.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines.append("ghost_event,2020-01-01,,day,An event,https://example.org/x,no_such_doc")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    err = _error(case_copy)
    assert err.field == "doc_id" and "no_such_doc" in str(err)


def test_missing_file_and_missing_folder(case_copy, tmp_path):
    (case_copy / "claims.csv").unlink()
    err = _error(case_copy)
    assert err.path.name == "claims.csv" and "missing" in str(err)
    err = _error(tmp_path / "nowhere")
    assert "no such case folder" in str(err)


def test_command_line_check_reports_problem_and_exit_code(case_copy, capsys):
    from course.casefile.__main__ import main

    assert main([]) == 0
    assert "library:" in capsys.readouterr().out
    _edit(case_copy / "case.toml", "posted_on = 2023-01-05", 'posted_on = "5 Jan"')
    assert main([str(case_copy)]) == 1
    assert "field 'posted_on'" in capsys.readouterr().err


def test_an_edited_case_is_reloaded_not_served_from_cache(case_copy):
    first = load_case(case_copy)
    _edit(
        case_copy / "claims.csv",
        "'The first instance of technical support' since 2015",
        "Technical support for the first time",
    )
    second = load_case(case_copy)
    assert first is not second
    assert "Technical support for the first time" in {c.label for c in second.claim_records}
