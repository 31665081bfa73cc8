"""The simulated class's misconceptions are data beside the case's keys (issue 18, item 5)."""

from __future__ import annotations

import shutil

import pytest

from course.questions import load_assignment
from sourcing_lab.demo.simulate import load_misconceptions, simulate_class
from sourcing_lab.key_fields import KeyFileError
from sourcing_lab.keys import KEYS_ROOT, load_keys

ASSIGNMENTS = ["a01_provenance", "a02_attribution", "a03_claims", "a04_time", "a05_verdict"]


def test_every_misconception_names_a_question_of_the_kit():
    profiles = load_misconceptions("kosovo_ksf")
    assert len(profiles) == 5
    questions = {q for a in ASSIGNMENTS for q in load_assignment(a).questions}
    for name, entries in profiles.items():
        for where in entries:
            assert where.split(".")[0] in questions, (name, where)


def test_the_class_holds_the_case_profiles_and_a_bad_file_is_named(tmp_path):
    keys = load_keys()
    names = {w.profile for w in simulate_class("a01_provenance", 8, keys)}
    assert set(load_misconceptions("kosovo_ksf")) <= names
    root = tmp_path / "keys"
    shutil.copytree(KEYS_ROOT / "kosovo_ksf", root / "kosovo_ksf")
    (root / "kosovo_ksf" / "misconceptions.toml").unlink()
    plain = simulate_class("a01_provenance", 5, keys, keys_root=root)
    assert {w.profile for w in plain[2:]} == {"slips"}  # no profiles: random slips only
    (root / "kosovo_ksf" / "misconceptions.toml").write_text("[trusts_byline\n")
    with pytest.raises(KeyFileError, match=r"misconceptions\.toml: not valid TOML"):
        simulate_class("a01_provenance", 5, keys, keys_root=root)
    (root / "kosovo_ksf" / "misconceptions.toml").write_text('empty = "not a table"\n')
    with pytest.raises(KeyFileError, match=r"item 'empty'.*a table of question = wrong value"):
        load_misconceptions("kosovo_ksf", root)
