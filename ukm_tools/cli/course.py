"""Course commands: init, roster, release, collect, grade, feedback, status, export, formgrader.

Each command is a thin call into :mod:`ukm_tools.course`; messages for staff are in
Bahasa Indonesia (``--lang en`` for English). The course folder is ``--course``, else
``$UKM_COURSE``, else the current folder.
"""

from __future__ import annotations

import os
from pathlib import Path

import typer
from rich.table import Table

from ukm_tools.cli.base import LangOption, app, console, err_console, resolve_lang, user_errors

CourseOption = typer.Option(
    None, "--course", "-c", help="Folder kursus (bawaan: $UKM_COURSE atau folder ini). / Course folder."
)

roster_app = typer.Typer(help="Daftar peserta (Excel/CSV). / Participant roster.", no_args_is_help=True)
app.add_typer(roster_app, name="roster")


def _t(lang: str, id_text: str, en_text: str) -> str:
    return id_text if lang != "en" else en_text


def course_path(course: Path | None) -> Path:
    from ukm_tools.course.ops import check_course_dir

    return check_course_dir(course or os.environ.get("UKM_COURSE") or Path.cwd())


@app.command("init")
def init_cmd(
    folder: Path = typer.Argument(..., help="Folder kursus baru. / New course folder."),
    template: Path = typer.Option(
        None, "--template", help="Folder templat (bawaan: UKM_COURSE_TEMPLATE atau assignments/ repositori)."
    ),
    lang: str = LangOption,
) -> None:
    """Buat folder kursus baru dari templat. / Create a course folder from the template."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.config import load_course
        from ukm_tools.course.ops import init_course

        path = init_course(folder, template)
        spec = load_course(path)
    console.print(
        _t(lang, f"Kursus '{spec.title}' dibuat di {path}", f"Course '{spec.title}' created in {path}"), highlight=False
    )
    for a in spec.assignments():
        console.print(f"  • {a.name}: {a.title}", highlight=False)
    console.print(
        _t(
            lang,
            "Langkah berikut: ukm roster import peserta.xlsx --course " + str(path),
            "Next: ukm roster import roster.xlsx --course " + str(path),
        ),
        highlight=False,
    )


@roster_app.command("template")
def roster_template(
    file: Path = typer.Argument(Path("peserta.xlsx"), help="Berkas .xlsx atau .csv yang dibuat."),
    lang: str = LangOption,
) -> None:
    """Tulis lembar daftar peserta kosong dengan kolom baku. / Write an empty roster sheet."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.roster import COLUMNS, write_template

        path = write_template(file, lang)
    console.print(_t(lang, f"Templat daftar peserta: {path}", f"Roster template: {path}"), highlight=False)
    console.print(_t(lang, "Kolom: ", "Columns: ") + " | ".join(COLUMNS), highlight=False)


@roster_app.command("import")
def roster_import(
    file: Path = typer.Argument(..., help="Daftar peserta .xlsx atau .csv."),
    course: Path = CourseOption,
    skip_bad_rows: bool = typer.Option(
        False, "--skip-bad-rows", help="Impor baris yang benar saja. / Import the good rows only."
    ),
    encoding: str = typer.Option(None, "--encoding", help="Paksa encoding CSV, misalnya cp1252."),
    lang: str = LangOption,
) -> None:
    """Impor daftar peserta ke gradebook. / Import the roster into the gradebook."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.ops import db_url
        from ukm_tools.course.participants import store_participants
        from ukm_tools.course.roster import import_roster

        path = course_path(course)
        result = import_roster(file, skip_bad_rows=skip_bad_rows, encoding=encoding)
        n = store_participants(db_url(path), result.participants)
    for p in result.problems:
        err_console.print(_t(lang, "[yellow]Dilewati:[/] ", "[yellow]Skipped:[/] ") + p.message(lang), highlight=False)
    with_product = sum(1 for p in result.participants if p.has_product)
    console.print(
        _t(
            lang,
            f"{n} peserta diimpor ({with_product} dengan produk sendiri); {len(result.bad_lines)} baris dilewati.",
            f"{n} participants imported ({with_product} with their own product); {len(result.bad_lines)} rows skipped.",
        ),
        highlight=False,
    )


@app.command("release")
def release_cmd(
    assignment: str = typer.Argument(..., help="Nama tugas, misalnya harga-incoterms."),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Buat versi peserta dan rilis ke exchange. / Generate and release an assignment."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.config import load_course
        from ukm_tools.course.ops import release

        path = course_path(course)
        load_course(path).assignment(assignment)
        out = release(path, assignment)
    console.print(
        _t(lang, f"Tugas {assignment} dirilis: {out}", f"Assignment {assignment} released: {out}"), highlight=False
    )


@app.command("collect")
def collect_cmd(
    assignment: str = typer.Argument(...),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Kumpulkan jawaban peserta dari exchange. / Collect submissions from the exchange."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.ops import collect

        report = collect(course_path(course), assignment)
    for line in report.problems(lang):
        err_console.print(_t(lang, "[yellow]Peringatan:[/] ", "[yellow]Warning:[/] ") + line, highlight=False)
    console.print(
        _t(
            lang,
            f"{len(report)} jawaban terkumpul untuk {assignment}.",
            f"{len(report)} submissions collected for {assignment}.",
        ),
        highlight=False,
    )


@app.command("grade")
def grade_cmd(
    assignment: str = typer.Argument(...),
    course: Path = CourseOption,
    workers: int = typer.Option(
        None, "--workers", "-w", help="Jumlah proses (bawaan: GradingEngine.workers di nbgrader_config.py)."
    ),
    timeout: int = typer.Option(
        None, "--timeout", help="Batas waktu per sel, detik (bawaan: Execute.timeout di nbgrader_config.py)."
    ),
    force: bool = typer.Option(False, "--force", help="Nilai ulang yang sudah dinilai."),
    no_sandbox: bool = typer.Option(
        False, "--no-sandbox", help="Tanpa sandbox: notebook berjalan dengan hak staf. Hanya notebook tepercaya."
    ),
    confirm_no_sandbox: bool = typer.Option(
        False, "--confirm-no-sandbox", help="Konfirmasi --no-sandbox tanpa bertanya. / Confirm --no-sandbox."
    ),
    lang: str = LangOption,
) -> None:
    """Nilai semua jawaban secara paralel. / Grade all submissions in parallel."""
    import sys

    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.grade_run import infrastructure_error, run_grading

        path = course_path(course)
        confirmed = confirm_no_sandbox
        if no_sandbox:
            from ukm_tools.errors import UkmError

            err_console.print(f"[bold red]{UkmError('grading_unsandboxed_warning').message(lang)}[/]", highlight=False)
            if not confirmed and sys.stdin.isatty():
                confirmed = typer.confirm(_t(lang, "Tetap menilai tanpa sandbox?", "Grade without the sandbox anyway?"))
        report = run_grading(
            path,
            assignment,
            workers=workers,
            cell_timeout=timeout,
            sandbox=not no_sandbox,
            confirm_unsandboxed=confirmed,
            force=force,
        )
        problem = infrastructure_error(report)
        if problem is None or problem.code != "grading_machine_failed":
            _print_grade_report(report, lang)
        if problem is not None:
            raise problem


def _print_grade_report(report, lang: str) -> None:
    from ukm_tools.course.reports import status_label

    counts: dict[str, int] = {}
    for r in report.results:
        s = getattr(r.status, "value", str(r.status))
        counts[s] = counts.get(s, 0) + 1
    summary = ", ".join(f"{status_label(s, lang)}: {n}" for s, n in sorted(counts.items()))
    console.print(_t(lang, f"Selesai. {summary}", f"Done. {summary}"), highlight=False)
    backup = getattr(report, "backup_path", None)
    if backup:
        console.print(
            _t(lang, f"Cadangan gradebook sebelum penilaian: {backup}", f"Gradebook backup before grading: {backup}"),
            highlight=False,
        )
    stale = getattr(report, "stale_lock", None)
    if stale is not None:
        console.print(
            _t(
                lang,
                f"Kunci penilaian lama dari proses yang sudah berhenti ({stale.describe()}, sejak "
                f"{stale.since_local()} WIB) diambil alih.",
                f"Took over the grading lock of a run that had stopped ({stale.describe()}, since "
                f"{stale.since_local()} WIB).",
            ),
            highlight=False,
        )
    for r in report.results:
        if r.status.value == "attack":
            err_console.print(
                _t(
                    lang,
                    f"[bold red]Dicurigai curang:[/] {r.student}: {r.reason}",
                    f"[bold red]Attack:[/] {r.student}: {r.reason}",
                ),
                highlight=False,
            )


@app.command("feedback")
def feedback_cmd(
    assignment: str = typer.Argument(...),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Buat umpan balik HTML per peserta (tanpa tes tersembunyi). / Feedback HTML per participant."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.ops import feedback

        path = course_path(course)
        results = feedback(path, assignment)
    ok = [r for r in results if r.ok]
    for r in results:
        if not r.ok:
            err_console.print(
                _t(lang, f"Gagal untuk {r.student}: {r.error}", f"Failed for {r.student}: {r.error}"), highlight=False
            )
    console.print(
        _t(
            lang,
            f"{len(ok)} umpan balik di {path / 'feedback'} (juga dirilis ke exchange untuk diambil peserta)",
            f"{len(ok)} feedback files in {path / 'feedback'} (also released to the exchange for participants)",
        ),
        highlight=False,
    )


@app.command("status")
def status_cmd(
    assignment: str = typer.Argument(...),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Status dan nilai tiap peserta (termasuk nilai manual). / Each participant's status and score."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.reports import assignment_rows, status_label

        rows = assignment_rows(course_path(course), assignment)
    t = Table(title=f"{assignment}")
    for col in (
        _t(lang, "Peserta", "Participant"),
        _t(lang, "Nama", "Name"),
        "Status",
        _t(lang, "Alasan", "Reason"),
        _t(lang, "Nilai", "Score"),
        _t(lang, "Perlu dinilai manual", "Needs manual grading"),
    ):
        t.add_column(col)
    for r in rows:
        score = "-" if r.score is None else f"{r.score:g} / {r.max_score:g}"
        if r.provisional:
            score += f" ({r.total_note(lang)})"
        t.add_row(r.student, r.name, status_label(r.status, lang), r.reason, score, ", ".join(r.needs_manual))
    console.print(t)


@app.command("export")
def export_cmd(
    course: Path = CourseOption,
    out: Path = typer.Option(Path("ekspor-nilai"), "--out", "-o", help="Folder keluaran."),
    assignment: list[str] = typer.Option(None, "--assignment", "-a", help="Tugas tertentu (boleh diulang)."),
    include_personal: bool = typer.Option(
        False, "--include-personal", help="Sertakan email dan telepon (data pribadi, UU 27/2022)."
    ),
    sep: str = typer.Option(";", "--sep", help="Pemisah CSV (bawaan ';' untuk Excel Indonesia)."),
    lang: str = LangOption,
) -> None:
    """Ekspor nilai ke CSV dan Excel, satu kolom per soal. / Export scores to CSV and Excel."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.reports import export

        written = export(
            course_path(course), out, assignment or None, lang=lang, include_personal=include_personal, sep=sep
        )
    for key, path in written.items():
        console.print(f"  {key}: {path}", highlight=False)
    if not include_personal:
        console.print(
            _t(
                lang,
                "Email dan telepon tidak disertakan (UU 27/2022); pakai --include-personal bila perlu.",
                "E-mail and phone left out (UU 27/2022); use --include-personal if needed.",
            ),
            highlight=False,
        )


@app.command("formgrader")
def formgrader_cmd(
    course: Path = CourseOption,
    port: int = typer.Option(8642, "--port"),
    lang: str = LangOption,
) -> None:
    """Buka formgrader nbgrader di 127.0.0.1 untuk menilai sel manual. / Start nbgrader's formgrader."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.formgrader import formgrader_command
        from ukm_tools.course.ops import db_url

        path = course_path(course)
        db_url(path)  # a missing gradebook is an error here too, never silently re-created
        argv, url = formgrader_command(path, port)
    console.print(
        _t(lang, f"Formgrader: {url}  (hentikan dengan Ctrl+C)", f"Formgrader: {url}  (stop with Ctrl+C)"),
        highlight=False,
    )
    os.chdir(path)
    os.execvp(argv[0], argv)


@roster_app.command("params")
def roster_params(
    out: Path = typer.Argument(..., help="Folder untuk berkas parameter per peserta (<id>.json)."),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Tulis parameter latihan pribadi per peserta untuk hub. / Per-participant exercise parameters for a hub.

    On a hub, point each participant's server at theirs with
    ``UKM_PARAMS_FILE=/srv/ukm-params/{username}.json`` so their notebook shows their own
    product. Grading never reads these files.
    """
    lang = resolve_lang(lang)
    with user_errors(lang):
        import json

        from ukm_tools.course.ops import db_url
        from ukm_tools.course.participants import load_participants
        from ukm_tools.exercises.params import params_document, product_for

        people = load_participants(db_url(course_path(course)))
        out.mkdir(parents=True, exist_ok=True)
        for sid, p in sorted(people.items()):
            (out / f"{sid}.json").write_text(
                json.dumps(params_document(sid, product_for(sid, p)), ensure_ascii=False), encoding="utf-8"
            )
    console.print(
        _t(lang, f"{len(people)} berkas parameter di {out}", f"{len(people)} parameter files in {out}"), highlight=False
    )
