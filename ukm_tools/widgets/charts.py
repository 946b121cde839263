"""Small matplotlib charts rendered to PNG bytes (shown in an ipywidgets Image).

No pyplot: a bare Figure with the Agg canvas, so nothing depends on a GUI backend and
repeated redraws do not pile up figures. Values arrive already computed by the domain
core; these functions only draw them. Axis numbers use the Indonesian or English format.
Drawing costs 100-200 ms, so the PNG of the same data is cached: typing a name or going
back to an earlier value does not redraw.
"""

from __future__ import annotations

import io
from collections import OrderedDict
from collections.abc import Sequence
from decimal import Decimal
from functools import wraps

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ukm_tools.money import format_number

SELLER = "#2e7d32"
BUYER = "#1565c0"
NEUTRAL = "#9e9e9e"
ACCENT = "#ef6c00"


def _figure(width: float = 6.4, height: float = 3.4) -> Figure:
    fig = Figure(figsize=(width, height), dpi=90)
    FigureCanvasAgg(fig)
    return fig


def _png(fig: Figure, left: float = 0.16) -> bytes:
    # Fixed margins instead of tight_layout(): that costs as much as drawing the chart again.
    fig.subplots_adjust(left=left, right=0.96, top=0.9, bottom=0.16)
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def _cached(draw, size: int = 64):
    """Memoise a chart function on its arguments (sequences and dicts frozen into the key)."""

    def freeze(v):
        if isinstance(v, dict):
            return tuple((k, freeze(x)) for k, x in v.items())
        if isinstance(v, (list, tuple)):
            return tuple(freeze(x) for x in v)
        return v

    cache: OrderedDict = OrderedDict()

    @wraps(draw)
    def wrapper(*args, **kwargs):
        key = (freeze(args), freeze(sorted(kwargs.items())))
        if key in cache:
            cache.move_to_end(key)
            return cache[key]
        png = cache[key] = draw(*args, **kwargs)
        if len(cache) > size:
            cache.popitem(last=False)
        return png

    wrapper.cache_clear = cache.clear  # type: ignore[attr-defined]  # a function attribute, as functools caches have
    return wrapper


def _axis_format(lang: str) -> FuncFormatter:
    return FuncFormatter(
        lambda v, _pos: format_number(
            Decimal(str(round(v, 2))), lang, 0 if abs(v) >= 100 or float(v).is_integer() else 2
        )
    )


@_cached
def waterfall(labels: Sequence[str], totals: Sequence[Decimal], *, lang: str, title: str, ylabel: str) -> bytes:
    """A bar per step: the first from zero, each next one floating from the previous total."""
    fig = _figure()
    ax = fig.add_subplot()
    prev = 0.0
    for i, total in enumerate(totals):
        value = float(total)
        if i == 0:
            ax.bar(i, value, color=NEUTRAL)
        else:
            ax.bar(i, value - prev, bottom=prev, color=SELLER if value >= prev else ACCENT)
        ax.text(i, value, format_number(total, lang, 0), ha="center", va="bottom", fontsize=7)
        prev = value
    ax.set_xticks(range(len(labels)), labels)
    ax.set_title(title, fontsize=10)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.yaxis.set_major_formatter(_axis_format(lang))
    ax.tick_params(labelsize=8)
    return _png(fig)


@_cached
def bars(
    labels: Sequence[str],
    values: Sequence[Decimal],
    *,
    lang: str,
    title: str,
    ylabel: str,
    colors: Sequence[str] | None = None,
    horizontal: bool = True,
) -> bytes:
    fig = _figure(6.4, max(2.4, 0.5 * len(labels) + 1))
    ax = fig.add_subplot()
    vals = [float(v) for v in values]
    if horizontal:
        ax.barh(range(len(labels)), vals, color=colors or SELLER)
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(_axis_format(lang))
        ax.set_xlabel(ylabel, fontsize=8)
        for i, v in enumerate(values):
            ax.text(float(v), i, " " + format_number(v, lang, 0), va="center", fontsize=7)
    else:
        ax.bar(range(len(labels)), vals, color=colors or SELLER)
        ax.set_xticks(range(len(labels)), labels)
        ax.yaxis.set_major_formatter(_axis_format(lang))
        ax.set_ylabel(ylabel, fontsize=8)
    ax.set_title(title, fontsize=10)
    ax.tick_params(labelsize=8)
    return _png(fig, left=0.42 if horizontal else 0.16)


@_cached
def lines(
    x: Sequence[Decimal],
    series: dict[str, Sequence[Decimal]],
    *,
    lang: str,
    title: str,
    xlabel: str,
    ylabel: str,
    marker_x: Decimal | None = None,
) -> bytes:
    fig = _figure()
    ax = fig.add_subplot()
    xs = [float(v) for v in x]
    for name, ys in series.items():
        ax.plot(xs, [float(v) for v in ys], marker="o", markersize=3, label=name)
    if marker_x is not None:
        ax.axvline(float(marker_x), color=NEUTRAL, linestyle="--", linewidth=1)
    ax.set_title(title, fontsize=10)
    ax.set_xlabel(xlabel, fontsize=8)
    ax.set_ylabel(ylabel, fontsize=8)
    ax.xaxis.set_major_formatter(_axis_format(lang))
    ax.yaxis.set_major_formatter(_axis_format(lang))
    ax.tick_params(labelsize=8)
    if len(series) > 1:
        ax.legend(fontsize=7)
    return _png(fig)


def clear_cache() -> None:
    """Forget drawn charts (benchmarks time real redraws)."""
    for f in (waterfall, bars, lines):
        f.cache_clear()


def image_widget():
    import ipywidgets as W

    img = W.Image(format="png", layout=W.Layout(width="100%", max_width="640px", height="auto"))
    img.add_class("ukm-chart")
    return img
