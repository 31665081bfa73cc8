"""Kernel-free grading (``grading.kernel_free``) gives what nbgrader's own Autograde gives.

Two identical courses, one class: widget-only submissions in every shape the reliability cases
give them (duplicated, deleted, edited, stripped and retyped cells, forged metadata, bad answer
files, links, pipes, sockets and hard links beside the notebook, a submission with no notebook,
one not valid JSON, one late against a due date) and a few that must run code. One course grades
with ``c.KernelFreeGrader.enabled = False`` (every submission through nbgrader's converter), the
other as shipped. Records, merged gradebooks, result files, intake records, clean copies and
autograded folders (bytes and modes) must be identical, the kernel-free path must have graded
exactly the submissions that need no kernel, and the same must hold after a grader's manual
score and a second run.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from pathlib import Path

import pytest
from cases import (
    ASSIGNMENT,
    WRONG,
    _bonus_and_kernel,
    _cell_type,
    _delete_test,
    _dup_test,
    _edit_locked,
    _forged_schema,
    _points,
    _strip_metadata,
    perfect,
    with_cells,
)
from file_cases import HYGIENE, add_marked_task
from kit import (
    BIN,
    embed,
    env_for,
    make_course,
    place_submission,
    record,
    reference_records,
    release_notebook,
)

from sourcing_lab.grading.kernel_free import GRADED_BY
from sourcing_lab.grading.merge import dump_gradebook

pytestmark = pytest.mark.slow
DUE = dt.datetime(2026, 11, 25, 12, 0)  # naive UTC, as the gradebook keeps it
LATE = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
# Graded by nbgrader's converter in both courses: code to run, or not gradable as submitted.
RECORDS = ("sourcing_lab/grades", "sourcing_lab/results", "sourcing_lab/ignored")
NEEDS_NBGRADER = {
    "k20_perfect_with_code",
    "k21_bonus_cell",
    "k22_late",
    "k23_truncated_json",
    "k24_no_notebook",
    "k25_renamed",
}


def _records() -> dict[str, list]:
    """The answers, recorded once (with their times) for both courses."""
    return {
        "widgets": reference_records(ASSIGNMENT, without=("q6_days",)),
        "all": reference_records(ASSIGNMENT),
        "wrong": [record(ASSIGNMENT, q, v) for q, v in WRONG.items()],
    }


def _class(root: Path, records: dict[str, list]) -> set[str]:
    _name, nb = release_notebook(root, ASSIGNMENT)
    refs, wrong = records["widgets"], records["wrong"]
    widgets = {"nb": embed(nb, refs), "records": refs}
    specs = {
        "k01_widgets": widgets,
        "k02_blank": {"nb": nb, "records": []},
        "k03_wrong": {"nb": embed(nb, wrong), "records": wrong},
        "k04_ipynb_only": {**widgets, "answers_dir": False},
        "k05_answers_folder_only": {"nb": nb, "records": refs},
        "k06_dup_test": with_cells(widgets, _dup_test),
        "k07_forged_schema": with_cells(widgets, _forged_schema),
        "k08_edited_locked": with_cells(widgets, _edit_locked),
        "k09_deleted_test": with_cells(widgets, _delete_test),
        "k10_stripped_metadata": with_cells(widgets, _strip_metadata),
        "k11_points_changed": with_cells(widgets, _points),
        "k12_cell_type_changed": with_cells(widgets, _cell_type),
        "k13_bad_answer_files": {
            "nb": nb,
            "records": refs[2:],
            "extra": {
                "answers/q2_posted_where.json": b'{"question_id": "q2_pos',
                "answers/q99_bonus.json": json.dumps(
                    {**refs[0].to_json(), "question_id": "q99_bonus"}
                ).encode(),
                "notes/extra.txt": b"a file of the student's own",
            },
        },
        "k20_perfect_with_code": perfect(nb, records["all"]),
        "k21_bonus_cell": with_cells(widgets, _bonus_and_kernel),
        "k22_late": {**widgets, "when": LATE},
        "k23_truncated_json": {"nb": json.dumps(widgets["nb"]).encode()[:5000], "records": refs},
        "k24_no_notebook": {"nb": None, "records": refs},
        "k25_renamed": {**widgets, "name": "provenance (1).ipynb"},
    }
    for student, spec in specs.items():
        place_submission(
            root,
            student,
            ASSIGNMENT,
            spec["nb"],
            spec.get("records", []),
            answers_dir=spec.get("answers_dir", True),
            name=spec.get("name"),
            when=spec.get("when"),
            extra=spec.get("extra"),
        )
    hygiene = {s: c for s, c in HYGIENE.items() if not c.kernel}
    for student, case in hygiene.items():
        folder = place_submission(root, student, ASSIGNMENT, widgets["nb"], refs)
        case.make(folder, root)
    _set_due_date(root)
    without_kernel = {s for s in specs if s not in NEEDS_NBGRADER}
    return without_kernel | {s for s, c in hygiene.items() if not c.reason}


def _set_due_date(root: Path) -> None:
    from nbgrader.api import Gradebook

    with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
        gradebook.update_or_create_assignment(ASSIGNMENT, duedate=DUE)


def _grade(root: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "sourcing-lab"), "grade", ASSIGNMENT, "--course", str(root), "--workers", "1"],
        env=env_for(root.parent / "home"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _grade_both(stock: Path, kit: Path) -> tuple[str, str]:
    runs = [_grade(stock), _grade(kit)]  # at once: two cores
    outs = [p.communicate(timeout=900)[0] for p in runs]
    for process, out in zip(runs, outs, strict=True):
        assert process.returncode == 0, out
    return outs[0], outs[1]


def _tree(root: Path, folder: str) -> dict[str, object]:
    """Every file under ``folder`` by path: its bytes and mode, or for JSON the parsed data
    without the run's own clock (graded_at, timings)."""
    found: dict[str, object] = {}
    for path in sorted((root / folder).rglob("*")):
        if path.is_symlink() or not path.is_file():
            continue
        data: object = path.read_bytes()
        if path.suffix == ".json" and folder in RECORDS:
            data = json.loads(path.read_bytes())
            if isinstance(data, dict):
                data = {k: v for k, v in data.items() if k not in ("graded_at", "timings")}
        found[str(path.relative_to(root))] = (data, path.stat().st_mode)
    return found


def _graded_by_kernel_free(root: Path) -> set[str]:
    found = set()
    for path in (root / "sourcing_lab" / "results" / ASSIGNMENT).glob("*/*.json"):
        timings = json.loads(path.read_text(encoding="utf-8")).get("timings") or {}
        if timings.get("graded_by") == GRADED_BY:
            found.add(path.parent.name)
    return found


def _executed(root: Path, student: str) -> bool:
    """A kernel ran for this submission (nbgrader wrote execution times into its cells)."""
    path = root / "autograded" / student / ASSIGNMENT / "provenance.ipynb"
    return "iopub.execute_input" in path.read_text(encoding="utf-8")


def _assert_same(stock: Path, kit: Path, without_kernel: set[str]) -> None:
    assert dump_gradebook(f"sqlite:///{kit / 'gradebook.db'}") == dump_gradebook(
        f"sqlite:///{stock / 'gradebook.db'}"
    )
    for folder in RECORDS:
        assert _tree(kit, folder) == _tree(stock, folder), folder
    for folder in ("sourcing_lab/clean/submitted", "autograded"):
        stock_files, kit_files = _tree(stock, folder), _tree(kit, folder)
        assert kit_files.keys() == stock_files.keys(), folder
        for name, value in kit_files.items():
            ran = folder == "autograded" and name.endswith(".ipynb")
            if not (ran and _executed(stock, name.split("/")[1])):  # cells carry run times
                assert value == stock_files[name], name
    assert _graded_by_kernel_free(stock) == set()
    assert _graded_by_kernel_free(kit) == without_kernel


@pytest.fixture(scope="module")
def courses(tmp_path_factory):
    stock = make_course(tmp_path_factory.mktemp("stock"), [ASSIGNMENT], add_marked_task)
    kit = make_course(tmp_path_factory.mktemp("kit"), [ASSIGNMENT], add_marked_task)
    with (stock / "nbgrader_config.py").open("a", encoding="utf-8") as config:
        config.write("\nc.KernelFreeGrader.enabled = False\n")
    records = _records()
    without_kernel = _class(stock, records)
    assert _class(kit, records) == without_kernel
    first = _grade_both(stock, kit)
    return stock, kit, without_kernel, first


def test_kernel_free_grading_gives_what_nbgrader_gives(courses):
    stock, kit, without_kernel, (stock_out, kit_out) = courses
    assert len(without_kernel) >= 20
    _assert_same(stock, kit, without_kernel)
    summary = [line for line in kit_out.splitlines() if "graded:" in line]
    assert summary == [line for line in stock_out.splitlines() if "graded:" in line]
    record = json.loads((kit / "sourcing_lab/grades" / ASSIGNMENT / "k01_widgets.json").read_text())
    grades = record["notebooks"]["provenance"]["grades"]
    assert grades["q4_chain_check"] == {"auto_score": 5.0, "needs_manual_grade": False}
    assert grades["q6_days_check"]["auto_score"] == 0.0  # no code: the code item scores zero


def test_a_manual_score_and_a_second_run_stay_the_same_both_ways(courses):
    from nbgrader.api import Gradebook

    stock, kit, without_kernel, _first = courses
    for root in (stock, kit):
        with Gradebook(f"sqlite:///{root / 'gradebook.db'}") as gradebook:
            grade = gradebook.find_grade(
                "q2_posted_where_check", "provenance", ASSIGNMENT, "k03_wrong"
            )
            grade.manual_score = 1.0
            gradebook.db.commit()
    _grade_both(stock, kit)
    _assert_same(stock, kit, without_kernel)
    record = json.loads((kit / "sourcing_lab/grades" / ASSIGNMENT / "k03_wrong.json").read_text())
    kept = record["notebooks"]["provenance"]["grades"]["q2_posted_where_check"]
    assert kept["needs_manual_grade"] is True  # a grader's score: the item stays for review
