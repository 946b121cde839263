"""Bar charts in plain HTML: readable on a 360 px phone, cheap to redraw, text a screen reader reads.

Each bar is one row: its label and its value (formatted by the caller, the language's way)
on a line that wraps, and the bar under them, drawn to scale from a common zero. A bar
may float (``start`` to ``end``: a waterfall step from the previous total) and values may be
negative (a cash balance below zero), so every chart of the calculators is one of these.
The layout lives in the calculators' stylesheet (``calculator.css``, classes ``ukm-bar*``).

Why not matplotlib images, as before: a PNG scaled to a phone's width shrank its labels to
4-5 px, and drawing one cost 100-200 ms of server time per change, which made a recompute
miss 100 ms under a class's load. These rows cost microseconds and stay text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from html import escape

SELLER = "#2e7d32"
BUYER = "#1565c0"
NEUTRAL = "#9e9e9e"
ACCENT = "#ef6c00"
LOSS = "#c62828"


@dataclass(frozen=True)
class Bar:
    """One row of a chart: a bar from ``start`` to ``end`` (in the chart's unit)."""

    label: str
    value_text: str  # what is written beside the bar: the figure as the page shows it
    end: Decimal
    start: Decimal = Decimal(0)
    color: str = SELLER
    strong: bool = False  # the row the chart is about (the chosen rule, the break-even point)


def bar_chart(title: str, bars: Sequence[Bar], *, note: str = "", css_class: str = "") -> str:
    """The bars as an HTML figure (``title`` its caption, ``note`` a grey line under it)."""
    edges = [Decimal(0)] + [b.start for b in bars] + [b.end for b in bars]
    low, high = min(edges), max(edges)
    span = (high - low) or Decimal(1)

    def pct(x: Decimal) -> str:
        return f"{float((x - low) / span * 100):.2f}%"

    zero = f"<span class='ukm-bar-zero' style='left:{pct(Decimal(0))}'></span>" if low < 0 else ""
    rows = []
    for b in bars:
        left, right = sorted((b.start, b.end))
        width = f"{float((right - left) / span * 100):.2f}%"
        rows.append(
            f"<li class='ukm-bar{' ukm-bar-strong' if b.strong else ''}'>"
            f"<div class='ukm-bar-head'><span class='ukm-bar-label'>{escape(b.label)}</span>"
            f"<span class='ukm-bar-value'>{escape(b.value_text)}</span></div>"
            f"<div class='ukm-bar-track'>{zero}<span class='ukm-bar-fill' "
            f"style='left:{pct(left)};width:{width};background:{b.color}'></span></div></li>"
        )
    extra = f"<div class='ukm-chart-note'>{escape(note)}</div>" if note else ""
    return (
        f"<figure class='ukm-chart {css_class}'><figcaption>{escape(title)}</figcaption>"
        f"<ol class='ukm-bars'>{''.join(rows)}</ol>{extra}</figure>"
    )


def chart_area():  # -> W.HTML (ipywidgets is untyped)
    """The HTML widget a calculator draws its chart into."""
    from ukm_tools.widgets.base import output_area

    return output_area("ukm-chart-area")
