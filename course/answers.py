"""Answers as data: record every answer durably, restore it, and read it back for grading.

Each answer is an :class:`AnswerRecord` (question id, item type, value, schema version, time and
a sequence number that grows with every change). It is kept in two places:

- ``answers/<question_id>.json`` beside the notebook, written atomically (temp file, fsync,
  ``os.replace``), so a kernel killed mid-write leaves the previous answer intact;
- inside the notebook, as a display output of the mimetype :data:`MIME`, so an ``.ipynb``
  uploaded alone still carries its answers.

When both exist the record with the higher sequence wins. This module is pure: no widgets, no
IPython; the grader uses it to harvest answers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
MIME = "application/vnd.sourcing-lab.answer+json"
ANSWERS_DIR = "answers"
QUESTION_ID = re.compile(r"^[a-z0-9][a-z0-9_]{0,63}$")
MAX_RECORD_BYTES = 256_000


class RecordProblem(ValueError):
    """A stored record cannot be used; ``str()`` says why in a few words."""


@dataclass(frozen=True)
class AnswerRecord:
    question_id: str
    item_type: str
    value: Any
    sequence: int
    recorded_at: str
    schema_version: int = SCHEMA_VERSION
    assignment_id: str = ""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Any) -> AnswerRecord:
        if not isinstance(data, dict):
            raise RecordProblem("the record is not a JSON object")
        if data.get("schema_version") != SCHEMA_VERSION:
            raise RecordProblem(f"unknown schema version {data.get('schema_version')!r}")
        qid, item_type = data.get("question_id"), data.get("item_type")
        if not isinstance(qid, str) or not QUESTION_ID.match(qid):
            raise RecordProblem("the question id is missing or malformed")
        if not isinstance(item_type, str) or not item_type:
            raise RecordProblem("the item type is missing")
        sequence = data.get("sequence")
        if not isinstance(sequence, int) or isinstance(sequence, bool) or sequence < 0:
            raise RecordProblem("the sequence number is missing or not a whole number")
        recorded_at = data.get("recorded_at")
        if not isinstance(recorded_at, str):
            raise RecordProblem("the time stamp is missing")
        assignment_id = data.get("assignment_id", "")
        if not isinstance(assignment_id, str):
            raise RecordProblem("the assignment id is not text")
        return cls(
            qid, item_type, data.get("value"), sequence, recorded_at, assignment_id=assignment_id
        )

    def is_newer_than(self, other: AnswerRecord | None) -> bool:
        if other is None:
            return True
        return (self.sequence, self.recorded_at) > (other.sequence, other.recorded_at)


def now_iso() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


class AnswerStore:
    """The ``answers/`` folder of one assignment."""

    def __init__(self, assignment_folder: str | Path) -> None:
        self.folder = Path(assignment_folder) / ANSWERS_DIR

    def path_for(self, question_id: str) -> Path:
        if not QUESTION_ID.match(question_id):
            raise ValueError(f"'{question_id}' is not a valid question id (a-z, 0-9, _)")
        return self.folder / f"{question_id}.json"

    def write(self, record: AnswerRecord) -> Path:
        """Write atomically: the old file stays whole until the new one is complete on disk."""
        target = self.path_for(record.question_id)
        self.folder.mkdir(parents=True, exist_ok=True)
        payload = json.dumps(record.to_json(), ensure_ascii=False, sort_keys=True).encode()
        handle, temp_name = tempfile.mkstemp(prefix=f".{record.question_id}.", dir=self.folder)
        try:
            with os.fdopen(handle, "wb") as temp:
                temp.write(payload)
                temp.flush()
                os.fsync(temp.fileno())
            os.replace(temp_name, target)
        except BaseException:
            Path(temp_name).unlink(missing_ok=True)
            raise
        return target

    def read(self, question_id: str) -> AnswerRecord | None:
        """The stored record, None if there is none; RecordProblem if it is unusable."""
        path = self.path_for(question_id)
        if not path.exists():
            return None
        return read_record_file(path, expected_id=question_id)

    def read_all(self) -> dict[str, AnswerRecord | RecordProblem]:
        """Every ``<id>.json`` in the folder: a record, or the problem that spoils it."""
        found: dict[str, AnswerRecord | RecordProblem] = {}
        if not self.folder.is_dir():
            return found
        for path in sorted(self.folder.glob("*.json")):
            if not QUESTION_ID.match(path.stem):
                continue
            try:
                found[path.stem] = read_record_file(path, expected_id=path.stem)
            except RecordProblem as problem:
                found[path.stem] = problem
        return found


def read_record_file(path: Path, *, expected_id: str) -> AnswerRecord:
    try:
        info = path.lstat()
        if not stat.S_ISREG(info.st_mode):
            raise RecordProblem("the answer is not a plain file (a link or a device)")
        if info.st_size > MAX_RECORD_BYTES:
            raise RecordProblem("the file is too large to be an answer")
        data = json.loads(path.read_bytes().decode("utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RecordProblem(f"the file is unreadable ({type(exc).__name__})") from None
    record = AnswerRecord.from_json(data)
    if record.question_id != expected_id:
        raise RecordProblem(f"the file holds question '{record.question_id}'")
    return record


def records_in_notebook(
    notebook: dict[str, Any], assignment_id: str | None = None
) -> dict[str, AnswerRecord]:
    """The newest answer record per question found in a notebook's saved outputs.

    ``notebook`` is the parsed JSON of an ``.ipynb``. Outputs that are not valid records are
    skipped: a tampered output can at worst lose its own answer. With ``assignment_id``, only
    that assignment's records count.
    """
    found: dict[str, AnswerRecord] = {}
    cells = notebook.get("cells") if isinstance(notebook, dict) else None
    for cell in cells if isinstance(cells, list) else []:
        outputs = cell.get("outputs") if isinstance(cell, dict) else None
        for output in outputs if isinstance(outputs, list) else []:
            data = output.get("data") if isinstance(output, dict) else None
            if not isinstance(data, dict) or MIME not in data:
                continue
            try:
                record = AnswerRecord.from_json(data[MIME])
            except RecordProblem:
                continue
            if assignment_id is not None and record.assignment_id not in ("", assignment_id):
                continue
            if record.is_newer_than(found.get(record.question_id)):
                found[record.question_id] = record
    return found


def read_notebook_records(
    path: str | Path, assignment_id: str | None = None
) -> dict[str, AnswerRecord]:
    """Records from a saved ``.ipynb`` file; empty when it is missing or unreadable."""
    try:
        notebook = json.loads(Path(path).read_text(encoding="utf-8"))
        return records_in_notebook(notebook, assignment_id)
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return {}


def merge_newest(
    stored: dict[str, AnswerRecord | RecordProblem], embedded: dict[str, AnswerRecord]
) -> dict[str, AnswerRecord | RecordProblem]:
    """Per question, the newer of the file record and the notebook record.

    A corrupt file record loses to a good notebook record; with no good record at all the
    problem is kept so the learner can be told.
    """
    merged: dict[str, AnswerRecord | RecordProblem] = dict(stored)
    for qid, record in embedded.items():
        current = merged.get(qid)
        if not isinstance(current, AnswerRecord) or record.is_newer_than(current):
            merged[qid] = record
    return merged
