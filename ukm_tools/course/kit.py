"""The trainer kit: what a trainer prints for the workshop day, generated from the course data.

``ukm kit --course KURSUS`` writes into ``KURSUS/kit-pelatih/`` (or ``--out``)::

    agenda-per-menit.pdf       the day minute by minute: every block, exercise and break
    catatan-fasilitator.pdf    per session, what the facilitator does and says in each block
    pengarahan-pendamping.pdf  the assistants' briefing: their duties, groups, each block
    jawaban-model.pdf          model answers of the manually graded questions, the case
                               worksheet's answers and the case's key figures
    daftar-hadir.pdf           sign-in sheet: every participant of the roster x every session
    daftar-hadir.xlsx          the same, laid out as `ukm attendance import` reads it
    formulir-evaluasi.pdf      anonymous evaluation form: every module and the day
    perlu-dicek.pdf            facts to check before the day (the book's trainer list)

Trainer-only: the kit holds model answers, so it is written to the course folder (staff only),
never beside the published book. Everything comes from the course's own files — course.yml
(modules, sessions), the source notebooks (which questions are graded by hand),
``kunci-jawaban/jawaban-model.yml``, the roster in the gradebook (or a roster file), the
agenda (``agenda.yml`` in the course, else the packaged workshop day) — and the case file
every figure of the model answers is computed from. They are checked against each other
first: every problem is reported at once and nothing is written.
"""

from __future__ import annotations

import json
import math
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ukm_tools.agenda import AGENDA_FILE, Agenda, load_agenda
from ukm_tools.case import Case, packaged_case
from ukm_tools.case_study import CaseStudy, pieces
from ukm_tools.course.config import CourseSpec, load_course
from ukm_tools.datafiles import load_yaml
from ukm_tools.errors import Problem, UkmError, owned
from ukm_tools.messages import section
from ukm_tools.money import Money, format_money, format_number

KIT_DIR = "kit-pelatih"
ANSWERS_FILE = Path("kunci-jawaban") / "jawaban-model.yml"
# The book's list of facts to check before a workshop (a source checkout has it).
FACTS_FILE = Path(__file__).resolve().parents[2] / "book" / "_trainer" / "perlu-dicek.md"

T = section("course.kit")


# --------------------------------------------------------------------------- hand-graded questions


@dataclass(frozen=True)
class ManualQuestion:
    """A question of a source notebook that nbgrader leaves to a human grader."""

    assignment: str
    grade_id: str
    points: float
    question: str  # the text of the cell above the answer cell


def _cell_text(cell: dict[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def manual_questions(course_dir: Path, spec: CourseSpec) -> list[ManualQuestion]:
    """Every manually graded cell of the course's source notebooks, in course order."""
    found = []
    for a in spec.assignments():
        for nb_path in sorted((course_dir / "source" / a.name).glob("*.ipynb")):
            cells = json.loads(nb_path.read_text(encoding="utf-8")).get("cells", [])
            for i, cell in enumerate(cells):
                meta = cell.get("metadata", {}).get("nbgrader", {})
                manual = meta.get("task") or (
                    meta.get("grade") and meta.get("solution") and cell.get("cell_type") == "markdown"
                )
                if not manual:
                    continue
                above = _cell_text(cells[i - 1]) if i > 0 and cells[i - 1].get("cell_type") == "markdown" else ""
                found.append(ManualQuestion(a.name, meta.get("grade_id", f"cell-{i}"), meta.get("points", 0), above))
    return found


# --------------------------------------------------------------------------- figures of the case


def case_figures(study: CaseStudy) -> dict[str, str]:
    """The case study's figures model answers may name as {placeholders}, formatted for print."""
    case = study.case
    m = lambda v: format_money(v, "id")  # noqa: E731
    start = study.readiness("at_start")
    cash = study.cash_flow()
    loan = study.loan()
    figures = {k: f.text("id") for k, f in study.key_figures().items()}
    discrepancy = next((f for f in study.schedule.fees if f.code == "discrepancy"), None)
    figures.update(
        {
            "seller": case.seller.name,
            "product": case.product.name,
            "description": case.product.description or case.product.name,
            "unit": case.product.unit,
            "pieces": f"{case.product.pieces_per_unit} {case.product.piece_name}",
            "named_place": case.named_place,
            "min_order": f"{study.katalog_terms.min_order} {case.product.unit}",
            "delivery_area": study.katalog_terms.delivery_area or case.seller.city,
            "start_steps": "; ".join(
                f"{a.requirement.text('label', 'id')} ({a.requirement.text('where', 'id').split(';')[0]})"
                for a in start.plan
            ),
            "start_days": str(start.ready_in_days),
            "start_known_cost": m(start.known_cost),
            "start_up_costs": m(study.start_up_costs),
            "method": cash.method.name["id"],
            "receipt_day": str(cash.receipt_day),
            "days_tied_up": str(cash.days_tied_up),
            "loan_scheme": study.loan_scheme.name["id"],
            "profit_after_loan": m(loan.margin_after_financing),
            "discrepancy_fee": m(Money(discrepancy.amount, study.schedule.currency))
            if discrepancy is not None and discrepancy.amount is not None
            else "-",
            "break_even_pieces": (
                f"{format_number(pieces(case, study.break_even.units), 'id')} {case.product.piece_name}"
            ),
        }
    )
    return figures


class _Strict(dict):
    """format_map() mapping that remembers a placeholder it does not know."""

    def __init__(self, known: dict[str, str]) -> None:
        super().__init__(known)
        self.unknown: list[str] = []

    def __missing__(self, key: str) -> str:
        self.unknown.append(key)
        return "{" + key + "}"


# --------------------------------------------------------------------------- model answers


@dataclass(frozen=True)
class ModelAnswer:
    question: ManualQuestion
    answer: str
    rubric: tuple[str, ...]


def model_answers(course_dir: Path, questions: list[ManualQuestion], figures: dict[str, str]) -> list[ModelAnswer]:
    """Every hand-graded question with its model answer (figures filled in); raises on any gap."""
    path = course_dir / ANSWERS_FILE
    data = load_yaml(path) if path.is_file() else {}
    entries = (data or {}).get("questions") or {}
    problems, out = [], []
    by_id = {q.grade_id: q for q in questions}
    for q in questions:
        entry = entries.get(q.grade_id)
        if not isinstance(entry, dict) or not entry.get("answer"):
            problems.append(Problem("kit_no_model_answer", q.assignment, q.grade_id, str(ANSWERS_FILE)))
            continue
        filler = _Strict(figures)
        answer = " ".join(str(entry["answer"]).split()).format_map(filler)
        for name in filler.unknown:
            problems.append(Problem("kit_unknown_figure", f"{ANSWERS_FILE}:{q.grade_id}", name, sorted(figures)))
        out.append(ModelAnswer(q, answer, tuple(str(r) for r in entry.get("rubric") or ())))
    for grade_id, entry in entries.items():
        asked = by_id.get(grade_id)
        assignment = entry.get("assignment", "?") if isinstance(entry, dict) else "?"
        if asked is None or (isinstance(entry, dict) and entry.get("assignment") not in (None, asked.assignment)):
            problems.append(Problem("kit_stale_model_answer", assignment, grade_id, str(ANSWERS_FILE)))
    if problems:
        raise UkmError(problems=problems)
    return out


# --------------------------------------------------------------------------- everything the kit needs


@dataclass(frozen=True)
class Attendee:
    student_id: str
    name: str


@dataclass(frozen=True)
class KitData:
    course_dir: Path
    spec: CourseSpec
    agenda: Agenda
    sessions: list[tuple[str, str]]  # (id, title) of course.yml's sessions, else the agenda's
    attendees: list[Attendee]
    answers: list[ModelAnswer]
    study: CaseStudy
    facts: Path | None

    @property
    def groups(self) -> int:
        """Groups (each with a pendamping) the roster makes."""
        return max(1, math.ceil(len(self.attendees) / self.agenda.group_size))


def _roster_from_gradebook(course_dir: Path) -> list[Attendee] | None:
    from ukm_tools.course import ops
    from ukm_tools.course.participants import load_participants

    url = ops.db_url(course_dir)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        return None  # no gradebook yet: reading would create an empty one
    found = load_participants(url)
    return [Attendee(p.student_id, p.name) for p in found.values()] or None


def _course_sessions(spec: CourseSpec) -> list[tuple[str, str]]:
    """course.yml's sessions (the attendance record's), when the course declares them."""
    return [(s.id, s.title) for s in (getattr(spec, "sessions", None) or [])]


@owned("course.kit")
def gather(
    course_dir: str | Path,
    *,
    roster: str | Path | None = None,
    case: Case | None = None,
    agenda_file: str | Path | None = None,
    facts: str | Path | None = None,
) -> KitData:
    """Read and cross-check everything the kit is made of; every problem is raised at once."""
    from ukm_tools.course.ops import check_course_dir

    course_dir = check_course_dir(course_dir)
    spec = load_course(course_dir)
    own_agenda = course_dir / AGENDA_FILE
    agenda = load_agenda(str(agenda_file) if agenda_file else (str(own_agenda) if own_agenda.is_file() else None))
    problems: list[Problem] = []
    course_sessions = _course_sessions(spec)
    try:
        agenda.check_course([s for s, _ in course_sessions], [a.name for a in spec.assignments()])
    except UkmError as e:
        problems.extend(e.problems)
    sessions = course_sessions or [(s.id, s.title) for s in agenda.sessions]
    if roster is not None:
        from ukm_tools.course.roster import import_roster

        attendees = [Attendee(p.student_id, p.name) for p in import_roster(roster).participants]
    else:
        attendees = _roster_from_gradebook(course_dir) or []
        if not attendees:
            problems.append(Problem("kit_no_roster", "roster", str(course_dir)))
    study = CaseStudy(case or packaged_case())
    answers: list[ModelAnswer] = []
    try:
        answers = model_answers(course_dir, manual_questions(course_dir, spec), case_figures(study))
    except UkmError as e:
        problems.extend(e.problems)
    if problems:
        raise UkmError(problems=problems)
    facts_path = Path(facts) if facts else (FACTS_FILE if FACTS_FILE.is_file() else None)
    attendees.sort(key=lambda a: (a.name.casefold(), a.student_id))
    return KitData(course_dir, spec, agenda, sessions, attendees, answers, study, facts_path)


def write_kit(data: KitData, out_dir: str | Path | None = None, lang: str = "id") -> list[Path]:
    """Write every document of the kit; returns their paths (in the order listed above).

    ``lang`` is the language of the documents' frame (headings, columns); the agenda's notes
    and the model answers are the trainer's own text, in Bahasa Indonesia.
    """
    from ukm_tools.documents import kit_pdf

    out = Path(out_dir) if out_dir else data.course_dir / KIT_DIR
    out.mkdir(parents=True, exist_ok=True)
    written = [
        kit_pdf.agenda_pdf(data, out / "agenda-per-menit.pdf", lang),
        kit_pdf.facilitator_pdf(data, out / "catatan-fasilitator.pdf", lang),
        kit_pdf.pendamping_pdf(data, out / "pengarahan-pendamping.pdf", lang),
        kit_pdf.answers_pdf(data, out / "jawaban-model.pdf", lang),
        kit_pdf.attendance_pdf(data, out / "daftar-hadir.pdf", lang),
        attendance_xlsx(data, out / "daftar-hadir.xlsx"),
        kit_pdf.evaluation_pdf(data, out / "formulir-evaluasi.pdf", lang),
    ]
    if data.facts is not None:
        written.append(kit_pdf.facts_pdf(data.facts, out / "perlu-dicek.pdf", lang))
    readme = out / "BACA-SAYA.txt"
    readme.write_text(T("readme", "id") + "\n" + T("readme", "en") + "\n", encoding="utf-8")
    os.chmod(out, 0o750)  # staff only, like the rest of the course folder
    return written


def attendance_xlsx(data: KitData, path: Path) -> Path:
    """The sign-in sheet as `ukm attendance import` reads it: id_peserta, nama, one column per session."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ukm_tools.io.workbooks import first_sheet

    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "daftar-hadir"
    ws.append([T("sheet_title", "id", course=data.spec.title)])
    ws.append(["id_peserta", "nama", *[sid for sid, _ in data.sessions]])
    for cell in ws[2]:
        cell.font = Font(bold=True)
    for a in data.attendees:
        ws.append([a.student_id, a.name, *["" for _ in data.sessions]])
    ws.column_dimensions["A"].width = 22
    ws.column_dimensions["B"].width = 32
    help_ws = wb.create_sheet(T("sheet_sessions", "id"))
    help_ws.append([T("col_session", "id"), T("col_title", "id")])
    for sid, title in data.sessions:
        help_ws.append([sid, title])
    wb.save(path)
    return path


__all__ = [
    "KIT_DIR",
    "ANSWERS_FILE",
    "ManualQuestion",
    "ModelAnswer",
    "KitData",
    "Attendee",
    "manual_questions",
    "case_figures",
    "model_answers",
    "gather",
    "write_kit",
    "attendance_xlsx",
]
