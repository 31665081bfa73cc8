"""A small real course for the instructor tests, built fast without running kernels.

A course folder from ``init_course``; a gradebook written with nbgrader's own API from the source
notebooks' grade and task cells (as ``generate_assignment`` records them); submissions in
``submitted/``; and result files whose scores come from the kit's real checks and keys.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
import warnings
from pathlib import Path
from typing import Any

from sqlalchemy.exc import SAWarning

from course.casefile import load_case
from course.checks.dispatch import evaluate
from course.items import REGISTRY
from course.questions import load_assignment
from sourcing_lab.course_init import init_course
from sourcing_lab.grading import isolation
from sourcing_lab.grading.ledger import result_path, write_result
from sourcing_lab.grading.status import submitted_timestamp
from sourcing_lab.key_lookup import key_for_question, reference_answers
from sourcing_lab.keys import load_keys

A01, A02, A03 = "a01_provenance", "a02_attribution", "a03_claims"
WHEN = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
FORMULA_ID = '=HYPERLINK("x")'
EMPTY_NB = {"nbformat": 4, "nbformat_minor": 5, "metadata": {}, "cells": []}


FULL_ISOLATION = isolation.Isolation(applied=tuple(isolation.PARTS))


def desk_log(*events: tuple[str, str]) -> list[dict[str, str]]:
    """('search', 'kfor') / ('open', 'doc_id') pairs as a source-desk log."""
    out = []
    for minute, (action, what) in enumerate(events):
        field = "query" if action == "search" else "doc_id"
        at = (WHEN - dt.timedelta(hours=2) + dt.timedelta(minutes=minute)).isoformat()
        out.append({"action": action, field: what, "at": at, "question": "q1_desk"})
    return out


def wrong_a01() -> dict[str, Any]:
    keys, case = keys_and_case()
    answers = reference_answers(keys, A01, case)
    answers["q2_posted_where"] = "dod_site"
    answers["q3_footer"] = "last_line"
    answers["q4_chain"]["status"]["claimed_outlet"] = "verified"
    answers["q4_chain"]["status"]["claimed_original"] = "verified"
    answers["q5_checkable"] = ["weekday", "original_link"]
    answers["q1_desk"] = desk_log(("search", "defense daily"), ("open", "kfor_mirror_askwikinow"))
    return answers


@functools.cache
def keys_and_case() -> tuple[Any, Any]:
    return load_keys(), load_case()


def auto_scores(assignment: str, answers: dict[str, Any]) -> dict[str, float]:
    """What the grader's ScoreAnswers gives each check cell, from the real checks and keys."""
    keys, case = keys_and_case()
    scores = {}
    for question in load_assignment(assignment).questions.values():
        if REGISTRY[question.item_type].auto_scored:
            key = key_for_question(keys, assignment, question, case, answers)
            result = evaluate(question, answers.get(question.question_id), case, key)
            scores[f"{question.question_id}_check"] = result.scaled(question.points)
    return scores


def source_notebook(root: Path, assignment: str) -> Path:
    return next((root / "source" / assignment).glob("*.ipynb"))


def register(gb: Any, root: Path, assignment: str) -> None:
    """The assignment, its notebook and grade/task cells, as generate_assignment records them."""
    path = source_notebook(root, assignment)
    gb.add_assignment(assignment)
    gb.add_notebook(path.stem, assignment)
    for cell in json.loads(path.read_text(encoding="utf-8"))["cells"]:
        meta = cell["metadata"].get("nbgrader", {})
        args = (meta.get("grade_id"), path.stem, assignment)
        if meta.get("task"):
            gb.add_task_cell(*args, max_score=meta["points"], cell_type=cell["cell_type"])
        elif meta.get("grade"):
            gb.add_grade_cell(*args, max_score=meta["points"], cell_type=cell["cell_type"])


def submit(root: Path, student: str, assignment: str, when: dt.datetime = WHEN) -> Path:
    folder = root / "submitted" / student / assignment
    folder.mkdir(parents=True, exist_ok=True)
    (folder / source_notebook(root, assignment).name).write_text(json.dumps(EMPTY_NB))
    (folder / "timestamp.txt").write_text(when.strftime("%Y-%m-%d %H:%M:%S.%f %Z"))
    return folder


def grade(
    gb: Any,
    root: Path,
    student: str,
    assignment: str,
    answers: dict[str, Any],
    *,
    manual: dict[str, float] | None = None,
    flagged: tuple[str, ...] = (),
    graded_when: dt.datetime = WHEN,
) -> None:
    """A graded submission: gradebook scores plus the kit's result file for it."""
    folder = submit(root, student, assignment, graded_when)
    scores = auto_scores(assignment, answers)
    gb.update_or_create_student(student)
    with warnings.catch_warnings():  # nbgrader's own autoflush chatter
        warnings.simplefilter("ignore", SAWarning)
        gb.add_submission(assignment, student, timestamp=graded_when.isoformat())
    submission = gb.find_submission(assignment, student)
    outcomes = []
    for notebook in submission.notebooks:
        for g in notebook.grades:
            name = g.cell.name
            if name in scores:
                g.auto_score, g.needs_manual_grade = scores[name], name in flagged
                state = "flag" if name in flagged else "graded"
                qid = name.removesuffix("_check")
                outcomes.append(
                    {"question_id": qid, "grade_id": name, "state": state,
                     "score": scores[name], "max_score": g.max_score, "reasons": []}
                )  # fmt: skip
            elif manual and name in manual:
                g.manual_score, g.needs_manual_grade = manual[name], False
    gb.db.commit()
    stem = source_notebook(root, assignment).stem
    write_result(
        result_path(root, assignment, student, stem),
        {
            "student": student,
            "assignment": assignment,
            "notebook": stem,
            "submission_timestamp": submitted_timestamp(folder),
            "graded_at": WHEN.isoformat(),
            "outcomes": outcomes,
            "answers": answers,
            "problems": {},
            "notes": [],
            "flags": {f: "duplicate answer cell" for f in flagged},
            "isolation": FULL_ISOLATION.as_dict(),  # as a kernel in bubblewrap records it
        },
    )


def build_course(base: Path) -> Path:
    """Nine students on a01 in every state, three each on a02 and a03."""
    from nbgrader.api import Gradebook

    root = init_course(base / "course")
    keys, case = keys_and_case()
    perfect = {a: reference_answers(keys, a, case) for a in (A01, A02, A03)}
    with Gradebook(f"sqlite:///{root / 'gradebook.db'}", course_id="sourcing_lab") as gb:
        for assignment in (A01, A02, A03):
            register(gb, root, assignment)
        good_log = desk_log(
            ("search", "kfor"), ("open", "nato_kfor_topic"), ("open", "forum_thread")
        )
        grade(gb, root, "ada", A01, {**perfect[A01], "q1_desk": good_log}, manual={"q7_written": 3})
        grade(gb, root, "ben", A01, {}, manual={"q7_written": 0})
        grade(gb, root, "cy", A01, wrong_a01(), manual={"q7_written": 1.5})
        grade(gb, root, "dee", A01, perfect[A01])  # written answer not graded yet
        grade(gb, root, "eve", A01, perfect[A01], manual={"q7_written": 2})
        submit(root, "eve", A01, WHEN + dt.timedelta(days=1))  # resubmitted after grading
        submit(root, "fay", A01)  # submitted, never graded
        gb.update_or_create_student("gus", first_name="Gus", last_name="Nosub")
        grade(gb, root, FORMULA_ID, A01, wrong_a01(), manual={"q7_written": 1})
        gb.update_or_create_student(FORMULA_ID, first_name="=cmd|'/C calc'!A0", last_name="@SUM(1)")
        grade(
            gb, root, "hal", A01, perfect[A01], manual={"q7_written": 3}, flagged=("q6_days_check",)
        )
        gb.update_or_create_student(
            "hal", first_name="Line\nBreak", last_name='O"Neil, Jr.', email="hal@example.org",
            lms_user_id="4242",
        )  # fmt: skip

        tags = dict(perfect[A02]["q2_tags"], s01="named_on_record", s05b="named_on_record")
        grade(gb, root, "ada", A02, perfect[A02], manual={"q7_written": 3})
        grade(gb, root, "ben", A02, {**perfect[A02], "q2_tags": tags}, manual={"q7_written": 2})
        grade(
            gb, root, "cy", A02, {"q2_tags": dict(tags, s02="anonymous")}, manual={"q7_written": 0}
        )

        verdicts = json.loads(json.dumps(perfect[A03]["q2_verdicts"]))
        verdicts["c_kfor_ended"] = {"verdict": "accurate", "evidence": ["kfor_mirror_askwikinow"]}
        verdicts["c_major_ally"]["evidence"].append("blinken_2023")
        decisive_log = desk_log(("search", "kfor"), ("open", "nato_kfor_topic"))
        weak_log = desk_log(("open", "blog_balkan_notes"))
        grade(
            gb,
            root,
            "ada",
            A03,
            {**perfect[A03], "q1_desk": decisive_log},
            manual={"q6_written": 3},
        )
        grade(
            gb,
            root,
            "ben",
            A03,
            {"q2_verdicts": verdicts, "q1_desk": weak_log},
            manual={"q6_written": 1},
        )
        grade(gb, root, "cy", A03, {"q2_verdicts": verdicts}, manual={"q6_written": 2})
    return root
