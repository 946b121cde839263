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

from ukm_tools.cli.base import LangOption, app, console, err_console, user_errors
from ukm_tools.messages import section

T = section("cli.course", "cli.base")

CourseOption = typer.Option(None, "--course", "-c", help=T.both("help_course"))
AssignmentArgument = typer.Argument(..., help=T.both("help_assignment"))

roster_app = typer.Typer(help=T.both("help_roster"), no_args_is_help=True)
app.add_typer(roster_app, name="roster")


def course_path(course: Path | None) -> Path:
    from ukm_tools.course.ops import check_course_dir
    from ukm_tools.hub.isolation import drop_to_course_owner

    path = check_course_dir(course or os.environ.get("UKM_COURSE") or Path.cwd())
    # On the workshop server (ukm serve) root continues as the course's owner (see the function).
    drop_to_course_owner(path)
    return path


def say(key: str, lang: str, **params: object) -> None:
    """One line of this module's catalogue on stdout."""
    console.print(T(key, lang, **params), highlight=False)


@app.command("init", help=T.both("help_init"))
def init_cmd(
    folder: Path = typer.Argument(..., help=T.both("help_init_folder")),
    template: Path = typer.Option(None, "--template", help=T.both("help_init_template")),
    lang: str = LangOption,
) -> None:
    """Create a course folder from the template."""
    with user_errors(lang) as lang:
        from ukm_tools.cli.certificates import show_key_created
        from ukm_tools.course.config import load_course
        from ukm_tools.course.ops import init_course

        path = init_course(folder, template)
        spec = load_course(path)
        say("created", lang, title=spec.title, path=path)
        show_key_created(path, lang)  # the certificates' signing key, made with the course
    for a in spec.assignments():
        console.print(f"  • {a.name}: {a.title}", highlight=False)
    say("next_roster", lang, path=path)


@roster_app.command("template", help=T.both("help_roster_template"))
def roster_template(
    file: Path = typer.Argument(Path("peserta.xlsx"), help=T.both("help_roster_template_file")),
    lang: str = LangOption,
) -> None:
    """Write an empty roster sheet."""
    with user_errors(lang) as lang:
        from ukm_tools.course.roster import COLUMNS, write_template

        path = write_template(file, lang)
    say("roster_template", lang, path=path)
    say("columns", lang, columns=" | ".join(COLUMNS))


@roster_app.command("import", help=T.both("help_roster_import"))
def roster_import(
    file: Path = typer.Argument(..., help=T.both("help_roster_import_file")),
    course: Path = CourseOption,
    skip_bad_rows: bool = typer.Option(False, "--skip-bad-rows", help=T.both("help_skip_bad_rows")),
    encoding: str = typer.Option(None, "--encoding", help=T.both("help_encoding")),
    update: bool = typer.Option(False, "--update", help=T.both("help_roster_update")),
    lang: str = LangOption,
) -> None:
    """Import the roster into the gradebook."""
    with user_errors(lang) as lang:
        from ukm_tools.course.ops import db_url
        from ukm_tools.course.participants import has_grades, roster_changes, store_participants
        from ukm_tools.course.roster import import_roster
        from ukm_tools.errors import Problem, UkmError

        path = course_path(course)
        url = db_url(path)
        result = import_roster(file, skip_bad_rows=skip_bad_rows, encoding=encoding)
        changes = roster_changes(url, result.participants)
        shown = [
            Problem("roster_change", c.column, c.new, None, {"student": c.student_id, "old": c.old}) for c in changes
        ]
        # Once work has been submitted, a name or a product's HPP changed by a new sheet changes
        # whose work it is and what its right answers are: shown first, applied only on purpose.
        if changes and not update and has_grades(url):
            raise UkmError(
                problems=[*shown, Problem("roster_update_needed", "file", str(file), None, {"n": len(changes)})]
            )
        n = store_participants(url, result.participants)
    for c in shown:
        console.print(c.message(lang), highlight=False)
    for p in result.problems:
        err_console.print(f"[yellow]{T('skipped', lang)}:[/] {p.message(lang)}", highlight=False)
    with_product = sum(1 for p in result.participants if p.has_product)
    say("imported", lang, n=n, with_product=with_product, skipped=len(result.bad_lines))


@app.command("release", help=T.both("help_release"))
def release_cmd(assignment: str = AssignmentArgument, course: Path = CourseOption, lang: str = LangOption) -> None:
    """Generate and release an assignment."""
    with user_errors(lang) as lang:
        from ukm_tools.course.config import load_course
        from ukm_tools.course.ops import release

        path = course_path(course)
        load_course(path).assignment(assignment)
        out = release(path, assignment)
    say("released", lang, assignment=assignment, out=out)


@app.command("collect", help=T.both("help_collect"))
def collect_cmd(assignment: str = AssignmentArgument, course: Path = CourseOption, lang: str = LangOption) -> None:
    """Collect submissions from the exchange."""
    with user_errors(lang) as lang:
        from ukm_tools.course.ops import collect

        report = collect(course_path(course), assignment)
    for line in report.problems(lang):
        err_console.print(T("warning", lang, line=line), highlight=False)
    say("collected", lang, n=len(report), assignment=assignment)


@app.command("grade", help=T.both("help_grade"))
def grade_cmd(
    assignment: str = AssignmentArgument,
    course: Path = CourseOption,
    workers: int = typer.Option(None, "--workers", "-w", help=T.both("help_workers")),
    timeout: int = typer.Option(None, "--timeout", help=T.both("help_timeout")),
    force: bool = typer.Option(False, "--force", help=T.both("help_force")),
    no_sandbox: bool = typer.Option(False, "--no-sandbox", help=T.both("help_no_sandbox")),
    confirm_no_sandbox: bool = typer.Option(False, "--confirm-no-sandbox", help=T.both("help_confirm_no_sandbox")),
    lang: str = LangOption,
) -> None:
    """Grade all submissions in parallel."""
    import sys

    with user_errors(lang) as lang:
        from ukm_tools.course.grade_run import infrastructure_error, run_grading

        path = course_path(course)
        confirmed = confirm_no_sandbox
        if no_sandbox:
            from ukm_tools.errors import UkmError

            err_console.print(f"[bold red]{UkmError('grading_unsandboxed_warning').message(lang)}[/]", highlight=False)
            if not confirmed and sys.stdin.isatty():
                confirmed = typer.confirm(T("confirm_no_sandbox", lang))
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
    say("graded", lang, summary=", ".join(f"{status_label(s, lang)}: {n}" for s, n in sorted(counts.items())))
    backup = getattr(report, "backup_path", None)
    if backup:
        say("backup", lang, path=backup)
    stale = getattr(report, "stale_lock", None)
    if stale is not None:
        say("stale_lock", lang, holder=stale.describe(), since=stale.since_local())
    for r in report.results:
        if r.status.value == "attack":
            err_console.print(T("attack", lang, student=r.student, reason=r.reason), highlight=False)


@app.command("feedback", help=T.both("help_feedback"))
def feedback_cmd(assignment: str = AssignmentArgument, course: Path = CourseOption, lang: str = LangOption) -> None:
    """Feedback HTML per participant, hidden tests removed."""
    with user_errors(lang) as lang:
        from ukm_tools.course.ops import feedback

        path = course_path(course)
        results = feedback(path, assignment)
    for r in results:
        if not r.ok:
            err_console.print(T("feedback_failed", lang, student=r.student, error=r.error), highlight=False)
    say("feedback_done", lang, n=sum(1 for r in results if r.ok), folder=path / "feedback")


@app.command("status", help=T.both("help_status"))
def status_cmd(assignment: str = AssignmentArgument, course: Path = CourseOption, lang: str = LangOption) -> None:
    """Each participant's status and score, manual grades included."""
    with user_errors(lang) as lang:
        from ukm_tools.course.reports import assignment_rows, status_label

        rows = assignment_rows(course_path(course), assignment)
    t = Table(title=f"{assignment}")
    for key in ("col_participant", "col_name", None, "col_reason", "col_score", "col_needs_manual"):
        t.add_column("Status" if key is None else T(key, lang))
    for r in rows:
        score = "-" if r.score is None else f"{r.score:g} / {r.max_score:g}"
        if r.provisional:
            score += f" ({r.total_note(lang)})"
        t.add_row(r.student, r.name, status_label(r.status, lang), r.reason, score, ", ".join(r.needs_manual))
    console.print(t)


@app.command("export", help=T.both("help_export"))
def export_cmd(
    course: Path = CourseOption,
    out: Path = typer.Option(Path("ekspor-nilai"), "--out", "-o", help=T.both("help_out")),
    assignment: list[str] = typer.Option(None, "--assignment", "-a", help=T.both("help_export_assignment")),
    include_personal: bool = typer.Option(False, "--include-personal", help=T.both("help_include_personal")),
    sep: str = typer.Option(";", "--sep", help=T.both("help_sep")),
    lang: str = LangOption,
) -> None:
    """Export scores to CSV and Excel, one column per question."""
    with user_errors(lang) as lang:
        from ukm_tools.course.reports import export

        written = export(
            course_path(course), out, assignment or None, lang=lang, include_personal=include_personal, sep=sep
        )
    for key, path in written.items():
        console.print(f"  {key}: {path}", highlight=False)
    if not include_personal:
        say("personal_left_out", lang)


@app.command("formgrader", help=T.both("help_formgrader"))
def formgrader_cmd(
    course: Path = CourseOption,
    port: int = typer.Option(8642, "--port"),
    lang: str = LangOption,
) -> None:
    """Start nbgrader's formgrader on 127.0.0.1 for the manually graded cells."""
    with user_errors(lang) as lang:
        from ukm_tools.course.formgrader import formgrader_command
        from ukm_tools.course.ops import db_url

        path = course_path(course)
        db_url(path)  # a missing gradebook is an error here too, never silently re-created
        argv, url = formgrader_command(path, port)
    say("formgrader", lang, url=url)
    os.chdir(path)
    os.execvp(argv[0], argv)


@roster_app.command("params", help=T.both("help_params"))
def roster_params(
    out: Path = typer.Argument(..., help=T.both("help_params_out")),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Per-participant exercise parameters for a hub.

    On a hub, point each participant's server at theirs with
    ``UKM_PARAMS_FILE=/srv/ukm-params/{username}.json`` so their notebook shows their own
    product. Grading never reads these files.
    """
    with user_errors(lang) as lang:
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
    say("params_written", lang, n=len(people), out=out)
