"""The office's Excel workbook: sheets ringkasan, peserta, modul, soal, kehadiran, audit.

Headers are in Bahasa Indonesia; percentages are real Excel percentages (``0.0%``), dates
``dd-mm-yyyy`` and times ``dd-mm-yyyy hh:mm`` in Asia/Jakarta (WIB). Every value goes through
:func:`put`, which writes text as text: a name or reason that starts with ``=``, ``+``, ``-`` or
``@`` (or a tab) would otherwise become a formula Excel runs when the file is opened.
E-mail and phone appear only when the report was asked to include personal data.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from ukm_tools.course import analytics
from ukm_tools.course.audit import JAKARTA
from ukm_tools.course.completion import STATES, state_label
from ukm_tools.course.learning_gain import MASTERED
from ukm_tools.course.office_summary import MEASURE_LABELS, MEASURES
from ukm_tools.course.workshop_report import WorkshopReport

PCT, NUM, DATE, TIME = "0.0%", "0.0", "dd-mm-yyyy", "dd-mm-yyyy hh:mm"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_BOLD = Font(bold=True)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
ACTIONS = {"override": "koreksi", "withdraw": "penarikan koreksi", "attendance_import": "impor kehadiran"}


def put(ws, row: int, col: int, value: Any, fmt: str | None = None):
    """Write one cell; text stays text (never a formula), NaN and None stay empty."""
    cell = ws.cell(row=row, column=col)
    if value is None or (isinstance(value, float) and math.isnan(value)):
        cell.value = None
    elif isinstance(value, str):
        cell.value = value
        cell.data_type = "s"  # openpyxl turns a leading "=" into a formula otherwise
        if value.startswith(FORMULA_START):
            cell.quotePrefix = True  # and Excel keeps it text when someone edits the cell
    else:
        cell.value = value
    if fmt and cell.value is not None:
        cell.number_format = fmt
    return cell


def write_row(ws, row: int, values: Sequence[Any], fmts: Sequence[str | None] | None = None) -> int:
    for j, value in enumerate(values, start=1):
        put(ws, row, j, value, fmts[j - 1] if fmts and j - 1 < len(fmts) else None)
    return row + 1


def _header(ws, row: int, names: Sequence[str]) -> int:
    write_row(ws, row, names)
    for j in range(1, len(names) + 1):
        c = ws.cell(row=row, column=j)
        c.font = _BOLD
        c.fill = _HEAD_FILL
        c.alignment = Alignment(wrap_text=True, vertical="top")
    return row + 1


def _title(ws, row: int, text: str) -> int:
    put(ws, row, 1, text).font = Font(bold=True, size=12)
    return row + 1


def _widths(ws, widths: dict[int, float] | None = None, default: float = 14) -> None:
    for j in range(1, ws.max_column + 1):
        ws.column_dimensions[get_column_letter(j)].width = (widths or {}).get(j, default)


def _table(ws, names: Sequence[str], rows: Iterable[Sequence[Any]], fmts=None, start: int = 1) -> int:
    row = _header(ws, start, names)
    for values in rows:
        row = write_row(ws, row, values, fmts)
    return row


def _frac(pct: float | None) -> float | None:
    return None if pct is None or (isinstance(pct, float) and math.isnan(pct)) else pct / 100


def _local(ts) -> dt.datetime | None:
    """A naive Asia/Jakarta datetime for Excel (which has no time zones)."""
    if ts is None:
        return None
    return ts.astimezone(JAKARTA).replace(tzinfo=None)


def write_workbook(report: WorkshopReport, path: Path) -> Path:
    wb = Workbook()
    _summary(wb.active, report)
    _participants(wb.create_sheet("peserta"), report)
    _modules(wb.create_sheet("modul"), report)
    _questions(wb.create_sheet("soal"), report)
    _attendance(wb.create_sheet("kehadiran"), report)
    _audit(wb.create_sheet("audit"), report)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _rule_text(report: WorkshopReport) -> str:
    spec = report.data.spec
    rules = spec.completion
    parts = [
        ("semua modul" if rules.combine == "all" else "salah satu modul") + f" tuntas (batas {rules.pass_pct:g}%)",
        f"hadir minimal {rules.min_sessions} dari {len(spec.sessions)} sesi"
        if spec.sessions
        else "tanpa syarat kehadiran",
    ]
    if rules.tests:
        parts.append("tes: " + ", ".join(f"{t} (batas {p:g}%)" for t, p in rules.tests.items()))
    return "; ".join(parts)


def _summary(ws, report: WorkshopReport) -> None:
    ws.title = "ringkasan"
    data, result = report.data, report.completion
    row = _title(ws, 1, data.spec.title)
    row = write_row(ws, row, ["Dibuat (WIB)", _local(data.taken_at)], [None, TIME])
    row = write_row(ws, row, ["Aturan kelulusan", _rule_text(report)])
    counts = result.counts()
    row = _title(ws, row + 1, "Peserta")
    row = _table(
        ws,
        ["keadaan", "jumlah"],
        [["terdaftar", len(result.students)], ["dilatih (hadir minimal 1 sesi)", report.office.trained]]
        + [[state_label(s), counts[s]] for s in STATES],
        start=row,
    )
    row = _title(ws, row + 1, "Corong penyelesaian (setiap tahap di dalam tahap sebelumnya)")
    first = report.funnel[0].count or 1
    row = _table(
        ws,
        ["tahap", "jumlah", "dari terdaftar"],
        [[s.label, s.count, s.count / first] for s in report.funnel],
        [None, None, PCT],
        start=row,
    )
    if report.gain is not None:
        g = report.gain.summary
        row = _title(ws, row + 1, "Hasil belajar (peserta yang mengerjakan tes awal dan tes akhir)")
        row = _header(ws, row, ["ukuran", "nilai"])
        for label, value, fmt in [
            ("peserta dengan kedua tes", g.matched, None),
            ("rata-rata tes awal", _frac(g.mean_pre), PCT),
            ("rata-rata tes akhir", _frac(g.mean_post), PCT),
            ("gain kelas <g> = (akhir − awal) / (100% − awal)", g.class_gain, "0.00"),
            ("rata-rata gain peserta g", g.mean_gain, "0.00"),
            ("sudah menguasai di tes awal (100%)", g.mastered, None),
        ]:
            row = write_row(ws, row, [label, value], [None, fmt])
        row = _title(ws, row + 1, "Per topik: bagian peserta yang menjawab benar")
        row = _table(
            ws,
            ["topik", "modul", "sebelum", "n sebelum", "sesudah", "n sesudah", "perubahan (poin %)", "catatan"],
            [
                [
                    t.title,
                    t.module or "",
                    t.before,
                    t.n_before,
                    t.after,
                    t.n_after,
                    None if t.change is None else t.change * 100,
                    "perlu diulang" if t.needs_review else "",
                ]
                for t in report.gain.topics
            ],
            [None, None, PCT, None, PCT, None, "+0.0;-0.0;0.0", None],
            start=row,
        )
    row = _title(ws, row + 1, "Untuk laporan dinas: rincian menurut data peserta")
    row = write_row(
        ws, row, ["Angka di bawah 5 ditulis <5; — disembunyikan agar angka kecil tidak bisa dihitung dari total."]
    )
    for b in report.office.breakdowns:
        row = _title(ws, row + 1, b.label)
        row = _table(
            ws,
            [b.column] + [MEASURE_LABELS[m] for m in MEASURES],
            [
                [cat] + [int(c.shown) if c.shown.isdigit() else c.shown for c in cells.values()]
                for cat, cells in b.rows.items()
            ],
            start=row,
        )
        row = write_row(ws, row, ["jumlah", report.office.registered, report.office.trained, report.office.completed])
    _widths(ws, {1: 46, 2: 18, 3: 14, 8: 18})


def _participants(ws, report: WorkshopReport) -> None:
    data, result = report.data, report.completion
    units = list(result.units.values())
    head = ["id_peserta", "nama"]
    if report.include_personal:
        head += ["email", "telepon"]
    head += ["jenis_kelamin", "kecamatan", "sektor", "skala_usaha", "sesi dihadiri", "kehadiran"]
    for r in units:  # a test the rules do not count has a score, not a state
        head += (
            [f"{r.condition.unit} keadaan", f"{r.condition.unit} nilai"]
            if r.condition.counts
            else [f"{r.condition.unit} nilai"]
        )
    gain = report.gain.participants if report.gain is not None else None
    if gain is not None:
        head += ["gain g"]
    head += ["status kursus", "tanggal selesai", "keterangan"]
    row = _header(ws, 1, head)
    students = data.scores.students
    for i, sid in enumerate(result.students):
        values: list[Any] = [sid, students.loc[sid, "name"]]
        fmts: list[str | None] = [None, None]
        if report.include_personal:
            values += [students.loc[sid, "email"], data.phones.get(sid, "")]
            fmts += [None, None]
        prof = data.profiles.loc[sid]
        values += [
            prof["gender"],
            prof["district"],
            prof["sector"],
            prof["scale"],
            int(result.attended[i]),
            state_label(result.attendance_state[i]),
        ]
        fmts += [None] * 6
        notes = []
        for r in units:
            if not r.condition.counts:
                values.append(_frac(r.pct[i]))
                fmts.append(PCT)
                continue
            label = state_label(r.state[i]) + (" (dikoreksi)" if r.overridden[i] else "")
            values += [label, _frac(r.pct[i])]
            fmts += [None, PCT]
            if r.overridden[i]:
                ov = data.overrides[(sid, r.condition.unit)]
                notes.append(f"{r.condition.unit} dikoreksi oleh {ov.entry.by}: {ov.entry.why}")
        if gain is not None:
            g = gain.loc[sid, "gain"]
            values.append("sudah menguasai" if g == MASTERED else g)
            fmts.append("0.00")
            if gain.loc[sid, "note"]:
                notes.append(gain.loc[sid, "note"])
        done = result.completed_on[i]
        values += [state_label(result.state[i]), done, "; ".join(notes)]
        fmts += [None, DATE, None]
        row = write_row(ws, row, values, fmts)
    ws.freeze_panes = "C2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(head))}{max(row - 1, 1)}"
    _widths(ws, {1: 20, 2: 28, len(head): 50})


def _modules(ws, report: WorkshopReport) -> None:
    m = report.modules
    row = _title(ws, 1, "Keadaan peserta per modul dan tes")
    row = _table(
        ws,
        ["modul/tes", "judul", "jenis", "tugas wajib", "batas lulus", "dihitung untuk kelulusan"]
        + [state_label(s) for s in STATES]
        + ["dikoreksi staf"],
        [
            [
                r["unit"],
                r["title"],
                "modul" if r["kind"] == "module" else "tes",
                r["required"],
                r["pass_pct"] / 100 if r["counts"] else None,
                "ya" if r["counts"] else "tidak",
                *[r[s] if r["counts"] else None for s in STATES],
                r["overridden"],
            ]
            for _, r in m.iterrows()
        ],
        [None, None, None, None, PCT],
        start=row,
    )
    row = _title(ws, row + 1, "Per tugas: pengumpulan, penilaian dan sebaran nilai (% dari poin maksimum)")
    a = report.assignments
    row = _table(
        ws,
        [
            "tugas",
            "jenis",
            "poin maks",
            "dikumpulkan",
            "dinilai",
            "perlu dicek staf",
            "menunggu nilai manual",
            "rata-rata",
            "median",
            *[f"{b}%" for b in analytics.BANDS],
        ],
        [
            [
                r["assignment"],
                "tes" if r["kind"] == "test" else "modul",
                r["max_score"],
                r["submitted"],
                r["graded"],
                r["attention"],
                r["provisional"],
                _frac(r["mean_pct"]),
                _frac(r["median_pct"]),
                *[r[b] for b in analytics.BANDS],
            ]
            for _, r in a.iterrows()
        ],
        [None, None, None, None, None, None, None, PCT, PCT],
        start=row,
    )
    _widths(ws, {1: 18, 2: 34, 4: 22})


def _questions(ws, report: WorkshopReport) -> None:
    q = report.questions
    counts = report.data.scores.item_counts
    put(
        ws,
        1,
        1,
        "Indeks kemudahan = rata-rata poin ÷ poin maksimum. Indeks daya beda = korelasi poin soal dengan "
        "poin sisa tugas yang sama (korelasi soal-total terkoreksi, seperti statistik kuis Moodle).",
    )
    rows = []
    for r in q.itertuples(index=False):
        dist = " | ".join(f"{s:g}: {c}" for s, c in analytics.distribution(counts, r.assignment, r.question))
        rows.append(
            [
                r.assignment,
                r.question,
                r.topic,
                r.points,
                r.n,
                r.mean,
                r.facility,
                r.discrimination,
                analytics.question_hint(r.facility, r.discrimination),
                dist,
            ]
        )
    end = _table(
        ws,
        [
            "tugas",
            "soal",
            "topik",
            "poin maks",
            "jawaban dinilai",
            "rata-rata poin",
            "indeks kemudahan",
            "indeks daya beda",
            "catatan",
            "sebaran (poin: jumlah)",
        ],
        rows,
        [None, None, None, None, None, "0.00", PCT, "0.00"],
        start=2,
    )
    ws.freeze_panes = "C3"
    ws.auto_filter.ref = f"A2:J{max(end - 1, 2)}"
    _widths(ws, {1: 18, 2: 22, 3: 16, 9: 36, 10: 40})


def _attendance(ws, report: WorkshopReport) -> None:
    data, result = report.data, report.completion
    sessions = data.spec.sessions
    head = ["id_peserta", "nama"] + [f"{s.id}: {s.title}" for s in sessions] + ["sesi dihadiri", "memenuhi minimal"]
    row = _header(ws, 1, head)
    names = data.scores.students["name"]
    for i, sid in enumerate(result.students):
        marks = []
        for s in sessions:
            if s.id not in data.imported_sessions:
                marks.append("belum diimpor")
            else:
                marks.append("hadir" if data.marks.get((s.id, sid)) else "tidak")
        row = write_row(
            ws, row, [sid, names.get(sid, ""), *marks, int(result.attended[i]), state_label(result.attendance_state[i])]
        )
    ws.freeze_panes = "C2"
    _widths(ws, {1: 20, 2: 28})


def _audit(ws, report: WorkshopReport) -> None:
    row = _header(
        ws, 1, ["no", "waktu (WIB)", "oleh", "tindakan", "peserta", "modul/tes/sesi", "status", "alasan", "keterangan"]
    )
    for e in report.data.log:
        row = write_row(
            ws,
            row,
            [
                e.id,
                _local(e.at),
                e.by,
                ACTIONS.get(e.action, e.action),
                e.student or "",
                e.unit or "",
                state_label(e.status) if e.status else "",
                e.why,
                e.detail,
            ],
            [None, TIME],
        )
    ws.freeze_panes = "A2"
    _widths(ws, {2: 18, 8: 40, 9: 48})
