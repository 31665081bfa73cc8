"""The report page: what each section shows, handed to the jinja2 template ``template.html.j2``.

Python picks the numbers, rows and charts of each section; the template holds the page itself
(its headings, its explanations, the tables and the figures around the charts). Autoescape is
on: every value is escaped by the template, and only the charts (``charts.py``, already
escaped) go in as markup.
"""

from __future__ import annotations

import functools
import statistics
from collections import Counter
from typing import TYPE_CHECKING, Any

import jinja2

from sourcing_lab.report.charts import bar_chart, histogram, number

if TYPE_CHECKING:
    from markupsafe import Markup

    from sourcing_lab.classdata import ClassData

TEMPLATE = "template.html.j2"
Row = dict[str, Any]  # one row of an analysis table (``analysis``)
STATE_ORDER = ("graded", "needs review", "stale", "not gradable", "not submitted")
ITEM_COLUMNS = ("question", "type", "skill", "max_score", "students", "mean_score")
WRONG_COLUMNS = ("question", "part_label", "kind", "wrong_label", "students", "answered")


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("sourcing_lab.report", ""),
        autoescape=True,
        undefined=jinja2.StrictUndefined,  # a misspelt name fails the build, never shows blank
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["number"] = number
    env.filters["pct"] = _pct
    env.tests["numeric"] = lambda v: isinstance(v, int | float) and not isinstance(v, bool)
    return env


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _bars(
    title: str, labels: list[str], values: list[Any], axis: str, desc: str, **kw: Any
) -> Markup:
    return bar_chart(title, labels, values, axis_label=axis, desc=desc, **kw)


def _overview(data: ClassData, bins: list[tuple[str, int]]) -> dict[str, Any]:
    counts = {s: sum(1 for r in data.rows if r.state == s) for s in STATE_ORDER}
    scores = [r.score for r in data.scored if r.score is not None]
    top = number(data.max_score)
    desc = "Number of students on the roster in each submission state."
    return {
        "graded": len(scores),
        "roster": len(data.rows),
        "top": top,
        "mean": statistics.fmean(scores),
        "median": statistics.median(scores),
        "low": min(scores),
        "high": max(scores),
        "counts": counts,
        "isolation": list(Counter(r.isolation for r in data.rows if r.isolation).items()),
        "states_chart": _bars(
            "Submissions by state", list(counts), list(counts.values()), "students", desc
        ),
        "histogram": histogram(
            "Distribution of total scores",
            bins,
            x_label=f"total score (out of {top})",
            y_label="students",
            desc="Students with a current grade, by total score.",
        ),
    }


def _items(rows: list[Row]) -> dict[str, Any]:
    labels = [r["question"] for r in rows]
    body = [[*(r[k] for k in ITEM_COLUMNS), r["difficulty"], r["discrimination"]] for r in rows]
    return {
        "rows": body,
        "difficulty_chart": _bars(
            "Item difficulty (mean score ÷ maximum)",
            labels,
            [r["difficulty"] for r in rows],
            "difficulty index p (higher = easier)",
            "Share of the points the class earned per item.",
            domain=(0.0, 1.0),
        ),
        "discrimination_chart": _bars(
            "Item discrimination (corrected item–total correlation)",
            labels,
            [r["discrimination"] for r in rows],
            "correlation with the rest of the test",
            "How well each item separates stronger from weaker submissions.",
            domain=(-1.0, 1.0),
        ),
    }


def _wrong(rows: list[Row]) -> dict[str, Any]:
    if not rows:
        return {"firsts": [], "chart": None, "rows": []}
    firsts: dict[str, Row] = {}
    for r in rows:
        firsts.setdefault(r["question"], r)
    top = sorted(rows, key=lambda r: (-r["students"], r["question"]))[:10]
    labels = [
        f"{r['question']} {r['part'] + ': ' if r['part'] else ''}{r['wrong_choice']}" for r in top
    ]
    desc = "Wrong options, source types, verdicts, statuses and weak documents, by students."
    title, counts = "The ten most common wrong choices", [r["students"] for r in top]
    shown: Counter[str] = Counter()
    body = []
    for r in rows:
        shown[r["question"]] += 1
        if shown[r["question"]] <= 8:
            body.append([*(r[k] for k in WRONG_COLUMNS), _pct(r["share"])])
    chart = _bars(title, labels, counts, "students who chose it", desc)
    return {"firsts": list(firsts.values()), "chart": chart, "rows": body}


def _skills(rows: list[Row]) -> dict[str, Any]:
    done = [r for r in rows if r["points"]]
    names, shares = [r["skill"] for r in done], [r["mastery"] for r in done]
    title, desc = "Skill mastery (mean share of points)", "Skills this assignment practises."
    style = {"domain": (0.0, 1.0), "value_text": [_pct(v) for v in shares]}
    return {
        "rows": [
            [r["skill"], r["items"] or "–", r["points"], r["students"], _pct(r["mastery"])]
            for r in rows
        ],
        "chart": _bars(title, names, shares, "share of the skill's points", desc, **style),
    }


def _desks(rows: list[Row]) -> list[dict[str, Any]]:
    desks = []
    for desk in dict.fromkeys(r["desk"] for r in rows):
        mine = [r for r in rows if r["desk"] == desk]
        docs = [r for r in mine if r["doc_id"]]
        chart = None
        if docs:
            ids, counts = [r["doc_id"] for r in docs], [r["students"] for r in docs]
            title = f"Most opened documents ({desk})"
            desc = "Documents by students who opened them."
            chart = _bars(title, ids, counts, "students who opened it", desc)
        desks.append(
            {
                "desk": desk,
                "serves": mine[0]["serves"],
                "measures": [
                    [r["measure"], r["students"], r["of_students"], _pct(r["share"])] for r in mine
                ][:4],
                "documents": [[r["doc_id"], r["title"], r["role"], r["students"]] for r in docs],
                "chart": chart,
            }
        )
    return desks


def render(
    data: ClassData, tables: dict[str, list[Row]], bins: list[tuple[str, int]], generated: str
) -> str:
    """The report page from the class data and the analysis tables (see ``analysis``)."""
    title = f"{data.assignment}: {data.spec.title}" if data.spec else data.assignment
    return (
        environment()
        .get_template(TEMPLATE)
        .render(
            title=f"Class report — {title}",
            subtitle=f"Generated {generated} from {data.course_root}",
            overview=_overview(data, bins),
            items=_items(tables["items"]),
            wrong=_wrong(tables["distractors"]),
            skills=_skills(tables["skills"]),
            desks=_desks(tables["investigation"]),
        )
    )
