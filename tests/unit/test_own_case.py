"""A course's own case: the lookup, the spec's case line, its own dossier rows, `case check`."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest

from course import lookup
from course.casefile import load_case
from course.casefile.tables import read_segments
from course.questions import QuestionSpecError, load_assignment
from sourcing_lab.case_check import check_case
from sourcing_lab.cli import main
from sourcing_lab.keys import KeyFileError, load_keys
from sourcing_lab.segmenter import draft_segments_csv, sentences
from support import REPO

DATA = REPO / "tests" / "data" / "second_course"
CASE, ASSIGNMENT = "harbor_bridge", "h01_harbor"


@pytest.fixture
def course(tmp_path, monkeypatch):
    """A course folder holding the invented case, its keys and its spec."""
    root = tmp_path / "course"
    for folder in ("cases", "keys", "assignments"):
        shutil.copytree(DATA / folder, root / folder)
    case_dir = root / "cases" / CASE
    article = (case_dir / "article.txt").read_text(encoding="utf-8")
    (case_dir / "segments.csv").write_text(draft_segments_csv(article), encoding="utf-8")
    monkeypatch.setenv(lookup.COURSE_ENV, str(root))
    return root


def test_a_spec_is_built_against_the_case_it_names(course):
    assignment = load_assignment(ASSIGNMENT)
    assert assignment.case_id == CASE and assignment.case.case_id == CASE
    assert assignment.case.folder == course / "cases" / CASE
    assert load_assignment("a01_provenance").case.case_id == "kosovo_ksf"  # the kit's, still


def test_the_course_folder_comes_before_the_kit(course):
    spec = (REPO / "course" / "assignments" / "a01_provenance.toml").read_text(encoding="utf-8")
    (course / "assignments" / "a01_provenance.toml").write_text(
        spec.replace('title = "Where did this text come from?"', 'title = "Our own version"')
    )
    assert load_assignment("a01_provenance").title == "Our own version"


def test_a_spec_naming_an_unknown_case_says_so(course):
    path = course / "assignments" / "x01.toml"
    path.write_text(
        'title = "x"\ncase = "no_such_case"\n[questions.q1]\ntype = "written"\n'
        'skill = "framing"\nprompt = "?"\n'
    )
    with pytest.raises(QuestionSpecError, match=r"x01.toml, field 'case': no case 'no_such_case'"):
        load_assignment("x01")
    path.write_text('title = "x"\n[questions.q1]\ntype = "written"\nskill = "framing"\n')
    with pytest.raises(QuestionSpecError, match=r"x01.toml, field 'case': missing"):
        load_assignment("x01")


def test_a_part_of_another_case_is_an_error_naming_the_right_case(course):
    path = course / "assignments" / "x02.toml"
    path.write_text(
        'title = "x"\ncase = "harbor_bridge"\n[questions.q1]\ntype = "span_tagger"\n'
        'skill = "attribution"\nparts = ["s03a"]\n'
    )
    with pytest.raises(QuestionSpecError, match="'s03a' is not a span_tagger part in case 'harbor"):
        load_assignment("x02")


def test_keys_cite_the_rows_of_the_case_s_own_dossier(course):
    keys = load_keys(load_assignment(ASSIGNMENT).case)
    assert keys.case_id == CASE and "F3" in keys.factcheck_by_item["claims.c_mayor_title"]
    path = course / "keys" / CASE / "claims.toml"
    path.write_text(path.read_text(encoding="utf-8").replace('["F4"]', '["C4"]'))
    with pytest.raises(KeyFileError, match=r"claims.toml, item 'c_built_1931', field 'factch.*C4"):
        load_keys(load_assignment(ASSIGNMENT).case)
    (course / "keys" / CASE / "FACTCHECK.md").unlink()
    with pytest.raises(KeyFileError, match="fact-check dossier is missing"):
        load_keys(load_assignment(ASSIGNMENT).case)


def test_case_check_reports_every_problem_in_one_run(course):
    case_dir = course / "cases" / CASE
    segments = case_dir / "segments.csv"
    rows = list(csv.reader(segments.open(encoding="utf-8")))
    rows[2][3] = "1"  # s01: the text no longer matches its offsets
    rows[5][1] = "paragraph"  # p3: not a level (its sentence then has no part: said too)
    with segments.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    doc = case_dir / "library" / "rumor_blog.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace('kind = "blog"', 'kind = "rumour"'))
    doc = case_dir / "library" / "bridge_history.md"
    doc.write_text(doc.read_text(encoding="utf-8").replace('date = "undated"', 'date = "soon"'))
    report = check_case(case_dir, course / "keys" / CASE, course / "assignments")
    text = report.text()
    assert not report.ok
    assert "segments.csv, row 2 (segment_id 's01'), field 'text'" in text, text
    assert "segments.csv, row 5 (segment_id 'p3'), field 'level'" in text, text
    assert "rumor_blog.md" in text and "bridge_history.md" in text, text
    assert str(case_dir) in text and "case-check-" not in text  # the instructor's own paths
    assert segments.read_text(encoding="utf-8").count("paragraph") == 1  # files left as they were


def test_case_check_summarises_what_is_missing(course):
    path = course / "keys" / CASE / "attribution.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("# S5")])
    report = check_case(course / "cases" / CASE, course / "keys" / CASE, course / "assignments")
    assert "missing: no key for segment s07" in report.text()
    assert "h01_harbor, question 'q4_tags': no key for s07" in report.text()


def test_case_check_finds_every_key_file_problem(course):
    keys = course / "keys" / CASE
    (keys / "timeline.toml").write_text("[anachronism]\nfactcheck = ['F3']\nclaim = 'c_nope'\n")
    links = keys / "provenance.toml"
    links.write_text(links.read_text(encoding="utf-8").replace('["contradicted"]', '["maybe"]'))
    report = check_case(course / "cases" / CASE, keys, course / "assignments")
    assert "timeline.toml, item 'anachronism', field 'claim'" in report.text()
    assert "provenance.toml, item 'quoted_official', field 'accept'" in report.text()


def test_case_check_names_a_case_without_chain_steps(course):
    meta = course / "cases" / CASE / "case.toml"
    text = meta.read_text(encoding="utf-8")
    meta.write_text(text[: text.index("[chain.")])
    report = check_case(course / "cases" / CASE, None, None)
    assert "no [chain.<step_id>] tables" in report.text()


def test_the_segments_draft_loads_and_finds_the_kit_s_own_sentences(tmp_path):
    case = load_case()
    draft = tmp_path / "segments.csv"
    draft.write_text(draft_segments_csv(case.article_text), encoding="utf-8")
    assert read_segments(draft, case.article_text)  # offsets and texts the loader accepts
    for part in (s for s in case.segment_records if s.level == "part"):
        kit = [(s.start, s.end) for s in case.segment_records if s.parent_id == part.segment_id]
        drafted = sentences(case.article_text, part.start, part.end)
        assert drafted == kit, part.segment_id  # "Brig. Gen." is no sentence end


def test_case_new_writes_templates_and_never_overwrites(tmp_path, capsys):
    root = tmp_path / "course"
    (root / "cases").mkdir(parents=True)
    assert main(["case", "new", str(root / "cases" / "my_case"), "--assignment", "m01"]) == 0
    assert (root / "cases" / "my_case" / "case.toml").is_file()
    assert (root / "keys" / "my_case" / "FACTCHECK.md").is_file()
    assert 'case = "my_case"' in (root / "assignments" / "m01.toml").read_text(encoding="utf-8")
    assert main(["case", "new", str(root / "cases" / "my_case")]) == 1
    assert "not empty; nothing was written" in capsys.readouterr().err
    # The empty case does not pass until it is filled in, and says where to start.
    assert main(["case", "check", str(root / "cases" / "my_case")]) == 1
    assert "problem:" in capsys.readouterr().out


def test_case_segments_will_not_write_over_segments(course, capsys):
    assert main(["case", "segments", str(course / "cases" / CASE), "--write"]) == 1
    assert "already has segments" in capsys.readouterr().err
    assert main(["case", "segments", str(course / "cases" / CASE)]) == 0
    assert capsys.readouterr().out.startswith("segment_id,level,parent_id,start,end,text\n")


def test_a_released_copy_finds_its_case_beside_the_notebook(course, tmp_path, monkeypatch):
    released = tmp_path / "release" / ASSIGNMENT / lookup.RELEASED_DATA
    shutil.copytree(course / "cases", released / "cases")
    shutil.copytree(course / "assignments", released / "assignments")
    monkeypatch.delenv(lookup.COURSE_ENV)
    monkeypatch.chdir(released.parent)
    assert load_assignment(ASSIGNMENT).case.folder == Path(released / "cases" / CASE)


def test_with_a_course_folder_a_submission_s_own_copy_is_never_read(course, tmp_path, monkeypatch):
    """The grader's process has the course configured: a course_data/ in the current folder
    (a submission's) cannot stand in for the course's or the kit's spec."""
    fake = tmp_path / "submission" / lookup.RELEASED_DATA / "assignments"
    fake.mkdir(parents=True)
    spec = (REPO / "course" / "assignments" / "a01_provenance.toml").read_text(encoding="utf-8")
    (fake / "a01_provenance.toml").write_text(spec.replace("points = 5", "points = 500"))
    monkeypatch.chdir(fake.parent.parent)
    assert load_assignment("a01_provenance").total_points < 100
    monkeypatch.delenv(lookup.COURSE_ENV)  # a student's own kernel: its copy is what it has
    assert load_assignment("a01_provenance").total_points > 500
