"""Results first, gradebook second: N shards graded as separate ``sourcing-lab grade --shard
I/N`` processes and merged give the same gradebook as one ``sourcing-lab grade`` run; a shard
never writes the gradebook; merging again changes nothing; a grader's manual score survives."""

from __future__ import annotations

import datetime as dt
import hashlib
import subprocess
from pathlib import Path

import pytest
from cases import ASSIGNMENT, perfect
from kit import (
    BIN,
    embed,
    env_for,
    make_course,
    place_submission,
    reference_records,
    release_notebook,
)

from sourcing_lab.grading.merge import dump_gradebook, parse_shard, shard_of

pytestmark = pytest.mark.slow
SHARDS = 3


def _class(root: Path) -> list[str]:
    """Six students: full marks with code, blank, widget answers only, a wrong widget answer,
    a late one, one with no answers folder."""
    _name, nb = release_notebook(root, ASSIGNMENT)
    refs = reference_records(ASSIGNMENT)
    widgets = [r for r in refs if r.question_id != "q6_days"]
    wrong = [r for r in widgets if r.question_id != "q2_posted_where"]
    late = dt.datetime(2026, 12, 1, 9, 0, tzinfo=dt.UTC)
    good = perfect(nb, refs)
    place_submission(root, "s1_perfect", ASSIGNMENT, good["nb"], good["records"])
    place_submission(root, "s2_blank", ASSIGNMENT, nb)
    place_submission(root, "s3_widgets", ASSIGNMENT, embed(nb, widgets), widgets)
    place_submission(root, "s4_partial", ASSIGNMENT, embed(nb, wrong), wrong)
    place_submission(root, "s5_late", ASSIGNMENT, embed(nb, widgets), widgets, when=late)
    place_submission(root, "s6_no_folder", ASSIGNMENT, embed(nb, widgets), answers_dir=False)
    return ["s1_perfect", "s2_blank", "s3_widgets", "s4_partial", "s5_late", "s6_no_folder"]


def _grade(root: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [str(BIN / "sourcing-lab"), "grade", ASSIGNMENT, "--course", str(root), *args],
        env=env_for(root.parent / "home"),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def _finish(process: subprocess.Popen) -> str:
    out, _ = process.communicate(timeout=900)
    assert process.returncode == 0, out
    return out


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    one = make_course(tmp_path_factory.mktemp("one"), [ASSIGNMENT])
    many = make_course(tmp_path_factory.mktemp("many"), [ASSIGNMENT])
    students = _class(one)
    assert _class(many) == students
    single = _grade(one, "--workers", "2")
    before = _digest(many / "gradebook.db")
    shards = [_grade(many, "--shard", f"{i}/{SHARDS}", "--workers", "1") for i in range(SHARDS)]
    outs = [_finish(p) for p in shards]  # N processes at once, on one gradebook
    untouched = _digest(many / "gradebook.db") == before
    _finish(single)
    merged = _finish(_grade(many, "--merge"))
    return one, many, students, outs, untouched, merged


def test_shards_merged_give_the_gradebook_of_one_run(graded):
    one, many, students, _outs, _untouched, merged = graded
    assert f"{len(students)} submissions merged" in merged
    single = dump_gradebook(f"sqlite:///{one / 'gradebook.db'}")
    sharded = dump_gradebook(f"sqlite:///{many / 'gradebook.db'}")
    assert sorted(k for k in single if k != "students") == [f"{ASSIGNMENT}/{s}" for s in students]
    assert sharded == single
    perfect_scores = single[f"{ASSIGNMENT}/s1_perfect"]["notebooks"]
    blank_scores = single[f"{ASSIGNMENT}/s2_blank"]["notebooks"]
    auto = [v[0] for n in perfect_scores.values() for v in n["grades"].values() if v[0]]
    assert auto and all(
        v[0] in (0, None) for n in blank_scores.values() for v in n["grades"].values()
    )


def test_each_shard_grades_its_own_students_and_leaves_the_gradebook_alone(graded):
    _one, _many, students, outs, untouched, _merged = graded
    assert untouched
    for index, out in enumerate(outs):
        mine = [s for s in students if shard_of(s, SHARDS) == index]
        assert f"(shard {index}/{SHARDS}): {len(mine)} submissions" in out, out
        assert "the gradebook is untouched" in out


def test_merging_again_changes_nothing_and_keeps_a_manual_score(graded):
    from nbgrader.api import Gradebook

    _one, many, _students, _outs, _untouched, _merged = graded
    db_url = f"sqlite:///{many / 'gradebook.db'}"
    (notebook,) = dump_gradebook(db_url)[f"{ASSIGNMENT}/s4_partial"]["notebooks"]
    with Gradebook(db_url) as gradebook:  # a grader looks at q4 and gives 4 of 5
        grade = gradebook.find_grade("q4_chain_check", notebook, ASSIGNMENT, "s4_partial")
        grade.manual_score = 4.0
        gradebook.db.commit()
    _finish(_grade(many, "--merge"))
    once = dump_gradebook(db_url)
    _finish(_grade(many, "--merge"))
    assert dump_gradebook(db_url) == once
    grades = once[f"{ASSIGNMENT}/s4_partial"]["notebooks"][notebook]["grades"]
    assert grades["q4_chain_check"][1:] == [4.0, True]  # kept, and marked for review


def test_shard_numbers_are_checked_and_stable():
    assert parse_shard("0/4") == (0, 4) and parse_shard("3/4") == (3, 4)
    for bad in ("4/4", "-1/4", "1", "a/b", "0/0"):
        with pytest.raises(ValueError, match="--shard"):
            parse_shard(bad)
    spread = [shard_of(f"student{i:03}", 4) for i in range(200)]
    assert set(spread) == {0, 1, 2, 3} and spread == [
        shard_of(f"student{i:03}", 4) for i in range(200)
    ]
