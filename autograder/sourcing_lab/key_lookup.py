"""From the key set to one question: the check-shaped key, and the reference answer.

The reference answer is what a perfect student records; tests seed it into solution notebooks,
the demo's perfect student submits it, and self-study's "Show answer" describes it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from course.casefile import Case
from course.checks.code_values import ValueKey, derive_expected
from course.checks.result import ChoiceKey, OrderKey
from course.questions import Question, part_labels
from course.vocab import ATTRIBUTION_TYPES, LINK_STATUSES, VERDICTS
from sourcing_lab.keys import KeySet

__all__ = ["KEYED_TYPES", "MissingKeyError", "derive_expected", "key_for_question"]

KEYED_TYPES = (
    "span_tagger",
    "claim_verdicts",
    "timeline",
    "provenance_chain",
    "choice",
    "code_value",
)


class MissingKeyError(LookupError):
    """A graded question has no key; the message says which file should hold it."""


def true_order(case: Case, event_ids: tuple[str, ...]) -> tuple[str, ...]:
    """Events sorted by their real dates (the case's timeline is public data, not a key)."""
    events = {e.event_id: e for e in case.events}
    return tuple(sorted(event_ids, key=lambda e: (events[e].date_start, e)))


def key_for_question(
    keys: KeySet,
    assignment_id: str,
    question: Question,
    case: Case | None = None,
    answers: dict[str, Any] | None = None,
) -> Any:
    """The key argument ``course.checks.dispatch.evaluate`` takes for ``question``.

    None for item types that are never auto-scored (written answers, the source desk).
    ``answers`` (question id -> clean value) is needed only by keys derived from another
    answer, such as a count of the learner's own tags.
    """
    if case is None:
        from course.questions import load_assignment

        case = load_assignment(assignment_id).case
    kind, parts = question.item_type, question.parts
    if kind == "span_tagger":
        return {p: keys.attribution[p] for p in parts}
    if kind == "claim_verdicts":
        return {p: keys.claims[p] for p in parts}
    if kind == "timeline":
        anachronism = keys.timeline["anachronism"]
        marked = anachronism["claim"] if question.options else ""
        return OrderKey(true_order(case, parts), marked, dict(anachronism.get("hints", {})))
    if kind == "provenance_chain":
        links = parts or keys.provenance_order
        order = tuple(p for p in keys.provenance_order if p in links)
        tied = tuple(g for g in keys.provenance_tied if set(g) <= set(links))
        return OrderKey(order, tied=tied), {p: keys.provenance_links[p] for p in links}
    if kind in ("choice", "code_value"):
        entry = keys.assignments.get(assignment_id, {}).get(question.question_id)
        if entry is None:
            raise MissingKeyError(
                f"no key for {assignment_id}/{question.question_id}: add it to "
                f"keys/{keys.case_id}/assignments/{assignment_id}.toml"
            )
        if kind == "choice":
            return ChoiceKey(tuple(entry["accept"]), dict(entry.get("hints", {})))
        expected = entry.get("expected")
        if "expected_from" in entry:
            expected = derive_expected(entry, (answers or {}).get(entry["expected_from"]))
        return ValueKey(expected, float(entry.get("tolerance", 0.0)), str(entry.get("hint", "")))
    return None


def reference_answers(keys: KeySet, assignment_id: str, case: Case) -> dict[str, Any]:
    """What a perfect student records for every keyed question of the assignment."""
    from course.questions import load_assignment

    answers: dict[str, Any] = {}
    for question in load_assignment(assignment_id).questions.values():
        if question.item_type in KEYED_TYPES:
            answers[question.question_id] = reference_value(
                keys, assignment_id, question, case, answers
            )
    return answers


def reference_value(
    keys: KeySet,
    assignment_id: str,
    question: Question,
    case: Case,
    answers: dict[str, Any] | None = None,
) -> Any:
    """The answer a perfect student records (None for unkeyed item types)."""
    key = key_for_question(keys, assignment_id, question, case, answers)
    kind = question.item_type
    if kind == "span_tagger":
        return {p: k.accept[0] for p, k in key.items()}
    if kind == "claim_verdicts":
        return {
            p: {"verdict": k.verdicts[0], "evidence": list(k.settles[:1])} for p, k in key.items()
        }
    if kind == "timeline":
        return {"order": list(key.order), "marked": key.marked}
    if kind == "provenance_chain":
        order_key, links = key
        return {
            "order": list(order_key.order),
            "status": {p: k.accept[0] for p, k in links.items()},
        }
    if kind == "choice":
        return list(key.accept) if question.multiple else key.accept[0]
    if kind == "code_value":
        return key.expected
    return None


def describe_reference(keys: KeySet, assignment_id: str, question: Question, case: Case) -> str:
    """The reference answer in words, for self-study's "Show answer"."""
    value = reference_value(keys, assignment_id, question, case)
    if value is None:
        return "This question has no single right answer; compare yours with the rubric."
    labels = part_labels(question, case)
    kind = question.item_type
    if kind == "span_tagger":
        return "\n".join(f"{labels[p]} → {ATTRIBUTION_TYPES[v]}" for p, v in value.items())
    if kind == "claim_verdicts":
        lines = []
        for p, entry in value.items():
            docs = ", ".join(case.document(d).title for d in entry["evidence"]) or "(no document)"
            lines.append(f"{labels[p]} → {VERDICTS[entry['verdict']]}; e.g. {docs}")
        return "\n".join(lines)
    if kind == "timeline":
        order = "\n".join(f"{n}. {labels[e]}" for n, e in enumerate(value["order"], start=1))
        marked = question.options.get(value["marked"], "")
        return order + (f"\nCannot be true at its date: {marked}" if marked else "")
    if kind == "provenance_chain":
        order = " → ".join(labels[p] for p in value["order"])
        status = "\n".join(f"{labels[p]}: {LINK_STATUSES[s]}" for p, s in value["status"].items())
        return order + "\n" + status
    if kind == "choice":
        chosen = value if isinstance(value, list) else [value]
        return "\n".join(question.options[c] for c in chosen)
    return repr(value)


def seed_reference_answers(folder: Path, assignment_id: str, keys: KeySet | None = None) -> int:
    """Record the reference answers in ``folder/answers/`` (for solution runs, demos, benches).

    Returns how many answers were written.
    """
    from course.answers import AnswerRecord, AnswerStore, now_iso
    from course.questions import load_assignment
    from sourcing_lab.keys import load_keys

    assignment = load_assignment(assignment_id)
    case = assignment.case
    keys = keys or load_keys(case)
    questions = assignment.questions
    store = AnswerStore(folder)
    written = 0
    for qid, value in reference_answers(keys, assignment_id, case).items():
        if value is None:
            continue
        item_type = questions[qid].item_type
        store.write(AnswerRecord(qid, item_type, value, 1, now_iso(), assignment_id=assignment_id))
        written += 1
    return written
