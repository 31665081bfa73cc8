"""Hand-written SVG charts for the class report (no plotting library): pure functions from
numbers and labels to markup.

Every chart is a plain ``<svg role="img">`` with a ``<title>`` and a ``<desc>`` that state what it
shows and the numbers in it, axis lines and labels, and the value written beside each bar, so
the chart reads the same to a screen reader, on paper, and on screen. Nothing here runs script or
loads anything from outside the page. Each returns a ``markupsafe.Markup`` (every label and
number in it escaped here), which the page template inserts as it is.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Sequence

from markupsafe import Markup, escape

FONT = "font-family:system-ui,-apple-system,'Segoe UI',Roboto,Arial,sans-serif"
BAR, NEGATIVE, AXIS, TEXT, GRID = "#2563a8", "#b45309", "#444", "#1a1a1a", "#e3e3e3"
CHAR_PX = 6.6  # rough width of one 12 px character, to size label columns
_ids = itertools.count(1)


def esc(value: object) -> str:
    return str(escape(str(value)))


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
) -> Markup:
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
    return Markup("\n".join(out))


def histogram(
    title: str,
    bins: Sequence[tuple[str, int]],
    *,
    x_label: str,
    y_label: str,
    desc: str = "",
    width: int = 680,
    height: int = 320,
) -> Markup:
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
    return Markup("\n".join(out))
