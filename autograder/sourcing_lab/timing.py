"""How long each assignment takes: an estimate from word counts and item times.

``python -m sourcing_lab.timing`` prints, per assignment, the words a student reads (the
exercise notebook's markdown, the question prompts and options, and the article when it is
shown) and the minutes the estimate gives at 150 and at 200 words a minute. The method is the
content review's (§3.3): reading time plus a typical time per item for a high-school or
first-year student. The item times below are assumptions, stated here so they can be argued
with; the notes in ``autograder/instructor_notes/`` give a minute-by-minute plan.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

from course.casefile import Case, load_case
from course.questions import Question, load_assignment

EXERCISES = Path(__file__).resolve().parent.parent.parent / "exercises"
READING_SPEEDS = (150, 200)  # words per minute: a slow and a typical reader
ARTICLE_FIRST_READ, ARTICLE_REREAD = 1.0, 0.4  # share of the article read each time it is shown
# Minutes per item, beyond reading its prompt and options (which are counted as words).
MINUTES = {
    "choice": 1.0,
    "choice_per_option": 0.25,  # weighing each option of a multiple-select item
    "span_tagger_per_part": 0.5,
    "claim_verdicts_per_claim": 3.0,  # a search, two documents opened, a verdict, a citation
    "timeline": 4.0,
    "provenance_chain_per_step": 1.0,
    "code_value": 3.0,
    "source_desk": 6.0,  # searching and opening documents, when no claim item counts them
    "written_planning": 2.0,
    "written_per_word": 0.1,  # writing at 10 words a minute
}


@dataclass(frozen=True)
class Estimate:
    assignment: str
    words: int
    item_minutes: float

    def minutes(self, speed: int) -> float:
        return round(self.words / speed + self.item_minutes, 1)


def item_minutes(question: Question, case: Case | None = None) -> float:
    kind = question.item_type
    if kind == "choice":
        per_option = MINUTES["choice_per_option"] * len(question.options)
        return MINUTES["choice"] + (per_option if question.multiple else 0.0)
    if kind == "span_tagger":
        return MINUTES["span_tagger_per_part"] * len(question.parts)
    if kind == "claim_verdicts":
        return MINUTES["claim_verdicts_per_claim"] * len(question.parts)
    if kind == "provenance_chain":
        return MINUTES["provenance_chain_per_step"] * len(
            question.parts or (case or load_case()).chain
        )
    if kind == "written":
        return MINUTES["written_planning"] + MINUTES["written_per_word"] * question.min_words
    return MINUTES.get(kind, 0.0)


def desk_minutes(question: Question, questions: dict[str, Question]) -> float:
    """A desk that serves a claim item is already counted in that item's minutes per claim."""
    served = questions.get(question.serves)
    return (
        0.0
        if served is not None and served.item_type == "claim_verdicts"
        else MINUTES["source_desk"]
    )


def _words(text: str) -> int:
    return len(re.findall(r"[A-Za-z0-9][A-Za-z0-9'’-]*", text))


def estimate(
    assignment_id: str, exercises: Path = EXERCISES, specs: Path | None = None
) -> Estimate:
    """The estimate for one assignment (``exercises`` and ``specs`` default to the kit's own)."""
    import nbformat

    notebook = next((exercises / assignment_id).glob("*.ipynb"))
    cells = nbformat.read(notebook, as_version=4).cells
    words = sum(_words(c.source) for c in cells if c.cell_type == "markdown")
    assignment = load_assignment(assignment_id, specs)
    questions = assignment.questions
    words += sum(
        _words(q.prompt) + sum(_words(o) for o in q.options.values()) for q in questions.values()
    )
    share = ARTICLE_FIRST_READ if assignment_id.startswith("a01") else ARTICLE_REREAD
    words += round(share * _words(assignment.case.article_text))
    minutes = sum(
        desk_minutes(q, questions)
        if q.item_type == "source_desk"
        else item_minutes(q, assignment.case)
        for q in questions.values()
    )
    return Estimate(assignment_id, words, round(minutes, 1))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m sourcing_lab.timing", description=__doc__)
    parser.add_argument("--exercises", type=Path, default=EXERCISES, help="student notebooks")
    parser.add_argument("--specs", type=Path, help="question specs (default: the kit's own)")
    args = parser.parse_args(argv)
    slow, fast = READING_SPEEDS
    print(f"{'assignment':<18}{'words':>7}{'items':>8}   minutes at {slow} / {fast} wpm")
    for assignment_id in sorted(p.name for p in args.exercises.iterdir() if p.is_dir()):
        e = estimate(assignment_id, args.exercises, args.specs)
        print(
            f"{assignment_id:<18}{e.words:>7}{e.item_minutes:>8.1f}"
            f"   {e.minutes(slow):>5.1f} / {e.minutes(fast):.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
