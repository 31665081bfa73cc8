"""No answer key ships to students: not in the student package, not in exercises/."""

from __future__ import annotations

import zipfile

import pytest

from sourcing_lab.keys import load_keys
from support import REPO

pytestmark = pytest.mark.slow


def key_strings() -> set[str]:
    """Text that only the keys contain: every hint, and key-file syntax."""
    keys = load_keys()
    found = {"accept = [", "verdicts = [", "expected = ", "factcheck = ["}
    for item in keys.attribution.values():
        found.update(item.hints.values())
    for claim in keys.claims.values():
        found.update(claim.verdict_hints.values())
        found.update(claim.evidence_hints.values())
    for entries in keys.assignments.values():
        for entry in entries.values():
            found.update(entry.get("hints", {}).values())
    return {s for s in found if len(s) > 12}


def test_the_student_wheel_carries_no_key_file_solution_or_key_text(kit_wheels):
    secrets = key_strings()
    with zipfile.ZipFile(kit_wheels["course"]) as archive:
        names = archive.namelist()
        assert any(n.startswith("course/casefile/kosovo_ksf/library/") for n in names)
        assert not [n for n in names if "keys/" in n or n.endswith("FACTCHECK.md")]
        assert not [n for n in names if n.endswith(".ipynb") or "solutions/" in n]
        assert not [n for n in names if n.startswith("sourcing_lab/")]
        for name in names:
            if name.startswith("course/"):
                text = archive.read(name).decode("utf-8", errors="replace")
                leaked = [s for s in secrets if s in text]
                assert not leaked, f"{name} contains key text: {leaked[:2]}"


def test_exercises_carry_no_key_text():
    secrets = key_strings()
    for path in (REPO / "exercises").rglob("*"):
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            assert not [s for s in secrets if s in text], path
