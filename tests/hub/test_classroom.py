"""A whole class on JupyterHub (issue 16): the instructor releases a01 from formgrader; three
students log in and fetch it from the Assignments tab; one works in real Chromium and submits
with answers/ in place, one answers every item through the widgets (driven in her kernel) and
submits the notebook alone, one submits it blank; the instructor collects, grades with
``sourcing-lab grade``, generates and releases feedback; each student fetches feedback and sees
only their own; and one student tries to read what is not theirs."""

from __future__ import annotations

import json
import textwrap

import pytest
from browser_student import ARTIFACTS, work_in_browser
from conftest import NOTES, timed
from hub_client import HubUser, run_in_kernel, run_notebook

from course.casefile import load_case
from sourcing_lab.hub.classroom import COURSE_ID
from sourcing_lab.items.written import SAMPLE_ANSWER as WRITTEN
from sourcing_lab.key_lookup import reference_answers
from sourcing_lab.keys import load_keys

pytestmark = pytest.mark.slow
ASSIGNMENT = "a01_provenance"
FOLDER = f"{COURSE_ID}/{ASSIGNMENT}"
NOTEBOOK = f"{FOLDER}/provenance.ipynb"
AUTO_POINTS = 10.0  # a01's points without the written answer (graded by hand)
DAYS_CODE = (
    'import pandas as pd\ndays = (pd.Timestamp("2023-01-05") - pd.Timestamp("2021-03-15")).days'
)
BROWSER_CHOICE = ("q2_posted_where", "On a forum run by a video-game community", 1.0)
# The clicks of a student who answers every widget: values set on the kit's own controls,
# whose observers record them (answers/ + the record in the notebook), then read back.
ANSWER_THROUGH_WIDGETS = """
import json
answers = json.loads({answers!r})
for qid, value in answers.items():
    lab._views[qid].apply_value(value)
print("RECORDED=" + json.dumps({{q: lab.answer(q) for q in answers}}, sort_keys=True))
"""


def _answers() -> dict:
    answers = reference_answers(load_keys(), ASSIGNMENT, load_case())
    answers.pop("q6_days")  # a code answer: typed into its cell
    return {**answers, "q7_written": WRITTEN}


def _submission_files(user: HubUser) -> list[str]:
    return sorted(e["name"] for e in user.contents(FOLDER)["content"])


@pytest.fixture(scope="module")
def class_run(classroom):
    """The whole round trip; returns what each step produced, for the tests below."""
    room, out = classroom, {}
    ada, ben, cy = room.students
    with timed("instructor: log in, start server"):
        teacher = HubUser(room.url, room.instructor.name).login(room.instructor.password)
        teacher.start_server()
    with timed("instructor: generate + release a01 (formgrader API)"):
        teacher.formgrader("assign", ASSIGNMENT)
        teacher.formgrader("release", ASSIGNMENT)
    with timed("student in Chromium: log in .. fetch .. answer .. save .. submit"):
        out["browser"] = work_in_browser(room.url, ada.name, ada.password, BROWSER_CHOICE[1])
    users = {ada.name: HubUser(room.url, ada.name).login(ada.password)}
    with timed("two students over REST: log in, start servers, fetch"):
        for account in (ben, cy):
            users[account.name] = HubUser(room.url, account.name).login(account.password)
            users[account.name].start_server()
            out[f"listed:{account.name}"] = users[account.name].assignments()
            users[account.name].assignments("fetch", assignment_id=ASSIGNMENT)
        out["ada_files"] = _submission_files(users[ada.name])
    with timed("student over REST: Run All, answer every widget, save"):
        code = ANSWER_THROUGH_WIDGETS.format(answers=json.dumps(_answers()))
        printed = run_notebook(users[cy.name], NOTEBOOK, {"q6_days_answer": DAYS_CODE}, code)
        out["cy_recorded"] = json.loads(printed.split("RECORDED=", 1)[1])
        users[cy.name].delete_tree(f"{FOLDER}/answers")  # she uploads the notebook alone
        out["cy_files"] = _submission_files(users[cy.name])
    for account in (ben, cy):
        users[account.name].assignments("submit", assignment_id=ASSIGNMENT)
    with timed("instructor: collect, sourcing-lab grade, feedback (generate + release)"):
        teacher.formgrader("collect", ASSIGNMENT)
        out["grade_log"] = run_in_kernel(
            teacher,
            textwrap.dedent(f"""
            import subprocess
            done = subprocess.run(["sourcing-lab", "grade", "{ASSIGNMENT}", "--course",
                                   "{room.course_root}"], capture_output=True, text=True)
            print("EXIT", done.returncode)
            print(done.stdout[-3000:], done.stderr[-3000:])
        """),
        )
        teacher.formgrader("generate_feedback", ASSIGNMENT)
        teacher.formgrader("release_feedback", ASSIGNMENT)
        out["submissions"] = teacher.server(
            "GET", f"/formgrader/api/submissions/{ASSIGNMENT}"
        ).json()
    with timed("students: fetch feedback"):
        for name, user in users.items():
            user.assignments("fetch_feedback", assignment_id=ASSIGNMENT)
            out[f"feedback:{name}"] = _feedback(user)
    with timed("one student tries to read what is not theirs"):
        out["probes"] = _probe(users[ben.name], room, other=cy)
        # formgrader is the instructor's: a student's own server does not offer it at all.
        out["student_formgrader"] = {
            path: users[ben.name].server("GET", path).status_code
            for path in (f"/formgrader/api/submissions/{ASSIGNMENT}", "/formgrader")
        }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "class_run.json").write_text(json.dumps(out, indent=1), encoding="utf-8")
    return out


def _feedback(user: HubUser) -> dict[str, str]:
    """Every feedback file in the student's assignment folder: name -> text."""
    found = {}
    for stamp in user.contents(f"{FOLDER}/feedback")["content"]:
        for entry in user.contents(stamp["path"])["content"]:
            found[f"{stamp['name']}/{entry['name']}"] = user.contents(entry["path"])["content"]
    return found


PROBE = """
import json, os
def attempt(action, path):
    try:
        if action == "read":
            open(path, "rb").read(1)
        elif action == "list":
            os.listdir(path)
        elif action == "rename":
            os.rename(path, path + "-taken")
        elif action == "write":
            open(path, "w").write("not a release")
        return "allowed"
    except PermissionError:
        return "denied"
    except OSError as error:
        return type(error).__name__
print("PROBES=" + json.dumps({{label: attempt(a, p) for label, (a, p) in {targets!r}.items()}}))
"""


def _probe(student: HubUser, room, other) -> dict[str, str]:
    course, exchange = room.course_root, room.exchange / COURSE_ID
    inbound = next((exchange / "inbound").glob(f"{other.name}+{ASSIGNMENT}+*"))
    key_file = next(p for p in (course / "keys").rglob("*.toml"))
    collected = course / "submitted" / other.name / ASSIGNMENT
    targets = {
        "another student's home": ("list", str(other.home)),
        "another student's notebook": ("read", str(other.home / NOTEBOOK)),
        "the exchange's inbound (list)": ("list", str(exchange / "inbound")),
        "the exchange's feedback (list)": ("list", str(exchange / "feedback")),
        "the course folder": ("list", str(course)),
        "the answer keys": ("read", str(key_file)),
        "the gradebook": ("read", str(course / "gradebook.db")),
        "the collected submission": ("read", str(collected / "provenance.ipynb")),
        "rename the course's exchange": ("rename", str(exchange)),
        "plant a file in the release": ("write", str(exchange / "outbound" / ASSIGNMENT / "x.py")),
        "the submission, by its exact name": ("read", str(inbound / "provenance.ipynb")),
    }
    text = run_in_kernel(student, PROBE.format(targets=targets))
    probes = json.loads(text.split("PROBES=", 1)[1])
    secret = inbound.name.rsplit("+", 1)[-1]
    NOTES.append(
        "a student reading another's inbound submission by its exact name: "
        f"{probes['the submission, by its exact name']} (inbound cannot be listed; the name "
        f"ends in a random part of {len(secret)} characters)"
    )
    return probes


# -- the tests -----------------------------------------------------------------------------
def test_students_see_the_release_in_the_assignments_tab(class_run):
    listed = [v for k, v in class_run.items() if k.startswith("listed:")]
    assert len(listed) == 2
    for answer in listed:
        assert answer["success"]
        assert [(a["assignment_id"], a["status"]) for a in answer["value"]] == [
            (ASSIGNMENT, "released")
        ]


def test_what_each_student_submitted(class_run):
    assert "answers" in class_run["ada_files"]  # the browser student left answers/ in place
    assert "answers" not in class_run["cy_files"]  # the notebook alone
    assert ASSIGNMENT in class_run["browser"]["submitted_text"]


def test_answers_set_through_the_widgets_were_recorded(class_run):
    assert class_run["cy_recorded"] == _answers()


def _by_student(class_run) -> dict:
    """The instructor's formgrader view of each submission, keyed ada, ben, cy."""
    rows = sorted(class_run["submissions"], key=lambda row: row["student"])
    return {row["student"].rsplit("-", 1)[-1]: row for row in rows}


def test_grade_scores_each_student_from_their_own_answers(class_run):
    assert "EXIT 0" in class_run["grade_log"], class_run["grade_log"]
    rows = _by_student(class_run)
    assert sorted(rows) == ["ada", "ben", "cy"]
    assert rows["cy"]["score"] == AUTO_POINTS  # everything right, the notebook alone
    assert rows["ben"]["score"] == 0.0  # blank
    assert rows["ada"]["score"] == BROWSER_CHOICE[2]  # one item, answered in the browser
    assert all(row["autograded"] and row["needs_manual_grade"] for row in rows.values())


def test_each_student_gets_only_their_own_feedback(class_run):
    rows = _by_student(class_run)
    for short, row in rows.items():
        files = class_run[f"feedback:{row['student']}"]
        assert len(files) == 1, f"{short} got {sorted(files)}"
        ((name, html),) = files.items()
        # The feedback folder is named by the submission's own timestamp, and the scores are
        # that student's.
        assert name.split("/")[0] == row["timestamp"].replace("T", " ") + " UTC"
        assert f"Score: {row['score']:.1f} / 13.0" in html
        others = [r["student"] for r in rows.values() if r is not row]
        assert not any(other in html for other in others)


def test_a_wrong_password_is_refused(classroom):
    ada, ben, _ = classroom.students
    with pytest.raises(PermissionError):
        HubUser(classroom.url, ada.name).login(ben.password)
    with pytest.raises(PermissionError):
        HubUser(classroom.url, ada.name).login("")


def test_a_student_server_has_no_formgrader(class_run):
    served = class_run["student_formgrader"]
    assert all(status in (403, 404) for status in served.values()), served


def test_a_student_cannot_reach_what_is_not_theirs(class_run):
    probes = class_run["probes"]
    must_be_denied = [label for label in probes if label != "the submission, by its exact name"]
    refused = {label: probes[label] for label in must_be_denied if probes[label] != "denied"}
    assert not refused, f"a student could: {refused}"
