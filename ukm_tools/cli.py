"""The `ukm` command: thin over ukm_tools.course and the domain core (no logic of its own)."""

from __future__ import annotations

import typer

app = typer.Typer(help="ukm-tools: export training toolkit / perangkat pelatihan ekspor UKM", no_args_is_help=True)


def main() -> None:
    app()
