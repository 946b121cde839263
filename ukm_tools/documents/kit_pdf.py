"""The trainer kit's printed documents (reportlab): A4, page numbers, Bahasa Indonesia.

Layout only: every fact comes from :class:`ukm_tools.course.kit.KitData` (course data, the
agenda, the roster, model answers, the case study), every word of the frame from the message
catalogue (``messages/documents/kit_pdf.yaml``); the agenda's notes and the model answers are
the trainer's own text, in Bahasa Indonesia. Text is set in DejaVu Sans when the
Debian font is installed (fonts-dejavu-core, installed by .ci/system-deps.sh) so dashes,
arrows and the rupiah's dots print as typed; Helvetica otherwise.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as rl_canvas
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    PageBreak,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from ukm_tools.agenda import BREAKS, kind_label, page_label
from ukm_tools.messages import section

if TYPE_CHECKING:
    from ukm_tools.course.kit import KitData

T = section("documents.kit_pdf")
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
    lang = "id"

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict] = []

    def showPage(self) -> None:  # noqa: N802 (reportlab's name)
        self._pages.append(dict(self.__dict__))
        self._startPage()  # type: ignore[attr-defined]  # reportlab's own page reset

    def save(self) -> None:
        regular, _ = _fonts()
        total = len(self._pages)
        for i, state in enumerate(self._pages, 1):
            self.__dict__.update(state)
            w, _h = self._pagesize  # type: ignore[attr-defined]
            self.setFont(regular, 7.5)
            self.setFillColor(colors.HexColor("#555555"))
            self.drawString(12 * mm, 8 * mm, self.label)
            self.drawRightString(w - 12 * mm, 8 * mm, T("page_of", self.lang, page=i, pages=total))
            super().showPage()
        super().save()


def _build(path: Path, story: list, title: str, label: str, lang: str, pagesize=A4) -> Path:
    class Canvas(_NumberedCanvas):
        pass

    Canvas.label, Canvas.lang = label, lang
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
    style: list[Any] = [
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


def _kit_label(data: KitData, what: str, lang: str) -> str:
    return T("kit_label", lang, course=data.spec.title, what=T(what, lang))


# --------------------------------------------------------------------------- agenda


def _what(data: KitData, b, lang: str) -> str:
    """The material of a block: its book page, its exercise, or the course's pre/post test."""
    page = page_label(b.spec.page, data.spec.pages(), lang) if b.spec.page else ""
    if b.spec.test:
        # the course's own pre/post test (course.yml tests:), when it declares them
        test = getattr(getattr(data.spec, "tests", None), b.spec.test, None)
        return T(f"test_{b.spec.test}", lang) + (f" ({test.name})" if test else "")
    if b.spec.exercise:
        return T("exercise", lang, name=b.spec.exercise) + (f" ({page})" if page else "")
    return page


def agenda_pdf(data: KitData, path: Path, lang: str = "id") -> Path:
    s = _styles()
    a = data.agenda
    story: list[Flowable] = [
        _p(T("agenda_title", lang, title=a.title), s["title"]),
        _p(
            T(
                "agenda_summary",
                lang,
                course=data.spec.title,
                people=len(data.attendees),
                groups=data.groups,
                group_size=a.group_size,
                teaching=a.minutes("materi"),
                exercises=a.minutes("latihan"),
                group_work=a.minutes("studi-kasus"),
                breaks=sum(a.minutes(k) for k in BREAKS),
            ),
            s["body"],
        ),
        Spacer(1, 4 * mm),
    ]
    titles = dict(data.sessions)
    heads = ("col_time", "col_minutes", "col_kind", "col_activity", "col_material")
    for session in a.sessions:
        story.append(
            _p(T("session_span", lang, title=titles.get(session.id, session.title), span=session.span()), s["h2"])
        )
        rows = [[_p(T(h, lang), s["cellb"]) for h in heads]]
        shade = []
        for b in session.blocks:
            rows.append(
                [
                    _p(b.span(), s["cell"]),
                    _p(str(b.minutes), s["cell"]),
                    _p(kind_label(b.kind, lang), s["cell"]),
                    _p(b.title, s["cell"]),
                    _p(_what(data, b, lang), s["cell"]),
                ]
            )
            if b.is_break:
                shade.append(len(rows) - 1)
        story.append(_table(rows, [24 * mm, 13 * mm, 25 * mm, 78 * mm, 46 * mm], shade=shade))
        story.append(Spacer(1, 4 * mm))
    return _build(path, story, T("agenda_title", lang, title=a.title), _kit_label(data, "agenda_what", lang), lang)


# --------------------------------------------------------------------------- facilitator and pendamping


def _notes_by_session(
    data: KitData, field: str, title: str, intro: list[str], path: Path, what: str, lang: str
) -> Path:
    s = _styles()
    story: list[Flowable] = [_p(T(title, lang), s["title"]), *[_p(t, s["body"]) for t in intro], Spacer(1, 3 * mm)]
    titles = dict(data.sessions)
    for i, session in enumerate(data.agenda.sessions):
        if i:
            story.append(PageBreak())
        story.append(
            _p(T("session_span", lang, title=titles.get(session.id, session.title), span=session.span()), s["h2"])
        )
        for b in session.blocks:
            exercise = T("block_exercise", lang, name=b.spec.exercise) if b.spec.exercise else ""
            head = T(
                "block_head",
                lang,
                span=b.span(),
                minutes=b.minutes,
                kind=kind_label(b.kind, lang),
                exercise=exercise,
                title=b.title,
            )
            story.append(KeepTogether([_p(head, s["h3"]), _p(getattr(b.spec, field) or "-", s["body"])]))
    return _build(path, story, T(title, lang), _kit_label(data, what, lang), lang)


def facilitator_pdf(data: KitData, path: Path, lang: str = "id") -> Path:
    intro = [
        T("facilitator_intro", lang, course=data.spec.title),
        T("facilitator_case", lang, case=data.study.case.case),
    ]
    return _notes_by_session(data, "fasilitator", "facilitator_title", intro, path, "facilitator_what", lang)


def pendamping_pdf(data: KitData, path: Path, lang: str = "id") -> Path:
    a = data.agenda
    intro = [
        T("pendamping_intro", lang, people=len(data.attendees), groups=data.groups, group_size=a.group_size),
        *[f"{i}. {t}" for i, t in enumerate(a.pendamping, 1)],
        T("pendamping_blocks", lang),
    ]
    return _notes_by_session(data, "pendamping", "pendamping_title", intro, path, "pendamping_what", lang)


# --------------------------------------------------------------------------- model answers


def answers_pdf(data: KitData, path: Path, lang: str = "id") -> Path:
    from ukm_tools import case_worksheet

    s = _styles()
    study = data.study
    story: list[Flowable] = [
        _p(T("answers_title", lang), s["title"]),
        _p(T("answers_intro", lang, case=study.case.case), s["body"]),
        _p(T("answers_manual", lang), s["h2"]),
    ]
    titles = {a.name: a.title for a in data.spec.assignments()}
    for ans in data.answers:
        q = ans.question
        question = " ".join(line.lstrip("#").strip() for line in q.question.splitlines() if line.strip())
        head = T(
            "answers_question_head",
            lang,
            assignment_title=titles.get(q.assignment, q.assignment),
            assignment=q.assignment,
            grade_id=q.grade_id,
            points=f"{q.points:g}",
        )
        block = [
            _p(head, s["h3"]),
            _p(T("answers_question", lang, text=question), s["body"]),
            Spacer(1, 1.5 * mm),
            _p(T("answers_model", lang, text=ans.answer), s["body"]),
        ]
        block += [_p(f"• {r}", s["small"]) for r in ans.rubric]
        story.append(KeepTogether(block))
    story += [PageBreak(), _p(T("answers_worksheet", lang), s["h2"])]
    for i, item in enumerate(case_worksheet.items(study, lang), 1):
        story.append(
            KeepTogether(
                [
                    _p(f"{i}. {item.part}", s["h3"]),
                    _p(item.question, s["body"]),
                    _p(T("answers_worksheet_answer", lang, text=item.answer), s["body"]),
                ]
            )
        )
    story.append(_p(T("answers_figures", lang), s["h2"]))
    rows = [[_p(T("col_figure", lang), s["cellb"]), _p(T("col_value", lang), s["cellb"])]]
    for f in study.key_figures().values():
        rows.append([_p(f.label.text(lang), s["cell"]), _p(f.text(lang), s["cell"])])
    story.append(_table(rows, [110 * mm, 60 * mm]))
    return _build(path, story, T("answers_title", lang), _kit_label(data, "answers_what", lang), lang)


# --------------------------------------------------------------------------- attendance and evaluation


def attendance_pdf(data: KitData, path: Path, lang: str = "id") -> Path:
    """One row per participant of the roster, one signature column per course session."""
    s = _styles()
    sessions = data.sessions
    page = landscape(A4) if len(sessions) > 2 else A4
    width = page[0] - 24 * mm
    fixed = [10 * mm, 38 * mm]
    name_w = 62 * mm
    sign_w = (width - sum(fixed) - name_w) / max(1, len(sessions))
    header = [_p(T(k, lang), s["cellb"]) for k in ("col_no", "col_student", "col_name")]
    header += [_p(T("col_sign", lang, title=title, session=sid), s["cellb"]) for sid, title in sessions]
    rows: list[list[Any]] = [header]
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
    story: list[Flowable] = [
        _p(T("attendance_title", lang, course=data.spec.title), s["title"]),
        _p(T("attendance_note", lang), s["small"]),
        Spacer(1, 3 * mm),
        t,
        Spacer(1, 4 * mm),
        _p(T("attendance_count", lang, blanks="   ".join(f"{sid}: ______" for sid, _ in sessions)), s["body"]),
    ]
    title = T("attendance_title", lang, course=data.spec.title)
    return _build(path, story, title, _kit_label(data, "attendance_what", lang), lang, pagesize=page)


SCALE = ("1", "2", "3", "4", "5")


def evaluation_pdf(data: KitData, path: Path, lang: str = "id") -> Path:
    """Anonymous: no name or contact asked. One row per module of course.yml and per part of the day."""
    s = _styles()
    box = "☐" if _fonts()[0] == "DejaVuSans" else "[ ]"

    def scale_rows(items: list[str]) -> Table:
        rows = [[_p("", s["cellb"]), *[_p(v, s["cellb"]) for v in SCALE]]]
        for it in items:
            rows.append([_p(it, s["cell"]), *[_p(box, s["cell"]) for _ in SCALE]])
        return _table(rows, [110 * mm, *[13 * mm] * len(SCALE)])

    modules = [T("evaluation_module", lang, number=i, title=m.title) for i, m in enumerate(data.spec.modules, 1)] + [
        T("evaluation_case", lang)
    ]
    day = [
        T(k, lang)
        for k in (
            "evaluation_time",
            "evaluation_pendamping",
            "evaluation_phone",
            "evaluation_slides",
            "evaluation_venue",
        )
    ]
    story: list[Flowable] = [
        _p(T("evaluation_title", lang, course=data.spec.title), s["title"]),
        _p(T("evaluation_intro", lang), s["body"]),
        _p(T("evaluation_modules", lang), s["h2"]),
        scale_rows(modules),
        _p(T("evaluation_day", lang), s["h2"]),
        scale_rows(day),
        _p(T("evaluation_open", lang), s["h2"]),
    ]
    for key in ("evaluation_best", "evaluation_improve", "evaluation_next", "evaluation_help"):
        lines = Table([[""]] * 3, colWidths=[186 * mm], rowHeights=[8 * mm] * 3)
        lines.setStyle(TableStyle([("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#999999"))]))
        story.append(KeepTogether([_p(T(key, lang), s["body"]), lines, Spacer(1, 2 * mm)]))
    title = T("evaluation_title", lang, course=data.spec.title)
    return _build(path, story, title, T("evaluation_label", lang, course=data.spec.title), lang)


# --------------------------------------------------------------------------- a trainer's markdown note


def markdown_pdf(source: Path, path: Path, title: str, lang: str = "id") -> Path:
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
    return _build(path, story, title, T("note_label", lang, title=title), lang)


def facts_pdf(source: Path, path: Path, lang: str = "id") -> Path:
    """The book's list of facts to check before the day (book/_trainer/perlu-dicek.md)."""
    return markdown_pdf(source, path, T("facts_title", lang), lang)
