"""A simulated class for the demo and the benchmark: realistic answer patterns, as submissions.

Students are generated deterministically from a seed: one perfect, one blank, and the rest
partial, each holding one typical misconception of the case (``keys/<case>/misconceptions.toml``:
for the kit's case, trusting the byline, believing the quote, taking "no trace" for "proven
false", citing a weak look-alike source) plus some random slips. Their work becomes a notebook
with the answers embedded (as a saved notebook carries them), an answers/ folder (or not: some
upload only the .ipynb) and their code.
"""

from __future__ import annotations

import copy
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from course import grade_ids
from course.answers import MIME, AnswerRecord, now_iso
from course.items import REGISTRY
from course.questions import allowed_ids, load_assignment
from sourcing_lab.items import INSTRUCTOR_REGISTRY
from sourcing_lab.key_fields import KeyFileError, factcheck_rows, read_key_file
from sourcing_lab.key_lookup import reference_answers
from sourcing_lab.keys import KeySet, keys_folder

MISCONCEPTIONS_FILE = "misconceptions.toml"  # beside the case's keys: profile -> key -> value


def load_misconceptions(case_id: str, keys_root: str | Path | None = None) -> dict[str, Any]:
    """The case's misconception profiles (``keys/<case>/misconceptions.toml``), or none."""
    path = keys_folder(case_id, keys_root) / MISCONCEPTIONS_FILE
    if not path.is_file():
        return {}
    profiles = {}
    for name, entries in read_key_file(path).items():
        if not isinstance(entries, dict):
            raise KeyFileError(
                path, name, None, "each misconception is a table of question = wrong value"
            )
        factcheck_rows(path, name, entries)  # the dossier rows it misreads, like every key item
        profiles[name] = {where: wrong for where, wrong in entries.items() if where != "factcheck"}
        if not profiles[name]:
            raise KeyFileError(path, name, None, "give at least one question = wrong value")
    return profiles


@dataclass
class StudentWork:
    student: str
    answers: dict[str, Any] = field(default_factory=dict)
    code: dict[str, str] = field(default_factory=dict)  # question id -> answer cell source
    keep_answers_dir: bool = True
    profile: str = ""


def simulate_class(
    assignment: str,
    count: int,
    keys: KeySet,
    seed: int = 7,
    correct_code: dict[str, str] | None = None,
    keys_root: str | Path | None = None,
) -> list[StudentWork]:
    rng = random.Random(f"{seed}-{assignment}")
    spec = load_assignment(assignment)
    case = spec.case
    reference = reference_answers(keys, assignment, case)
    code = correct_code or {}
    works = [
        StudentWork(
            "s01_perfect", _with_written(dict(reference), spec), dict(code), profile="perfect"
        ),
        StudentWork("s02_blank", profile="blank"),
    ]
    profiles = load_misconceptions(case.case_id, keys_root)
    names = sorted(profiles) or ["slips"]
    for n in range(3, count + 1):
        profile = names[(n - 3) % len(names)]
        answers = copy.deepcopy(reference)
        for key, wrong in profiles.get(profile, {}).items():
            _apply(answers, key, wrong)
        _slips(answers, spec, case, rng)
        answers = {q: v for q, v in answers.items() if rng.random() > 0.1}  # some left out
        student_code = {q: src for q, src in code.items() if rng.random() > 0.3}
        works.append(
            StudentWork(
                f"s{n:02d}_{profile}",
                _with_written(answers, spec),
                student_code,
                keep_answers_dir=rng.random() > 0.25,
                profile=profile,
            )
        )
    return works[:count]


def _with_written(answers: dict[str, Any], spec: Any) -> dict[str, Any]:
    """Every student hands in the item type's demo answer where it has one (written answers)."""
    for qid, question in spec.questions.items():
        demo = INSTRUCTOR_REGISTRY[question.item_type].demo_answer
        if demo is not None:
            answers[qid] = demo
    return answers


def _apply(answers: dict[str, Any], key: str, wrong: Any) -> None:
    qid, _, part = key.partition(".")
    if qid not in answers or answers[qid] is None:
        return
    if not part:
        answers[qid] = wrong
        return
    value = answers[qid]
    first, _, rest = part.partition(".")
    targets = list(value) if first == "*" else [first]
    for target in targets:
        if rest and isinstance(value.get(target), dict):
            value[target][rest] = wrong
        elif not rest and isinstance(value, dict):
            if target in value or target in ("marked",):
                value[target] = wrong
            elif "status" in value and target in value["status"]:
                value["status"][target] = wrong


def _slips(answers: dict[str, Any], spec: Any, case: Any, rng: random.Random) -> None:
    """A few random mistakes of the ordinary kind."""
    for qid, question in spec.questions.items():
        value = answers.get(qid)
        if not REGISTRY[question.item_type].auto_scored or value is None or rng.random() > 0.35:
            continue
        slip = INSTRUCTOR_REGISTRY[question.item_type].slip
        answers[qid] = slip(question, value, allowed_ids(question, case), rng)


def embed_records(nb: dict[str, Any], records: list[AnswerRecord]) -> dict[str, Any]:
    """Put records into the question cells' outputs (in place), as a saved notebook carries
    them: the widget cell, or the check cell for a code answer."""
    by_id = {cell.get("id"): cell for cell in nb["cells"]}
    for rec in records:
        qid = rec.question_id
        cell = by_id.get(grade_ids.widget_id(qid)) or by_id.get(grade_ids.check_id(qid))
        if cell is not None:
            cell.setdefault("outputs", []).append(
                {
                    "output_type": "display_data",
                    "metadata": {},
                    "data": {MIME: rec.to_json(), "text/plain": f"{rec.question_id}: recorded"},
                }
            )
    return nb


def submission_notebook(
    release_nb: dict[str, Any], work: StudentWork, assignment: str
) -> tuple[dict[str, Any], list[AnswerRecord]]:
    """The notebook a student would save, and the records in their answers/ folder."""
    nb = copy.deepcopy(release_nb)
    spec = load_assignment(assignment)
    records = [
        AnswerRecord(
            qid, spec.questions[qid].item_type, value, 1, now_iso(), assignment_id=assignment
        )
        for qid, value in work.answers.items()
        if qid in spec.questions
        and value is not None
        and not REGISTRY[spec.questions[qid].item_type].value_from_code
    ]
    embed_records(nb, records)
    by_id = {cell.get("id"): cell for cell in nb["cells"]}
    for qid, source in work.code.items():
        cell = by_id.get(grade_ids.answer_id(qid))
        if cell is not None:
            cell["source"] = source
    return nb, records


def solution_code(assignment: str, solutions: Any = None) -> dict[str, str]:
    """The instructor's code answers (solution regions unwrapped), for simulated students."""
    import json
    import re

    from sourcing_lab.kit_files import SOLUTIONS

    folder = (solutions or SOLUTIONS) / assignment
    nb = json.loads(next(folder.glob("*.ipynb")).read_text(encoding="utf-8"))
    code = {}
    for cell in nb["cells"]:
        if grade_ids.is_answer(cell.get("id", "")):
            source = "".join(cell["source"]) if isinstance(cell["source"], list) else cell["source"]
            code[grade_ids.question_of_answer(cell["id"])] = re.sub(
                r"[ \t]*### (BEGIN|END) SOLUTION\n?", "", source
            )
    return code
