"""The static HTML dashboard of `ukm report`: one file, readable offline from file:// and on a phone.

Everything is inside the file: CSS inline, the score distributions as inline SVG drawn by
matplotlib (sized for a 360 px screen, so their text is not shrunk), the funnel, the
pre/post bars per topic and the per-participant progress grid as plain HTML and CSS. No
script, font or stylesheet is fetched from anywhere. Participants appear by id only: no name,
phone or e-mail is written here, whatever the report's options.
"""

from __future__ import annotations

import html
import io
import math
from pathlib import Path

import numpy as np

from ukm_tools.course import analytics
from ukm_tools.course.completion import COMPLETED, NEEDS_ATTENTION, NOT_YET, PROVISIONAL, STATES, state_label
from ukm_tools.course.learning_gain import MASTERED
from ukm_tools.course.office_summary import MEASURES, measure_label
from ukm_tools.course.workshop_report import WorkshopReport
from ukm_tools.messages import section
from ukm_tools.money import format_number

T = section("course.dashboard", "course.report_workbook")

COLORS = {COMPLETED: "#2e7d32", PROVISIONAL: "#b26a00", NEEDS_ATTENTION: "#c62828", NOT_YET: "#757575"}
MARKS = {COMPLETED: "✓", PROVISIONAL: "…", NEEDS_ATTENTION: "!", NOT_YET: "·"}
# Participants listed first: the ones staff must act on.
ORDER = (NEEDS_ATTENTION, PROVISIONAL, NOT_YET, COMPLETED)
# Participants listed per state: enough for staff's cases of a workshop day; above it the list says how
# many more there are and that the workbook's participants sheet has them all.
MAX_LISTED = 300

CSS = """
*{box-sizing:border-box}
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;padding:12px;color:#212121;
 background:#fafafa;line-height:1.4;max-width:980px;margin:auto;overflow-wrap:anywhere}
h1{font-size:1.3rem;margin:.2rem 0}h2{font-size:1.1rem;margin:1.4rem 0 .5rem}
section{background:#fff;border:1px solid #e0e0e0;border-radius:8px;padding:10px 12px;margin:10px 0}
.meta{color:#555;font-size:.9rem}
.cards{display:grid;grid-template-columns:repeat(auto-fit,minmax(130px,1fr));gap:8px}
.card{border-radius:6px;padding:8px;background:#f1f5f9}.card b{display:block;font-size:1.5rem}
.bar{display:flex;align-items:center;gap:6px;margin:4px 0}
.bar .label{flex:0 0 38%;font-size:.9rem}.bar .track{flex:1;background:#eceff1;border-radius:4px;min-width:0}
.bar .fill{height:18px;border-radius:4px;background:#1565c0}
.bar .num{flex:0 0 auto;font-variant-numeric:tabular-nums;font-size:.9rem}
.topic{margin:8px 0;padding-bottom:6px;border-bottom:1px solid #eee}
.topic .name{font-weight:600;font-size:.95rem}
.pp{display:flex;align-items:center;gap:6px;font-size:.85rem}.pp .track{flex:1;background:#eceff1;border-radius:3px}
.pp .fill{height:12px;border-radius:3px}.pp .k{flex:0 0 4.6em;white-space:nowrap}.pp .v{flex:0 0 3.2em;text-align:right}
.review{color:#c62828;font-size:.85rem}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(260px,1fr));gap:10px}
.charts figure{margin:0;max-width:420px}.charts figcaption{font-size:.9rem;font-weight:600}
svg{max-width:100%;height:auto;display:block}
.legend span,.chips i{font-style:normal;display:inline-flex;align-items:center;justify-content:center;width:22px;
 height:22px;border-radius:4px;color:#fff;font-size:.8rem;margin:1px}
.legend{font-size:.85rem}.legend div{margin:2px 0}
details{margin:6px 0}summary{cursor:pointer;font-weight:600;padding:4px 0}
.who{display:flex;flex-wrap:wrap;align-items:center;gap:4px 8px;padding:3px 0;border-bottom:1px solid #f0f0f0}
.who .id{flex:1 1 9em;font-family:ui-monospace,monospace;font-size:.85rem}
.note{font-size:.85rem;color:#555}
table{border-collapse:collapse;width:100%;font-size:.85rem}th,td{border-bottom:1px solid #eee;padding:3px 4px;
 text-align:left}th{white-space:nowrap;overflow-wrap:normal}td.n{text-align:right;font-variant-numeric:tabular-nums}
"""


def _t(key: str, **values) -> str:
    """A text of the dashboard (section course.dashboard, then course.report_workbook), in Bahasa Indonesia."""
    return T(key, "id", **values)


def _pct(x: float | None) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "–"
    return f"{x * 100:.0f}%"


def _e(text) -> str:
    return html.escape(str(text), quote=True)


def _svg(fig) -> str:
    """A matplotlib figure as inline SVG scaled to its box (text kept as text, ids stable)."""
    import matplotlib.pyplot as plt

    buf = io.StringIO()
    fig.savefig(buf, format="svg", bbox_inches="tight")
    plt.close(fig)
    svg = buf.getvalue()
    svg = svg[svg.index("<svg") :]
    head, rest = svg.split(">", 1)
    head = " ".join(p for p in head.split(" ") if not p.startswith(("width=", "height=")))
    return head + ' role="img">' + rest


def _distribution_charts(report: WorkshopReport) -> str:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "ukm", "font.size": 8})
    parts = []
    for _, r in report.assignments.iterrows():
        counts = [int(r[b]) for b in analytics.BANDS]
        fig, ax = plt.subplots(figsize=(3.3, 1.5))  # about 320 px wide: text at its real size on a phone
        ax.bar(range(10), counts, color="#1565c0", width=0.85)
        ax.set_xticks(range(10), [str(b).split("–")[0] for b in analytics.BANDS])
        ax.set_xlabel(_t("chart_x"))
        ax.spines[["top", "right"]].set_visible(False)
        ax.set_ylim(0, max(counts + [1]) * 1.15)
        mean = "–" if np.isnan(r["mean_pct"]) else f"{r['mean_pct']:.0f}%"
        caption = _t("chart_caption", assignment=r["assignment"], graded=r["graded"], mean=mean)
        parts.append(f"<figure><figcaption>{_e(caption)}</figcaption>{_svg(fig)}</figure>")
    return '<div class="charts">' + "".join(parts) + "</div>"


def _funnel(report: WorkshopReport) -> str:
    first = report.funnel[0].count or 1
    rows = []
    for s in report.funnel:
        w = 100 * s.count / first
        rows.append(
            f'<div class="bar"><span class="label">{_e(s.label)}</span><span class="track">'
            f'<span class="fill" style="display:block;width:{w:.1f}%"></span></span>'
            f'<span class="num">{s.count} ({w:.0f}%)</span></div>'
        )
    return "".join(rows)


def _topics(report: WorkshopReport) -> str:
    gain = report.gain
    if gain is None:
        return f'<p class="note">{_e(_t("no_tests"))}</p>'
    g = gain.summary
    summary = _t(
        "gain_summary",
        matched=g.matched,
        pre=_pct(None if g.mean_pre is None else g.mean_pre / 100),
        post=_pct(None if g.mean_post is None else g.mean_post / 100),
        gain="–" if g.class_gain is None else f"{g.class_gain:.2f}".replace(".", ","),
        mastered=_t("gain_mastered_since_pre", count=g.mastered) if g.mastered else "",
    )
    head = f"<p>{_e(summary)}</p>"
    rows = []
    before, after = _e(_t("col_before")), _e(_t("col_after"))
    for t in gain.topics:
        review = f'<div class="review">{_e(_t("needs_review"))}</div>' if t.needs_review else ""
        bars = "".join(
            f'<div class="pp"><span class="k">{k}</span><span class="track"><span class="fill" '
            f'style="display:block;width:{0 if v is None else v * 100:.0f}%;background:{c}"></span></span>'
            f'<span class="v">{_pct(v)}</span></div>'
            for k, v, c in ((before, t.before, "#90a4ae"), (after, t.after, "#1565c0"))
        )
        rows.append(f'<div class="topic"><div class="name">{_e(t.title)}</div>{bars}{review}</div>')
    return head + "".join(rows)


def _chip_css() -> str:
    """One class per state (``.k0``..): the chips carry a class, not an inline style, since a
    20,000-participant list repeats them 100,000 times."""
    return "".join(f".k{i}{{background:{COLORS[s]}}}" for i, s in enumerate(STATES)) + (
        ".ov{outline:2px solid #212121;outline-offset:-2px}"
    )


def _progress(report: WorkshopReport) -> str:
    """The legend, then one folding list per state, staff's cases first. Each list shows at most
    :data:`MAX_LISTED` participants (the rest are counted and sent to the workbook's sheet, which
    has everyone): a phone opening a 20,000-participant dashboard must not load every row."""
    result = report.completion
    units = [r for r in result.units.values() if r.condition.counts]  # what completion depends on
    legend = "".join(
        f'<div><span class="k{STATES.index(s)}">{MARKS[s]}</span> {_e(state_label(s))}</div>' for s in ORDER
    )
    legend += (
        f'<div><span class="k{STATES.index(COMPLETED)} ov">{MARKS[COMPLETED]}</span> {_e(_t("overridden_chip"))}</div>'
    )
    order = " ".join(f"{i + 1}. {_e(r.condition.unit)}" for i, r in enumerate(units))
    blocks = []
    gain = report.gain.participants["gain"].to_numpy(object) if report.gain is not None else None
    code = {s: i for i, s in enumerate(STATES)}
    # Per unit, the chip of each participant, built once per (state, overridden) pair.
    chips_of = [
        {
            (s, o): (
                f'<i class="k{code[s]} ov" title="{_e(r.condition.unit)}: {_e(state_label(s))}'
                f'{_e(_t("overridden_suffix"))}">{MARKS[s]}</i>'
                if o
                else f'<i class="k{code[s]}">{MARKS[s]}</i>'
            )
            for s in STATES
            for o in (False, True)
        }
        for r in units
    ]
    for state in ORDER:
        idx = np.flatnonzero(result.state == state)
        if not len(idx):
            continue
        rows = []
        for i in idx[:MAX_LISTED].tolist():
            chips = "".join(chips_of[j][(r.state[i], bool(r.overridden[i]))] for j, r in enumerate(units))
            extra = ""
            if gain is not None:
                gv = gain[i]
                extra = (
                    f"· g: {_t('mastered')}"
                    if gv == MASTERED
                    else ("" if gv is None else f"· g {gv:.2f}".replace(".", ","))
                )
            note = _t("attended_sessions", count=int(result.attended[i]), extra=extra)
            rows.append(
                f'<div class="who"><span class="id">{_e(result.students[i])}</span><span class="chips">{chips}</span>'
                f'<span class="note">{_e(note)}</span></div>'
            )
        if len(idx) > MAX_LISTED:
            more = _t("more_in_workbook", count=format_number(len(idx) - MAX_LISTED), sheet=_t("sheet_participants"))
            rows.append(f'<p class="note">{_e(more)}</p>')
        open_ = " open" if state in (NEEDS_ATTENTION, PROVISIONAL) else ""
        blocks.append(
            f"<details{open_}><summary>{_e(state_label(state))} ({len(idx)})</summary>{''.join(rows)}</details>"
        )
    return f'<div class="legend">{legend}</div><p class="note">{_e(_t("chip_order"))} {order}</p>' + "".join(blocks)


def _office(report: WorkshopReport) -> str:
    o = report.office
    parts = [
        f"<p>{_e(_t('office_counts', registered=o.registered, trained=o.trained, completed=o.completed))}</p>",
        f'<p class="note">{_e(_t("small_counts_note"))}</p>',
    ]
    for b in o.breakdowns:
        head = "".join(f"<th>{_e(measure_label(m))}</th>" for m in MEASURES)
        body = "".join(
            f"<tr><td>{_e(cat)}</td>" + "".join(f'<td class="n">{_e(c.shown)}</td>' for c in cells.values()) + "</tr>"
            for cat, cells in b.rows.items()
        )
        parts.append(f"<h3>{_e(b.label)}</h3><table><tr><th></th>{head}</tr>{body}</table>")
    return "".join(parts)


def render(report: WorkshopReport) -> str:
    data, result = report.data, report.completion
    counts = result.counts()
    cards = [(_t("registered"), len(result.students)), (_t("trained_short"), report.office.trained)] + [
        (state_label(s), counts[s]) for s in STATES
    ]
    card_html = "".join(f'<div class="card"><b>{n}</b>{_e(label)}</div>' for label, n in cards)
    title = data.spec.title
    when = f"{data.taken_at:%d-%m-%Y %H:%M} WIB"
    return f"""<!doctype html>
<html lang="id"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{_e(_t("page_title", title=title))}</title><style>{CSS}{_chip_css()}</style></head>
<body>
<header><h1>{_e(title)}</h1>
<p class="meta">{_e(_t("made_at_ids_only", when=when))}</p></header>
<section id="ringkasan"><h2>{_e(_t("h_summary"))}</h2><div class="cards">{card_html}</div></section>
<section id="corong"><h2>{_e(_t("h_funnel"))}</h2>{_funnel(report)}
<p class="note">{_e(_t("funnel_note"))}</p></section>
<section id="sebaran"><h2>{_e(_t("h_distribution"))}</h2>{_distribution_charts(report)}</section>
<section id="tes"><h2>{_e(_t("h_tests"))}</h2>{_topics(report)}</section>
<section id="peserta"><h2>{_e(_t("h_progress"))}</h2>{_progress(report)}</section>
<section id="dinas"><h2>{_e(_t("h_office"))}</h2>{_office(report)}</section>
</body></html>
"""


def write_dashboard(report: WorkshopReport, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(render(report), encoding="utf-8")
    return path
