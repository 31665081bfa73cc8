"""Answers as data: record every answer durably, restore it, and read it back for grading.

Each answer is an :class:`AnswerRecord` (question id, item type, value, schema version, time and
a sequence number that grows with every change). It is kept in two places:

- ``answers/<question_id>.json`` beside the notebook, written atomically (temp file, fsync,
  ``os.replace``), so a kernel killed mid-write leaves the previous answer intact;
- inside the notebook, twice: as a display output of the mimetype :data:`MIME` beside the
  widget (updated by the kernel), and in the notebook's metadata under :data:`NOTEBOOK_KEY`
  (written by the browser page when an answer comes back, and again just before every save, so
  it stays current after a page reload, when the kernel can no longer update the outputs).

Each place is a *channel*. The record with the higher sequence wins; two channels holding
different answers that cannot be ordered (the same sequence, or a lower sequence recorded later)
are a :class:`Disagreement`, for a person to review. This module is pure: no widgets, no IPython;
the grader uses it to harvest answers.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

SCHEMA_VERSION = 1
MIME = "application/vnd.sourcing-lab.answer+json"
# A code answer Lab.record_value could not record (not plain data), as data the grader reads:
# {"question_id": ..., "problem": ...}. It only ever costs the student's own item its points.
REFUSAL_MIME = "application/vnd.sourcing-lab.refusal+json"
NOTEBOOK_KEY = "sourcing_lab"  # notebook metadata: {"answers": {"<assignment>/<question>": record}}
ANSWERS_DIR = "answers"
# The channels an answer travels in, as the harvest and the checks name them.
FOLDER, OUTPUTS, METADATA = "answers folder", "notebook outputs", "notebook metadata"
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

    @property
    def when(self) -> str:
        """The time stamp as the learner sees it, e.g. ``2026-11-20 09:41:07``."""
        return self.recorded_at.replace("T", " ")[:19]

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


def records_in_outputs(
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
            if isinstance(data, dict) and MIME in data:
                _keep_newest(found, data[MIME], assignment_id)
    return found


def records_in_metadata(
    notebook: dict[str, Any], assignment_id: str | None = None
) -> dict[str, AnswerRecord]:
    """The newest record per question in the notebook's metadata (see :data:`NOTEBOOK_KEY`)."""
    found: dict[str, AnswerRecord] = {}
    metadata = notebook.get("metadata") if isinstance(notebook, dict) else None
    section = metadata.get(NOTEBOOK_KEY) if isinstance(metadata, dict) else None
    answers = section.get("answers") if isinstance(section, dict) else None
    for data in answers.values() if isinstance(answers, dict) else []:
        _keep_newest(found, data, assignment_id)
    return found


def _keep_newest(found: dict[str, AnswerRecord], data: Any, assignment_id: str | None) -> None:
    try:
        record = AnswerRecord.from_json(data)
    except RecordProblem:
        return
    if assignment_id is not None and record.assignment_id not in ("", assignment_id):
        return
    if record.is_newer_than(found.get(record.question_id)):
        found[record.question_id] = record


def notebook_channels(
    notebook: dict[str, Any], assignment_id: str | None = None
) -> dict[str, dict[str, AnswerRecord]]:
    """The records a saved notebook carries, per channel (outputs, metadata)."""
    return {
        OUTPUTS: records_in_outputs(notebook, assignment_id),
        METADATA: records_in_metadata(notebook, assignment_id),
    }


def records_in_notebook(
    notebook: dict[str, Any], assignment_id: str | None = None
) -> dict[str, AnswerRecord]:
    """The newest record per question in a saved notebook, whichever channel holds it."""
    newest: dict[str, AnswerRecord] = {}
    for records in notebook_channels(notebook, assignment_id).values():
        for qid, record in records.items():
            if record.is_newer_than(newest.get(qid)):
                newest[qid] = record
    return newest


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


# -- several copies of one answer ----------------------------------------------------------
SAME_SEQUENCE = "same_sequence"  # two different answers carry one sequence number
LATER_BUT_LOWER = "later_but_lower"  # a lower sequence number was recorded after the higher


@dataclass(frozen=True)
class Disagreement:
    """Copies of one answer, in different channels, that cannot be put in order."""

    question_id: str
    kind: str  # SAME_SEQUENCE or LATER_BUT_LOWER
    chosen: str  # the channel whose record is used (the highest sequence)
    copies: dict[str, AnswerRecord] = field(default_factory=dict)  # channel -> record

    def to_json(self) -> dict[str, Any]:
        return {
            "question_id": self.question_id,
            "kind": self.kind,
            "chosen": self.chosen,
            "copies": {
                channel: {"sequence": r.sequence, "recorded_at": r.recorded_at}
                for channel, r in sorted(self.copies.items())
            },
        }


def newest_of_channels(
    channels: dict[str, dict[str, AnswerRecord | RecordProblem]],
) -> tuple[dict[str, AnswerRecord | RecordProblem], dict[str, Disagreement]]:
    """Per question, the newest good record over all channels, and the disagreements.

    A channel that merely holds an older answer (a lower sequence, recorded earlier) is normal,
    e.g. the outputs after a page reload; it is no disagreement. A problem (an unreadable file)
    is kept only where no channel has a good record.
    """
    newest: dict[str, AnswerRecord | RecordProblem] = {}
    chosen: dict[str, str] = {}
    for channel, records in channels.items():
        for qid, record in records.items():
            current = newest.get(qid)
            if isinstance(record, AnswerRecord):
                if not isinstance(current, AnswerRecord) or record.is_newer_than(current):
                    newest[qid], chosen[qid] = record, channel
            elif current is None:
                newest[qid] = record
    disagreements = {}
    for qid, best in newest.items():
        if isinstance(best, AnswerRecord):
            found = _disagreement(qid, best, chosen[qid], channels)
            if found is not None:
                disagreements[qid] = found
    return newest, disagreements


def _disagreement(
    qid: str, best: AnswerRecord, chosen: str, channels: dict[str, dict[str, Any]]
) -> Disagreement | None:
    copies = {
        ch: r for ch, records in channels.items() if isinstance(r := records.get(qid), AnswerRecord)
    }
    kinds = [
        SAME_SEQUENCE if r.sequence == best.sequence else LATER_BUT_LOWER
        for r in copies.values()
        if r.value != best.value
        and (r.sequence == best.sequence or r.recorded_at > best.recorded_at)
    ]
    if not kinds:
        return None
    kind = SAME_SEQUENCE if SAME_SEQUENCE in kinds else LATER_BUT_LOWER
    return Disagreement(qid, kind, chosen, copies)


@dataclass(frozen=True)
class NotebookLag:
    """The notebook's own copy of an answer is older than answers/ (or missing)."""

    question_id: str
    newest: AnswerRecord  # in answers/
    in_notebook: AnswerRecord | None

    def message(self) -> str:
        """What the learner should do, in one sentence or two."""
        from course.messages import say

        if self.in_notebook is None:
            return say("notebook_copy_missing", question_id=self.question_id)
        return say("notebook_copy_older", question_id=self.question_id, when=self.newest.when)


def notebook_lags(
    stored: dict[str, AnswerRecord | RecordProblem], embedded: dict[str, AnswerRecord]
) -> dict[str, NotebookLag]:
    """Questions whose ``.ipynb`` alone would be graded on another answer than the newest.

    An older notebook copy that holds the same value, or a missing copy of an empty answer,
    changes nothing for grading and is not reported.
    """
    lags = {}
    for qid, record in stored.items():
        if not isinstance(record, AnswerRecord):
            continue
        copy = embedded.get(qid)
        if copy is None:
            lagging = record.value not in (None, "", [], {})
        else:
            lagging = record.is_newer_than(copy) and record.value != copy.value
        if lagging:
            lags[qid] = NotebookLag(qid, record, copy)
    return lags
