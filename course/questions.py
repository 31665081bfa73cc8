"""Questions are data too: each assignment's questions live in ``assignments/<id>.toml``.

The spec is found by id through ``course.lookup`` (the course folder first, then the kit's
``course/assignments/``); its ``case`` line names the case it is built against. The format is
documented in ``course/casefile/QUESTIONS.md``. A question says what kind of item it is, what
it offers (segments, claims, events, options), its points and the skill it practises. The
notebook shows it, the check cell checks it and the grader scores it from the *same* spec: the
grader reads the course's (or the kit's) copy, never the one a submission carries.
No answer key is ever part of a question.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from course import lookup
from course.casefile import Case, CaseFileError, load_case
from course.items import REGISTRY, allowed_ids, part_labels

__all__ = [
    "ASSIGNMENTS",
    "ITEM_TYPES",
    "SKILLS",
    "Assignment",
    "Question",
    "QuestionSpecError",
    "allowed_ids",
    "load_assignment",
    "part_labels",
]

ASSIGNMENTS = lookup.KIT_SPECS  # the kit's own specs (a course's own come first)
ITEM_TYPES = tuple(REGISTRY)  # what a spec's ``type`` may say (course.items, one module each)
SKILLS = ("provenance", "attribution", "evidence", "time", "framing")


class QuestionSpecError(ValueError):
    """An assignment's question file is malformed; the message names file, question, field."""


@dataclass(frozen=True)
class Question:
    question_id: str
    item_type: str
    prompt: str
    points: float
    skill: str
    parts: tuple[str, ...] = ()  # segment, claim, event or chain-step ids, by item type
    options: dict[str, str] = field(default_factory=dict)  # choice options / timeline marks
    multiple: bool = False
    min_words: int = 0
    value_kind: str = ""  # code_value: "number", "text", "list" or "mapping"
    serves: str = ""  # source_desk: the question the investigation is for


@dataclass(frozen=True)
class Assignment:
    assignment_id: str
    title: str
    case_id: str
    questions: dict[str, Question]

    case_folder: Path | None = None

    @property
    def case(self) -> Case:
        return load_case(self.case_folder or lookup.case_folder(self.case_id))

    def question(self, question_id: str) -> Question:
        try:
            return self.questions[question_id]
        except KeyError:
            known = ", ".join(self.questions)
            raise KeyError(
                f"no question '{question_id}' in {self.assignment_id}; known: {known}"
            ) from None

    @property
    def total_points(self) -> float:
        return sum(q.points for q in self.questions.values())


def load_assignment(assignment_id: str, folder: Path | None = None) -> Assignment:
    """The assignment's questions, built against the case its spec names.

    ``folder`` reads the spec from that folder instead of looking it up (``course.lookup``).
    """
    if folder is not None:
        path = folder / f"{assignment_id}.toml"
        if not path.is_file():
            known = ", ".join(sorted(p.stem for p in folder.glob("*.toml")))
            raise QuestionSpecError(f"{path}: no such assignment; known: {known}")
    else:
        try:
            path = lookup.spec_path(assignment_id)
        except lookup.CaseLookupError as exc:
            raise QuestionSpecError(str(exc)) from None
    stat = path.stat()
    return _load(assignment_id, path, stat.st_size, stat.st_mtime_ns, str(lookup.course_root()))


@lru_cache(maxsize=16)
def _load(assignment_id: str, path: Path, _size: int, _mtime: int, _course: str) -> Assignment:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise QuestionSpecError(f"{path}: not valid TOML ({exc})") from None
    case_id = data.get("case")
    if not isinstance(case_id, str) or not case_id:
        raise QuestionSpecError(
            f"{path}, field 'case': missing. Name the case the questions are about, "
            'e.g. case = "kosovo_ksf" (the id in its case.toml)'
        )
    try:
        folder = lookup.case_folder(case_id)
        case = load_case(folder)
    except lookup.CaseLookupError as exc:
        raise QuestionSpecError(f"{path}, field 'case': {exc}") from None
    except CaseFileError as exc:
        raise QuestionSpecError(f"{path}, field 'case': the case does not load ({exc})") from None
    if case.case_id != case_id:
        raise QuestionSpecError(
            f"{folder / 'case.toml'}, field 'id': is '{case.case_id}' but the folder is "
            f"'{case_id}'. Give the folder and the id the same name"
        )
    entries = data.get("questions", {})
    if not isinstance(entries, dict) or not entries:
        raise QuestionSpecError(f"{path}: no [questions.<id>] tables. Add at least one question")
    questions = {qid: _question(path, qid, entry, case) for qid, entry in entries.items()}
    return Assignment(
        assignment_id, str(data.get("title", assignment_id)), case_id, questions, folder
    )


def _question(path: Path, qid: str, entry: dict[str, Any], case: Case) -> Question:
    def fail(field_name: str, problem: str) -> QuestionSpecError:
        return QuestionSpecError(f"{path}, question '{qid}', field '{field_name}': {problem}")

    item_type = entry.get("type")
    if item_type not in ITEM_TYPES:
        raise fail("type", f"use one of: {', '.join(ITEM_TYPES)}")
    if entry.get("skill") not in SKILLS:
        raise fail("skill", f"use one of: {', '.join(SKILLS)}")
    question = Question(
        question_id=qid,
        item_type=item_type,
        prompt=str(entry.get("prompt", "")),
        points=float(entry.get("points", 0)),
        skill=entry["skill"],
        parts=tuple(entry.get("parts", ())),
        options=dict(entry.get("options", {})),
        multiple=bool(entry.get("multiple", False)),
        min_words=int(entry.get("min_words", 0)),
        value_kind=str(entry.get("value_kind", "")),
        serves=str(entry.get("serves", "")),
    )
    if question.points < 0:
        raise fail("points", "points cannot be negative")
    item = REGISTRY[item_type]
    known = item.known_parts(case)
    for part in question.parts:
        if part not in known:
            raise fail("parts", f"'{part}' is not a {item_type} part in case '{case.case_id}'")
    problem = item.spec_problem(question, case)
    if problem is not None:
        raise fail(*problem)
    return question
