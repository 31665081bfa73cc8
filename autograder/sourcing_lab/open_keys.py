"""Export the open keys for self-study: one JSON data file per case, read by ``course``.

Self-study feedback needs the check-shaped keys and the reference answers in words. The
instructor side writes them here once (``make lab``, ``make lite`` and the tests run it), so the
student package reads a data file and never imports this package. The file is the one
artifact that carries keys on purpose: it goes beside the checkout's keys
(``autograder/keys/open/<case>.json``, ignored by git) and into the self-study site; never into
``exercises/``, the ``course`` package or a student image.

Usage: ``python -m sourcing_lab.open_keys [OUTPUT.json] [--case CASE_ID]`` (a course's own case
is found through the course folder, as for grading).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path
from typing import Any

from course.casefile import Case, load_case
from course.questions import load_assignment
from course.selfstudy import FORMAT, OPEN_KEYS_FOLDER, TUPLE_TAG, TYPE_TAG
from sourcing_lab.items import INSTRUCTOR_REGISTRY
from sourcing_lab.key_lookup import describe_reference, key_for_question
from sourcing_lab.keys import KeySet, load_keys

ASSIGNMENTS = ("a01_provenance", "a02_attribution", "a03_claims", "a04_time", "a05_verdict")


def encode(value: Any) -> Any:
    """A key as JSON: dataclasses tagged with their class name, tuples tagged as tuples."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {f.name: encode(getattr(value, f.name)) for f in dataclasses.fields(value)}
        return {TYPE_TAG: type(value).__name__, **fields}
    if isinstance(value, tuple):
        return {TUPLE_TAG: [encode(v) for v in value]}
    if isinstance(value, list):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {str(k): encode(v) for k, v in value.items()}
    return value


def question_entry(keys: KeySet, assignment_id: str, question: Any, case: Case) -> dict:
    """One question's open key: the check-shaped key (or the rule that derives it from the
    learner's own earlier answer) and the reference answer in words."""
    entry: dict[str, Any] = {
        "reference": describe_reference(keys, assignment_id, question, case),
    }
    raw = keys.assignments.get(assignment_id, {}).get(question.question_id, {})
    derived_key = INSTRUCTOR_REGISTRY[question.item_type].derived_key
    derived = derived_key(raw) if derived_key is not None else None
    if derived is not None:
        entry["derived"] = derived
    else:
        entry["key"] = encode(key_for_question(keys, assignment_id, question, case))
    return entry


def open_keys_document(case_id: str | None = None) -> dict:
    """Every question of the case's assignments (the kit's five by default), as one JSON-able
    document (unkeyed item types carry no key, only the reference text that says to compare
    with the rubric)."""
    from course import lookup

    keys_root = lookup.keys_root_for(case_id) if case_id else None
    case = load_case(lookup.case_folder(case_id)) if case_id else load_case()
    keys = load_keys(case, keys_root=keys_root)
    assignment_ids = [
        a for a in lookup.known_assignments() if load_assignment(a).case_id == case.case_id
    ]
    assignments: dict[str, dict[str, Any]] = {}
    for assignment_id in assignment_ids:
        questions = load_assignment(assignment_id).questions.values()
        assignments[assignment_id] = {
            q.question_id: question_entry(keys, assignment_id, q, case) for q in questions
        }
    return {"format": FORMAT, "case_id": case.case_id, "assignments": assignments}


def export_open_keys(output: str | Path | None = None, case_id: str | None = None) -> Path:
    """Write the open keys file (default: beside the case's keys: a course folder's
    ``keys/open/`` for a course's own case, else the checkout's) and return its path."""
    from course import lookup

    document = open_keys_document(case_id)
    keys_root = lookup.keys_root_for(document["case_id"])
    folder = keys_root / "open" if keys_root else OPEN_KEYS_FOLDER
    path = Path(output) if output else folder / f"{document['case_id']}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(document, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    import argparse

    parser = argparse.ArgumentParser(description="Export the open keys for self-study.")
    parser.add_argument("output", nargs="?", default=None)
    parser.add_argument("--case", default=None, help="a case id (default: the kit's case)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    path = export_open_keys(args.output, args.case)
    print(f"Open self-study keys written to {path}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
