"""Sanitize step 1: harvest the answer records before nbgrader clears the outputs.

Every channel an answer travels in is read (the notebook's outputs, its metadata, the answers/
folder); the newest record per question is graded. Copies that cannot be put in order (two
answers with one sequence number, or a lower one recorded later) are flagged for review, with
a structured note in the result file (``disagreements``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nbformat.notebooknode import NotebookNode
from nbgrader.preprocessors import NbGraderPreprocessor

from course import grade_ids
from course.answers import (
    FOLDER,
    LATER_BUT_LOWER,
    SAME_SEQUENCE,
    AnswerStore,
    RecordProblem,
    newest_of_channels,
    notebook_channels,
)
from course.items import REGISTRY
from course.questions import QuestionSpecError, load_assignment
from sourcing_lab.grading.ledger import Harvest, backup_gradebook, find_coursedir, remember

DISAGREE = {
    SAME_SEQUENCE: "two copies of this answer differ but carry the same sequence number",
    LATER_BUT_LOWER: "a copy with a lower sequence number was recorded later than the newest",
}


def harvest_submission(nb: dict[str, Any], folder: Path, assignment_id: str) -> Harvest:
    """Newest record per question from the notebook (outputs, metadata) and answers/.

    Only questions of ``assignment_id`` count; records for other ids are noted and ignored.
    A symlink or unreadable file spoils only its own question.
    """
    harvest = Harvest()
    questions = load_assignment(assignment_id).questions
    channels: dict[str, dict[str, Any]] = dict(notebook_channels(nb, assignment_id))
    if (folder / "answers").is_symlink():
        harvest.notes.append("answers/ is a symbolic link: ignored")
    else:
        channels[FOLDER] = AnswerStore(folder).read_all()
    newest, disagreements = newest_of_channels(channels)
    for qid, record in newest.items():
        if qid not in questions:
            harvest.notes.append(f"answer for unknown question '{qid[:40]}' ignored")
        elif isinstance(record, RecordProblem):
            harvest.problems[qid] = str(record)
        else:
            harvest.records[qid] = record
    for qid, found in disagreements.items():
        item = REGISTRY[questions[qid].item_type] if qid in questions else None
        if item is None or not item.graded or item.value_from_code:
            continue  # not graded / graded by running the code, not from the copies
        harvest.disagreements[qid] = found.to_json()
        why = f"{DISAGREE[found.kind]}; the copy in the {found.chosen} is graded"
        if item.auto_scored:
            harvest.flags[grade_ids.check_id(qid)] = why
        else:  # a person grades it anyway
            harvest.notes.append(f"{qid}: {why}")
    return harvest


class HarvestAnswers(NbGraderPreprocessor):
    """Must come first in ``Autograde.sanitize_preprocessors`` (before ClearOutput)."""

    def preprocess(self, nb: NotebookNode, resources: dict[str, Any]) -> Any:
        info = resources["nbgrader"]
        backup_gradebook(info["db_url"])
        key = (info["student"], info["assignment"], info["notebook"])
        folder = Path(resources["metadata"]["path"])
        try:
            harvest = harvest_submission(nb, folder, info["assignment"])
        except QuestionSpecError as exc:
            harvest = Harvest(notes=[f"no question spec: {exc}"])
        for note in harvest.notes:
            self.log.warning("%s/%s: %s", info["student"], info["notebook"], note)
        remember(key, harvest)
        self._give_to_kernel(harvest, info)
        return nb, resources

    def _give_to_kernel(self, harvest: Harvest, info: dict[str, str]) -> None:
        """The grading kernel restores the same answers the grader scores (code questions such
        as counts of one's own tags depend on them). nbgrader does not copy answers/ itself."""
        coursedir = find_coursedir(self)
        if coursedir is None:
            return
        folder = Path(
            coursedir.format_path(
                coursedir.autograded_directory, info["student"], info["assignment"]
            )
        )
        store = AnswerStore(folder)
        for record in harvest.records.values():
            store.write(record)
