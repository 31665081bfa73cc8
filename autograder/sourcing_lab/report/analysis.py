"""The class report's analysis: the tables of ``items``, ``distractors``, ``skills`` and
``investigation`` from the class data (``sourcing_lab.classdata``), the keys and the case.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import Any

from course.checks.written import summarise_log
from course.questions import SKILLS, Question, part_labels
from course.vocab import ATTRIBUTION_TYPES, LINK_STATUSES, VERDICTS
from sourcing_lab.classdata import ClassData
from sourcing_lab.items import INSTRUCTOR_REGISTRY

COLUMNS = {  # the CSV tables, column by column (also when a table has no rows)
    "items": "item question type skill max_score students mean_score difficulty discrimination",
    "distractors": "question part part_label kind wrong_choice wrong_label students answered share",
    "skills": "skill items points students mastery",
    "investigation": "desk serves measure doc_id title role students of_students share",
}


def _corr(xs: Sequence[float], ys: Sequence[float]) -> float | None:
    if len(xs) < 3:
        return None
    try:
        return statistics.correlation(xs, ys)
    except statistics.StatisticsError:  # one of them does not vary
        return None


def item_stats(data: ClassData) -> list[dict[str, Any]]:
    """Per item: difficulty index p (mean ÷ max) and the corrected item–total correlation."""
    out = []
    for gid, top in data.cells.items():
        question = data.question(gid)
        pairs = [
            (r.items[gid], r.score or 0.0) for r in data.scored if r.items.get(gid) is not None
        ]
        mean = statistics.fmean(i for i, _ in pairs) if pairs else None
        out.append(
            {
                "item": gid,
                "question": question.question_id if question else gid,
                "type": question.item_type if question else "",
                "skill": question.skill if question else "",
                "max_score": top,
                "students": len(pairs),
                "mean_score": round(mean, 3) if mean is not None else None,
                "difficulty": round(mean / top, 3) if mean is not None and top else None,
                "discrimination": _round(_corr([i for i, _ in pairs], [t - i for i, t in pairs])),
            }
        )
    return out


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 3)


def _choice_label(question: Question, kind: str, chosen: str, case: Any, keys: Any) -> str:
    if kind in ("option", "marked claim"):
        return question.options.get(chosen, chosen)
    if kind == "cited document":
        role = keys.library_trace.get(chosen, {}).get("role")
        title = case.documents[chosen].title if chosen in case.documents else chosen
        return f"{title} [{'distractor' if role == 'distractor' else 'weak for this claim'}]"
    vocab = {"source type": ATTRIBUTION_TYPES, "verdict": VERDICTS, "status": LINK_STATUSES}
    return vocab.get(kind, {}).get(chosen, chosen)


def wrong_choices(data: ClassData, keys: Any, case: Any) -> list[dict[str, Any]]:
    """Which wrong option, type, verdict, status or weak document each part drew, and how often."""
    from sourcing_lab.key_lookup import MissingKeyError, key_for_question

    out = []
    for question in data.spec.questions.values() if data.spec else []:
        choices = INSTRUCTOR_REGISTRY[question.item_type].wrong_choices
        if choices is None:
            continue
        try:
            key = key_for_question(keys, data.assignment, question, case)
        except (MissingKeyError, KeyError):
            continue
        labels = part_labels(question, case)
        answered: dict[str, set[str]] = {}
        wrong: Counter[tuple[str, str, str]] = Counter()
        for row in data.scored:
            value = row.answers.get(question.question_id)
            if value in (None, "", [], {}):
                continue
            try:
                found = list(choices(question, key, value))
            except (AttributeError, TypeError):  # a value of the wrong shape: skip it
                continue
            for part, kind, chosen, is_wrong in found:
                answered.setdefault(part, set()).add(row.student)
                if is_wrong:
                    wrong[(part, kind, chosen)] += 1
        ranked = sorted(wrong.items(), key=lambda kv: (-kv[1], kv[0]))
        for (part, kind, chosen), count in ranked:
            n = len(answered.get(part, ()))
            out.append(
                {
                    "question": question.question_id,
                    "part": part,
                    "part_label": labels.get(part, "") if part else "(whole question)",
                    "kind": kind,
                    "wrong_choice": chosen,
                    "wrong_label": _choice_label(question, kind, chosen, case, keys),
                    "students": count,
                    "answered": n,
                    "share": round(count / n, 3) if n else None,
                }
            )
    return out


def skill_mastery(data: ClassData) -> list[dict[str, Any]]:
    """Mean share of the points each student earned per skill (items with a score only)."""
    out = []
    for skill in SKILLS:
        gids = [g for g in data.cells if (q := data.question(g)) and q.skill == skill]
        shares = []
        for row in data.scored:
            got = [(row.items[g], data.cells[g]) for g in gids if row.items.get(g) is not None]
            possible = sum(top for _, top in got)
            if possible:
                shares.append(sum(s for s, _ in got) / possible)
        out.append(
            {
                "skill": skill,
                "items": " ".join(data.question(g).question_id for g in gids),
                "points": sum(data.cells[g] for g in gids),
                "students": len(shares),
                "mastery": round(statistics.fmean(shares), 3) if shares else None,
            }
        )
    return out


def decisive_documents(data: ClassData, keys: Any, desk: Question) -> set[str]:
    """Evidence-role documents that settle a claim the desk serves (or all evidence ones)."""
    evidence = {d for d, e in keys.library_trace.items() if e.get("role") == "evidence"}
    served = data.spec.questions.get(desk.serves) if data.spec else None
    if served is not None and served.item_type == "claim_verdicts":
        cited = {d for c in served.parts if c in keys.claims for d in keys.claims[c].evidence}
        return (evidence & cited) or evidence
    return evidence


DESK_MEASURES = {
    "kept a log (searched or opened anything)": lambda s, decisive: bool(s["events"]),
    "searched at least once": lambda s, decisive: bool(s["searches"]),
    "opened at least one document": lambda s, decisive: bool(s["opened"]),
    "opened a decisive document (at any time)": lambda s, decisive: bool(
        decisive & set(s["opened"])
    ),
}


def investigation(data: ClassData, keys: Any, case: Any) -> list[dict[str, Any]]:
    """Per source desk: how many searched, opened, opened a decisive document; top documents."""
    out = []
    questions = data.spec.questions.values() if data.spec else []
    for desk in [q for q in questions if q.item_type == "source_desk"]:
        decisive = decisive_documents(data, keys, desk)
        logs = []
        for row in data.scored:
            log = row.answers.get(desk.question_id)
            logs.append(summarise_log(log if isinstance(log, list) else []))
        n = len(logs)
        base = {"desk": desk.question_id, "serves": desk.serves}
        blank = {"doc_id": "", "title": "", "role": ""}
        for measure, test in DESK_MEASURES.items():
            count = sum(1 for s in logs if test(s, decisive))
            out.append({**base, "measure": measure, **blank, "students": count, "of_students": n})
        opened = Counter(d for s in logs for d in set(s["opened"]) if d in case.documents)
        for doc, count in sorted(opened.items(), key=lambda kv: (-kv[1], kv[0]))[:10]:
            role = keys.library_trace.get(doc, {}).get("role", "")
            role += ", decisive" if doc in decisive else ""
            title = case.documents[doc].title
            measure = "opened this document"
            out.append(
                {**base, "measure": measure, "doc_id": doc, "title": title, "role": role}
                | {"students": count, "of_students": n}
            )
    for entry in out:
        n = entry["of_students"]
        entry["share"] = round(entry["students"] / n, 3) if n else None
    return out


def score_bins(scores: Sequence[float], max_score: float) -> list[tuple[str, int]]:
    """Histogram bins: one per point up to 12 points, else about ten equal-width bins."""
    if max_score <= 12:
        counts = [0] * (math.floor(max_score) + 1)
        for s in scores:
            counts[min(math.floor(s), len(counts) - 1)] += 1
        return [(str(i), c) for i, c in enumerate(counts)]
    width = math.ceil(max_score / 10)
    counts = [0] * math.ceil(max_score / width)
    for s in scores:
        counts[min(int(s // width), len(counts) - 1)] += 1
    return [(f"{i * width}–{min((i + 1) * width, max_score):g}", c) for i, c in enumerate(counts)]
