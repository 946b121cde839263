"""The whole workshop cycle on the embedded default, for `ukm demo` / `make demo`.

Demo roster (30 invented participants, package data) -> course from the template -> the
pre-test -> per assignment: generate and release -> simulated submissions through nbgrader's
exchange (right, partly wrong, and a few broken ones) -> collect -> grade (the engine) ->
feedback -> the post-test -> export -> attendance from a sign-in sheet -> one staff override ->
the completion report (Excel) and dashboard (HTML).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat

from ukm_tools.course import ops
from ukm_tools.errors import UkmError
from ukm_tools.io.workbooks import first_sheet

MARKER = ".ukm-demo"
DEFAULT_ASSIGNMENTS = ("ekatalog", "syarat-ekspor", "harga-incoterms", "pembayaran", "pembiayaan")
_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def demo_roster_path() -> Path:
    return Path(str(resources.files("ukm_tools.data") / "demo" / "peserta-demo.csv"))


def _kind(student: str, index: int) -> str:
    """Which simulated submission a participant hands in (deterministic)."""
    broken = {
        3: "corrupt-json",
        7: "infinite-loop",
        11: "deleted-test-cell",
        17: "wrong-notebook-name",
        23: "not-submitted",
    }
    if index in broken:
        return broken[index]
    return "partly-wrong" if int(hashlib.sha256(student.encode()).hexdigest(), 16) % 4 == 0 else "passes-all"


def _solutions(course: Path, assignment: str) -> dict[str, str]:
    nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            m = _SOLUTION.search(cell.source)
            if m:
                out[meta["grade_id"]] = m.group(1).rstrip()
    return out


def simulated_notebook(course: Path, assignment: str, kind: str):
    """The released notebook filled in the way a participant of ``kind`` would."""
    nb = nbformat.read(ops.released_notebook(course, assignment), as_version=4)
    sols = _solutions(course, assignment)
    first_wrong = True
    for cell in list(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if gid in sols:
            cell.source = sols[gid]
            if kind == "partly-wrong" and first_wrong and "=" in sols[gid]:
                # the last assignment in the cell gets a wrong literal
                var = sols[gid].splitlines()[-1].split("=")[0].strip()
                cell.source = sols[gid] + f'\n{var} = "x" if isinstance({var}, str) else 1'
                first_wrong = False
        elif meta.get("solution") and cell.cell_type == "markdown":
            cell.source = (
                "Saya akan mulai dengan pembeli di Malaysia dan menawarkan harga FOB Belawan dulu, "
                "karena risiko berpindah saat barang di atas kapal."
            )
        if kind == "deleted-test-cell" and meta.get("grade") and not meta.get("solution"):
            nb.cells.remove(cell)
    if kind == "infinite-loop":
        nb.cells.insert(2, nbformat.v4.new_code_cell("while True:\n    pass"))
    return nb


def test_notebook(course: Path, test: str, student: str, right_share: float, weak_topic: str | None = None):
    """The released test notebook answered by a participant who knows ``right_share`` of it.

    Which answers are right is seeded from the id (the demo plays every participant; real
    answers come from people). ``weak_topic`` is a topic the day did not get across.
    """
    from ukm_tools.course.answer_keys import load_key

    key = load_key(course, test)
    nb = nbformat.read(ops.released_notebook(course, test), as_version=4)
    variables = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("grade") and meta.get("grade_id") in key.questions:
            variables[meta["grade_id"]] = cell.source.split("(", 1)[1].split(",", 1)[0].strip()
    answers = {}
    for q, entry in key.questions.items():
        roll = int(hashlib.sha256(f"{student}/{test}/{q}".encode()).hexdigest(), 16) % 100 / 100
        share = right_share / 3 if entry.topic == weak_topic else right_share
        wrong = next(o for o in entry.options if o != entry.answer)
        answers[variables[q]] = entry.answer if roll < share else wrong
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("solution") and cell.cell_type == "code":
            var = cell.source.split("=", 1)[0].strip()
            if var in answers:
                cell.source = f'{var} = "{answers[var]}"'
    return nb


def write_sign_in_sheet(path: Path, participants, sessions: list[str]) -> Path:
    """The day's sign-in sheet as staff type it up: a few absences, and a guest not on the roster."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "kehadiran"
    ws.append(["DAFTAR HADIR PELATIHAN EKSPOR (DEMO)"])
    ws.append(["id_peserta", "nama", *sessions])
    for i, p in enumerate(participants):
        marks = [
            "tidak" if (i in (9, 26) and s == sessions[0]) or (i in (9, 14, 26, 29) and s == sessions[-1]) else "ya"
            for s in sessions
        ]
        ws.append([p.student_id, p.name, *marks])
    ws.append(["", "Tamu dari Dinas Perdagangan Provinsi", *["ya"] * len(sessions)])
    wb.save(path)
    return path


@dataclass
class DemoResult:
    out: Path
    course: Path
    roster: Path
    submissions: dict[str, dict[str, str]] = field(default_factory=dict)
    reports: dict[str, Any] = field(default_factory=dict)  # assignment -> its GradingReport
    feedback_dirs: dict[str, Path] = field(default_factory=dict)
    exports: dict[str, Path] = field(default_factory=dict)
    report: dict[str, Path] = field(default_factory=dict)
    sign_in: Path | None = None
    certificates: list[Path] = field(default_factory=list)


def prepare_out(out: Path) -> Path:
    out = Path(out).resolve()
    if out.exists():
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise UkmError("demo_out_not_ours", "out", str(out))
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by ukm demo; safe to delete\n", encoding="utf-8")
    return out


def run_demo(
    out: Path,
    assignments: tuple[str, ...] = DEFAULT_ASSIGNMENTS,
    *,
    cell_timeout: int = 5,
    workers: int | None = None,
    sandbox: bool = True,
    say: Callable[[str], None] = print,
    plain_progress: bool = False,
    roster_file: Path | None = None,
    tests: bool = True,
) -> DemoResult:
    from ukm_tools.course.config import load_course
    from ukm_tools.course.grade_run import run_grading
    from ukm_tools.course.participants import store_participants
    from ukm_tools.course.reports import export
    from ukm_tools.course.roster import import_roster
    from ukm_tools.course.workshop_report import write_report

    out = prepare_out(out)
    if sandbox:
        from ukm_tools.course.grading.sandbox import sandbox_available

        if not sandbox_available():
            # The demo grades only its own simulated notebooks; staff grading keeps the sandbox on.
            say("Catatan: bubblewrap tidak terpasang (make system-deps); demo menilai tanpa sandbox.")
            sandbox = False
    if not sandbox:
        say("Demo menilai TANPA sandbox: hanya notebook simulasi demo sendiri, tidak pernah notebook peserta.")
    course = ops.init_course(out / "kursus")
    roster = out / "peserta-demo.csv"
    shutil.copy2(roster_file or demo_roster_path(), roster)
    participants = import_roster(roster).participants
    store_participants(ops.db_url(course), participants)
    say(f"1. Kursus dibuat: {course}; {len(participants)} peserta demo diimpor dari {roster}")
    result = DemoResult(out, course, roster)
    work = out / "peserta-laptop"
    spec = load_course(course)
    # Unsandboxed only for the demo's own simulated notebooks (said above); staff grading never is.
    grade_kwargs: dict[str, Any] = dict(
        workers=workers,
        cell_timeout=cell_timeout,
        sandbox=sandbox,
        confirm_unsandboxed=not sandbox,
        plain=plain_progress,
    )
    if tests and spec.tests:
        _run_test(course, spec.tests.pre.name, participants, work, (0.35, None, (5, 21)), say, result, grade_kwargs)
    for assignment in assignments:
        ops.release(course, assignment)
        say(f"2. [{assignment}] dirilis ke exchange: {ops.load_config(course).Exchange.root}")
        kinds: dict[str, str] = {}
        for i, p in enumerate(participants):
            kind = _kind(p.student_id, i)
            kinds[p.student_id] = kind
            if kind == "not-submitted":
                continue
            target = work / p.student_id / ops.load_config(course).CourseDirectory.course_id / assignment
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            name = f"{assignment}.ipynb" if kind != "wrong-notebook-name" else f"{assignment} (1).ipynb"
            if kind == "corrupt-json":
                (target / name).write_text('{"cells": [ {"cell_type": "code", "source": "harga', encoding="utf-8")
            else:
                nbformat.write(simulated_notebook(course, assignment, kind), target / name)
            ops.submit_as(course, assignment, p.student_id, work / p.student_id)
        result.submissions[assignment] = kinds
        collected = ops.collect(course, assignment)
        say(f"3. [{assignment}] {len(collected)} jawaban dikumpulkan ke {course / 'submitted'}")
        report = run_grading(course, assignment, **grade_kwargs)
        result.reports[assignment] = report
        counts = ", ".join(
            f"{getattr(k, 'value', k)}: {v}" for k, v in sorted(report.counts().items(), key=lambda kv: str(kv[0]))
        )
        say(
            f"4. [{assignment}] dinilai dalam {report.elapsed_s:.1f} s ({counts}); cadangan gradebook: "
            f"{report.backup_path}"
        )
        fb = ops.feedback(course, assignment)
        result.feedback_dirs[assignment] = course / "feedback"
        say(
            f"5. [{assignment}] {sum(r.ok for r in fb)} umpan balik HTML (tanpa tes tersembunyi) di "
            f"{course / 'feedback'}"
        )
    if tests and spec.tests:
        post = (0.8, "asuransi", (12, 23, 28))  # cargo insurance did not land; three left early
        _run_test(course, spec.tests.post.name, participants, work, post, say, result, grade_kwargs)
    result.exports = export(course, out / "ekspor-nilai", list(assignments))
    say(f"6. Ekspor nilai (tanpa telepon/email): {out / 'ekspor-nilai'}")
    _attendance_and_override(course, spec, participants, out, result, say)
    result.report = write_report(course, out / "laporan")
    say(f"8. Laporan kelulusan dan hasil belajar: {result.report['xlsx']}")
    say(f"   Dasbor (buka di peramban, tanpa internet): {result.report['html']}")
    _certificates(course, out, result, say)
    return result


def _certificates(course: Path, out: Path, result: DemoResult, say: Callable[[str], None]) -> None:
    """The demo cohort's signed certificates and the verification page, from the completion above."""
    import datetime as dt
    import os

    from ukm_tools.course.audit import JAKARTA
    from ukm_tools.course.cert_keys import create_keys
    from ukm_tools.course.certificates import PAGE_FILE, issue_certificates
    from ukm_tools.messages import section

    # The demo's private key beside the demo course, never in it (nor in the staff's own keys folder).
    before = os.environ.get("UKM_KEYS_DIR")
    os.environ["UKM_KEYS_DIR"] = str(out / "kunci-rahasia")
    try:
        today = dt.datetime.now(JAKARTA).date()
        create_keys(course, today)
        issued = issue_certificates(course, today)
    finally:
        if before is None:
            del os.environ["UKM_KEYS_DIR"]
        else:
            os.environ["UKM_KEYS_DIR"] = before
    result.certificates = [c.pdf for c in issued]
    folder = issued[0].pdf.parent if issued else course / "sertifikat" / "pdf"
    T = section("course.certificates")
    say(T("demo_certificates", "id", count=len(issued), folder=folder, page=course / PAGE_FILE))


def _run_test(course, test, participants, work, how, say, result, grade_kwargs) -> None:
    """Release a test, let the roster answer it (``how``: share right, weak topic, who is away), grade it."""
    from ukm_tools.course.grade_run import run_grading

    right_share, weak_topic, away = how
    ops.release(course, test)
    cfg = ops.load_config(course)
    taken = 0
    for i, p in enumerate(participants):
        if i in away:
            continue
        target = work / p.student_id / cfg.CourseDirectory.course_id / test
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        nbformat.write(test_notebook(course, test, p.student_id, right_share, weak_topic), target / f"{test}.ipynb")
        ops.submit_as(course, test, p.student_id, work / p.student_id)
        taken += 1
    ops.collect(course, test)
    report = run_grading(course, test, **grade_kwargs)
    result.reports[test] = report
    say(
        f"T. [{test}] {taken} peserta mengerjakan tes; dinilai dalam {report.elapsed_s:.1f} s "
        "(kunci jawaban di luar kernel)"
    )


def _attendance_and_override(course, spec, participants, out, result, say) -> None:
    from ukm_tools.course.attendance import import_attendance
    from ukm_tools.course.overrides import set_override

    if spec.sessions:
        result.sign_in = write_sign_in_sheet(out / "daftar-hadir.xlsx", participants, [s.id for s in spec.sessions])
        sheet = import_attendance(course, result.sign_in, by="Staf Dinas (demo)")
        say(
            f"7. Kehadiran dari {result.sign_in}: {sum(sheet.marks.values())} tanda hadir; "
            f"{len(sheet.notices)} baris bukan peserta dilaporkan, tidak ditambahkan"
        )
    harga = next((m.id for m in spec.modules if any(a.name == "harga-incoterms" for a in m.assignments)), None)
    renamed = [
        sid for sid, kind in result.submissions.get("harga-incoterms", {}).items() if kind == "wrong-notebook-name"
    ]
    if harga and renamed:
        set_override(
            ops.db_url(course),
            spec,
            renamed[0],
            harga,
            "selesai",
            why="Notebook terkumpul dengan nama salah; pelatih memeriksa isinya langsung: semua jawaban benar.",
            by="Pelatih (demo)",
        )
        say(f"   Koreksi staf tercatat di log audit: {renamed[0]} / {harga} -> selesai")
