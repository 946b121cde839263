"""The office's Excel workbook: sheets ringkasan, peserta, modul, soal, kehadiran, audit.

Headers are in Bahasa Indonesia; percentages are real Excel percentages (``0.0%``), dates
``dd-mm-yyyy`` and times ``dd-mm-yyyy hh:mm`` in Asia/Jakarta (WIB). Every value goes through
:func:`excel_value`, which writes text as text: a name or reason that starts with ``=``, ``+``,
``-`` or ``@`` (or a tab) would otherwise become a formula Excel runs when the file is opened.
E-mail and phone appear only when the report was asked to include personal data.

The workbook is written in openpyxl's write-only mode, row after row (20,000 participants:
benchmarks/completion), so each sheet sets its column widths and frozen header first.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, cast

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ukm_tools.course import analytics
from ukm_tools.course.audit import JAKARTA
from ukm_tools.course.completion import STATES, state_label
from ukm_tools.course.learning_gain import MASTERED
from ukm_tools.course.office_summary import MEASURES, measure_label
from ukm_tools.course.workshop_report import WorkshopReport
from ukm_tools.io.cells import FORMULA_STARTS
from ukm_tools.messages import section

T = section("course.report_workbook")

PCT, NUM, DATE, TIME = "0.0%", "0.0", "dd-mm-yyyy", "dd-mm-yyyy hh:mm"
_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=12)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")
# The audit log's actions and the text that names each in the workbook.
ACTION_TEXTS = {
    "override": "action_override",
    "withdraw": "action_withdraw",
    "attendance_import": "action_attendance_import",
}


def _t(key: str, **values: Any) -> str:
    """A text of the report (section course.report_workbook), in Bahasa Indonesia."""
    return T(key, "id", **values)


def _cols(*keys: str) -> list[str]:
    return [_t(k) for k in keys]


def excel_value(ws, value: Any, fmt: str | None = None, font: Font | None = None, head: bool = False):
    """What to append for one cell: text stays text (never a formula), NaN and None stay empty.

    Plain values go as they are; a styled value, or text that Excel would read as a formula,
    becomes a cell of ``ws`` typed as text with Excel's quote prefix (so it stays text when
    someone edits it).
    """
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    risky = isinstance(value, str) and value.startswith(FORMULA_STARTS)  # the project's one rule (ukm_tools.io.cells)
    if not (risky or fmt or font or head):
        return value
    cell = WriteOnlyCell(ws, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # openpyxl turns a leading "=" into a formula otherwise
        cell.quotePrefix = risky
    if fmt:
        cell.number_format = fmt
    if font:
        cell.font = font
    if head:
        cell.font, cell.fill, cell.alignment = _BOLD, _HEAD_FILL, _WRAP
    return cell


def append_row(ws, values: Sequence[Any], fmts: Sequence[str | None] | None = None, head: bool = False) -> None:
    """One row of ``values`` (with number formats ``fmts``) at the end of ``ws``, safely typed."""
    ws.append(
        [excel_value(ws, v, fmts[j] if fmts and j < len(fmts) else None, head=head) for j, v in enumerate(values)]
    )


class _Sheet:
    """A write-only sheet: widths and frozen panes first, then rows in order."""

    def __init__(self, wb, title: str, columns: int, widths: dict[int, float] | None = None, freeze: str | None = None):
        self.ws = wb.create_sheet(title)
        for j in range(1, columns + 1):
            self.ws.column_dimensions[get_column_letter(j)].width = (widths or {}).get(j, 14)
        if freeze:
            self.ws.freeze_panes = freeze
        self.rows = 0

    def row(self, values: Sequence[Any], fmts: Sequence[str | None] | None = None, head: bool = False) -> None:
        append_row(self.ws, values, fmts, head)
        self.rows += 1

    def title(self, text: str) -> None:
        self.ws.append([excel_value(self.ws, text, font=_TITLE)])
        self.rows += 1

    def blank(self) -> None:
        self.ws.append([])
        self.rows += 1

    def table(self, names: Sequence[str], rows: Iterable[Sequence[Any]], fmts=None) -> None:
        self.row(names, head=True)
        for values in rows:
            self.row(values, fmts)

    def filter(self, columns: int, rows: int, first: int = 1) -> None:
        """An autofilter over a table whose header is row ``first`` (set before the rows are written)."""
        self.ws.auto_filter.ref = f"A{first}:{get_column_letter(columns)}{max(first + rows, first)}"


def _frac(pct: float | None) -> float | None:
    return None if pct is None or (isinstance(pct, float) and math.isnan(pct)) else pct / 100


def _local(ts) -> dt.datetime | None:
    """A naive Asia/Jakarta datetime for Excel (which has no time zones)."""
    if ts is None:
        return None
    return ts.astimezone(JAKARTA).replace(tzinfo=None)


def write_workbook(report: WorkshopReport, path: Path) -> Path:
    wb = Workbook(write_only=True)
    for write in (_summary, _participants, _modules, _questions, _attendance, _audit):
        write(wb, report)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _rule_text(report: WorkshopReport) -> str:
    spec = report.data.spec
    rules = spec.completion
    parts = [
        _t("rule_all" if rules.combine == "all" else "rule_any", pass_pct=rules.pass_pct),
        _t("rule_sessions", need=rules.min_sessions, total=len(spec.sessions))
        if spec.sessions
        else _t("rule_no_sessions"),
    ]
    if rules.tests:
        tests = ", ".join(_t("rule_test", test=t, pass_pct=p) for t, p in rules.tests.items())
        parts.append(_t("rule_tests", tests=tests))
    return "; ".join(parts)


def _summary(wb, report: WorkshopReport) -> None:
    data, result = report.data, report.completion
    sh = _Sheet(wb, _t("sheet_summary"), 8, {1: 46, 2: 18, 3: 14, 8: 18})
    sh.title(data.spec.title)
    sh.row([_t("made_at"), _local(data.taken_at)], [None, TIME])
    sh.row([_t("pass_rule"), _rule_text(report)])
    counts = result.counts()
    sh.blank()
    sh.title(_t("title_participants"))
    sh.table(
        _cols("col_state", "col_count"),
        [[_t("registered"), len(result.students)], [_t("trained"), report.office.trained]]
        + [[state_label(s), counts[s]] for s in STATES],
    )
    sh.blank()
    sh.title(_t("title_funnel"))
    first = report.funnel[0].count or 1
    sh.table(
        _cols("col_stage", "col_count", "col_of_registered"),
        [[s.label, s.count, s.count / first] for s in report.funnel],
        [None, None, PCT],
    )
    if report.gain is not None:
        g = report.gain.summary
        sh.blank()
        sh.title(_t("title_gain"))
        sh.row(_cols("col_measure", "col_value"), head=True)
        for key, value, fmt in [
            ("gain_matched", g.matched, None),
            ("gain_mean_pre", _frac(g.mean_pre), PCT),
            ("gain_mean_post", _frac(g.mean_post), PCT),
            ("gain_class", g.class_gain, "0.00"),
            ("gain_mean", g.mean_gain, "0.00"),
            ("gain_mastered", g.mastered, None),
        ]:
            sh.row([_t(key), value], [None, fmt])
        sh.blank()
        sh.title(_t("title_topics"))
        sh.table(
            _cols(
                "col_topic",
                "col_module",
                "col_before",
                "col_n_before",
                "col_after",
                "col_n_after",
                "col_change",
                "col_note",
            ),
            [
                [
                    t.title,
                    t.module or "",
                    t.before,
                    t.n_before,
                    t.after,
                    t.n_after,
                    None if t.change is None else t.change * 100,
                    T("needs_review", "id") if t.needs_review else "",
                ]
                for t in report.gain.topics
            ],
            [None, None, PCT, None, PCT, None, "+0.0;-0.0;0.0", None],
        )
    sh.blank()
    sh.title(_t("title_office"))
    sh.row([_t("small_counts_note")])
    for b in report.office.breakdowns:
        sh.blank()
        sh.title(b.label)
        sh.table(
            [b.column] + [measure_label(m) for m in MEASURES],
            [
                [cat] + [int(c.shown) if c.shown.isdigit() else c.shown for c in cells.values()]
                for cat, cells in b.rows.items()
            ],
        )
        sh.row([_t("col_count"), report.office.registered, report.office.trained, report.office.completed])


def _participants(wb, report: WorkshopReport) -> None:
    data, result = report.data, report.completion
    units = list(result.units.values())
    head = _cols("col_id", "col_name")
    if report.include_personal:
        head += _cols("col_email", "col_phone")
    head += _cols("col_gender", "col_district", "col_sector", "col_scale", "col_attended", "col_attendance")
    for r in units:  # a test the rules do not count has a score, not a state
        unit = r.condition.unit
        score = _t("col_unit_score", unit=unit)
        head += [_t("col_unit_state", unit=unit), score] if r.condition.counts else [score]
    gain = report.gain.participants if report.gain is not None else None
    if gain is not None:
        head += _cols("col_gain")
    head += _cols("col_course_state", "col_completed_on", "col_remarks")
    sh = _Sheet(wb, _t("sheet_participants"), len(head), {1: 20, 2: 28, len(head): 50}, freeze="C2")
    sh.filter(len(head), len(result.students))
    sh.row(head, head=True)
    # Columns as plain lists first: pandas lookups one participant at a time cost more than the writing.
    students = data.scores.students.reindex(result.students)
    names, emails = students["name"].tolist(), students["email"].tolist()
    profile = data.profiles.reindex(result.students)[["gender", "district", "sector", "scale"]].to_numpy().tolist()
    gains = gain["gain"].tolist() if gain is not None else []
    gain_notes = gain["note"].tolist() if gain is not None else []
    pcts = [(r.pct / 100).tolist() for r in units]
    labels = {s: state_label(s) for s in STATES}
    overridden, mastered = T("overridden_suffix", "id"), T("mastered", "id")
    for i, sid in enumerate(result.students):
        values: list[Any] = [sid, names[i]]
        fmts: list[str | None] = [None, None]
        if report.include_personal:
            values += [emails[i], data.phones.get(sid, "")]
            fmts += [None, None]
        values += [*profile[i], int(result.attended[i]), labels[result.attendance_state[i]]]
        fmts += [None] * 6
        notes = []
        for r, pct in zip(units, pcts, strict=True):
            if r.condition.counts:
                values.append(labels[r.state[i]] + (overridden if r.overridden[i] else ""))
                fmts.append(None)
            values.append(pct[i])
            fmts.append(PCT)
            if r.overridden[i]:
                ov = data.overrides[(sid, r.condition.unit)]
                notes.append(_t("override_note", unit=r.condition.unit, by=ov.entry.by, why=ov.entry.why))
        if gain is not None:
            values.append(mastered if gains[i] == MASTERED else gains[i])
            fmts.append("0.00")
            if gain_notes[i]:
                notes.append(gain_notes[i])
        values += [labels[result.state[i]], result.completed_on[i], "; ".join(notes)]
        fmts += [None, DATE, None]
        sh.row(values, fmts)


def _modules(wb, report: WorkshopReport) -> None:
    sh = _Sheet(wb, _t("sheet_modules"), 19, {1: 18, 2: 34, 4: 22})
    sh.title(_t("title_modules"))
    sh.table(
        _cols("col_unit", "col_title", "col_kind", "col_required", "col_pass_pct", "col_counts")
        + [state_label(s) for s in STATES]
        + _cols("col_overridden"),
        [
            [
                r["unit"],
                r["title"],
                _t("kind_module" if r["kind"] == "module" else "kind_test"),
                r["required"],
                r["pass_pct"] / 100 if r["counts"] else None,
                _t("yes" if r["counts"] else "no"),
                *[r[s] if r["counts"] else None for s in STATES],
                r["overridden"],
            ]
            for _, r in report.modules.iterrows()
        ],
        [None, None, None, None, PCT],
    )
    sh.blank()
    sh.title(_t("title_assignments"))
    sh.table(
        _cols(
            "col_assignment",
            "col_kind",
            "col_max_points",
            "col_submitted",
            "col_graded",
            "col_attention",
            "col_provisional",
            "col_mean",
            "col_median",
        )
        + [f"{b}%" for b in analytics.BANDS],
        [
            [
                r["assignment"],
                _t("kind_test" if r["kind"] == "test" else "kind_module"),
                r["max_score"],
                r["submitted"],
                r["graded"],
                r["attention"],
                r["provisional"],
                _frac(r["mean_pct"]),
                _frac(r["median_pct"]),
                *[r[b] for b in analytics.BANDS],
            ]
            for _, r in report.assignments.iterrows()
        ],
        [None, None, None, None, None, None, None, PCT, PCT],
    )


def _questions(wb, report: WorkshopReport) -> None:
    q = report.questions
    counts = report.data.scores.item_counts
    head = _cols(
        "col_assignment",
        "col_question",
        "col_topic",
        "col_max_points",
        "col_answers_graded",
        "col_mean_points",
        "col_facility",
        "col_discrimination",
        "col_note",
        "col_distribution",
    )
    sh = _Sheet(wb, _t("sheet_questions"), len(head), {1: 18, 2: 22, 3: 16, 9: 36, 10: 40}, freeze="C3")
    sh.filter(len(head), len(q), first=2)
    sh.row([_t("questions_note")])
    rows = []
    for r in q.itertuples(index=False):
        dist = " | ".join(f"{s:g}: {c}" for s, c in analytics.distribution(counts, str(r.assignment), str(r.question)))
        hint = analytics.question_hint(cast(float, r.facility), cast(float, r.discrimination))
        rows.append(
            [r.assignment, r.question, r.topic, r.points, r.n, r.mean, r.facility, r.discrimination, hint, dist]
        )
    sh.table(head, rows, [None, None, None, None, None, "0.00", PCT, "0.00"])


def _attendance(wb, report: WorkshopReport) -> None:
    data, result = report.data, report.completion
    sessions = data.spec.sessions
    head = _cols("col_id", "col_name") + [f"{s.id}: {s.title}" for s in sessions] + _cols("col_attended", "col_min_met")
    sh = _Sheet(wb, _t("sheet_attendance"), len(head), {1: 20, 2: 28}, freeze="C2")
    sh.row(head, head=True)
    names = data.scores.students["name"].reindex(result.students).tolist()
    present = {s.id: {sid for (sess, sid), v in data.marks.items() if sess == s.id and v} for s in sessions}
    not_imported, here, absent = _t("not_imported"), _t("present"), _t("absent")
    for i, sid in enumerate(result.students):
        marks = [
            not_imported if s.id not in data.imported_sessions else (here if sid in present[s.id] else absent)
            for s in sessions
        ]
        sh.row([sid, names[i], *marks, int(result.attended[i]), state_label(result.attendance_state[i])])


def _audit(wb, report: WorkshopReport) -> None:
    head = _cols(
        "col_no",
        "col_at",
        "col_by",
        "col_action",
        "col_participant",
        "col_unit_or_session",
        "col_status",
        "col_why",
        "col_remarks",
    )
    sh = _Sheet(wb, _t("sheet_audit"), len(head), {2: 18, 8: 40, 9: 48}, freeze="A2")
    sh.row(head, head=True)
    for e in report.data.log:
        sh.row(
            [
                e.id,
                _local(e.at),
                e.by,
                _t(ACTION_TEXTS[e.action]) if e.action in ACTION_TEXTS else e.action,
                e.student or "",
                e.unit or "",
                state_label(e.status) if e.status else "",
                e.why,
                e.detail,
            ],
            [None, TIME],
        )
