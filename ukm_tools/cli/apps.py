"""`ukm apps`: every calculator for a whole class, from one server process (no code shown)."""

from __future__ import annotations

from pathlib import Path

import typer

from ukm_tools.calcserver import config as server_config
from ukm_tools.cli.base import LangOption, app, console, resolve_lang, user_errors


@app.command()
def apps(
    folder: Path = typer.Option(
        Path("ukm-apps"),
        "--dir",
        help="Folder kerja: kasus tersimpan peserta (per peramban) dan kode QR. / Working folder: "
        "participants' saved cases (per browser) and the QR code.",
    ),
    port: int = typer.Option(server_config.DEFAULT_PORT, "--port", help="Port server. / Server port."),
    host: str = typer.Option(
        server_config.DEFAULT_HOST,
        "--host",
        help="Alamat yang didengar (bawaan: hanya komputer ini). / Address to listen on (default: this machine only).",
    ),
    lan: bool = typer.Option(
        False,
        "--lan",
        help="Buka untuk jaringan pelatihan (Wi-Fi): cetak alamat dan kode QR untuk ponsel peserta. / Open to the "
        "workshop network: print the address and a QR code for participants' phones.",
    ),
    case: Path = typer.Option(
        None,
        "--case",
        help="Berkas kasus untuk mengisi awal semua kalkulator. / Case file that pre-fills every calculator.",
    ),
    max_rate_age_days: int = typer.Option(
        server_config.DEFAULT_MAX_RATE_AGE_DAYS,
        "--max-rate-age-days",
        help="Peringatkan bila kurs lebih tua dari ini (hari). / Warn when rates are older (days).",
    ),
    fees: Path = typer.Option(
        None, "--fees", help="Tarif biaya bank (YAML) pengganti contoh. / Bank fee schedule replacing the example."
    ),
    max_fee_age_days: int = typer.Option(
        server_config.DEFAULT_MAX_FEE_AGE_DAYS,
        "--max-fee-age-days",
        help="Peringatkan bila tarif bank lebih tua (hari). / Warn when the fee schedule is older (days).",
    ),
    requirements: Path = typer.Option(
        None,
        "--requirements",
        help="Daftar persyaratan ekspor (YAML) pengganti. / Export requirements file replacing the packaged one.",
    ),
    cull_after: float = typer.Option(
        server_config.DEFAULT_CULL_AFTER_S / 60,
        "--cull-after",
        help="Tutup halaman yang terputus setelah sekian menit. / Close a disconnected page after this many minutes.",
    ),
    idle_after: float = typer.Option(
        server_config.DEFAULT_IDLE_AFTER_S / 60,
        "--idle-after",
        help="Tutup halaman yang tidak disentuh setelah sekian menit. / Close a page untouched for this many minutes.",
    ),
    lang: str = LangOption,
) -> None:
    """Jalankan server kalkulator untuk satu kelas. / Serve the calculators to a whole class."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        # Trainer's files are checked now, so a typo is one clear line, not a broken page.
        if case is not None:
            from ukm_tools.widgets.case_io import read_case_file

            read_case_file(case)
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
            console.print("Tidak ada jaringan selain komputer ini. / No network besides this machine.", style="red")
            raise typer.Exit(2)
        address = lan_net.url(addresses[0], port)
        png = lan_net.qr_png(address, folder / "alamat-kalkulator.png")
        console.print(f"{count} kalkulator untuk peserta: {address}", highlight=False, soft_wrap=True)
        console.print(lan_net.qr_text(address), highlight=False, soft_wrap=True)
        console.print(f"Kode QR untuk layar: {png}", highlight=False, soft_wrap=True)
        if len(addresses) > 1:
            console.print("Alamat lain komputer ini: " + ", ".join(addresses[1:]), highlight=False)
    else:
        shown = "127.0.0.1" if host in ("127.0.0.1", "localhost") else host
        console.print(f"{count} kalkulator di {lan_net.url(shown, port)}", highlight=False)
    console.print("Ctrl+C untuk berhenti.", highlight=False)
    serve(config)
