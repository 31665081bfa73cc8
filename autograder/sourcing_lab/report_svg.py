"""Hand-written SVG charts and HTML pieces for the class report (no plotting library).

Every chart is a plain ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that state what it
shows and the numbers in it, axis lines and labels, and the value written beside each bar, so
the chart reads the same to a screen reader, on paper, and on screen. Nothing here runs script or
loads anything from outside the page.
"""

from __future__ import annotations

import html
import itertools
import math
import statistics
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sourcing_lab.export import ClassData

FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif"
BAR, NEGATIVE, AXIS, TEXT, GRID = "#2563a8", "#b45309", "#444", "#1a1a1a", "#e3e3e3"
CHAR_PX = 6.6  # rough width of one 12 px character, to size label columns
_ids = itertools.count(1)

CSS = """
body{font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif;color:#1a1a1a;
 max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.45}
h1{font-size:1.6rem;margin-bottom:.2rem}h2{font-size:1.25rem;margin-top:2.2rem;
 border-bottom:2px solid #2563a8;padding-bottom:.2rem}h3{font-size:1.05rem;margin-top:1.4rem}
table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.3rem 0}
th,td{border:1px solid #c9c9c9;padding:.25rem .5rem;text-align:left;vertical-align:top}
th{background:#eef3f9}td.num{text-align:right;font-variant-numeric:tabular-nums}
.note{background:#fff8e6;border-left:4px solid #b45309;padding:.5rem .8rem;margin:.8rem 0}
.muted{color:#555;font-size:.9rem}figure{margin:1rem 0}svg{max-width:100%;height:auto}
@media print{h2{break-after:avoid}figure,table{break-inside:avoid}}
"""


def esc(value: object) -> str:
    return html.escape(str(value), quote=True)


def number(value: float | None, digits: int = 2) -> str:
    """A short number for a label: '0.75', '3', or an en dash for no value."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    text = f"{value:.{digits}f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _shorten(label: str, limit: int) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


def _text(x: float, y: float, text: object, anchor: str = "middle", **style: object) -> str:
    attrs = {"font-size": 11, "fill": AXIS, **{k.replace("_", "-"): v for k, v in style.items()}}
    more = "".join(f' {k}="{v}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{more}>{esc(text)}</text>'


def _line(x1: float, y1: float, x2: float, y2: float, stroke: str = AXIS) -> str:
    return f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" stroke="{stroke}"/>'


def _rect(x: float, y: float, w: float, h: float, fill: str = BAR) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fill}"/>'


def _svg_open(width: int, height: int, title: str, desc: str) -> list[str]:
    uid = next(_ids)
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-labelledby="t{uid} d{uid}" style="{FONT}">',
        f'<title id="t{uid}">{esc(title)}</title><desc id="d{uid}">{esc(desc)}</desc>',
        f'<rect width="{width}" height="{height}" fill="#fff"/>',
        _text(width / 2, 22, title, font_size=15, font_weight=600, fill=TEXT),
    ]


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    raw = ((high - low) or 1.0) / count
    step = 10 ** math.floor(math.log10(raw))
    step *= next(m for m in (1, 2, 2.5, 5, 10) if step * m >= raw)
    first = math.ceil(low / step - 1e-9) * step
    return [round(first + i * step, 10) for i in range(int((high - first) / step + 1e-9) + 1)]


def bar_chart(
    title: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    axis_label: str,
    desc: str = "",
    domain: tuple[float, float] | None = None,
    value_text: Sequence[str] | None = None,
    width: int = 680,
) -> str:
    """Horizontal bars, one per label (long item names stay readable). Values may be negative.

    ``value_text`` overrides the number written at the end of each bar; a None value draws no
    bar and writes "n/a".
    """
    present = [v for v in values if v is not None]
    low, high = domain or (min([0.0, *present]), max([0.0, *present]) or 1.0)
    label_w = int(min(260, max(60, CHAR_PX * max((len(x) for x in labels), default=4) + 20)))
    left, top, row = label_w + 8, 40, 26
    plot_w, bottom = width - left - 56, top + row * len(labels)
    scale = plot_w / ((high - low) or 1.0)

    def x_of(v: float) -> float:
        return left + (min(max(v, low), high) - low) * scale

    texts = value_text or [number(v) if v is not None else "n/a" for v in values]
    summary = "; ".join(f"{lab}: {txt}" for lab, txt in zip(labels, texts, strict=True))
    out = _svg_open(width, bottom + 52, title, f"{desc} Values: {summary}.".strip())
    counts = all(isinstance(v, int) for v in present)  # no ticks at half a student
    for tick in [t for t in _ticks(low, high) if not counts or t == int(t)]:
        x = x_of(tick)
        out += [_line(x, top, x, bottom, GRID), _text(x, bottom + 16, number(tick))]
    zero = x_of(0.0)
    for i, (label, value, text) in enumerate(zip(labels, values, texts, strict=True)):
        y = top + i * row
        short = _shorten(label, int((label_w - 14) / CHAR_PX))
        out += [f"<g><title>{esc(label)}: {esc(text)}</title>"]
        out += [_text(left - 6, y + row / 2 + 4, short, "end", font_size=12, fill=TEXT)]
        tx, anchor = zero + 4, "start"
        if value is not None:
            x0, x1 = sorted((zero, x_of(value)))
            out += [_rect(x0, y + 4, max(x1 - x0, 1.5), row - 8, NEGATIVE if value < 0 else BAR)]
            if value >= 0:
                tx = x1 + 4
            elif x0 - left >= CHAR_PX * len(text) + 4:
                tx, anchor = x0 - 4, "end"
        out += [_text(tx, y + row / 2 + 4, text, anchor, fill=TEXT), "</g>"]
    out += [_line(zero, top, zero, bottom), _line(left, bottom, left + plot_w, bottom)]
    out += [_text(left + plot_w / 2, bottom + 36, axis_label, font_size=12, fill=TEXT), "</svg>"]
    return "\n".join(out)


def histogram(
    title: str,
    bins: Sequence[tuple[str, int]],
    *,
    x_label: str,
    y_label: str,
    desc: str = "",
    width: int = 680,
    height: int = 320,
) -> str:
    """Vertical bars of counts, one per bin label, with the count above each bar."""
    left, top = 56, 40
    plot_w, plot_h = width - left - 16, height - top - 62
    peak = max([c for _, c in bins] + [1])
    ticks = [t for t in _ticks(0, peak, min(peak, 5)) if t == int(t)]
    high, base = max(ticks[-1], peak), top + plot_h
    summary = "; ".join(f"{label}: {count}" for label, count in bins)
    out = _svg_open(width, height, title, f"{desc} Counts: {summary}.".strip())
    for tick in ticks:
        y = base - tick / high * plot_h
        out += [_line(left, y, left + plot_w, y, GRID), _text(left - 6, y + 4, int(tick), "end")]
    slot = plot_w / max(len(bins), 1)
    step = max(1, math.ceil(len(bins) * 34 / plot_w))  # thin out crowded bin labels
    for i, (label, count) in enumerate(bins):
        x, h = left + i * slot, count / high * plot_h
        out += [f"<g><title>{esc(label)}: {count}</title>"]
        out += [_rect(x + slot * 0.1, base - h, slot * 0.8, h)] if count else []
        out += [_text(x + slot / 2, base - h - 4, count, fill=TEXT)]
        out += [_text(x + slot / 2, base + 16, label)] if i % step == 0 else []
        out += ["</g>"]
    out += [_line(left, top, left, base), _line(left, base, left + plot_w, base)]
    out += [_text(left + plot_w / 2, base + 40, x_label, font_size=12, fill=TEXT)]
    turn = f"translate(16 {top + plot_h / 2:.0f}) rotate(-90)"
    out += [_text(0, 0, y_label, font_size=12, fill=TEXT, transform=turn), "</svg>"]
    return "\n".join(out)


def _cell(value: object) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="num">{esc(number(value))}</td>'
    return f"<td>{esc('–' if value is None else value)}</td>"


def table(caption: str, headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """An HTML table; numbers are right-aligned, every cell is escaped."""
    head = "".join(f'<th scope="col">{esc(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(_cell(v) for v in row) + "</tr>" for row in rows)
    body = body or f'<tr><td colspan="{len(headers)}">(nothing to show)</td></tr>'
    return f"<table><caption>{esc(caption)}</caption><thead><tr>{head}</tr></thead>{body}</table>"


def figure(svg: str, caption: str = "") -> str:
    text = f"<figcaption class='muted'>{esc(caption)}</figcaption>" if caption else ""
    return f"<figure>{svg}{text}</figure>"


def page(title: str, subtitle: str, sections: Sequence[tuple[str, str]]) -> str:
    """The whole self-contained document: inline CSS, no script, no external resource."""
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{esc(title)}</title><style>{CSS}</style></head><body>",
        f"<header><h1>{esc(title)}</h1><p class='muted'>{esc(subtitle)}</p></header><main>",
    ]
    for heading, body in sections:
        parts.append(f"<section><h2>{esc(heading)}</h2>{body}</section>")
    parts.append("</main></body></html>")
    return "\n".join(parts)


# -- the report page -----------------------------------------------------------------------

STATE_ORDER = ("graded", "needs review", "stale", "not gradable", "not submitted")
ITEM_COLUMNS = ("question", "type", "skill", "max_score", "students", "mean_score")
WRONG_COLUMNS = ("question", "part_label", "kind", "wrong_label", "students", "answered")
ITEMS_TEXT = (
    "<p><b>Difficulty</b> is the classical difficulty index p: the mean score on the item "
    "divided by its maximum (1 = everyone got full marks, so higher means easier). "
    "<b>Discrimination</b> is the corrected item–total correlation: the Pearson correlation "
    "between the item score and the total of the <i>other</i> items (for right/wrong items this "
    "is the point-biserial coefficient). Below 0.2 the item hardly separates stronger from "
    "weaker submissions; a negative value means stronger students did worse on it — check its "
    "key and wording. Items without a score yet (ungraded written answers) are left out per "
    "item; n/a means too few students (under 3) or no variation.</p>"
)
DESK_TEXT = (
    "<p class='note'>The result files do not record when each answer was given, so this report "
    "cannot tell whether a document was opened <i>before</i> answering: “opened a decisive "
    "document” means opened at any time. A decisive document has the role evidence in the "
    "library trace and, for a desk serving claim verdicts, settles one of those claims in the "
    "key.</p>"
)
ABOUT_TEXT = (
    "<p>Sources: the nbgrader gradebook (auto and manual scores), the grader's result files (the "
    "answers each student recorded), the question specs and the answer keys. Students who are "
    "stale, not gradable or not submitted are counted in the first section and left out of every "
    "statistic. The same tables are in scores.csv, items.csv, distractors.csv, skills.csv and "
    "investigation.csv beside this file; scores.csv is the only one naming students.</p>"
)


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value * 100:.0f}%"


def _bars(title: str, labels: list, values: list, axis: str, desc: str, **kw: object) -> str:
    return figure(bar_chart(title, labels, values, axis_label=axis, desc=desc, **kw))


def _overview(data: ClassData, bins: list[tuple[str, int]]) -> str:
    counts = {s: sum(1 for r in data.rows if r.state == s) for s in STATE_ORDER}
    scores = [r.score for r in data.scored if r.score is not None]
    top = number(data.max_score)
    parts = [
        f"<p>{len(scores)} of {len(data.rows)} students on the roster have a current grade. "
        f"Total scores (auto + manual, out of {top}): mean {number(statistics.fmean(scores))}, "
        f"median {number(statistics.median(scores))}, lowest {number(min(scores))}, highest "
        f"{number(max(scores))}.</p>"
    ]
    if counts["needs review"]:
        parts.append(
            f"<p class='note'>{counts['needs review']} submission(s) still need a person (written "
            "answers not yet graded, or items flagged for review): their totals are provisional, "
            "with ungraded items counted as 0.</p>"
        )
    if counts["stale"]:
        parts.append(
            f"<p class='note'>{counts['stale']} student(s) submitted again after grading: the "
            "newest submission is not graded, so they are left out of every statistic.</p>"
        )
    for text, n in Counter(r.isolation for r in data.rows if r.isolation).items():
        parts.append(f"<p class='note'>Grading kernels: {esc(text)}: {n} student(s).</p>")
    parts.append(table("Submissions by state", ["state", "students"], list(counts.items())))
    desc = "Number of students on the roster in each submission state."
    parts.append(
        _bars("Submissions by state", list(counts), list(counts.values()), "students", desc)
    )
    chart = histogram(
        "Distribution of total scores",
        bins,
        x_label=f"total score (out of {top})",
        y_label="students",
        desc="Students with a current grade, by total score.",
    )
    note = "Each bar counts totals from its label up to the next label; the last includes the top."
    return "".join(parts) + figure(chart, note)


def _items(rows: list[dict]) -> str:
    labels = [r["question"] for r in rows]
    body = [[*(r[k] for k in ITEM_COLUMNS), r["difficulty"], r["discrimination"]] for r in rows]
    headers = ["item", "type", "skill", "max", "n", "mean score", "difficulty p", "discrimination"]
    difficulty = _bars(
        "Item difficulty (mean score ÷ maximum)",
        labels,
        [r["difficulty"] for r in rows],
        "difficulty index p (higher = easier)",
        "Share of the points the class earned per item.",
        domain=(0.0, 1.0),
    )
    discrimination = _bars(
        "Item discrimination (corrected item–total correlation)",
        labels,
        [r["discrimination"] for r in rows],
        "correlation with the rest of the test",
        "How well each item separates stronger from weaker submissions.",
        domain=(-1.0, 1.0),
    )
    return ITEMS_TEXT + table("Items", headers, body) + difficulty + discrimination


def _wrong(rows: list[dict]) -> str:
    if not rows:
        return "<p>No wrong choices were recorded on the keyed items.</p>"
    firsts: dict[str, dict] = {}
    for r in rows:
        firsts.setdefault(r["question"], r)
    summary = "".join(
        f"<li><b>{esc(q)}</b>: {r['students']} of {r['answered']} chose "
        f"<q>{esc(r['wrong_label'])}</q> ({esc(r['kind'])}"
        f"{', ' + esc(r['part_label']) if r['part'] else ''})</li>"
        for q, r in firsts.items()
    )
    top = sorted(rows, key=lambda r: (-r["students"], r["question"]))[:10]
    labels = [
        f"{r['question']} {r['part'] + ': ' if r['part'] else ''}{r['wrong_choice']}" for r in top
    ]
    desc = "Wrong options, source types, verdicts, statuses and weak documents, by students."
    title, counts = "The ten most common wrong choices", [r["students"] for r in top]
    chart = _bars(title, labels, counts, "students who chose it", desc)
    shown: Counter[str] = Counter()
    body = []
    for r in rows:
        shown[r["question"]] += 1
        if shown[r["question"]] <= 8:
            body.append([*(r[k] for k in WRONG_COLUMNS), _pct(r["share"])])
    headers = ["item", "part", "kind", "wrong choice", "students", "answered", "share"]
    caption = "Wrong choices (up to 8 per item; all of them in distractors.csv)"
    return (
        "<p>Which distractor caught the class — the most common wrong choice per item:</p>"
        f"<ul>{summary}</ul>{chart}{table(caption, headers, body)}"
    )


def _skills(rows: list[dict]) -> str:
    done = [r for r in rows if r["points"]]
    body = [
        [r["skill"], r["items"] or "–", r["points"], r["students"], _pct(r["mastery"])]
        for r in rows
    ]
    names, shares = [r["skill"] for r in done], [r["mastery"] for r in done]
    title, desc = "Skill mastery (mean share of points)", "Skills this assignment practises."
    style = {"domain": (0.0, 1.0), "value_text": [_pct(v) for v in shares]}
    chart = _bars(title, names, shares, "share of the skill's points", desc, **style)
    text = (
        "<p>Mastery is the mean, over students, of the share of a skill's points each one "
        "earned (items without a score yet are left out).</p>"
    )
    return text + table("Skill mastery", ["skill", "items", "points", "n", "mastery"], body) + chart


def _desk(rows: list[dict]) -> str:
    if not rows:
        return "<p>This assignment has no source desk.</p>"
    parts = [DESK_TEXT]
    for desk in dict.fromkeys(r["desk"] for r in rows):
        mine = [r for r in rows if r["desk"] == desk]
        docs = [r for r in mine if r["doc_id"]]
        summary = [[r["measure"], r["students"], r["of_students"], _pct(r["share"])] for r in mine]
        parts.append(f"<h3>{esc(desk)} (serves {esc(mine[0]['serves'])})</h3>")
        parts.append(table("Investigation", ["measure", "students", "of", "share"], summary[:4]))
        body = [[r["doc_id"], r["title"], r["role"], r["students"]] for r in docs]
        headers = ["document", "title", "role", "students"]
        parts.append(table("Most opened documents", headers, body))
        if docs:
            title, desc = (
                f"Most opened documents ({desk})",
                "Documents by students who opened them.",
            )
            ids, counts = [r["doc_id"] for r in docs], [r["students"] for r in docs]
            parts.append(_bars(title, ids, counts, "students who opened it", desc))
    return "".join(parts)


def render(data: ClassData, tables: dict[str, list[dict]], bins: list, generated: str) -> str:
    """The report page from the class data and the analysis tables (see report.py)."""
    title = f"{data.assignment}: {data.spec.title}" if data.spec else data.assignment
    sections = [
        ("Scores and submissions", _overview(data, bins)),
        ("Item difficulty and discrimination", _items(tables["items"])),
        ("Which wrong choices caught the class", _wrong(tables["distractors"])),
        ("Skill mastery by method", _skills(tables["skills"])),
        ("Investigation logs", _desk(tables["investigation"])),
        ("About this report", ABOUT_TEXT),
    ]
    subtitle = f"Generated {generated} from {data.course_root}"
    return page(f"Class report — {title}", subtitle, sections)
