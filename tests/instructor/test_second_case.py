"""An instructor's own article, by data and prose alone, end to end with real nbgrader.

The case (``tests/data/second_course``) is invented for this test, in the reserved ``.example``
domain: an article, a library, a timeline, its FACTCHECK.md with its own row ids (F1..., S1...),
keys, and an assignment that uses every item type. Nothing in it is Python: the instructor's
path is the README's "Teach your own article" walkthrough, command by command.
"""

from __future__ import annotations

import csv
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from support import REPO, isolated_env

pytestmark = pytest.mark.slow

DATA = REPO / "tests" / "data" / "second_course"
CASE, ASSIGNMENT = "harbor_bridge", "h01_harbor"
AUTO_POINTS = 16.0  # every keyed item; the written answer's 2 points are graded by hand
BIN = Path(sys.executable).parent


def run(args: list[str], cwd: Path, env: dict[str, str], ok: bool = True) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=600)
    if ok and done.returncode != 0:
        raise AssertionError(f"{' '.join(args)} failed:\n{done.stdout}\n{done.stderr}")
    return done.stdout + done.stderr


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    """A course made and filled as the walkthrough says, up to a graded class."""
    base = tmp_path_factory.mktemp("second-case")
    env = isolated_env(base / "instructor")
    env.pop("SOURCING_LAB_COURSE", None)
    root = base / "course"
    lab = str(BIN / "sourcing-lab")
    run([lab, "course", "init", str(root)], base, env)
    with (root / "nbgrader_config.py").open("a", encoding="utf-8") as handle:
        handle.write("\nc.CollectApp.check_owner = False  # every test student is this OS user\n")
    out = run([lab, "case", "new", f"cases/{CASE}", "--assignment", ASSIGNMENT], root, env)
    assert (root / "keys" / CASE / "FACTCHECK.md").is_file() and "wrote" in out
    # The instructor fills in the templates: the test's invented case takes their place.
    for folder in ("cases", "keys", "assignments", "source"):
        shutil.copytree(DATA / folder, root / folder, dirs_exist_ok=True)
    (root / "cases" / CASE / "segments.csv").write_text(
        "segment_id,level,parent_id,start,end,text\n", encoding="utf-8"
    )  # as `case new` left it
    out = run([lab, "case", "segments", f"cases/{CASE}", "--write"], root, env)
    assert "11 segments" in out
    out = run([lab, "case", "check", f"cases/{CASE}"], root, env)
    assert "0 problem(s), 0 thing(s) missing" in out, out
    nbgrader = str(BIN / "nbgrader")
    run([nbgrader, "generate_assignment", ASSIGNMENT], root, env)
    run([nbgrader, "release_assignment", ASSIGNMENT], root, env)
    students = {"h_perfect": "perfect", "h_blank": "blank"}
    exchange = ["--Exchange.root=" + str(root / "exchange"), "--course=sourcing_lab"]
    for student, profile in students.items():
        home = base / "students" / student
        home.mkdir(parents=True)
        student_env = isolated_env(home) | {"JUPYTERHUB_USER": student}
        student_env.pop("SOURCING_LAB_COURSE", None)
        run([nbgrader, "fetch_assignment", ASSIGNMENT, *exchange], home, student_env)
        if profile == "perfect":
            _answer_perfectly(home / ASSIGNMENT, root)
        run([nbgrader, "submit", ASSIGNMENT, *exchange, f"--student={student}"], home, student_env)
    run([nbgrader, "collect", ASSIGNMENT], root, env)
    graded = run([lab, "grade", ASSIGNMENT, "--workers", "2"], root, env)
    run([nbgrader, "generate_feedback", ASSIGNMENT], root, env)
    reported = run([lab, "report", ASSIGNMENT], root, env)
    run([lab, "export", ASSIGNMENT, "--format", "csv"], root, env)
    return {"root": root, "base": base, "graded": graded, "reported": reported}


def _answer_perfectly(folder: Path, root: Path) -> None:
    """What a student who gets everything right saves: the keys' reference answers recorded
    in the notebook (as the page does), the code answer typed in, a written answer."""
    from course import lookup
    from course.questions import load_assignment
    from sourcing_lab.demo.simulate import StudentWork, solution_code, submission_notebook
    from sourcing_lab.key_lookup import reference_answers
    from sourcing_lab.keys import load_keys

    with lookup.course(root):
        case = load_assignment(ASSIGNMENT).case
        answers = reference_answers(load_keys(case), ASSIGNMENT, case)
        answers["q9_written"] = (
            "The post on the forum and its date are sure, since the thread shows them. The "
            "byline cannot be found in the Courier's archive, and the mayor quoted was not yet "
            "mayor at the date the text gives, so the text is not what it claims to be."
        )
        code = solution_code(ASSIGNMENT, root / "source")
        notebook = folder / "harbor.ipynb"
        release_nb = json.loads(notebook.read_text(encoding="utf-8"))
        nb, _ = submission_notebook(release_nb, StudentWork("h_perfect", answers, code), ASSIGNMENT)
        notebook.write_text(json.dumps(nb), encoding="utf-8")


def _scores(root: Path) -> dict[str, float]:
    path = root / "exports" / f"{ASSIGNMENT}-csv.csv"
    with path.open(encoding="utf-8-sig") as handle:
        return {row["student_id"]: float(row["score"]) for row in csv.DictReader(handle)}


def test_the_release_carries_the_case_and_never_the_keys(course):
    release = course["root"] / "release" / ASSIGNMENT
    data = release / "course_data"
    assert (data / "assignments" / f"{ASSIGNMENT}.toml").is_file()
    assert (data / "cases" / CASE / "case.toml").is_file()
    assert (data / "cases" / CASE / "segments.csv").is_file()
    names = [p.relative_to(release).as_posix() for p in release.rglob("*") if p.is_file()]
    assert not [n for n in names if "keys" in n or n.endswith(("FACTCHECK.md", "_trace.toml"))]


def test_a_perfect_submission_gets_full_marks_and_a_blank_one_zero(course):
    scores = _scores(course["root"])
    assert scores["h_perfect"] == AUTO_POINTS, course["graded"]
    assert scores["h_blank"] == 0.0, course["graded"]


def test_feedback_and_report_are_made_for_the_new_case(course):
    root = course["root"]
    feedback = root / "feedback" / "h_perfect" / ASSIGNMENT / "harbor.html"
    assert feedback.is_file()
    html = feedback.read_text(encoding="utf-8")
    assert "Harbor Bridge" in html and "Kosovo" not in html
    report = root / "reports" / ASSIGNMENT / "report.html"
    assert "<svg" in report.read_text(encoding="utf-8"), course["reported"]
    with (root / "reports" / ASSIGNMENT / "items.csv").open(encoding="utf-8") as handle:
        items = {row["question"] for row in csv.DictReader(handle)}
    assert {"q2_posted_where", "q5_claims", "q7_timeline"} <= items


def test_self_study_feedback_works_for_the_new_case(course, monkeypatch):
    """With the course's keys (the instructor's own check, or a learner with the whole course
    folder), Check says right or wrong; a student's released copy alone only says what is
    missing."""
    from course import lookup
    from course.lab import Lab
    from sourcing_lab.key_lookup import reference_value

    work = course["base"] / "self-study"
    work.mkdir()
    monkeypatch.setenv(lookup.COURSE_ENV, str(course["root"]))
    # The instructor's step that opens the keys for self-study (a data file for `course`).
    from sourcing_lab.open_keys import export_open_keys

    exported = export_open_keys(case_id=CASE)
    assert exported == course["root"] / "keys" / "open" / f"{CASE}.json"
    lab = Lab(ASSIGNMENT, folder=work)
    assert lab.self_study and lab.case.case_id == CASE
    lab.record("q2_posted_where", "outlet_site")
    wrong = lab.result("q2_posted_where")
    assert wrong.scored and wrong.score == 0, wrong
    assert any("first line" in m for m in wrong.messages), wrong  # the key's own hint
    from sourcing_lab.keys import load_keys

    keys = load_keys(lab.case, keys_root=lookup.keys_root_for(CASE))
    question = lab.question("q5_claims")
    lab.record("q5_claims", reference_value(keys, ASSIGNMENT, question, lab.case))
    right = lab.result("q5_claims")
    assert right.scored and right.score == right.max_score > 0, right

    monkeypatch.delenv(lookup.COURSE_ENV)
    released = course["base"] / "students" / "h_blank" / ASSIGNMENT
    monkeypatch.chdir(released)
    student = Lab(ASSIGNMENT, folder=released)
    assert student.case.case_id == CASE and not student.self_study
    form = student.result("q2_posted_where")
    assert not form.scored and not form.complete, form


def test_a_spec_naming_no_known_case_stops_the_release(tmp_path):
    """Before: generate_assignment built the notebook and grading failed late with a
    traceback. Now the release itself stops, naming the spec, the field and the fix."""
    env = isolated_env(tmp_path / "home")
    env.pop("SOURCING_LAB_COURSE", None)
    root = tmp_path / "course"
    run([str(BIN / "sourcing-lab"), "course", "init", str(root)], tmp_path, env)
    shutil.copytree(DATA / "source" / ASSIGNMENT, root / "source" / "z01")
    (root / "assignments" / "z01.toml").write_text(
        'title = "x"\ncase = "no_such_case"\n[questions.q1]\ntype = "written"\nskill = "framing"\n'
    )
    args = [str(BIN / "nbgrader"), "generate_assignment", "z01"]
    done = subprocess.run(args, cwd=root, env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode != 0
    assert "z01.toml, field 'case': no case 'no_such_case'" in done.stdout + done.stderr
    assert not (root / "release" / "z01").exists()


def test_validate_finds_a_released_copy_s_own_case(course):
    """A student checks a notebook from another folder: its case is beside the notebook."""
    folder = course["base"] / "students" / "h_perfect" / ASSIGNMENT
    env = isolated_env(course["base"] / "students" / "h_perfect")
    env.pop("SOURCING_LAB_COURSE", None)
    done = subprocess.run(
        [str(BIN / "sourcing-lab"), "validate", str(folder / "harbor.ipynb")],
        cwd=course["base"],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "no question spec" not in done.stdout + done.stderr, done.stdout + done.stderr
    assert "h01_harbor" in done.stdout, done.stdout
