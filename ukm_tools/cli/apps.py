"""`ukm apps`: the calculator gallery as web apps (Voila on 127.0.0.1, no code shown)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import typer

from ukm_tools.cli.base import LangOption, app, console, resolve_lang, user_errors


@app.command()
def apps(
    folder: Path = typer.Option(
        Path("ukm-apps"),
        "--dir",
        help="Folder untuk halaman kalkulator dan berkas kasus tersimpan. / Folder for the app pages and saved case files.",
    ),
    port: int = typer.Option(8866, "--port", help="Port di 127.0.0.1."),
    case: Path = typer.Option(
        None,
        "--case",
        help="Berkas kasus untuk mengisi awal semua kalkulator. / Case file that pre-fills every calculator.",
    ),
    max_rate_age_days: int = typer.Option(
        7,
        "--max-rate-age-days",
        help="Peringatkan bila kurs lebih tua dari ini (hari). / Warn when rates are older (days).",
    ),
    fees: Path = typer.Option(
        None, "--fees", help="Tarif biaya bank (YAML) pengganti contoh. / Bank fee schedule replacing the example."
    ),
    max_fee_age_days: int = typer.Option(
        180,
        "--max-fee-age-days",
        help="Peringatkan bila tarif bank lebih tua (hari). / Warn when the fee schedule is older (days).",
    ),
    requirements: Path = typer.Option(
        None,
        "--requirements",
        help="Daftar persyaratan ekspor (YAML) pengganti. / Export requirements file replacing the packaged one.",
    ),
    lang: str = LangOption,
) -> None:
    """Jalankan galeri kalkulator (Voila). / Serve the calculator gallery (Voila)."""
    lang = resolve_lang(lang)
    from ukm_tools.widgets.gallery import voila_command, voila_env, write_gallery

    env = voila_env()
    with user_errors(lang):
        if case is not None:
            from ukm_tools.widgets.case_io import read_case_file

            read_case_file(case)  # refuse a broken case now, not in every page
            env["UKM_CASE"] = str(case.resolve())
        # Trainer's data files are checked now, so a typo is one clear line, not a broken page.
        if fees is not None:
            from ukm_tools.payments import load_fee_schedule

            load_fee_schedule(fees)
            env["UKM_FEES"] = str(fees.resolve())
        if requirements is not None:
            from ukm_tools.readiness import load_requirements

            load_requirements(requirements)
            env["UKM_REQUIREMENTS"] = str(requirements.resolve())
        pages = write_gallery(folder)
    env["UKM_SAVE_DIR"] = str((folder / "kasus-tersimpan").resolve())
    env["UKM_MAX_RATE_AGE_DAYS"] = str(max_rate_age_days)
    env["UKM_MAX_FEE_AGE_DAYS"] = str(max_fee_age_days)
    env["UKM_LANG"] = lang
    console.print(f"{len(pages) - 1} kalkulator di http://127.0.0.1:{port}/ (Ctrl+C untuk berhenti)", highlight=False)
    proc = subprocess.Popen(voila_command(folder, port), env=env)

    def _stop(*_):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _stop)  # stopping `ukm apps` stops its Voila too
    try:
        sys.exit(proc.wait())
    except KeyboardInterrupt:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        sys.exit(0)
