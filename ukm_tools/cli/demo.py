"""`ukm demo`: the kasturi-syrup quote, then the whole workshop cycle into a fresh folder."""

from __future__ import annotations

from pathlib import Path

import typer

from ukm_tools.cli.base import LangOption, app, console, user_errors
from ukm_tools.messages import section

T = section("cli.demo", "cli.base")


@app.command("demo", help=T.both("help_demo"))
def demo_cmd(
    out: Path = typer.Option(Path("demo-output"), "--out", "-o", help=T.both("help_out")),
    assignment: list[str] = typer.Option(None, "--assignment", "-a", help=T.both("help_assignment")),
    timeout: int = typer.Option(5, "--timeout", help=T.both("help_timeout")),
    workers: int = typer.Option(None, "--workers", "-w"),
    no_sandbox: bool = typer.Option(False, "--no-sandbox", help=T.both("help_no_sandbox")),
    lang: str = LangOption,
) -> None:
    """The kasturi-syrup quote, then the whole workshop cycle into a fresh folder."""
    with user_errors(lang) as lang:
        from ukm_tools.case import packaged_case
        from ukm_tools.cli.quote import render_quote
        from ukm_tools.course.demo import DEFAULT_ASSIGNMENTS, run_demo
        from ukm_tools.course.reports import assignment_rows, status_label

        case = packaged_case()
        console.rule(T("rule_quote", lang, title=case.title or case.case))
        render_quote(case, case.quote(), lang)
        console.rule(T("rule_cycle", lang))
        names = tuple(assignment) if assignment else DEFAULT_ASSIGNMENTS
        result = run_demo(
            out,
            names,
            cell_timeout=timeout,
            workers=workers,
            sandbox=not no_sandbox,
            say=lambda s: console.print(s, highlight=False, markup=False),
        )
        for name in names:
            rows = assignment_rows(result.course, name)
            bad = [r for r in rows if r.status not in ("graded",)]
            console.print(
                f"[bold]{name}[/]: "
                + ", ".join(
                    f"{r.student} → {status_label(r.status, lang)}" + (f" ({r.reason})" if r.reason else "")
                    for r in bad
                ),
                highlight=False,
            )
    console.rule(T("rule_outputs", lang))
    # Paths are labelled in both languages, in one column.
    for key, path in (
        ("out_course", result.course),
        ("out_roster", result.roster),
        ("out_submitted", result.course / "submitted"),
        ("out_autograded", result.course / "autograded"),
        ("out_feedback", result.course / "feedback"),
    ):
        console.print(f"{T.both(key) + ':':<28}{path}", highlight=False)
    for key, path in result.exports.items():
        console.print(f"{T.both('out_export')} {key}: {path}", highlight=False)
    console.print(f"Gradebook: {result.course / 'gradebook.db'}", highlight=False)
    if result.sign_in:
        console.print(f"{T.both('out_sign_in') + ':':<28}{result.sign_in}", highlight=False)
    if result.report:
        console.print(f"{T.both('out_report') + ':':<28}{result.report['xlsx']}", highlight=False)
        console.print(f"{T.both('out_dashboard') + ':':<28}{result.report['html']}", highlight=False)
    if result.certificates:
        from ukm_tools.course.certificates import PAGE_FILE
        from ukm_tools.messages import section

        certs = section("cli.certificates")
        folder = result.certificates[0].parent
        console.print(
            certs("demo_outputs", lang, count=len(result.certificates), folder=folder, page=result.course / PAGE_FILE),
            highlight=False,
            markup=False,
        )
