"""The five assignments: hygiene, nbgrader metadata, sync with exercises/, no keys for students,
and both directions: every solution runs clean with reference answers; every blank exercise runs
clean and its checks all report missing answers."""

from __future__ import annotations

import json
import re
import shutil

import nbformat
import pytest
from nbclient import NotebookClient

from course.questions import load_assignment
from sourcing_lab.exercises import assignment_ids, generate_exercises
from sourcing_lab.key_lookup import seed_reference_answers
from support import REPO

ASSIGNMENTS = assignment_ids()
SOLUTIONS = {a: next((REPO / "solutions" / a).glob("*.ipynb")) for a in ASSIGNMENTS}
EXERCISES = {a: REPO / "exercises" / a / SOLUTIONS[a].name for a in ASSIGNMENTS}


def test_five_assignments_with_one_notebook_each():
    assert ASSIGNMENTS == [
        "a01_provenance",
        "a02_attribution",
        "a03_claims",
        "a04_time",
        "a05_verdict",
    ]
    for assignment in ASSIGNMENTS:
        files = sorted(p.name for p in (REPO / "solutions" / assignment).iterdir())
        assert files == [SOLUTIONS[assignment].name], f"only the notebook: {files}"


@pytest.mark.parametrize("path", [*SOLUTIONS.values(), *EXERCISES.values()], ids=str)
def test_notebooks_are_clean_valid_and_have_stable_ids(path):
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    ids = [cell.id for cell in nb.cells]
    assert len(ids) == len(set(ids))
    assert all(re.fullmatch(r"[a-z0-9_]+", i) for i in ids), "ids are readable, not random"
    # No recorded answers or saved widget state travel in the metadata (course.answers).
    assert not {"sourcing_lab", "widgets"} & set(nb.metadata), path.name
    for cell in nb.cells:
        assert not cell.get("outputs") and not cell.get("execution_count"), cell.id
        assert "pip install" not in cell.source and "sys.path" not in cell.source
        if cell.cell_type == "code":  # URLs may appear as data, never be fetched
            assert not re.search(
                r"urlopen|requests\.|urllib|socket|read_csv\(['\"]http", cell.source
            ), cell.id


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_notebooks_are_normalised(assignment, tmp_path):
    path = SOLUTIONS[assignment]
    text = path.read_text(encoding="utf-8")
    nbformat.write(nbformat.read(path, as_version=4), tmp_path / "resaved.ipynb")
    assert (tmp_path / "resaved.ipynb").read_text(encoding="utf-8") == text


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_grade_cells_match_the_question_spec(assignment):
    nb = nbformat.read(SOLUTIONS[assignment], as_version=4)
    spec = load_assignment(assignment)
    points = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        assert meta.get("schema_version") == 3 and meta.get("grade_id") == cell.id
        if meta.get("grade") or meta.get("task"):
            points[cell.id.removesuffix("_check")] = meta["points"]
    graded = {q: s.points for q, s in spec.questions.items() if s.item_type != "source_desk"}
    assert points == graded
    widgets = {c.id.removesuffix("_widget") for c in nb.cells if c.id.endswith("_widget")}
    needs_widget = {q for q, s in spec.questions.items() if s.item_type != "code_value"}
    assert needs_widget == widgets
    assert 10 <= sum(points.values()) <= 30


def test_exercises_are_exactly_what_nbgrader_generates(tmp_path):
    generate_exercises(tmp_path)
    for assignment in ASSIGNMENTS:
        fresh = tmp_path / assignment / SOLUTIONS[assignment].name
        assert json.loads(fresh.read_text()) == json.loads(EXERCISES[assignment].read_text()), (
            f"exercises/{assignment} is out of date: run `make exercises`"
        )


def test_no_answers_folder_under_solutions_or_exercises():
    for top in ("solutions", "exercises"):
        assert not list((REPO / top).rglob("answers")), f"{top}/ must never hold answers/"


def _key_values() -> set[str]:
    """Strings that would reveal a key: accepted ids that are specific enough to search for."""
    from sourcing_lab.keys import load_keys

    keys = load_keys()
    values = {"BEGIN SOLUTION", "BEGIN HIDDEN TESTS", "BEGIN MARK SCHEME", "kit_scores"}
    for entries in keys.assignments.values():
        for entry in entries.values():
            if (
                "expected" in entry
                and isinstance(entry["expected"], int | str)
                and not isinstance(entry["expected"], bool)
            ):
                values.add(f"= {entry['expected']}")
    for hints in [k.hints for k in keys.attribution.values()] + [
        k.verdict_hints for k in keys.claims.values()
    ]:
        values.update(h for h in hints.values() if len(h) > 30)
    return values


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_no_key_value_hidden_region_or_solution_in_exercises(assignment):
    text = "\n".join(c.source for c in nbformat.read(EXERCISES[assignment], as_version=4).cells)
    for value in _key_values():
        assert value not in text, f"exercises/{assignment} reveals {value!r}"
    solution = nbformat.read(SOLUTIONS[assignment], as_version=4)
    for cell in solution.cells:
        match = re.search(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S)
        if match and match.group(1).strip():
            assert match.group(1).strip() not in text


def _run(nb, folder):
    NotebookClient(nb, timeout=120, resources={"metadata": {"path": str(folder)}}).execute()
    errors = [
        (c.id, o.ename) for c in nb.cells for o in c.get("outputs", []) if o.output_type == "error"
    ]
    checks = {
        c.id: "".join(o.get("text", "") for o in c.get("outputs", []) if o.get("name") == "stdout")
        for c in nb.cells
        if c.id.endswith("_check")
    }
    return errors, checks


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_solution_runs_clean_with_reference_answers_and_every_check_is_satisfied(
    assignment, tmp_path
):
    shutil.copy(SOLUTIONS[assignment], tmp_path)
    seed_reference_answers(tmp_path, assignment)
    errors, checks = _run(nbformat.read(tmp_path / SOLUTIONS[assignment].name, 4), tmp_path)
    assert not errors
    assert checks and all(
        re.search(r"Answer chosen|Every|All \d+ items|value is recorded", text)
        for text in checks.values()
    ), checks


@pytest.mark.slow
@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_exercise_runs_clean_and_every_check_reports_missing(assignment, tmp_path):
    shutil.copy(EXERCISES[assignment], tmp_path)
    errors, checks = _run(nbformat.read(tmp_path / EXERCISES[assignment].name, 4), tmp_path)
    assert not errors
    assert checks
    for cell_id, text in checks.items():
        assert re.search(
            r"Choose|still have no label|choose a verdict|Put all|not produced", text
        ), (cell_id, text)
    assert not (tmp_path / "answers").exists() or all(
        json.loads(p.read_text())["value"] is None for p in (tmp_path / "answers").glob("*.json")
    )


def test_instructor_notes_exist_and_cover_every_item():
    for assignment in ASSIGNMENTS:
        notes = (REPO / "autograder" / "instructor_notes" / f"{assignment}.md").read_text()
        for qid, question in load_assignment(assignment).questions.items():
            if question.item_type != "source_desk":
                assert qid in notes, f"{assignment} notes do not mention {qid}"
        assert re.search(r"[Cc]ommon wrong answers|[Mm]isconceptions", notes)


def _cells(assignment):
    return {c.id: c for c in nbformat.read(SOLUTIONS[assignment], as_version=4).cells}


def test_every_multiple_select_item_states_its_scoring_rule_to_students():
    """The rule (right minus wrong, floored at zero) is in the instructions above the item."""
    for assignment in ASSIGNMENTS:
        cells = list(nbformat.read(EXERCISES[assignment], as_version=4).cells)
        for qid, question in load_assignment(assignment).questions.items():
            if not question.multiple:
                continue
            index = next(i for i, c in enumerate(cells) if c.id == f"{qid}_widget")
            above = next(c for c in reversed(cells[:index]) if c.cell_type == "markdown")
            text = " ".join(c.source for c in cells[:index] if c.cell_type == "markdown")
            assert "right minus wrong" in text and "Ticking every option earns nothing" in text
            assert "scored" in above.source or "scored" in text, (assignment, qid)


def test_every_notebook_offers_the_glossary_and_the_toolbox():
    for assignment in ASSIGNMENTS:
        cells = _cells(assignment)
        assert "from course.glossary import glossary, methods" in cells["setup"].source
        assert "glossary(" in cells["intro"].source, assignment
    assert _cells("a01_provenance")["toolbox"].source == "methods()"


def test_sift_moves_are_named_as_sift_names_them_and_cor_questions_listed_together():
    text = {a: "\n".join(c.source for c in _cells(a).values()) for a in ASSIGNMENTS}
    for move in (
        "Stop",
        "Investigate the source",
        "Find better coverage",
        "Trace claims, quotes and media to the original context",
    ):
        assert any(move in t for t in text.values()), move
    assert all("Stop" in _cells(a)["read_text"].source for a in ASSIGNMENTS)
    questions = "*Who is behind the information? What is the evidence? What do other sources say?*"
    assert questions in _cells("a01_provenance")["toolbox_intro"].source


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_assignment_fits_one_period(assignment):
    """Reading at 150 and at 200 words a minute plus the stated item times: 30 to 45 minutes
    (the content review's method, §3.3; the assumptions are in sourcing_lab.timing)."""
    from sourcing_lab.timing import READING_SPEEDS, estimate

    result = estimate(assignment)
    for speed in READING_SPEEDS:
        assert 30 <= result.minutes(speed) <= 45, (assignment, speed, result)


def test_the_timing_estimate_prints_one_row_per_assignment(capsys):
    from sourcing_lab.timing import main

    assert main([]) == 0
    rows = capsys.readouterr().out.splitlines()
    assert rows[0].startswith("assignment") and "150 / 200 wpm" in rows[0]
    assert [r.split()[0] for r in rows[1:]] == ASSIGNMENTS
