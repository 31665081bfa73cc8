"""RELIABILITY.md 33-36 over the reliability batch (``conftest.graded``): the intake names what it
left out of each submission, the submitted files stay as submitted, and nothing of the
instructor's reaches ``autograded/`` (what a grading kernel can read) or ``feedback/`` (what
goes back to a student)."""

from __future__ import annotations

import html
import json
import os
import re
import stat
import tomllib
from pathlib import Path

import pytest
from cases import ASSIGNMENT
from conftest import lstat_tree
from file_cases import HYGIENE, MARK_SCHEME, PROBE_NAMES
from kit import nbgrader, result_of

import course
from sourcing_lab.grading import isolation
from sourcing_lab.grading.status import submission_states

pytestmark = pytest.mark.slow
HIDDEN_MARKERS = ("BEGIN HIDDEN TESTS", "kit_scores(", "BEGIN MARK SCHEME", MARK_SCHEME)
KEY_SYNTAX = ("accept = [", "factcheck = [", "expected = ", "verdicts = [")


def _state(root: Path, student: str):
    return submission_states(root, ASSIGNMENT, ["provenance"], [student])[student]


@pytest.mark.parametrize("student", list(HYGIENE))
def test_each_left_out_entry_is_named_in_log_status_and_result(graded, student):
    root, _cases, run = graded
    expected = HYGIENE[student].ignored
    state = _state(root, student)
    assert len(state.ignored) == len(expected), state.ignored  # nothing else was left out
    result = result_of(root, ASSIGNMENT, student)
    for line in expected:
        assert any(found.startswith(line) for found in state.ignored), (line, state.ignored)
        assert f"{student}/{ASSIGNMENT}: {line}" in run.stderr
        if result is not None:
            assert any(found.startswith(line) for found in result["ignored_files"])


@pytest.mark.parametrize("student", [s for s, case in HYGIENE.items() if case.reason])
def test_only_a_notebook_that_cannot_be_read_makes_a_submission_not_gradable(graded, student):
    root, _cases, _run = graded
    state = _state(root, student)
    assert (state.state, HYGIENE[student].reason in state.reason) == ("not gradable", True)
    assert not (root / "autograded" / student).exists()


def test_the_submitted_files_stay_exactly_as_submitted(graded):
    for student, before in graded.before.items():
        assert lstat_tree(graded.root / "submitted" / student) == before, student


@pytest.mark.parametrize("student", [s for s, case in HYGIENE.items() if case.kernel])
def test_the_grading_kernel_finds_nothing_behind_a_link(graded, student):
    root, _cases, _run = graded
    path = root / "autograded" / student / ASSIGNMENT / "provenance.ipynb"
    printed = "".join(
        "".join(o.get("text", ""))
        for c in json.loads(path.read_text())["cells"]
        for o in c.get("outputs", [])
    )
    assert not re.search(r"^READ ", printed, re.MULTILINE), printed
    for name in PROBE_NAMES:
        assert f"NOT THERE {name} FileNotFoundError" in printed


def test_each_result_records_the_isolation_its_kernel_got(graded):
    root, cases, _run = graded
    host = isolation.offered().level
    for student, (_spec, scores, _states) in cases.items():
        result = result_of(root, ASSIGNMENT, student)
        if scores is None or result is None:
            continue
        level = result["isolation"]["level"]
        assert level in (host, isolation.NO_KERNEL), (student, result["isolation"])
    kernel_ran = result_of(root, ASSIGNMENT, "c34_link_to_keys")["isolation"]
    assert kernel_ran["level"] == host and kernel_ran["text"].startswith(host)
    assert result_of(root, ASSIGNMENT, "c38_link_loop")["isolation"]["level"] == "no kernel"


def test_a_wrong_answer_s_hint_stays_in_the_result_file_out_of_the_notebook(graded):
    from sourcing_lab.keys import load_keys

    root, _cases, _run = graded
    hint = load_keys(keys_root=root / "keys").assignments[ASSIGNMENT]["q2_posted_where"]["hints"]
    result = result_of(root, ASSIGNMENT, "c19_hidden_tracebacks")  # answered dod_site: wrong
    reasons = {o["question_id"]: " ".join(o["reasons"]) for o in result["outcomes"]}
    assert hint["dod_site"] in reasons["q2_posted_where"]  # for the instructor
    path = root / "autograded" / "c19_hidden_tracebacks" / ASSIGNMENT / "provenance.ipynb"
    shown = "".join(
        next(
            c for c in json.loads(path.read_text())["cells"] if c["id"] == "q2_posted_where_check"
        )["outputs"][0]["data"]["text/plain"]
    )
    assert shown.startswith("Not quite.") and hint["dod_site"] not in shown


# -- what the kernel could read, and what goes back to the student ------------------------------


def _public_text(root: Path) -> str:
    """What every student may read: the course package (text and file names) and the release."""
    folder = Path(course.__file__).parent
    files = [p for p in folder.rglob("*") if p.suffix in (".py", ".toml", ".csv", ".md", ".txt")]
    files += list((root / "release").rglob("*.ipynb"))
    return "".join(p.read_text(encoding="utf-8") for p in files) + " ".join(p.stem for p in files)


def _key_values(root: Path) -> tuple[set[str], set[str]]:
    """Every value in the key files: its sentences (hints, notes; none is public), and its
    other values (ids, numbers) that appear nowhere a student may read (such as 661 days)."""
    values: set[str] = set()

    def visit(value: object) -> None:
        if isinstance(value, dict | list):
            for item in value.values() if isinstance(value, dict) else value:
                visit(item)
        elif isinstance(value, str | int) and not isinstance(value, bool):
            values.add(str(value))

    for path in (root / "keys").rglob("*.toml"):
        visit(tomllib.loads(path.read_text(encoding="utf-8")))
    public = _public_text(root)
    sentences = {v for v in values if " " in v}
    tokens = {v for v in values if " " not in v and len(v) >= 3 and not _word_in(v, public)}
    return sentences, tokens


def _word_in(word: str, text: str) -> bool:
    return re.search(rf"(?<!\w){re.escape(word)}(?!\w)", text) is not None


def _visible(page: str) -> str:
    page = re.sub(r"<(style|script)\b.*?</\1>", " ", page, flags=re.S | re.I)
    return html.unescape(re.sub(r"<[^>]+>", " ", page))


def _files(folder: Path) -> list[Path]:
    """Everything below ``folder`` that is not a folder (links are listed, never followed)."""
    found = []
    for dirpath, dirnames, filenames in os.walk(folder):
        found += [Path(dirpath) / n for n in filenames]
        found += [Path(dirpath) / n for n in dirnames if (Path(dirpath) / n).is_symlink()]
    return sorted(found)


def test_autograded_holds_no_key_gradebook_or_file_from_outside_the_submission(graded):
    root, cases, _run = graded
    long, _short = _key_values(root)
    key_files = [p.read_bytes() for p in (root / "keys").rglob("*.toml")]
    for student in cases:
        folder = root / "autograded" / student / ASSIGNMENT
        submitted = root / "submitted" / student / ASSIGNMENT
        for path in _files(folder) if folder.is_dir() else []:
            relative = path.relative_to(folder)
            st = path.lstat()
            assert stat.S_ISREG(st.st_mode) and st.st_nlink == 1, (student, relative)
            data = path.read_bytes()
            assert not data.startswith(b"SQLite format 3"), (student, relative)
            assert not [k for k in key_files if k in data], (student, relative)
            text = data.decode("utf-8", "replace")
            assert not [s for s in long if s in text], (student, relative)
            written_here = ("provenance.ipynb", "timestamp.txt")
            if str(relative) in written_here or relative.parts[0] == "answers":
                continue  # written by nbgrader and the kit for this student
            original = submitted / relative
            assert stat.S_ISREG(original.lstat().st_mode), (student, relative)
            assert original.read_bytes() == data, (student, relative)


@pytest.fixture(scope="module")
def feedback(graded):
    return nbgrader(graded.root, "generate_feedback", ASSIGNMENT, "--force", check=False)


def test_feedback_holds_only_what_the_kit_made_for_the_student(graded, feedback):
    root, cases, _run = graded
    notebook = Path(ASSIGNMENT) / "provenance.ipynb"
    graded_students = {s for s in cases if (root / "autograded" / s / notebook).is_file()}
    given = {p.name for p in (root / "feedback").iterdir()}
    assert given == graded_students, feedback.stderr[-3000:]
    for student in given:
        folder = root / "feedback" / student / ASSIGNMENT
        names = {str(p.relative_to(folder)) for p in _files(folder)}
        kit_made = {"provenance.html", "timestamp.txt", "submission_secret.txt"}
        assert "provenance.html" in names and names <= kit_made, (student, names)
        secret = folder / "submission_secret.txt"
        if student == "c49_secret_not_a_token":  # not nbgrader's token: not carried over
            assert not secret.exists()
        else:  # nbgrader's release_feedback reads it from here
            assert re.fullmatch(r"[0-9a-f]{128}", secret.read_text()), student
        if "timestamp.txt" in names:  # rewritten by the kit: a time stamp, nothing else
            assert re.fullmatch(
                r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)?(\+00:00)?",
                (folder / "timestamp.txt").read_text(),
            ), student


def _printed_by_student_code(root: Path, student: str) -> str:
    """Outputs of the cells that are not graded: what the student's own code printed (a graded
    cell's output is the kit's, and is checked)."""
    path = root / "autograded" / student / ASSIGNMENT / "provenance.ipynb"
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    return " ".join(
        "".join(o.get("text", "")) + " ".join(map(str, (o.get("data") or {}).values()))
        for c in cells
        if not c.get("metadata", {}).get("nbgrader", {}).get("grade")
        for o in c.get("outputs", [])
    )


def test_feedback_shows_no_key_value_hint_mark_scheme_or_hidden_test(graded, feedback):
    root, _cases, _run = graded
    long, short = _key_values(root)
    release = (root / "release" / ASSIGNMENT / "provenance.ipynb").read_text(encoding="utf-8")
    assert {"661", "154"} <= short and len(long) > 100 and MARK_SCHEME not in release
    for page in sorted((root / "feedback").glob(f"*/{ASSIGNMENT}/provenance.html")):
        student = page.parts[-3]
        raw = page.read_text(encoding="utf-8")
        text = _visible(raw)
        assert not [m for m in (*HIDDEN_MARKERS, *KEY_SYNTAX) if m in raw], student
        assert not [s for s in long if s in text], student
        own = "".join(  # what the student wrote, or their code printed, may come back
            p.read_text(encoding="utf-8", errors="replace")
            for p in _files(root / "submitted" / student / ASSIGNMENT)
            if stat.S_ISREG(p.lstat().st_mode) and p.lstat().st_size < 10_000_000
        ) + _printed_by_student_code(root, student)
        leaked = [v for v in short if _word_in(v, text) and not _word_in(v, own)]
        assert not leaked, (student, leaked)
