"""The reliability batch: every RELIABILITY.md case as one student of one course, graded by one
real ``nbgrader autograde`` run (``test_reliability``, ``test_submission_files``)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from cases import ASSIGNMENT, ZERO_CODE, perfect, reliability_cases, with_cells
from file_cases import HYGIENE, PROBE, add_marked_task
from kit import embed, make_course, nbgrader, place_submission, reference_records, release_notebook


@dataclass
class Batch:
    root: Path
    cases: dict[str, tuple[dict, dict | None, dict]]  # student -> (spec, scores, states)
    run: Any  # the finished autograde process
    before: dict[str, dict[str, tuple[int, int]]]  # student -> path -> (mode, size), as submitted

    def __iter__(self):  # root, cases, run = batch
        return iter((self.root, self.cases, self.run))


def lstat_tree(folder: Path) -> dict[str, tuple[int, int]]:
    found = {".": (folder.lstat().st_mode, 0)}
    for dirpath, dirnames, filenames in os.walk(folder):
        for name in dirnames + filenames:
            path = Path(dirpath) / name
            st = path.lstat()
            found[os.fsencode(path.relative_to(folder)).decode("utf-8", "replace")] = (
                st.st_mode,
                st.st_size,
            )
    return found


def file_cases(nb: dict, refs: list) -> dict[str, tuple[dict, dict | None, dict]]:
    """Cases 33-36 in the shape of ``reliability_cases``: a link case runs a kernel (with the
    probe); the others are widget answers only, graded without one."""
    from cases import _append

    good = with_cells(perfect(nb, refs), _append(PROBE))
    only_widgets = [r for r in refs if r.question_id != "q6_days"]
    widgets = {"nb": embed(nb, only_widgets), "records": only_widgets}
    found = {}
    for student, case in HYGIENE.items():
        if case.reason:
            found[student] = (widgets, None, {})
        elif case.kernel:
            found[student] = (good, {**ZERO_CODE, "q6_days": 1.0}, {})
        else:
            found[student] = (widgets, ZERO_CODE, {})
    return found


@pytest.fixture(scope="package")
def graded(tmp_path_factory) -> Batch:
    root = make_course(tmp_path_factory.mktemp("reliability"), [ASSIGNMENT], add_marked_task)
    _name, nb = release_notebook(root, ASSIGNMENT)
    refs = reference_records(ASSIGNMENT, without=("q6_days",))
    cases = {**reliability_cases(nb, refs), **file_cases(nb, refs)}
    for student, (spec, _scores, _states) in cases.items():
        folder = place_submission(
            root,
            student,
            ASSIGNMENT,
            spec["nb"],
            spec.get("records", []),
            answers_dir=spec.get("answers_dir", True),
            name=spec.get("name"),
            extra=spec.get("extra"),
        )
        if student in HYGIENE:
            HYGIENE[student].make(folder, root)
    before = {s: lstat_tree(root / "submitted" / s) for s in cases}
    run = nbgrader(root, "autograde", ASSIGNMENT, "--force", check=False)
    return Batch(root, cases, run, before)
