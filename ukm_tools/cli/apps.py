"""`ukm apps`: every calculator for a whole class, from one server process (no code shown)."""

from __future__ import annotations

from pathlib import Path

import typer

from ukm_tools.calcserver import config as server_config
from ukm_tools.cli.base import LangOption, app, console, user_errors
from ukm_tools.messages import section

T = section("cli.apps", "cli.base")


@app.command(help=T.both("help_apps"))
def apps(
    folder: Path = typer.Option(Path("ukm-apps"), "--dir", help=T.both("help_dir")),
    port: int = typer.Option(server_config.DEFAULT_PORT, "--port", help=T.both("help_port")),
    host: str = typer.Option(server_config.DEFAULT_HOST, "--host", help=T.both("help_host")),
    lan: bool = typer.Option(False, "--lan", help=T.both("help_lan")),
    case: Path = typer.Option(None, "--case", help=T.both("help_case")),
    max_rate_age_days: int = typer.Option(
        server_config.DEFAULT_MAX_RATE_AGE_DAYS, "--max-rate-age-days", help=T.both("help_max_rate_age")
    ),
    fees: Path = typer.Option(None, "--fees", help=T.both("help_fees")),
    max_fee_age_days: int = typer.Option(
        server_config.DEFAULT_MAX_FEE_AGE_DAYS, "--max-fee-age-days", help=T.both("help_max_fee_age")
    ),
    requirements: Path = typer.Option(None, "--requirements", help=T.both("help_requirements")),
    cull_after: float = typer.Option(
        server_config.DEFAULT_CULL_AFTER_S / 60, "--cull-after", help=T.both("help_cull_after")
    ),
    idle_after: float = typer.Option(
        server_config.DEFAULT_IDLE_AFTER_S / 60, "--idle-after", help=T.both("help_idle_after")
    ),
    lang: str = LangOption,
) -> None:
    """Serve the calculators to a whole class (help text: the catalogue's)."""
    with user_errors(lang) as lang:
        # Trainer's files are checked now, so a typo is one clear line, not a broken page.
        if case is not None:
            from ukm_tools.safe_yaml import DEFAULT_LIMITS
            from ukm_tools.widgets.case_io import read_case_file

            read_case_file(case, DEFAULT_LIMITS)  # a trainer's file: the limits the calculators read it with
        if fees is not None:
            from ukm_tools.payments import load_fee_schedule

            load_fee_schedule(fees)
        if requirements is not None:
            from ukm_tools.readiness import load_requirements

            load_requirements(requirements)
    from ukm_tools.calcserver import lan as lan_net
    from ukm_tools.calcserver.serve import serve
    from ukm_tools.widgets.gallery import available_apps

    bind = lan_net.ALL_INTERFACES if lan else host
    config = server_config.ServerConfig(
        folder=folder,
        host=bind,
        port=port,
        case=case,
        fees=fees,
        requirements=requirements,
        max_rate_age_days=max_rate_age_days,
        max_fee_age_days=max_fee_age_days,
        lang=lang,
        cull_after_s=cull_after * 60,
        idle_after_s=idle_after * 60,
    )
    count = len(available_apps())
    if lan:
        addresses = lan_net.lan_addresses()
        if not addresses:
            console.print(T("no_network", lang), style="red")
            raise typer.Exit(2)
        address = lan_net.url(addresses[0], port)
        png = lan_net.qr_png(address, folder / "alamat-kalkulator.png")
        console.print(T("serving_lan", lang, n=count, url=address), highlight=False, soft_wrap=True)
        console.print(lan_net.qr_text(address), highlight=False, soft_wrap=True)
        console.print(T("qr_file", lang, path=png), highlight=False, soft_wrap=True)
        if len(addresses) > 1:
            console.print(T("other_addresses", lang, addresses=", ".join(addresses[1:])), highlight=False)
    else:
        shown = "127.0.0.1" if host in ("127.0.0.1", "localhost") else host
        console.print(T("serving", lang, n=count, url=lan_net.url(shown, port)), highlight=False)
    console.print(T("stop_hint", lang), highlight=False)
    serve(config)
