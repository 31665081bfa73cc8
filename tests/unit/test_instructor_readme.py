"""The instructor notes' extension table lists exactly the keyed claims no assignment asks,
with each claim's verdicts and FACTCHECK rows as the keys give them (content review 3.4.9)."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from course.casefile import load_case
from course.questions import load_assignment

REPO = Path(__file__).resolve().parents[2]
NOTES = REPO / "autograder" / "instructor_notes" / "README.md"
KEYS = REPO / "autograder" / "keys" / "kosovo_ksf" / "claims.toml"
ASSIGNMENTS = ["a01_provenance", "a02_attribution", "a03_claims", "a04_time", "a05_verdict"]


def _extension_rows() -> dict[str, tuple[str, str]]:
    rows = re.findall(r"^\| `(c_\w+)` \| [^|]+ \| ([^|]+) \| ([^|]+) \|$", NOTES.read_text(), re.M)
    return {claim: (verdict.strip(), factcheck.strip()) for claim, verdict, factcheck in rows}


def test_the_extension_table_lists_every_claim_no_assignment_asks():
    asked = {
        part
        for assignment in ASSIGNMENTS
        for question in load_assignment(assignment).questions.values()
        if question.item_type == "claim_verdicts"
        for part in question.parts
    }
    unasked = {c.claim_id for c in load_case().claim_records} - asked
    assert unasked, "every claim is asked: drop the extension table"
    assert set(_extension_rows()) == unasked


def test_each_extension_row_gives_the_keyed_verdicts_and_rows():
    keys = tomllib.loads(KEYS.read_text())
    for claim, (verdict, factcheck) in _extension_rows().items():
        assert factcheck.split(", ") == keys[claim]["factcheck"], claim
        words = verdict.split(":")[0]
        for accepted in keys[claim]["verdicts"]:
            assert accepted.replace("_", " ") in words, (claim, accepted)
