"""How long each assignment takes: an estimate from word counts and item times.

``python -m sourcing_lab.timing`` prints, per assignment, the words a student reads (the
exercise notebook's markdown, the question prompts and options, and the article when it is
shown) and the minutes the estimate gives at 150 and at 200 words a minute. The method is the
content review's (§3.3): reading time plus a typical time per item for a high-school or
first-year student. The item times are assumptions, stated beside each item type so they can
be argued with (``MINUTES`` in ``sourcing_lab/items/<type>.py``); the notes in
``autograder/instructor_notes/`` give a minute-by-minute plan.
"""

from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

from course.casefile import Case, load_case
from course.questions import Question, load_assignment
from sourcing_lab.items import INSTRUCTOR_REGISTRY

EXERCISES = Path(__file__).resolve().parent.parent.parent / "exercises"
READING_SPEEDS = (150, 200)  # words per minute: a slow and a typical reader
ARTICLE_FIRST_READ, ARTICLE_REREAD = 1.0, 0.4  # share of the article read each time it is shown


@dataclass(frozen=True)
class Estimate:
    assignment: str
    words: int
    item_minutes: float

    def minutes(self, speed: int) -> float:
        return round(self.words / speed + self.item_minutes, 1)


def item_minutes(
    question: Question, case: Case | None = None, questions: dict[str, Question] | None = None
) -> float:
    """Minutes for one item beyond reading its prompt and options (counted as words); a
    source desk's depend on the ``questions`` beside it (the item it serves)."""
    minutes = INSTRUCTOR_REGISTRY[question.item_type].minutes
    return minutes(question, case or load_case(), questions or {})


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
    case = assignment.case
    minutes = sum(item_minutes(q, case, questions) for q in questions.values())
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
