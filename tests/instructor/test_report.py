"""The class report: its tables, its charts, and a clear error for every missing piece."""

from __future__ import annotations

import csv
import json
import re
import sqlite3
import statistics
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from markupsafe import Markup

from sourcing_lab.classdata import ClassData, StudentRow
from sourcing_lab.report import ReportError, build_report, item_stats, score_bins
from sourcing_lab.report.charts import bar_chart, histogram

A01, A02, A03 = "a01_provenance", "a02_attribution", "a03_claims"
FORMULA_ID = '=HYPERLINK("x")'
SVG = "{http://www.w3.org/2000/svg}"
TABLES = ("scores", "items", "distractors", "skills", "investigation")


def rows(folder: Path, name: str) -> list[dict[str, str]]:
    with (folder / f"{name}.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def report(course: Path, tmp_path: Path, assignment: str = A01) -> Path:
    html = build_report(course, assignment, tmp_path / f"report-{assignment}")
    assert html == tmp_path / f"report-{assignment}" / "report.html"
    return html.parent


def svgs(html: str) -> list[ET.Element]:
    return [ET.fromstring(s) for s in re.findall(r"<svg.*?</svg>", html, re.S)]


def test_report_is_one_self_contained_page_with_its_csv_tables(course, tmp_path):
    folder = report(course, tmp_path)
    html = (folder / "report.html").read_text(encoding="utf-8")
    for name in TABLES:
        assert (folder / f"{name}.csv").read_bytes().startswith(b"\xef\xbb\xbf")
    assert "<script" not in html.lower()
    assert not re.search(r"\b(src|href)\s*=", html)
    assert "url(" not in html and "@import" not in html
    charts = svgs(html)
    assert len(charts) >= 6
    for chart in charts:  # each is valid SVG that says what it shows
        assert chart.get("role") == "img"
        title, desc = chart.find(f"{SVG}title"), chart.find(f"{SVG}desc")
        assert title is not None and title.text
        assert desc is not None and len(desc.text) > 20
        assert chart.findall(f".//{SVG}rect")
    for heading in ("Scores and submissions", "Item difficulty", "wrong choices", "Skill mastery"):
        assert heading in html
    assert "point-biserial" in html and "corrected item–total correlation" in html
    assert "opened at any time" in html and "<i>before</i> answering" in html
    assert "Grading kernels: full (allow-list file view (bubblewrap)" in html
    graded = [r for r in rows(folder, "scores") if r["state"] != "not submitted"]
    assert graded and {r["isolation"][:5] for r in graded if r["state"] == "graded"} == {"full "}


def test_text_read_from_the_course_is_escaped_in_the_page(course, tmp_path):
    hostile = '<img src=x onerror="alert(1)"> & co'
    for result in (course / "sourcing_lab" / "results" / A01 / "ada").glob("*.json"):
        data = json.loads(result.read_text(encoding="utf-8"))
        data["isolation"]["text"] = hostile
        result.write_text(json.dumps(data), encoding="utf-8")
    html = (report(course, tmp_path) / "report.html").read_text(encoding="utf-8")
    shown = "&lt;img src=x onerror=&#34;alert(1)&#34;&gt; &amp; co: 1 student(s)."
    assert f"Grading kernels: {shown}" in html
    assert "<img" not in html


def test_charts_are_markup_with_every_label_escaped():
    chart = bar_chart('T "<t>"', ["a<b>&"], [1.0], axis_label="<r>", desc="d & <e>")
    assert isinstance(chart, Markup)
    tree = ET.fromstring(chart)
    assert tree.find(f"{SVG}title").text == 'T "<t>"'
    assert tree.find(f"{SVG}desc").text == "d & <e> Values: a<b>&: 1."
    assert {"a<b>&", "<r>"} <= {t.text for t in tree.iter(f"{SVG}text")}


def test_scores_table_has_every_student_in_a_distinct_state(course, tmp_path):
    scores = {r["student_id"]: r for r in rows(report(course, tmp_path), "scores")}
    states = {sid: r["state"] for sid, r in scores.items()}
    assert states == {
        "ada": "graded",
        "ben": "graded",
        "cy": "graded",
        "dee": "needs review",
        "eve": "stale",
        "fay": "not gradable",
        "gus": "not submitted",
        "hal": "needs review",
        "'" + FORMULA_ID: "graded",  # kept, but never run as a formula
    }
    assert scores["ben"]["score"] == "0" and scores["gus"]["score"] == ""
    assert scores["ada"]["score"] == "13" and scores["ada"]["max_score"] == "13"
    assert "q6_days_check" in scores["hal"]["reason"]


def test_item_difficulty_and_discrimination(course, tmp_path):
    items = {r["question"]: r for r in rows(report(course, tmp_path), "items")}
    assert list(items) == [
        "q2_posted_where",
        "q3_footer",
        "q4_chain",
        "q5_checkable",
        "q6_days",
        "q7_written",
    ]
    # right: ada, dee, hal; wrong: ben, cy and the formula student
    assert items["q2_posted_where"]["students"] == "6"
    assert items["q2_posted_where"]["difficulty"] == "0.5"
    assert items["q7_written"]["students"] == "5"  # dee's written answer is not graded yet
    for item in items.values():
        assert -1 <= float(item["discrimination"]) <= 1


def test_discrimination_is_the_corrected_item_total_correlation():
    people = [(1.0, 9.0), (0.0, 3.0), (1.0, 7.0), (0.0, 5.0), (1.0, 4.0)]
    data = ClassData(
        Path("."),
        "x",
        None,
        {"q_check": 1.0, "rest": 10.0},
        [
            StudentRow(f"s{i}", state="graded", score=total, items={"q_check": item})
            for i, (item, total) in enumerate(people)
        ],
    )
    (stats, _rest) = item_stats(data)
    rest = [t - i for i, t in people]
    expected = statistics.correlation([i for i, _ in people], rest)
    assert stats["discrimination"] == round(expected, 3)
    assert stats["difficulty"] == 0.6
    too_few = ClassData(Path("."), "x", None, {"q_check": 1.0}, data.rows[:2])
    assert item_stats(too_few)[0]["discrimination"] is None


def test_wrong_choices_name_the_distractor_that_caught_the_class(course, tmp_path):
    wrong = rows(report(course, tmp_path), "distractors")
    by = {(r["question"], r["part"], r["wrong_choice"]): r for r in wrong}
    posted = by[("q2_posted_where", "", "dod_site")]
    assert posted["students"] == "2" and posted["answered"] == "5"  # ben left it blank
    assert posted["wrong_label"] == "On the US Department of Defense website"
    chain = by[("q4_chain", "claimed_original", "verified")]
    assert chain["kind"] == "status" and chain["students"] == "2"
    assert by[("q5_checkable", "", "weekday")]["students"] == "2"
    assert ("q5_checkable", "", "original_link") not in by  # a right option is never "wrong"


def test_wrong_verdicts_and_weak_documents_cited(course, tmp_path):
    wrong = rows(report(course, tmp_path, A03), "distractors")
    by = {(r["part"], r["kind"], r["wrong_choice"]): r for r in wrong}
    assert by[("c_kfor_ended", "verdict", "accurate")]["students"] == "2"
    mirror = by[("c_kfor_ended", "cited document", "kfor_mirror_askwikinow")]
    assert mirror["wrong_label"].endswith("[distractor]")
    weak = by[("c_major_ally", "cited document", "blinken_2023")]
    assert weak["wrong_label"].endswith("[weak for this claim]")


def test_wrong_source_types_per_segment(course, tmp_path):
    wrong = rows(report(course, tmp_path, A02), "distractors")
    by = {(r["part"], r["wrong_choice"]): r for r in wrong if r["question"] == "q2_tags"}
    assert by[("s01", "named_on_record")]["students"] == "2"
    assert by[("s01", "named_on_record")]["answered"] == "3"
    assert by[("s02", "anonymous")]["students"] == "1"
    assert by[("s01", "named_on_record")]["kind"] == "source type"


def test_skill_mastery_per_method(course, tmp_path):
    skills = {r["skill"]: r for r in rows(report(course, tmp_path), "skills")}
    assert list(skills) == ["provenance", "attribution", "evidence", "time", "framing"]
    assert skills["provenance"]["points"] == "12" and skills["time"]["points"] == "1"
    assert skills["time"]["mastery"] == str(round(5 / 6, 3))  # only ben missed q6_days
    assert skills["attribution"]["points"] == "0" and skills["attribution"]["mastery"] == ""


def test_investigation_summaries(course, tmp_path):
    desk = rows(report(course, tmp_path), "investigation")
    measures = {r["measure"]: r for r in desk if not r["doc_id"]}
    assert measures["searched at least once"]["students"] == "3"
    assert measures["searched at least once"]["of_students"] == "6"
    assert measures["opened a decisive document (at any time)"]["students"] == "1"
    docs = [(r["doc_id"], r["students"]) for r in desk if r["doc_id"]]
    assert docs[0] == ("kfor_mirror_askwikinow", "2")
    roles = {r["doc_id"]: r["role"] for r in desk if r["doc_id"]}
    assert roles["kfor_mirror_askwikinow"] == "distractor"
    assert roles["nato_kfor_topic"] == "evidence, decisive"


def test_decisive_documents_of_a_claims_desk_come_from_the_key(course, tmp_path):
    desk = rows(report(course, tmp_path, A03), "investigation")
    measures = {r["measure"]: r["students"] for r in desk if not r["doc_id"]}
    assert measures["opened a decisive document (at any time)"] == "1"  # ada; ben read a blog
    assert measures["opened at least one document"] == "2"


def test_histogram_bins_and_charts_are_drawn_from_the_numbers():
    assert score_bins([0, 0.5, 1, 3], 3) == [("0", 2), ("1", 1), ("2", 0), ("3", 1)]
    assert score_bins([0, 13, 12.5, 5], 13)[-1] == ("12–13", 2)
    chart = ET.fromstring(
        bar_chart("T", ["a", "b", "c"], [-0.5, None, 0.25], axis_label="r", domain=(-1, 1))
    )
    assert "a: -0.5; b: n/a; c: 0.25" in chart.find(f"{SVG}desc").text
    assert len(chart.findall(f".//{SVG}rect")) == 3  # background, one bar each for a and c
    bars = ET.fromstring(histogram("H", [("0", 0), ("1", 3)], x_label="x", y_label="y"))
    assert [t.text for t in bars.iter(f"{SVG}text")].count("3") >= 1


# -- clear errors ---------------------------------------------------------------------------


def test_missing_course_folder(tmp_path):
    with pytest.raises(ReportError, match="no course folder at"):
        build_report(tmp_path / "nowhere", A01, tmp_path / "out")


def test_course_folder_without_gradebook(tmp_path):
    (tmp_path / "course").mkdir()
    with pytest.raises(ReportError, match=r"has no gradebook \(gradebook.db\)"):
        build_report(tmp_path / "course", A01, tmp_path / "out")


def test_unknown_assignment_lists_the_known_ones(course, tmp_path):
    with pytest.raises(ReportError) as info:
        build_report(course, "a99_nope", tmp_path / "out")
    assert "unknown assignment 'a99_nope'" in str(info.value)
    assert "a01_provenance, a02_attribution, a03_claims" in str(info.value)


def test_nothing_graded_yet(course, tmp_path):
    with pytest.raises(ReportError, match=r"nothing graded yet for a04_time.*sourcing-lab grade"):
        build_report(course, "a04_time", tmp_path / "out")
    from instructor_course import register  # generated, but no submission graded
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{course / 'gradebook.db'}", course_id="sourcing_lab") as gb:
        register(gb, course, "a04_time")
    with pytest.raises(ReportError, match=r"nothing graded yet for a04_time \(.*run `sourc"):
        build_report(course, "a04_time", tmp_path / "out")
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("damage", ["garbage", "truncated", "foreign"])
def test_corrupt_gradebook_is_reported_and_left_untouched(course, tmp_path, damage):
    db = course / "gradebook.db"
    if damage == "garbage":
        db.write_bytes(b"this is not a database\x00" * 200)
    elif damage == "truncated":
        db.write_bytes(db.read_bytes()[:6000])
    else:
        db.unlink()
        with sqlite3.connect(db) as con:
            con.execute("CREATE TABLE grades (student TEXT, score REAL)")
    before = db.read_bytes()
    with pytest.raises(ReportError, match=r"cannot be read.*gradebook-backups"):
        build_report(course, A01, tmp_path / "out")
    assert db.read_bytes() == before


@pytest.mark.slow
def test_report_of_a_really_autograded_course(autograded, tmp_path):
    folder = report(autograded, tmp_path)
    states = {r["student_id"]: (r["state"], r["score"]) for r in rows(folder, "scores")}
    assert states == {
        "ada": ("graded", "13"),
        "ben": ("graded", "0"),
        "cy": ("needs review", states["cy"][1]),
        "dee": ("not gradable", ""),
        "eve": ("stale", ""),
    }
    assert 0 < float(states["cy"][1]) < 10
    wrong = {(r["question"], r["wrong_choice"]) for r in rows(folder, "distractors")}
    assert ("q2_posted_where", "dod_site") in wrong and ("q3_footer", "last_line") in wrong
    desk = {r["measure"]: r["students"] for r in rows(folder, "investigation") if not r["doc_id"]}
    assert desk["opened a decisive document (at any time)"] == "1"
    assert desk["searched at least once"] == "2"
