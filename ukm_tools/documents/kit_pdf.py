"""The trainer kit's printed documents (reportlab): A4, page numbers, Bahasa Indonesia.

Layout only: every fact comes from :class:`ukm_tools.course.kit.KitData` (course data, the
agenda, the roster, model answers, the case study). Text is set in DejaVu Sans when the
Debian font is installed (fonts-dejavu-core, installed by .ci/system-deps.sh) so dashes,
arrows and the rupiah's dots print as typed; Helvetica otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import KeepTogether, PageBreak, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ukm_tools.agenda import BREAKS, KIND_LABELS, PAGE_LABELS

if TYPE_CHECKING:
    from ukm_tools.course.kit import KitData

_FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")
BLUE = colors.HexColor("#1b6f8a")
LIGHT = colors.HexColor("#eef4f6")
BREAK = colors.HexColor("#fdf3dc")


def _fonts() -> tuple[str, str]:
    """(regular, bold) font names, registering DejaVu Sans once when it is installed."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    if "DejaVuSans" in pdfmetrics.getRegisteredFontNames():
        return "DejaVuSans", "DejaVuSans-Bold"
    regular, bold = _FONT_DIR / "DejaVuSans.ttf", _FONT_DIR / "DejaVuSans-Bold.ttf"
    if regular.is_file() and bold.is_file():
        pdfmetrics.registerFont(TTFont("DejaVuSans", str(regular)))
        pdfmetrics.registerFont(TTFont("DejaVuSans-Bold", str(bold)))
        from reportlab.pdfbase.pdfmetrics import registerFontFamily

        registerFontFamily("DejaVuSans", normal="DejaVuSans", bold="DejaVuSans-Bold")
        return "DejaVuSans", "DejaVuSans-Bold"
    return "Helvetica", "Helvetica-Bold"


def _styles() -> dict[str, ParagraphStyle]:
    regular, bold = _fonts()
    base = getSampleStyleSheet()
    return {
        "title": ParagraphStyle("t", parent=base["Title"], fontName=bold, fontSize=16, leading=20, alignment=0),
        "h2": ParagraphStyle("h2", parent=base["Heading2"], fontName=bold, fontSize=12.5, textColor=BLUE),
        "h3": ParagraphStyle("h3", parent=base["Heading3"], fontName=bold, fontSize=10.5, spaceBefore=6),
        "body": ParagraphStyle("b", parent=base["BodyText"], fontName=regular, fontSize=9.5, leading=12.5),
        "small": ParagraphStyle("s", parent=base["BodyText"], fontName=regular, fontSize=8, leading=10),
        "cell": ParagraphStyle("c", parent=base["BodyText"], fontName=regular, fontSize=8.5, leading=10.5),
        "cellb": ParagraphStyle("cb", parent=base["BodyText"], fontName=bold, fontSize=8.5, leading=10.5),
    }


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(str(text)), style)


class _NumberedCanvas(rl_canvas.Canvas):
    """Writes "Halaman i dari n" and the document's name on every page (two passes)."""

    label = ""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        regular, _ = _fonts()
        total = len(self._pages)
        for i, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            w, _h = self._pagesize
            self.setFont(regular, 7.5)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(12 * mm, 8 * mm, self.label)
            self.drawRightString(w - 12 * mm, 8 * mm, f"Halaman {i} dari {total}")
            super().showPage()
        super().save()


def _build(path: Path, story: list, title: str, label: str, pagesize=A4) -> Path:
    class Canvas(_NumberedCanvas):
        pass

    Canvas.label = label
    doc = SimpleDocTemplate(
        str(path),
        pagesize=pagesize,
        leftMargin=12 * mm,
        rightMargin=12 * mm,
        topMargin=12 * mm,
        bottomMargin=15 * mm,
        title=title,
        author="ukm-tools",
        invariant=1,
    )
    doc.build(story, canvasmaker=Canvas)
    return path


def _table(rows: list[list], widths: list[float] | None, header: bool = True, shade: Sequence[int] = ()) -> Table:
    t = Table(rows, colWidths=widths, repeatRows=1 if header else 0)
    style = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#cccccc")),
        ("LEFTPADDING", (0, 0), (-1, -1), 3),
        ("RIGHTPADDING", (0, 0), (-1, -1), 3),
    ]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), LIGHT))
    for r in shade:
        style.append(("BACKGROUND", (0, r), (-1, r), BREAK))
    t.setStyle(TableStyle(style))
    return t


def _kit_label(data: KitData, what: str) -> str:
    return f"{data.spec.title} · {what} · kit pelatih (bukan untuk peserta)"


# --------------------------------------------------------------------------- agenda


def agenda_pdf(data: KitData, path: Path) -> Path:
    s = _styles()
    a = data.agenda
    story = [
        _p(f"Agenda per menit: {a.title}", s["title"]),
        _p(
            f"{data.spec.title}. {len(data.attendees)} peserta dalam {data.groups} kelompok (sampai "
            f"{a.group_size} orang, satu pendamping per kelompok). Materi {a.minutes('materi')} menit, latihan "
            f"{a.minutes('latihan')} menit, kerja kelompok {a.minutes('studi-kasus')} menit, rehat dan istirahat "
            f"{sum(a.minutes(k) for k in BREAKS)} menit.",
            s["body"],
        ),
        Spacer(1, 4 * mm),
    ]
    titles = dict(data.sessions)
    for session in a.sessions:
        story.append(_p(f"{titles.get(session.id, session.title)} ({session.span()})", s["h2"]))
        rows = [[_p(h, s["cellb"]) for h in ("Waktu", "Menit", "Jenis", "Kegiatan", "Bahan / latihan")]]
        shade = []
        for b in session.blocks:
            page = PAGE_LABELS.get(b.spec.page, b.spec.page)
            what = page
            if b.spec.exercise:
                what = f"latihan {b.spec.exercise}" + (f" ({page})" if page else "")
            if b.spec.test:
                # the course's own pre/post test (course.yml tests:), when it declares them
                test = getattr(getattr(data.spec, "tests", None), b.spec.test, None)
                what = ("tes awal" if b.spec.test == "pre" else "tes akhir") + (f" ({test.name})" if test else "")
            rows.append(
                [
                    _p(b.span(), s["cell"]),
                    _p(str(b.minutes), s["cell"]),
                    _p(KIND_LABELS[b.kind], s["cell"]),
                    _p(b.title, s["cell"]),
                    _p(what, s["cell"]),
                ]
            )
            if b.is_break:
                shade.append(len(rows) - 1)
        story.append(_table(rows, [24 * mm, 13 * mm, 25 * mm, 78 * mm, 46 * mm], shade=shade))
        story.append(Spacer(1, 4 * mm))
    return _build(path, story, "Agenda per menit", _kit_label(data, "agenda"))


# --------------------------------------------------------------------------- facilitator and pendamping


def _notes_by_session(data: KitData, field: str, heading: str, intro: list, path: Path, what: str) -> Path:
    s = _styles()
    story = [_p(heading, s["title"]), *[_p(t, s["body"]) for t in intro], Spacer(1, 3 * mm)]
    titles = dict(data.sessions)
    for i, session in enumerate(data.agenda.sessions):
        if i:
            story.append(PageBreak())
        story.append(_p(f"{titles.get(session.id, session.title)} ({session.span()})", s["h2"]))
        for b in session.blocks:
            note = getattr(b.spec, field)
            exercise = f" · latihan {b.spec.exercise}" if b.spec.exercise else ""
            story.append(
                KeepTogether(
                    [
                        _p(f"{b.span()} · {b.minutes} menit · {KIND_LABELS[b.kind]}{exercise}: {b.title}", s["h3"]),
                        _p(note or "-", s["body"]),
                    ]
                )
            )
    return _build(path, story, heading, _kit_label(data, what))


def facilitator_pdf(data: KitData, path: Path) -> Path:
    intro = [
        f"Catatan per sesi untuk fasilitator {data.spec.title}: apa yang dikerjakan dan ditekankan di setiap "
        "kegiatan. Slide per modul dan studi kasus: `make slides`; handout dan lembar kerja: `make handouts`.",
        f"Angka contoh semuanya dari berkas kasus {data.study.case.case} (sama di buku, slide, handout dan "
        "jawaban model). Periksa daftar 'perlu dicek' sebelum hari pelatihan.",
    ]
    return _notes_by_session(data, "fasilitator", "Catatan fasilitator per sesi", intro, path, "catatan fasilitator")


def pendamping_pdf(data: KitData, path: Path) -> Path:
    a = data.agenda
    intro = [
        f"{len(data.attendees)} peserta, {data.groups} kelompok sampai {a.group_size} orang: diperlukan "
        f"{data.groups} pendamping (satu per kelompok) ditambah satu atau dua cadangan. Tugas setiap pendamping:",
        *[f"{i}. {t}" for i, t in enumerate(a.pendamping, 1)],
        "Di setiap kegiatan hari itu:",
    ]
    return _notes_by_session(data, "pendamping", "Pengarahan pendamping", intro, path, "pengarahan pendamping")


# --------------------------------------------------------------------------- model answers


def answers_pdf(data: KitData, path: Path) -> Path:
    from ukm_tools import case_worksheet
    from ukm_tools.money import format_money

    s = _styles()
    study = data.study
    story = [
        _p("Jawaban model dan angka kunci", s["title"]),
        _p(
            "Hanya untuk pelatih dan penilai. Soal yang dinilai pengajar (formgrader): jawaban model untuk kasus "
            f"pelatihan dan cara memberi poin. Angka dari berkas kasus {study.case.case}.",
            s["body"],
        ),
        _p("1. Soal yang dinilai pengajar", s["h2"]),
    ]
    titles = {a.name: a.title for a in data.spec.assignments()}
    for ans in data.answers:
        q = ans.question
        question = " ".join(line.lstrip("#").strip() for line in q.question.splitlines() if line.strip())
        block = [
            _p(
                f"{titles.get(q.assignment, q.assignment)} ({q.assignment}) · {q.grade_id} · {q.points:g} poin", s["h3"]
            ),
            _p(f"Soal: {question}", s["body"]),
            Spacer(1, 1.5 * mm),
            _p(f"Jawaban model: {ans.answer}", s["body"]),
        ]
        block += [_p(f"• {r}", s["small"]) for r in ans.rubric]
        story.append(KeepTogether(block))
    story += [PageBreak(), _p("2. Lembar kerja studi kasus: jawaban", s["h2"])]
    for i, item in enumerate(case_worksheet.items(study), 1):
        story.append(
            KeepTogether(
                [
                    _p(f"{i}. {item.part}", s["h3"]),
                    _p(item.question, s["body"]),
                    _p(f"Jawaban: {item.answer}", s["body"]),
                ]
            )
        )
    story.append(_p("3. Angka kunci studi kasus (sama di buku, slide dan handout)", s["h2"]))
    rows = [[_p("Angka", s["cellb"]), _p("Nilai", s["cellb"])]]
    for f in study.key_figures().values():
        value = str(f.value) if isinstance(f.value, int) else format_money(f.value, "id")
        rows.append([_p(f.label, s["cell"]), _p(value, s["cell"])])
    story.append(_table(rows, [110 * mm, 60 * mm]))
    return _build(path, story, "Jawaban model", _kit_label(data, "jawaban model"))


# --------------------------------------------------------------------------- attendance and evaluation


def attendance_pdf(data: KitData, path: Path) -> Path:
    """One row per participant of the roster, one signature column per course session."""
    s = _styles()
    sessions = data.sessions
    page = landscape(A4) if len(sessions) > 2 else A4
    width = page[0] - 24 * mm
    fixed = [10 * mm, 38 * mm]
    name_w = 62 * mm
    sign_w = (width - sum(fixed) - name_w) / max(1, len(sessions))
    header = [_p("No", s["cellb"]), _p("ID peserta", s["cellb"]), _p("Nama", s["cellb"])]
    header += [_p(f"{title} ({sid}): tanda tangan", s["cellb"]) for sid, title in sessions]
    rows = [header]
    for i, a in enumerate(data.attendees, 1):
        rows.append(
            [_p(str(i), s["cell"]), _p(a.student_id, s["cell"]), _p(a.name, s["cell"]), *["" for _ in sessions]]
        )
    t = Table(
        rows,
        colWidths=[*fixed, name_w, *[sign_w] * len(sessions)],
        repeatRows=1,
        rowHeights=[None] + [9 * mm] * (len(rows) - 1),
    )
    t.setStyle(
        TableStyle(
            [
                ("GRID", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999")),
                ("BACKGROUND", (0, 0), (-1, 0), LIGHT),
                ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
            ]
        )
    )
    story = [
        _p(f"Daftar hadir: {data.spec.title}", s["title"]),
        _p(
            "Tanda tangan di kolom setiap sesi. Staf memasukkan kehadiran ke daftar-hadir.xlsx (kolom per sesi: "
            "ya/tidak) lalu `ukm attendance import daftar-hadir.xlsx --course ...`. Jangan dipotret atau diedarkan: "
            "berisi data pribadi peserta.",
            s["small"],
        ),
        Spacer(1, 3 * mm),
        t,
        Spacer(1, 4 * mm),
        _p("Jumlah hadir per sesi: " + "   ".join(f"{sid}: ______" for sid, _ in sessions), s["body"]),
    ]
    return _build(path, story, "Daftar hadir", _kit_label(data, "daftar hadir"), pagesize=page)


SCALE = ("1", "2", "3", "4", "5")


def evaluation_pdf(data: KitData, path: Path) -> Path:
    """Anonymous: no name or contact asked. One row per module of course.yml and per part of the day."""
    s = _styles()
    box = "☐" if _fonts()[0] == "DejaVuSans" else "[ ]"

    def scale_rows(items: list[str]) -> Table:
        rows = [[_p("", s["cellb"]), *[_p(v, s["cellb"]) for v in SCALE]]]
        for it in items:
            rows.append([_p(it, s["cell"]), *[_p(box, s["cell"]) for _ in SCALE]])
        return _table(rows, [110 * mm, *[13 * mm] * len(SCALE)])

    modules = [f"Modul {i}: {m.title}" for i, m in enumerate(data.spec.modules, 1)] + ["Studi kasus dan lembar kerja"]
    day = [
        "Waktu cukup untuk latihan",
        "Pendamping kelompok membantu",
        "Kalkulator dan latihan bisa dibuka di ponsel",
        "Slide terbaca dari tempat duduk saya",
        "Tempat, suara dan konsumsi",
    ]
    story = [
        _p(f"Formulir evaluasi: {data.spec.title}", s["title"]),
        _p(
            "Tanpa nama. Beri tanda pada angka: 1 = sangat kurang, 5 = sangat baik. Jawaban Anda membantu dinas "
            "memperbaiki pelatihan berikutnya.",
            s["body"],
        ),
        _p("A. Setiap modul: mudah dipahami dan berguna untuk usaha saya", s["h2"]),
        scale_rows(modules),
        _p("B. Penyelenggaraan", s["h2"]),
        scale_rows(day),
        _p("C. Pertanyaan terbuka", s["h2"]),
    ]
    for q in (
        "Apa yang paling berguna hari ini?",
        "Apa yang perlu diperbaiki?",
        "Langkah pertama apa yang akan Anda kerjakan minggu depan?",
        "Bantuan apa yang Anda perlukan dari dinas (pendaftaran e-Katalog, BPOM, halal, pembeli, pembiayaan)?",
    ):
        lines = Table([[""]] * 3, colWidths=[186 * mm], rowHeights=[8 * mm] * 3)
        lines.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999"))]))
        story.append(KeepTogether([_p(q, s["body"]), lines, Spacer(1, 2 * mm)]))
    return _build(path, story, "Formulir evaluasi", f"{data.spec.title} · formulir evaluasi")


# --------------------------------------------------------------------------- a trainer's markdown note


def markdown_pdf(source: Path, path: Path, title: str) -> Path:
    """A short markdown file (headings, paragraphs, lists, pipe tables) printed as it reads."""
    from markdown_it import MarkdownIt

    s = _styles()
    tokens = MarkdownIt("commonmark").enable("table").parse(source.read_text(encoding="utf-8"))
    story: list = []
    rows: list[list] = []
    row: list = []
    in_table = False
    heading = None
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            heading = s["title"] if tok.tag == "h1" else s["h2"]
        elif tok.type == "table_open":
            in_table, rows = True, []
        elif tok.type == "table_close":
            in_table = False
            # columns as wide as their longest text (a number column stays narrow), filling the page
            longest = [max(len(r[c].text) if c < len(r) else 0 for r in rows) for c in range(max(map(len, rows)))]
            weights = [min(max(n, 4), 60) for n in longest]
            story.append(_table(rows, [186 * mm * w / sum(weights) for w in weights]))
        elif tok.type == "tr_open":
            row = []
        elif tok.type == "tr_close":
            rows.append(row)
        elif tok.type == "inline":
            text = tok.content.replace("**", "").replace("`", "")
            if in_table:
                row.append(_p(text, s["cellb"] if tokens[i - 1].type == "th_open" else s["cell"]))
            elif heading is not None:
                story.append(_p(text, heading))
                heading = None
            else:
                story.append(_p(text, s["body"]))
    return _build(path, story, title, f"{title} · kit pelatih")
