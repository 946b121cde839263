"""Per-participant status and scores from the gradebook, and CSV/Excel exports.

Scores are nbgrader's own (manual scores from the formgrader included: nbgrader's
``Grade.score`` is the manual score when a grader gave one, else the autograder's).
A manually graded cell nobody has graded yet has neither score; nbgrader counts it as 0,
we show it empty and call the total *provisional* ("sementara"), saying how many points
are still to be graded. A provisional total is a lower bound: pass/fail in the summary
says "ya" only when it already passes and "menunggu nilai manual" when the pending
points could still make it pass.
The grading engine's status table says *why* a submission has no score, so a broken
notebook is listed with its reason instead of a plain 0.

Personal data (UU 27/2022 on personal data protection): exports carry the participant id
and name only; e-mail and phone are added only when the caller asks for them.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import nbformat

from ukm_tools.course import ops
from ukm_tools.course.participants import load_participants
from ukm_tools.messages import section

T = section("course.reports")

# Statuses under which nbgrader produced a score worth showing.
SCORED = {"graded", "timeout"}
#: A participant of the gradebook with no submission of the assignment.
NOT_SUBMITTED = "not_submitted"


def status_label(status: str, lang: str = "id") -> str:
    """A submission status in words (the status itself when the catalogue has no words for it)."""
    try:
        return T(f"status_{status}", lang)
    except KeyError:
        return status


@dataclass
class Row:
    student: str
    name: str
    status: str
    reason: str = ""
    score: float | None = None
    max_score: float = 0.0
    questions: dict[str, float | None] = field(default_factory=dict)
    needs_manual: list[str] = field(default_factory=list)
    ungraded_manual: list[str] = field(default_factory=list)  # manual cells with no score yet
    pending_points: float = 0.0  # their points: the total can still grow by this much
    email: str = ""
    phone: str = ""

    @property
    def provisional(self) -> bool:
        """True while manual cells await a grader: ``score`` is then a lower bound."""
        return bool(self.ungraded_manual)

    def total_note(self, lang: str = "id") -> str:
        if not self.provisional:
            return ""
        pts = _fmt(self.pending_points)
        return T("provisional", lang, points=pts)


def question_order(course_dir: Path, assignment: str) -> list[tuple[str, float]]:
    """Grade cells (grade_id, points) in notebook order, from the source notebooks."""
    out: list[tuple[str, float]] = []
    src = Path(course_dir) / "source" / assignment
    for path in sorted(src.glob("*.ipynb")):
        nb = nbformat.read(path, as_version=4)
        for cell in nb.cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                out.append((meta["grade_id"], float(meta.get("points", 0))))
    return out


def _engine_statuses(db_url: str, assignment: str) -> dict[str, Any]:
    try:
        from ukm_tools.course.grading import StatusStore
    except ImportError:  # the engine is optional for reading the gradebook
        return {}
    try:
        return {s.student: s for s in StatusStore(db_url).all(assignment)}
    except Exception:  # no status table yet: nothing was graded by the engine
        return {}


def assignment_rows(course_dir: str | Path, assignment: str) -> list[Row]:
    """One row per participant of the gradebook for ``assignment``."""
    from nbgrader.api import Gradebook, MissingEntry

    course_dir = ops.check_course_dir(course_dir)
    url = ops.db_url(course_dir)
    order = question_order(course_dir, assignment)
    engine = _engine_statuses(url, assignment)
    people = load_participants(url)
    submitted_dir = course_dir / "submitted"
    rows: list[Row] = []
    with Gradebook(url) as gb:
        for student in gb.students:
            extra = people.get(student.id)
            row = Row(
                student=student.id,
                name=(extra.name if extra else None)
                or " ".join(x for x in (student.first_name, student.last_name) if x),
                status=NOT_SUBMITTED,
                max_score=sum(p for _, p in order),
                questions={q: None for q, _ in order},
                email=(extra.email if extra else "") or (student.email or ""),
                phone=extra.phone if extra else "",
            )
            try:
                sub = gb.find_submission(assignment, student.id)
            except MissingEntry:
                sub = None
            st = engine.get(student.id)
            if st is not None:
                row.status = getattr(st.status, "value", str(st.status))
                row.reason = st.reason or ""
            elif sub is not None and (course_dir / "autograded" / student.id / assignment).is_dir():
                row.status = "graded"  # graded by plain nbgrader (no engine status recorded)
            elif (submitted_dir / student.id / assignment).is_dir() or sub is not None:
                row.status = "submitted"
            # nbgrader's score is shown when it means something: a clean grade, a timeout
            # (later cells still ran), or whatever the engine itself scored (e.g. restored test cells).
            scored = row.status in SCORED or (st is not None and getattr(st, "score", None) is not None)
            if sub is not None and scored:
                row.score = float(sub.score)
                row.max_score = float(sub.max_score) or row.max_score
                points = dict(order)
                for nb in sub.notebooks:
                    for g in nb.grades:
                        if g.manual_score is None and g.auto_score is None:
                            # Not graded yet (nbgrader would count 0): empty, and the total is provisional.
                            row.questions[g.name] = None
                            row.ungraded_manual.append(g.name)
                            row.pending_points += points.get(g.name, 0.0)
                        else:
                            row.questions[g.name] = None if g.score is None else float(g.score)
                        if g.needs_manual_grade:
                            row.needs_manual.append(g.name)
            rows.append(row)
    rows.sort(key=lambda r: r.student)
    return rows


def _fmt(v: float | None) -> Any:
    if v is None:
        return ""
    d = Decimal(str(v)).normalize()
    return int(d) if d == d.to_integral_value() else float(d)


def table(
    course_dir: Path, assignment: str, rows: list[Row], lang: str = "id", include_personal: bool = False
) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of an export: one column per question, plus status and reason."""
    questions = [q for q, _ in question_order(course_dir, assignment)]
    header = ["id_peserta", "nama"]
    if include_personal:
        header += ["email", "telepon"]
    header += ["status", T("col_reason", lang)]
    header += [T("col_question", lang, question=q, points=p) for q, p in question_order(course_dir, assignment)]
    header += ["total", T("col_max", lang), T("col_total_note", lang), T("col_needs_manual", lang)]
    body = []
    for r in rows:
        line: list[Any] = [r.student, r.name]
        if include_personal:
            line += [r.email, r.phone]
        line += [status_label(r.status, lang), r.reason]
        line += [_fmt(r.questions.get(q)) for q in questions]
        line += [_fmt(r.score), _fmt(r.max_score), r.total_note(lang), ", ".join(r.needs_manual)]
        body.append(line)
    return header, body


def _pct(r: Row | None) -> float | None:
    return r.score / r.max_score * 100 if r is not None and r.score is not None and r.max_score else None


def course_result(
    rows: dict[str, Row], names: list[str], weights: dict[str, float], pass_rule: Any
) -> tuple[dict[str, float | None], float | None, str]:
    """One participant's percentage per assignment, weighted final percentage and verdict.

    Verdict: ``check`` (and no final) when a submission exists but has no score — corrupt,
    missing notebook, kernel died, not graded yet: a broken submission is never a 0;
    ``passed`` when the (possibly provisional) final already reaches the pass mark —
    pending manual points can only add; ``waiting`` when it does not yet but would with
    the pending manual points in full; else ``failed``.
    """
    if any(r.score is None and r.status != NOT_SUBMITTED for n in names if (r := rows.get(n)) is not None):
        return {n: _pct(rows.get(n)) for n in names}, None, "check"
    pcts: dict[str, float | None] = {}
    best: dict[str, float | None] = {}
    for n in names:
        r = rows.get(n)
        pcts[n] = _pct(r)
        # _pct is a number only for a row with a score and a maximum
        best[n] = (
            (r.score + r.pending_points) / r.max_score * 100
            if r is not None and r.score is not None and pcts[n] is not None
            else None
        )
    total_w = sum(weights[n] for n in names) or 1
    final = sum((pcts[n] or 0) * weights[n] for n in names) / total_w
    final_best = sum((best[n] or 0) * weights[n] for n in names) / total_w
    enough = all(pcts[n] is not None for n in names) or not pass_rule.require_all_assignments
    if enough and final >= pass_rule.min_score_pct:
        return pcts, final, "passed"
    if enough and final_best >= pass_rule.min_score_pct:
        return pcts, final, "waiting"
    return pcts, final, "failed"


def export(
    course_dir: str | Path,
    out_dir: str | Path,
    assignments: list[str] | None = None,
    *,
    lang: str = "id",
    include_personal: bool = False,
    sep: str = ";",
) -> dict[str, Path]:
    """``nilai-<assignment>.csv`` per assignment and one ``nilai.xlsx`` (a sheet each + summary)."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    from ukm_tools.course.config import load_course
    from ukm_tools.io.cells import append_row, csv_row
    from ukm_tools.io.workbooks import first_sheet

    course_dir = ops.check_course_dir(course_dir)
    spec = load_course(course_dir)
    names = assignments or [a.name for a in spec.assignments()]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: dict[str, Path] = {}
    wb = Workbook()
    summary = first_sheet(wb)
    summary.title = T("sheet_summary", lang)
    per_student: dict[str, dict[str, Row]] = {}
    for name in names:
        rows = assignment_rows(course_dir, name)
        header, body = table(course_dir, name, rows, lang, include_personal)
        path = out_dir / f"nilai-{name}.csv"
        # BOM + semicolons: Indonesian-locale Excel opens it in columns, in UTF-8.
        with path.open("w", encoding="utf-8-sig", newline="") as f:
            w = csv.writer(f, delimiter=sep)
            w.writerow(csv_row(header))
            w.writerows(csv_row(line) for line in body)  # a name like =HYPERLINK(...) stays text
        written[f"csv:{name}"] = path
        ws = wb.create_sheet(name[:31])
        append_row(ws, header)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for line in body:
            append_row(ws, line)
        for r in rows:
            per_student.setdefault(r.student, {})[name] = r
    # Summary: weighted percentage over the course's assignments, and pass/fail by course.yml.
    weights = {a.name: a.weight for a in spec.assignments() if a.name in names}
    graded = [n for n in names if n in weights]  # the pre/post tests are not part of the final mark
    head = ["id_peserta", "nama"] + [f"{n} (%)" for n in names] + [T("col_final", lang), T("col_passed", lang)]
    append_row(summary, head)
    for cell in summary[1]:
        cell.font = Font(bold=True)
    for sid in sorted(per_student):
        results = per_student[sid]
        pcts, final, verdict = course_result(results, graded, weights, spec.pass_rule) if graded else ({}, None, None)
        pcts = {**{n: _pct(results.get(n)) for n in names}, **pcts}
        name = next(iter(results.values())).name
        append_row(
            summary,
            [sid, name]
            + [None if (pct := pcts[n]) is None else round(pct, 1) for n in names]
            + [None if final is None else round(final, 1), T(f"verdict_{verdict}", lang) if verdict else ""],
        )
    xlsx = out_dir / "nilai.xlsx"
    wb.save(xlsx)
    written["xlsx"] = xlsx
    return written
