"""`ukm kit`: the trainer kit (timed agenda, facilitator notes, pendamping briefing, model answers,
attendance sheet, evaluation form) from the course data. Thin over :mod:`ukm_tools.course.kit`."""

from __future__ import annotations

from pathlib import Path

import typer

from ukm_tools.cli.base import LangOption, app, console, user_errors
from ukm_tools.cli.course import CourseOption, course_path
from ukm_tools.messages import section

T = section("cli.kit", "cli.base")


@app.command("kit", help=T.both("help_kit"))
def kit_cmd(
    course: Path = CourseOption,
    out: Path = typer.Option(None, "--out", "-o", help=T.both("help_out")),
    roster: Path = typer.Option(None, "--roster", help=T.both("help_roster_file")),
    case: Path = typer.Option(None, "--case", help=T.both("help_case")),
    agenda: Path = typer.Option(None, "--agenda", help=T.both("help_agenda")),
    lang: str = LangOption,
) -> None:
    """The trainer kit from the course data."""
    with user_errors(lang) as lang:
        from ukm_tools.case import load_case
        from ukm_tools.course.kit import gather, write_kit

        data = gather(course_path(course), roster=roster, case=load_case(case) if case else None, agenda_file=agenda)
        written = write_kit(data, out, lang)
    console.print(
        T(
            "written",
            lang,
            people=len(data.attendees),
            sessions=len(data.sessions),
            answers=len(data.answers),
            folder=written[0].parent,
        ),
        highlight=False,
    )
    for p in written:
        console.print(f"  • {p.name}", highlight=False)
    console.print(T("trainers_only", lang), highlight=False)
