"""Completion commands: report, progress, override, attendance import/template.

Thin calls into :mod:`ukm_tools.course` (completion, overrides, attendance, workshop_report);
Bahasa Indonesia by default, ``--lang en`` for English.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.table import Table

from ukm_tools.cli.base import LangOption, app, console, err_console, resolve_lang, user_errors
from ukm_tools.cli.course import CourseOption, _t, course_path

attendance_app = typer.Typer(help="Kehadiran per sesi (daftar hadir). / Attendance per session.", no_args_is_help=True)
app.add_typer(attendance_app, name="attendance")


def _num(text: str, lang: str) -> str:
    """A decimal number written the reader's way (Indonesian: comma)."""
    return text.replace(".", ",") if lang != "en" else text


@app.command("report")
def report_cmd(
    course: Path = CourseOption,
    out: Path = typer.Option(Path("laporan"), "--out", "-o", help="Folder keluaran. / Output folder."),
    include_personal: bool = typer.Option(
        False, "--include-personal", help="Sertakan email dan telepon (data pribadi, UU 27/2022)."
    ),
    lang: str = LangOption,
) -> None:
    """Laporan kelulusan, hasil belajar dan analisis soal (Excel + dasbor HTML). / Completion report."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.workshop_report import write_report

        written = write_report(course_path(course), out, include_personal=include_personal)
    console.print(_t(lang, f"Laporan Excel: {written['xlsx']}", f"Excel report: {written['xlsx']}"), highlight=False)
    console.print(
        _t(
            lang,
            f"Dasbor (buka di peramban, juga tanpa internet): {written['html']}",
            f"Dashboard (open in a browser, works offline): {written['html']}",
        ),
        highlight=False,
    )
    if not include_personal:
        console.print(
            _t(
                lang,
                "Email dan telepon tidak disertakan (UU 27/2022); pakai --include-personal bila perlu.",
                "E-mail and phone left out (UU 27/2022); use --include-personal if needed.",
            ),
            highlight=False,
        )


@app.command("progress")
def progress_cmd(
    participant: str = typer.Argument(..., help="Id peserta, misalnya siti-aminah."),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Keadaan satu peserta per modul dan apa yang masih kurang. / One participant's progress."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.completion import evaluate, progress, state_label
        from ukm_tools.course.course_data import load_course_data
        from ukm_tools.course.learning_gain import MASTERED, learning_gain

        data = load_course_data(course_path(course))
        result = evaluate(data)
        p = progress(data, result, participant.strip().lower(), lang)
        gain = learning_gain(data)
    console.print(
        f"[bold]{p.name} ({p.student})[/] — "
        + _t(lang, "kursus: ", "course: ")
        + f"[bold]{state_label(p.state, lang)}[/]",
        highlight=False,
    )
    t = Table(show_lines=False)
    for col in (
        _t(lang, "Modul/tes", "Module/test"),
        _t(lang, "Keadaan", "State"),
        _t(lang, "Nilai", "Score"),
        _t(lang, "Batas", "Pass mark"),
        _t(lang, "Yang masih kurang", "Still missing"),
    ):
        t.add_column(col, overflow="fold")
    for u in p.units:
        score = "-" if u.pct is None else _num(f"{u.pct:.1f}", lang) + "%"
        if u.condition.counts:
            t.add_row(
                u.condition.unit,
                state_label(u.state, lang),
                score,
                f"{u.condition.pass_pct:g}%",
                "\n".join(n.message(lang) for n in u.notes),
            )
        else:  # a test the rules do not count: its score only
            t.add_row(u.condition.unit + _t(lang, " (tidak dihitung)", " (not counted)"), "-", score, "-", "")
    console.print(t)
    need = _t(lang, f" (minimal {p.min_sessions})", f" (at least {p.min_sessions})") if p.min_sessions else ""
    console.print(
        _t(lang, f"Kehadiran: {p.attended} sesi", f"Attendance: {p.attended} sessions") + need, highlight=False
    )
    for n in p.attendance_notes:
        console.print("  " + n.message(lang), highlight=False)
    if gain is not None:
        row = gain.participants.loc[p.student]
        pre = "-" if row["pre"] != row["pre"] else f"{row['pre']:.0f}%"
        post = "-" if row["post"] != row["post"] else f"{row['post']:.0f}%"
        g = row["gain"]
        g_text = (
            _t(lang, "sudah menguasai", "already mastered")
            if g == MASTERED
            else "-"
            if g is None
            else _num(f"{g:.2f}", lang)
        )
        console.print(
            _t(
                lang,
                f"Tes awal {pre}, tes akhir {post}, gain g: {g_text}",
                f"Pre-test {pre}, post-test {post}, gain g: {g_text}",
            ),
            highlight=False,
        )


@app.command("override")
def override_cmd(
    participant: str = typer.Argument(..., help="Id peserta."),
    module: str = typer.Argument(..., help="Id modul (misalnya m3-harga) atau nama tes."),
    status: str = typer.Option(None, "--status", help="selesai (completed) atau belum (not_yet)."),
    why: str = typer.Option(..., "--why", help="Alasan koreksi (dicatat di log audit)."),
    by: str = typer.Option(..., "--by", help="Nama staf yang mengoreksi."),
    withdraw: bool = typer.Option(False, "--withdraw", help="Tarik koreksi yang berlaku (tetap tercatat)."),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Koreksi hasil satu peserta untuk satu modul, tercatat di log audit. / Override a result (audited)."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.completion import state_label
        from ukm_tools.course.config import load_course
        from ukm_tools.course.ops import db_url
        from ukm_tools.course.overrides import set_override, withdraw_override

        path = course_path(course)
        spec = load_course(path)
        sid = participant.strip().lower()
        if withdraw:
            entry = withdraw_override(db_url(path), spec, sid, module, why=why, by=by)
            text = _t(lang, f"Koreksi {sid} / {module} ditarik", f"Override of {sid} / {module} withdrawn")
        else:
            ov = set_override(db_url(path), spec, sid, module, status or "", why=why, by=by)
            entry = ov.entry
            text = _t(
                lang,
                f"{sid} / {module}: {state_label(ov.status, lang)} (dikoreksi)",
                f"{sid} / {module}: {state_label(ov.status, lang)} (overridden)",
            )
    console.print(f"{text} — {entry.by}, {entry.at:%d-%m-%Y %H:%M} WIB (log #{entry.id})", highlight=False)


@attendance_app.command("import")
def attendance_import(
    file: Path = typer.Argument(..., help="Daftar hadir .xlsx atau .csv."),
    session: str = typer.Option(None, "--session", help="Sesi dari course.yml bila berkas ini daftar hadir satu sesi."),
    skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows", help="Impor baris yang benar saja."),
    encoding: str = typer.Option(None, "--encoding", help="Paksa encoding CSV, misalnya cp1252."),
    by: str = typer.Option(None, "--by", help="Nama staf (bawaan: pengguna sistem)."),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Impor kehadiran per sesi; nama yang tidak ada di daftar peserta dilaporkan. / Import attendance."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.attendance import import_attendance

        sheet = import_attendance(
            course_path(course), file, session=session, skip_bad_rows=skip_bad_rows, encoding=encoding, by=by
        )
    for p in sheet.errors:
        err_console.print(_t(lang, "[yellow]Dilewati:[/] ", "[yellow]Skipped:[/] ") + p.message(lang), highlight=False)
    for p in sheet.notices:
        err_console.print(
            _t(lang, "[yellow]Tidak diimpor:[/] ", "[yellow]Not imported:[/] ") + p.message(lang), highlight=False
        )
    present = sum(1 for v in sheet.marks.values() if v)
    console.print(
        _t(
            lang,
            f"Sesi {', '.join(sheet.sessions)}: {present} hadir, {len(sheet.marks) - present} tidak hadir dicatat.",
            f"Session {', '.join(sheet.sessions)}: {present} present, {len(sheet.marks) - present} absent recorded.",
        ),
        highlight=False,
    )


@attendance_app.command("template")
def attendance_template(
    file: Path = typer.Argument(Path("daftar-hadir.xlsx"), help="Berkas .xlsx atau .csv yang dibuat."),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Lembar daftar hadir berisi peserta dan satu kolom per sesi. / A sign-in sheet for the course."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.attendance import roster_names, write_template
        from ukm_tools.course.config import load_course
        from ukm_tools.course.ops import db_url

        path = course_path(course)
        spec = load_course(path)
        out = write_template(file, [s.id for s in spec.sessions], roster_names(db_url(path)))
    console.print(_t(lang, f"Daftar hadir: {out}", f"Sign-in sheet: {out}"), highlight=False)
