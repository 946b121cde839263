"""`ukm kit`: the trainer kit (timed agenda, facilitator notes, pendamping briefing, model answers,
attendance sheet, evaluation form) from the course data. Thin over :mod:`ukm_tools.course.kit`."""

from __future__ import annotations

from pathlib import Path

import typer

from ukm_tools.cli.base import LangOption, app, console, resolve_lang, user_errors
from ukm_tools.cli.course import CourseOption, _t, course_path


@app.command("kit")
def kit_cmd(
    course: Path = CourseOption,
    out: Path = typer.Option(
        None,
        "--out",
        "-o",
        help="Folder hasil (bawaan: KURSUS/kit-pelatih). / Output folder (default: COURSE/kit-pelatih).",
    ),
    roster: Path = typer.Option(
        None, "--roster", help="Daftar peserta .xlsx/.csv bila belum diimpor. / Roster file if not imported yet."
    ),
    case: Path = typer.Option(None, "--case", help="Berkas kasus (bawaan: sirup kasturi). / Case file."),
    agenda: Path = typer.Option(
        None, "--agenda", help="Berkas agenda (bawaan: KURSUS/agenda.yml atau agenda bawaan). / Agenda file."
    ),
    lang: str = LangOption,
) -> None:
    """Kit pelatih dari data kursus (hanya untuk pelatih: berisi jawaban model). / The trainer kit."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.case import load_case
        from ukm_tools.course.kit import gather, write_kit

        data = gather(
            course_path(course),
            roster=roster,
            case=load_case(case) if case else None,
            agenda_file=agenda,
        )
        written = write_kit(data, out)
    console.print(
        _t(
            lang,
            f"Kit pelatih untuk {len(data.attendees)} peserta, {len(data.sessions)} sesi, "
            f"{len(data.answers)} jawaban model ditulis ke {written[0].parent}:",
            f"Trainer kit for {len(data.attendees)} participants, {len(data.sessions)} sessions, "
            f"{len(data.answers)} model answers written to {written[0].parent}:",
        ),
        highlight=False,
    )
    for p in written:
        console.print(f"  • {p.name}", highlight=False)
    console.print(
        _t(
            lang,
            "Hanya untuk pelatih dan staf: jangan dibagikan ke peserta.",
            "Trainers and staff only: do not hand out to participants.",
        ),
        highlight=False,
    )
