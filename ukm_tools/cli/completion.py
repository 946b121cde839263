"""Completion commands: report, progress, override, attendance import/template.

Thin calls into :mod:`ukm_tools.course` (completion, overrides, attendance, workshop_report);
Bahasa Indonesia by default, ``--lang en`` for English. Texts: ``messages/cli/completion.yaml``.
"""

from __future__ import annotations

from pathlib import Path

import typer
from rich.markup import escape
from rich.table import Table

from ukm_tools.cli.base import LangOption, app, console, err_console, user_errors
from ukm_tools.cli.course import CourseOption, course_path
from ukm_tools.messages import section

T = section("cli.completion", "cli.course", "cli.base")

attendance_app = typer.Typer(help=T.both("help_attendance"), no_args_is_help=True)
app.add_typer(attendance_app, name="attendance")


def _num(text: str, lang: str) -> str:
    """A decimal number written the reader's way (Indonesian: comma)."""
    return text.replace(".", ",") if lang != "en" else text


def say(key: str, lang: str, **params: object) -> None:
    """One line of this module's catalogue on stdout."""
    console.print(T(key, lang, **params), highlight=False)


@app.command("report", help=T.both("help_report"))
def report_cmd(
    course: Path = CourseOption,
    out: Path = typer.Option(Path("laporan"), "--out", "-o", help=T.both("help_report_out")),
    include_personal: bool = typer.Option(False, "--include-personal", help=T.both("help_include_personal")),
    lang: str = LangOption,
) -> None:
    """Completion, learning gain and item analysis report (Excel + HTML dashboard)."""
    with user_errors(lang) as lang:
        from ukm_tools.course.workshop_report import write_report

        written = write_report(course_path(course), out, include_personal=include_personal)
    say("report_xlsx", lang, path=written["xlsx"])
    say("report_html", lang, path=written["html"])
    if not include_personal:
        say("report_no_personal", lang)


@app.command("progress", help=T.both("help_progress"))
def progress_cmd(
    participant: str = typer.Argument(..., help=T.both("help_participant")),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """One participant's state per module and what is still missing."""
    with user_errors(lang) as lang:
        from ukm_tools.course.completion import evaluate, progress, state_label
        from ukm_tools.course.course_data import load_course_data
        from ukm_tools.course.learning_gain import MASTERED, learning_gain

        data = load_course_data(course_path(course))
        result = evaluate(data)
        p = progress(data, result, participant.strip().lower(), lang)
        gain = learning_gain(data)
    console.print(
        f"[bold]{escape(p.name)} ({escape(p.student)})[/] — {T('progress_course', lang)}: "
        f"[bold]{state_label(p.state, lang)}[/]",
        highlight=False,
    )
    t = Table(show_lines=False)
    for col in ("col_unit", "col_state", "col_score", "col_pass_mark", "col_missing"):
        t.add_column(T(col, lang), overflow="fold")
    for u in p.units:
        score = "-" if u.pct is None else _num(f"{u.pct:.1f}", lang) + "%"
        if u.condition.counts:
            t.add_row(
                u.condition.unit,
                state_label(u.state, lang),
                score,
                f"{u.condition.pass_pct:g}%",
                escape("\n".join(n.message(lang) for n in u.notes)),  # reasons quote what others typed
            )
        else:  # a test the rules do not count: its score only
            t.add_row(T("not_counted", lang, unit=u.condition.unit), "-", score, "-", "")
    console.print(t)
    if p.min_sessions:
        say("attendance_at_least", lang, n=p.attended, need=p.min_sessions)
    else:
        say("attendance", lang, n=p.attended)
    for n in p.attendance_notes:
        console.print("  " + n.message(lang), highlight=False, markup=False)
    if gain is not None:
        row = gain.participants.loc[p.student]
        pre = "-" if row["pre"] != row["pre"] else f"{row['pre']:.0f}%"
        post = "-" if row["post"] != row["post"] else f"{row['post']:.0f}%"
        g = row["gain"]
        g_text = T("mastered", lang) if g == MASTERED else "-" if g is None else _num(f"{g:.2f}", lang)
        say("gain_line", lang, pre=pre, post=post, gain=g_text)


@app.command("override", help=T.both("help_override"))
def override_cmd(
    participant: str = typer.Argument(..., help=T.both("help_override_participant")),
    module: str = typer.Argument(..., help=T.both("help_override_module")),
    status: str = typer.Option(None, "--status", help=T.both("help_override_status")),
    why: str = typer.Option(..., "--why", help=T.both("help_override_why")),
    by: str = typer.Option(..., "--by", help=T.both("help_override_by")),
    withdraw: bool = typer.Option(False, "--withdraw", help=T.both("help_override_withdraw")),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Override one participant's result for one module, recorded in the audit log."""
    with user_errors(lang) as lang:
        from ukm_tools.course.completion import state_label
        from ukm_tools.course.config import load_course
        from ukm_tools.course.ops import db_url
        from ukm_tools.course.overrides import set_override, withdraw_override

        path = course_path(course)
        spec = load_course(path)
        sid = participant.strip().lower()
        if withdraw:
            entry = withdraw_override(db_url(path), spec, sid, module, why=why, by=by)
            text = T("override_withdrawn", lang, student=sid, unit=module)
        else:
            ov = set_override(db_url(path), spec, sid, module, status or "", why=why, by=by)
            entry = ov.entry
            text = T("override_set", lang, student=sid, unit=module, state=state_label(ov.status, lang))
    console.print(
        f"{text} — {entry.by}, {entry.at:%d-%m-%Y %H:%M} WIB (log #{entry.id})", highlight=False, markup=False
    )


@attendance_app.command("import", help=T.both("help_attendance_import"))
def attendance_import(
    file: Path = typer.Argument(..., help=T.both("help_attendance_file")),
    session: str = typer.Option(None, "--session", help=T.both("help_session")),
    skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows", help=T.both("help_skip_bad_rows")),
    encoding: str = typer.Option(None, "--encoding", help=T.both("help_encoding")),
    by: str = typer.Option(None, "--by", help=T.both("help_attendance_by")),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Import attendance per session; names not on the roster are reported."""
    with user_errors(lang) as lang:
        from ukm_tools.course.attendance import import_attendance

        sheet = import_attendance(
            course_path(course), file, session=session, skip_bad_rows=skip_bad_rows, encoding=encoding, by=by
        )
    for p in sheet.errors:
        err_console.print(f"[yellow]{T('skipped', lang)}:[/] {escape(p.message(lang))}", highlight=False)
    for p in sheet.notices:
        err_console.print(f"[yellow]{T('not_imported', lang)}:[/] {escape(p.message(lang))}", highlight=False)
    present = sum(1 for v in sheet.marks.values() if v)
    say(
        "attendance_imported",
        lang,
        sessions=", ".join(sheet.sessions),
        present=present,
        absent=len(sheet.marks) - present,
    )


@attendance_app.command("template", help=T.both("help_attendance_template"))
def attendance_template(
    file: Path = typer.Argument(Path("daftar-hadir.xlsx"), help=T.both("help_attendance_template_file")),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """A sign-in sheet listing the participants, one column per session."""
    with user_errors(lang) as lang:
        from ukm_tools.course.attendance import roster_names, write_template
        from ukm_tools.course.config import load_course
        from ukm_tools.course.ops import db_url

        path = course_path(course)
        spec = load_course(path)
        out = write_template(file, [s.id for s in spec.sessions], roster_names(db_url(path)))
    say("attendance_template_written", lang, path=out)
