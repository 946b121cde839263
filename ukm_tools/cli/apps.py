"""`ukm apps`: the calculator gallery as web apps (Voila on 127.0.0.1, no code shown)."""

from __future__ import annotations

import signal
import subprocess
import sys
from pathlib import Path

import typer

from ukm_tools.cli.base import LangOption, app, console, user_errors
from ukm_tools.messages import section

T = section("cli.apps", "cli.base")


@app.command(help=T.both("help_apps"))
def apps(
    folder: Path = typer.Option(
        Path("ukm-apps"),
        "--dir",
        help=T.both("help_dir"),
    ),
    port: int = typer.Option(8866, "--port", help=T.both("help_port")),
    case: Path = typer.Option(
        None,
        "--case",
        help=T.both("help_case"),
    ),
    max_rate_age_days: int = typer.Option(
        7,
        "--max-rate-age-days",
        help=T.both("help_max_rate_age"),
    ),
    fees: Path = typer.Option(None, "--fees", help=T.both("help_fees")),
    max_fee_age_days: int = typer.Option(
        180,
        "--max-fee-age-days",
        help=T.both("help_max_fee_age"),
    ),
    requirements: Path = typer.Option(
        None,
        "--requirements",
        help=T.both("help_requirements"),
    ),
    lang: str = LangOption,
) -> None:
    """Serve the calculator gallery (Voila)."""
    from ukm_tools.widgets.gallery import voila_command, voila_env, write_gallery

    env = voila_env()
    with user_errors(lang) as lang:
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
    console.print(T("serving", lang, n=len(pages) - 1, port=port), highlight=False)
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
