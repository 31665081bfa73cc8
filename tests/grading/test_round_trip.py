"""The whole instructor/student loop with real nbgrader commands: generate, release, fetch,
work in a real kernel, submit, collect, autograde, generate_feedback, export."""

from __future__ import annotations

import csv
import json
import shutil
import textwrap

import nbformat
import pytest
from kit import item_scores, make_course, nbgrader
from nbclient import NotebookClient

from course.casefile import load_case
from sourcing_lab.key_lookup import reference_answers
from sourcing_lab.keys import load_keys

pytestmark = pytest.mark.slow
COURSE_FLAGS = ["--course", "sourcing_lab"]

GOOD_CODE = {
    "a01_provenance": {
        "q6_days": 'import pandas as pd\ndays = (pd.Timestamp("2023-01-05") - '
        'pd.Timestamp("2021-03-15")).days'
    },
    "a02_attribution": {
        "q5_counts": 'tags = lab.answer_table("q2_tags")\n'
        'counts = tags["source_type"].value_counts().to_dict()',
        "q6_share": 'tags = lab.answer_table("q2_tags")\n'
        'share = float((tags["source_type"] == "named_on_record").mean())',
    },
}
# Typical misconceptions: the byline taken at face value, the quote believed, the outlet trusted.
PARTIAL = {
    "a01_provenance": {
        "q2_posted_where": "defense_daily_site",
        "q3_footer": "forum_heading",
        "q4_chain": {
            "order": [
                "forum_post",
                "claimed_author",
                "claimed_outlet",
                "quoted_official",
                "claimed_original",
            ],
            "status": {
                "forum_post": "verified",
                "claimed_outlet": "verified",
                "claimed_author": "unverified",
                "claimed_original": "verified",
                "quoted_official": "verified",
            },
        },
        "q5_checkable": [
            "original_link",
            "author_page",
            "archived_copy",
            "weekday",
            "many_reposts",
        ],
    },
    "a02_attribution": {
        "q2_tags": {
            "s01": "named_unverifiable",
            "s05b": "named_on_record",
            "s06": "named_on_record",
            "s07": "anonymous",
        },
        "q4_anonymous_rule": "fine_insiders",
    },
}


def _work(notebook, folder, assignment, answers, code):
    """A student session: open the notebook, answer through the Lab, run it all, save."""
    nb = nbformat.read(notebook, as_version=4)
    for cell in nb.cells:
        qid = cell.id.removesuffix("_answer")
        if cell.id.endswith("_answer") and qid in code:
            cell.source = code[qid]
    helper = nbformat.v4.new_code_cell(
        textwrap.dedent(f"""
        import json
        for qid, value in json.loads({json.dumps(json.dumps(answers))}).items():
            lab.record(qid, value)
    """)
    )
    index = next(i for i, c in enumerate(nb.cells) if c.id == "setup") + 1
    nb.cells.insert(index, helper)
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
    nb.cells.pop(index)
    nbformat.write(nb, notebook)


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    base = tmp_path_factory.mktemp("roundtrip")
    assignments = ["a01_provenance", "a02_attribution"]
    root = make_course(base, assignments)
    keys, case = load_keys(), load_case()
    student_flags = [*COURSE_FLAGS, f"--Exchange.root={root / 'exchange'}"]
    for assignment in assignments:
        nbgrader(root, "release_assignment", assignment, *COURSE_FLAGS, "--force")
    plans = {
        "ada": lambda a: (reference_answers(keys, a, case), GOOD_CODE[a], True),
        "ben": lambda a: ({}, {}, True),
        "cy": lambda a: (PARTIAL[a], {}, True),
        "dee": lambda a: (reference_answers(keys, a, case), GOOD_CODE[a], False),
    }
    for student, plan in plans.items():
        home = base / "students" / student
        home.mkdir(parents=True)
        for assignment in assignments:
            nbgrader(root, "fetch_assignment", assignment, *student_flags, cwd=home)
            folder = home / assignment
            answers, code, keep_answers = plan(assignment)
            if answers or code:
                notebook = next(folder.glob("*.ipynb"))
                answers = {q: v for q, v in answers.items() if q not in code}
                _work(notebook, folder, assignment, answers, code)
            if not keep_answers:  # uploaded the .ipynb alone
                shutil.rmtree(folder / "answers", ignore_errors=True)
            nbgrader(root, "submit", assignment, *student_flags, "--student", student, cwd=home)
    for assignment in assignments:
        nbgrader(root, "collect", assignment)
        nbgrader(root, "autograde", assignment, "--force")
        nbgrader(root, "generate_feedback", assignment, "--force")
    nbgrader(root, "export")
    return root


def test_per_item_scores_match_the_goldens(course, golden):
    table = {
        f"{assignment}/{student}": item_scores(course, assignment, student)
        for assignment in ("a01_provenance", "a02_attribution")
        for student in ("ada", "ben", "cy", "dee")
    }
    golden("round_trip_scores", table)


def test_perfect_student_full_marks_blank_student_zero(course):
    with (course / "grades.csv").open() as handle:
        rows = {(r["assignment"], r["student_id"]): r for r in csv.DictReader(handle)}
    for assignment, auto_points in (("a01_provenance", 10.0), ("a02_attribution", 13.0)):
        for perfect in ("ada", "dee"):  # dee uploaded the notebook without answers/
            assert float(rows[(assignment, perfect)]["raw_score"]) == auto_points
        assert float(rows[(assignment, "ben")]["raw_score"]) == 0.0
        assert 0 < float(rows[(assignment, "cy")]["raw_score"]) < auto_points


def test_feedback_shows_reasons_but_no_hidden_code_or_key(course):
    html = (course / "feedback" / "cy" / "a01_provenance" / "provenance.html").read_text()
    assert "Look again" in html or "Not quite" in html  # a reason for a lost point
    for secret in ("BEGIN HIDDEN", "kit_scores", "most recent call last", "gaming_forum"):
        assert secret not in html, secret
    blank = (course / "feedback" / "ben" / "a02_attribution" / "attribution.html").read_text()
    for secret in ("not_enough", "others_suggested", "named_unverifiable"):
        assert secret not in blank


def test_autograded_sources_hold_no_key(course):
    keys = load_keys()
    values = {k.hints[w] for k in keys.attribution.values() for w in k.hints}
    for path in (course / "autograded").rglob("*.ipynb"):
        sources = "\n".join(
            c["source"] if isinstance(c["source"], str) else "".join(c["source"])
            for c in json.loads(path.read_text())["cells"]
        )
        assert "expected" not in sources and "accept =" not in sources
        assert not any(value in sources for value in values)
