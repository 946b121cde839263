"""`ukm demo`: the kasturi-syrup quote, then the whole workshop cycle into a fresh folder."""

from __future__ import annotations

from pathlib import Path

import typer

from ukm_tools.cli.base import LangOption, app, console, resolve_lang, user_errors


@app.command("demo")
def demo_cmd(
    out: Path = typer.Option(
        Path("demo-output"), "--out", "-o", help="Folder keluaran (dibuat baru). / Output folder."
    ),
    assignment: list[str] = typer.Option(None, "--assignment", "-a", help="Tugas yang disimulasikan (boleh diulang)."),
    timeout: int = typer.Option(5, "--timeout", help="Batas waktu per sel saat menilai (detik)."),
    workers: int = typer.Option(None, "--workers", "-w"),
    no_sandbox: bool = typer.Option(False, "--no-sandbox", help="Nilai tanpa sandbox (bila bubblewrap tidak ada)."),
    lang: str = LangOption,
) -> None:
    """Demo siklus pelatihan lengkap. / Full workshop-cycle demo."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.case import packaged_case
        from ukm_tools.cli.quote import render_quote
        from ukm_tools.course.demo import DEFAULT_ASSIGNMENTS, run_demo
        from ukm_tools.course.reports import assignment_rows, status_label

        case = packaged_case()
        console.rule(
            "Penawaran harga: " + (case.title or case.case) if lang != "en" else "Quote: " + (case.title or case.case)
        )
        render_quote(case, case.quote(), lang)
        console.rule("Siklus pelatihan (nbgrader)" if lang != "en" else "Workshop cycle (nbgrader)")
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
    console.rule("Hasil" if lang != "en" else "Outputs")
    console.print(f"Kursus / course:            {result.course}", highlight=False)
    console.print(f"Daftar peserta / roster:    {result.roster}", highlight=False)
    console.print(f"Jawaban / submitted:        {result.course / 'submitted'}", highlight=False)
    console.print(f"Dinilai / autograded:       {result.course / 'autograded'}", highlight=False)
    console.print(f"Umpan balik / feedback:     {result.course / 'feedback'}", highlight=False)
    for key, path in result.exports.items():
        console.print(f"Ekspor / export {key}: {path}", highlight=False)
    console.print(f"Gradebook: {result.course / 'gradebook.db'}", highlight=False)
    if result.sign_in:
        console.print(f"Daftar hadir / sign-in sheet: {result.sign_in}", highlight=False)
    if result.report:
        console.print(f"Laporan kelulusan / completion report (Excel): {result.report['xlsx']}", highlight=False)
        console.print(f"Dasbor / dashboard (HTML, offline): {result.report['html']}", highlight=False)
    if result.certificates:
        from ukm_tools.course.certificates import PAGE_FILE
        from ukm_tools.messages import section

        T = section("cli.certificates")
        folder = result.certificates[0].parent
        console.print(
            T("demo_outputs", lang, count=len(result.certificates), folder=folder, page=result.course / PAGE_FILE),
            highlight=False,
            markup=False,
        )
