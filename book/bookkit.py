"""Presentation helpers for the book's pages: tables, charts and calculator links.

Only display lives here. Every figure a page shows is computed by ``ukm_tools``; this
module formats it (Indonesian number format through ``ukm_tools.money``), marks tables
with a ``data-ukm-table`` key so tests can find them in the built HTML, and renders the
link to the live calculator of a module (the built book has no Python behind it, so the
book never shows input widgets).
"""

from __future__ import annotations

import functools
import html
import os
import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import matplotlib.pyplot as plt  # noqa: E402  (the kernel's inline backend shows figures as PNG)
from IPython.display import HTML, display  # noqa: E402
from matplotlib.ticker import FuncFormatter  # noqa: E402,F401  (re-exported for pages)

from ukm_tools.messages import Bilingual  # noqa: E402
from ukm_tools.money import Money, format_money  # noqa: E402
from ukm_tools.widgets.gallery import App  # noqa: E402

# The calculator server (`ukm apps`) serves each calculator at <this>/<page>. For phones on the
# workshop network the trainer builds with the address `ukm apps --lan` prints, e.g.
# UKM_APPS_URL=http://192.168.1.10:8866/kalkulator.
DEFAULT_APPS_URL = "http://127.0.0.1:8866/kalkulator"


@functools.cache
def course():
    """The course the book teaches (``course.yml`` of the course template): the one list of the
    modules, each with its page, its calculator and its exercises."""
    from ukm_tools.course.config import load_course
    from ukm_tools.course.ops import template_dir

    return load_course(template_dir())


def module_pages() -> list[str]:
    """The module pages under book/modul/, in the course's order."""
    return course().pages()


def calculator(module: str) -> App:
    """The calculator app (page path, notebook name, title) of a module page."""
    from ukm_tools.widgets.gallery import APPS

    widget = course().module_for_page(module).calculator
    return next(a for a in APPS if a.module == widget)


PALETTE = ["#1b6f8a", "#e3a21a", "#5a9e4b", "#b8473d", "#7a5c99", "#8c8c8c"]


def setup() -> None:
    """Chart defaults for every page; warnings raised while a page computes fail the build."""
    plt.rcParams.update(
        {
            "figure.figsize": (7.5, 3.6),
            "figure.dpi": 110,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "axes.prop_cycle": plt.cycler(color=PALETTE),
            "font.size": 10,
        }
    )
    # A warning while a page computes (pandas, matplotlib, ukm_tools) fails the build;
    # deprecation notices from the kernel machinery itself do not.
    warnings.simplefilter("error")
    warnings.simplefilter("default", DeprecationWarning)
    warnings.simplefilter("default", PendingDeprecationWarning)


class Text:
    """A value for ``glue`` whose plain-text form is the text itself (no quotes): ``{glue:text}`name```."""

    def __init__(self, text: str) -> None:
        self.text = str(text)

    def __repr__(self) -> str:
        return self.text

    def _repr_pretty_(self, p, cycle) -> None:
        p.text(self.text)


def say(name: str, text: str) -> None:
    """Glue ``text`` under ``name`` for inline use in the page's prose."""
    from myst_nb import glue

    glue(name, Text(text), display=False)


def number(value, places: int | None = None) -> str:
    from ukm_tools.money import format_number

    return format_number(value, "id", places)


def money(m: Money) -> str:
    """Indonesian display of an amount (Rp1.234.567, US$ 1.234,56)."""
    return format_money(m, "id")


def unit_price(quote: Any, step: Any, *, idr: bool = False) -> str:
    """A build-up step's unit price as the invoice states it: with the decimals its quantity
    needs, so that unit price x quantity is the shipment total shown (US$ 21,52015 x 200 = 4.304,03)."""
    return str(quote.unit_text(step, "id", idr=idr))


def table(
    rows: Sequence[Sequence[object]],
    columns: Sequence[str],
    key: str,
    caption: str = "",
    numeric: Iterable[int] = (),
    source: str = "",
    stack: bool | None = None,
) -> None:
    """Show a table of already formatted cells, marked ``data-ukm-table=key`` for tests.

    ``source`` is printed under the table ("Sumber: ..."): every table of figures names where
    its numbers come from and when. On a narrow (phone) screen a table of more than two
    columns folds each row into a block, each cell led by its column name, so no number
    needs a sideways scroll (``stack=False`` keeps a small table as it is).
    """
    import pandas as pd

    df = pd.DataFrame([[str(c) for c in r] for r in rows], columns=list(columns))
    show_frame(df, key, caption, numeric, source=source, stack=stack)


def source_html(source: str) -> str:
    """The source line shown under a table or chart."""
    return f'<p class="ukm-source">Sumber: {html.escape(source)}</p>' if source else ""


# A cell this short in a numeric column is kept on one line (a figure split over two lines
# is misread); a longer one (a sentence in a column of figures) wraps like text.
NOWRAP_CHARS = 22
# Tables with more columns than this are "wide": smaller type on screen and paper, and a
# landscape page of their own in a printed handout.
WIDE_COLUMNS = 7


def table_html(df, key: str, caption: str = "", numeric: Iterable[int] = (), stack: bool | None = None) -> str:
    """The HTML of a table of formatted cells (see :func:`table`)."""
    right = set(numeric)
    labels = [html.escape(str(c)) for c in df.columns]

    def cls(i: int, text: str | None) -> str:
        names = []
        if i in right:
            names.append("num")
            if text is not None and len(text) <= NOWRAP_CHARS:
                names.append("nw")
        return f' class="{" ".join(names)}"' if names else ""

    head = "".join(f"<th{cls(i, None)}>{labels[i]}</th>" for i in range(len(labels)))  # headers may wrap
    body = []
    for row in df.itertuples(index=False):
        cells = "".join(
            f'<td{cls(i, str(v))} data-label="{labels[i]}">{html.escape(str(v))}</td>' for i, v in enumerate(row)
        )
        body.append(f"<tr>{cells}</tr>")
    cap = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    names = ["ukm-table"]
    if stack if stack is not None else len(labels) > 2:
        names.append("ukm-stack")
    if len(labels) > WIDE_COLUMNS:
        names.append("ukm-wide")
    return (
        f'<table class="{" ".join(names)}" data-ukm-table="{html.escape(key)}">'
        f"{cap}<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
    )


def show_frame(
    df, key: str, caption: str = "", numeric: Iterable[int] = (), source: str = "", stack: bool | None = None
) -> None:
    """Show a DataFrame of formatted cells; ``numeric`` column indexes are right-aligned."""
    wide = " ukm-wide-wrap" if len(df.columns) > WIDE_COLUMNS else ""
    display(
        HTML(
            f'<div class="ukm-table-wrap{wide}">{table_html(df, key, caption, numeric, stack)}'
            f"{source_html(source)}</div>"
        )
    )


# Charts: one image for wide screens and paper, one drawn for a phone (bigger type, legend under
# the plot), chosen by the browser. Each image carries the size of its smallest text in pixels
# at its natural size, so a test can check the text stays readable once the image is scaled.
CHART_DPI = 110
PHONE_WIDTH_IN = 4.0
PHONE_MIN_PT = 11
PHONE_MAX_WIDTH = "40em"  # the same breakpoint as the stacked tables (ukm.css)


def _texts(fig):
    from matplotlib.text import Text

    return [t for t in fig.findobj(Text) if t.get_visible() and t.get_text().strip()]


def _png(fig) -> tuple[str, int, int, float]:
    """(base64 PNG, width px, height px, smallest font px) of a figure as it is now."""
    import base64
    import io

    from PIL import Image

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=CHART_DPI, bbox_inches="tight", pad_inches=0.08)
    data = buf.getvalue()
    with Image.open(io.BytesIO(data)) as im:
        w, h = im.size
    smallest = min((t.get_fontsize() for t in _texts(fig)), default=10) * CHART_DPI / 72
    return base64.b64encode(data).decode("ascii"), w, h, smallest


def _for_phone(fig) -> None:
    """Redraw ``fig`` for a phone: narrow, type at least PHONE_MIN_PT, legends under the plot."""
    import textwrap

    fig.canvas.draw()  # tick labels get their text when drawn
    label_lines = 0
    for ax in fig.axes:
        labels = [t.get_text() for t in ax.get_yticklabels()]
        if any(len(t) > 16 for t in labels):  # long row names (readiness steps) wrap instead of widening
            wrapped = [textwrap.fill(t, 16) for t in labels]
            ax.set_yticks(ax.get_yticks(), wrapped)
            label_lines = max(label_lines, sum(t.count("\n") + 2 for t in wrapped))  # a line of space each
    for t in _texts(fig):
        t.set_fontsize(max(t.get_fontsize(), PHONE_MIN_PT))
    for ax in fig.axes:
        title = ax.get_title(loc="left")
        if len(title) > 30:
            ax.set_title(textwrap.fill(title, 30), loc="left", fontsize=PHONE_MIN_PT + 1)
        if len(ax.get_xlabel()) > 30:
            ax.set_xlabel(textwrap.fill(ax.get_xlabel(), 30))
        legend = ax.get_legend()
        if legend is not None:
            handles, names = ax.get_legend_handles_labels()
            ax.legend(
                handles, names, loc="upper left", bbox_to_anchor=(0.0, -0.18), frameon=False, fontsize=PHONE_MIN_PT
            )
    w, h = fig.get_size_inches()
    # room for every line of the row names (PHONE_MIN_PT type plus spacing), else the chart's own height
    fig.set_size_inches(PHONE_WIDTH_IN, max(3.6, h * 1.15, label_lines * PHONE_MIN_PT * 1.45 / 72 + 1.6))
    fig.tight_layout()


def chart_html(fig, alt: str = "") -> str:
    """A <picture> with the wide and the phone image of ``fig`` (which it closes)."""
    wide, w, h, font = _png(fig)
    _for_phone(fig)
    phone, pw, ph, pfont = _png(fig)
    plt.close(fig)
    alt = html.escape(alt or (fig.axes[0].get_title(loc="left") if fig.axes else "") or "grafik")
    return (
        f'<picture class="ukm-chart">'
        f'<source media="(max-width: {PHONE_MAX_WIDTH})" srcset="data:image/png;base64,{phone}" '
        f'width="{pw}" height="{ph}" data-min-font-px="{pfont:.1f}">'
        f'<img src="data:image/png;base64,{wide}" width="{w}" height="{h}" alt="{alt}" '
        f'data-min-font-px="{font:.1f}" data-phone-min-font-px="{pfont:.1f}"></picture>'
    )


def chart(fig, source: str) -> None:
    """Show a chart (wide and phone drawings) with its source line under it."""
    display(HTML(f'<div class="ukm-chart-wrap">{chart_html(fig)}{source_html(source)}</div>'))


def notes(items: Iterable[Bilingual], lang: str = "id") -> None:
    """Notes a domain result carries (which rate was used, footnotes) as a small paragraph list."""
    lis = "".join(f"<li>{html.escape(n[lang])}</li>" for n in items)
    if lis:
        display(HTML(f'<ul class="ukm-notes">{lis}</ul>'))


def plan_rows(plan, lang: str = "id") -> list[list[str]]:
    """Rows of a readiness action plan: step, requirement, where, cost, days, ready by day."""
    from ukm_tools.messages import text

    def days(r) -> str:
        return (
            text("readiness", "days_estimate", lang, days=r.lead_time_days)
            if r.lead_time_estimate
            else str(r.lead_time_days)
        )

    return [
        [
            str(a.step),
            a.requirement.text("label", lang),
            a.requirement.text("where", lang),
            a.requirement.cost_text(lang),
            days(a.requirement),
            str(a.finish_day),
        ]
        for a in plan.plan
    ]


PLAN_COLUMNS = ["Langkah", "Persyaratan", "Ke mana", "Perkiraan biaya", "Lama (hari)", "Selesai hari ke"]


def apps_url() -> str:
    return os.environ.get("UKM_APPS_URL", DEFAULT_APPS_URL).rstrip("/")


def hub_launch_url(app: str) -> str | None:
    """JupyterHub link opening the calculator notebook in the participant's JupyterLab, if a hub is set.

    UKM_HUB_URL is the hub's base address; UKM_HUB_APPS_DIR the folder of the app notebooks in
    each participant's home (default ``apps``). ``/hub/user-redirect/`` sends each participant
    to their own server.
    """
    hub = os.environ.get("UKM_HUB_URL", "").rstrip("/")
    if not hub:
        return None
    folder = os.environ.get("UKM_HUB_APPS_DIR", "apps").strip("/")
    return f"{hub}/hub/user-redirect/lab/tree/{folder}/{app}.ipynb"


def calculator_link(module: str) -> None:
    """The box linking a module to its live calculator (a page of `ukm apps`, or on a hub)."""
    calc = calculator(module)
    app, label = calc.slug, calc.title["id"]
    url = f"{apps_url()}/{calc.path}"
    hub = hub_launch_url(app)
    hub_html = (
        f'<p>Di JupyterHub pelatihan: <a class="ukm-hub-link" data-app="{app}" href="{html.escape(hub)}">'
        "buka kalkulator di JupyterLab Anda</a>.</p>"
        if hub
        else "<p>Di JupyterHub pelatihan, kalkulator yang sama ada di folder <em>apps</em> JupyterLab Anda.</p>"
    )
    display(
        HTML(
            '<div class="ukm-calculator admonition tip">'
            '<p class="admonition-title">Kalkulator langsung</p>'
            f'<p>Coba angka Anda sendiri: <a class="ukm-calculator-link" data-app="{app}" href="{html.escape(url)}">'
            f"{html.escape(label)}</a>.</p>"
            "<p>Buku ini tidak menghitung ulang: kalkulator berjalan di komputer pelatih atau di JupyterHub. "
            "Pendamping atau pelatih memberi tahu alamatnya di ruang pelatihan.</p>"
            f"{hub_html}</div>"
        )
    )


def exercise(module: str) -> None:
    name = course().module_for_page(module).assignments[0].name
    display(
        HTML(
            f'<div class="ukm-exercise admonition note" data-assignment="{name}">'
            '<p class="admonition-title">Latihan</p>'
            f"<p>Kerjakan tugas <strong><code>{name}</code></strong> di JupyterLab: menu "
            "<em>Nbgrader &rarr; Assignments</em>, klik <em>Fetch</em>, kerjakan, lalu <em>Submit</em>. "
            "Nilai dan umpan balik muncul setelah diperiksa.</p></div>"
        )
    )


def bar_ladder(
    labels: Sequence[str], parts: Sequence[Sequence[float]], part_names: Sequence[str], ylabel: str, title: str
):
    """Stacked bars, one per label, one layer per part (for price build-ups and cost splits)."""
    fig, ax = plt.subplots()
    bottom = [0.0] * len(labels)
    for name, values, color in zip(part_names, parts, PALETTE, strict=False):
        ax.bar(labels, values, bottom=bottom, label=name, color=color, width=0.6)
        bottom = [b + v for b, v in zip(bottom, values, strict=True)]
    ax.set_ylabel(ylabel)
    ax.set_title(title, loc="left", fontsize=11)
    ax.legend(frameon=False, fontsize=8, loc="upper left", bbox_to_anchor=(1.0, 1.0))
    fig.tight_layout()
    return fig


def thousands(x: float, _pos=None) -> str:
    """Axis tick label in Indonesian grouping (12.500)."""
    return f"{x:,.0f}".replace(",", ".")


# --------------------------------------------------------------------------- charts shared by pages and slides


def _money_axis(ax, axis: str = "y") -> None:
    getattr(ax, f"{axis}axis").set_major_formatter(FuncFormatter(thousands))


def price_composition_chart(quote, case):
    """Stacked bars: what each Incoterms step's unit price is made of (rupiah per unit)."""
    from decimal import Decimal

    origin = {"loading_at_seller", "inland_to_port", "export_clearance", "origin_thc", "loading_on_vessel"}

    def part(i, items):
        return float(
            sum((a.per_unit.amount for s in quote.steps[: i + 1] for a in s.added if a.item in items), Decimal(0))
        )

    n = len(quote.steps)
    fig = bar_ladder(
        [s.rule for s in quote.steps],
        [
            [float(case.unit_costs.hpp + case.unit_costs.packing)] * n,
            [float(quote.markup_per_unit.amount)] * n,
            [part(i, origin) for i in range(n)],
            [part(i, {"main_carriage"}) for i in range(n)],
            [part(i, {"insurance"}) for i in range(n)],
        ],
        ["HPP + kemasan", "Laba", "Biaya di Indonesia", "Ongkos kapal", "Asuransi"],
        f"Rupiah per {case.product.unit}",
        f"Dari mana harga per {case.product.unit} berasal",
    )
    _money_axis(fig.axes[0])
    return fig


def payment_cost_chart(comparison):
    """Horizontal stacked bars: bank fees and cost of waiting for each payment method."""
    fig, ax = plt.subplots()
    rows = comparison.rows
    names = [f"{r.method.exporter_risk}. {r.method.label['id'].split(' (')[0]}" for r in rows]
    fees = [float(r.fees.amount) for r in rows]
    funding = [float(r.financing.amount) for r in rows]
    ax.barh(names, fees, color=PALETTE[0], label="Biaya bank")
    ax.barh(names, funding, left=fees, color=PALETTE[1], label="Biaya dana")
    ax.invert_yaxis()
    ax.set_xlabel(f"{comparison.invoice.currency} per faktur (1 = paling aman bagi eksportir)")
    ax.set_title("Biaya setiap cara bayar", loc="left", fontsize=11)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def readiness_chart(plan):
    """Gantt-like bars: when each step of a readiness plan can start and finish."""
    fig, ax = plt.subplots(figsize=(7.5, 0.32 * len(plan.plan) + 1.0))
    labels = [a.requirement.text("label", "id") for a in plan.plan]
    ax.barh(
        labels,
        [a.finish_day - a.start_day for a in plan.plan],
        left=[a.start_day for a in plan.plan],
        color=[PALETTE[0] if not a.waits_for else PALETTE[1] for a in plan.plan],
    )
    ax.invert_yaxis()
    ax.set_xlabel("Hari sejak mulai")
    ax.set_title("Kapan setiap langkah selesai (oranye: menunggu langkah lain)", loc="left", fontsize=11)
    ax.tick_params(axis="y", labelsize=8)
    fig.tight_layout()
    return fig


def cash_balance_chart(timelines):
    """Step lines of an order's running cash balance, one per payment method."""
    fig, ax = plt.subplots()
    for t, color in zip(timelines, PALETTE, strict=False):
        days = [0] + [e.day for e in t.events]
        bal = [0.0] + [float(e.balance.amount) for e in t.events]
        ax.step(days, bal, where="post", label=t.method.name["id"], color=color)
    ax.axhline(0, color="#999", linewidth=0.8)
    _money_axis(ax)
    ax.set_xlabel("Hari sejak membeli bahan baku")
    ax.set_ylabel("Saldo kas pesanan (Rp)")
    ax.set_title("Makin lama menunggu, makin lama modal tertahan", loc="left", fontsize=11)
    ax.legend(frameon=False, fontsize=8)
    fig.tight_layout()
    return fig


def katalog_price_chart(plain, taxed, unit: str):
    """Stacked bars of an e-Katalog price without and with PPN."""
    fig = bar_ladder(
        ["Bukan PKP", "PKP"],
        [
            [float(plain.price_before_ppn.amount)] * 2,
            [float(plain.delivery_per_unit.amount)] * 2,
            [0.0, float(taxed.ppn.amount)],
        ],
        ["Harga jual", "Ongkos antar", "PPN"],
        f"Rupiah per {unit}",
        "Susunan harga di e-Katalog",
    )
    _money_axis(fig.axes[0])
    return fig


# --------------------------------------------------------------------------- source lines of computed figures


def _d(date) -> str:
    return date.strftime("%d-%m-%Y")


def case_source(case, sheet=None) -> str:
    """Where a figure computed from the case file (and, if given, a rate sheet) comes from."""
    text = f"berkas kasus pelatihan {case.case} (angka ilustrasi, bukan penawaran resmi), dihitung oleh ukm_tools"
    if sheet is not None:
        text += f"; kurs: {sheet.source}, {_d(sheet.date)}"
    return text


def readiness_source() -> str:
    """Where the readiness plan's steps, costs and lead times come from."""
    from ukm_tools.readiness import load_requirements

    cat = load_requirements()
    return (
        f"data persyaratan ukm_tools ({_d(cat.date)}; peraturan dan halaman di Sumber); "
        "lama yang bertanda (perkiraan) adalah perkiraan pelatih, bukan ketentuan"
    )


def fees_source(schedule) -> str:
    """Where bank fees come from (the schedule names its bank, date and source)."""
    return f"daftar tarif {schedule.bank} ({_d(schedule.date)}), contoh; tanyakan tarif bank Anda"


# --------------------------------------------------------------------------- the case and the day


def case_study():
    """The book's case study (every worked figure of the kasturi-syrup case file)."""
    from ukm_tools.case import packaged_case
    from ukm_tools.case_study import CaseStudy

    return CaseStudy(packaged_case())


def agenda_rows(blocks) -> list[list[str]]:
    """Rows of the participants' agenda: time, what happens, of which kind, the book's page."""
    from ukm_tools.agenda import kind_label, page_label

    pages = module_pages()
    rows = []
    for b in blocks:
        what = b.title + (f" ({b.spec.exercise})" if b.spec.exercise else "")
        rows.append([b.span(), what, kind_label(b.kind), page_label(b.spec.page, pages) if b.spec.page else ""])
    return rows


AGENDA_COLUMNS = ["Waktu", "Kegiatan", "Jenis", "Bahan"]


def worksheet_questions(items) -> None:
    """The worksheet's questions, each with ruled space to write the answer on paper."""
    parts: dict[str, list] = {}
    for it in items:
        parts.setdefault(it.part, []).append(it)
    out, n = [], 0
    for part, its in parts.items():
        out.append(f"<h3 class='ukm-ws-part'>{html.escape(part)}</h3>")
        for it in its:
            n += 1
            lines = "".join("<div class='ukm-ws-line'></div>" for _ in range(it.lines))
            out.append(
                f"<div class='ukm-ws-item' data-question='{n}'><p><strong>{n}.</strong> {html.escape(it.question)}</p>"
                f"<div class='ukm-ws-answer' aria-label='tempat jawaban'>{lines}</div></div>"
            )
    display(HTML("<div class='ukm-worksheet'>" + "".join(out) + "</div>"))


# --------------------------------------------------------------------------- slides (book/slides/*.md)

# A deck is read from the back of a hall: its charts are drawn large, with every text at least
# SLIDE_MIN_PT (about 29 px at SLIDE_DPI), and every figure slide says where its numbers come from.
SLIDE_DPI = 100
SLIDE_MIN_PT = 21
SLIDE_SIZE_IN = (12.0, 4.9)


def slide_chart(fig, source: str) -> None:
    """A chart for a slide: large type, the whole slide's width, a short source line under it."""
    from matplotlib.text import Text

    for t in fig.findobj(Text):
        t.set_fontsize(max(t.get_fontsize(), SLIDE_MIN_PT))
    for ax in fig.axes:
        for loc in ("left", "center", "right"):  # the slide's heading says it
            ax.set_title("", loc=loc)
        legend = ax.get_legend()
        if legend is not None:
            ax.get_legend().remove()
            handles, names = ax.get_legend_handles_labels()
            names = [n.split(" (")[0] for n in names]  # "D/A (dokumen atas akseptasi)" -> "D/A"
            # above the plot, clear of the bars, in as many columns as fit the slide's width
            ncol = max(1, min(len(names), 60 // max(len(n) + 6 for n in names)))
            fig.legend(handles, names, frameon=False, fontsize=SLIDE_MIN_PT, loc="upper left", ncol=ncol)
            rows = -(-len(names) // ncol)
            fig.set_size_inches(*SLIDE_SIZE_IN)
            fig.tight_layout(rect=(0, 0, 1, 1 - 0.11 * rows))
            continue
    if not fig.legends:
        fig.set_size_inches(*SLIDE_SIZE_IN)
        fig.tight_layout()
    import base64
    import io

    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=SLIDE_DPI, bbox_inches="tight", pad_inches=0.05)
    smallest = min((t.get_fontsize() for t in _texts(fig)), default=SLIDE_MIN_PT) * SLIDE_DPI / 72
    plt.close(fig)
    b64 = base64.b64encode(buf.getvalue()).decode("ascii")
    display(
        HTML(
            f'<img class="ukm-slide-chart" src="data:image/png;base64,{b64}" alt="grafik" '
            f'data-min-font-px="{smallest:.1f}">{source_html(source)}'
        )
    )


def slide_table(rows, columns, key: str, numeric: Iterable[int] = (), source: str = "") -> None:
    """A small table for a slide (a handful of rows), with its source line."""
    import pandas as pd

    df = pd.DataFrame([[str(c) for c in r] for r in rows], columns=list(columns))
    display(HTML(f"{table_html(df, key, numeric=numeric, stack=False)}{source_html(source)}"))


def slide_source(case) -> str:
    """The short source line of a slide computed from the case file."""
    return f"berkas kasus pelatihan {case.case} (ilustrasi), dihitung oleh ukm_tools"


def speaker_notes(page: str, text: str) -> None:
    """A deck's speaker notes led by the page's timing in the agenda (the one place minutes are set)."""
    from ukm_tools.agenda import kind_label, load_agenda

    blocks = load_agenda().page_blocks(page)
    timing = " · ".join(
        f"{b.span()} {' '.join(filter(None, (kind_label(b.kind).lower(), b.spec.exercise)))} ({b.minutes} menit)"
        for b in blocks
    )
    lead = f"<p><strong>Di agenda:</strong> {html.escape(timing)}.</p>" if timing else ""
    display(HTML(f"{lead}<p>{html.escape(text)}</p>"))
