"""Shared CLI pieces: the Typer app, the language option and one-line error output."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from ukm_tools.errors import UkmError

app = typer.Typer(
    help="ukm-tools: perangkat pelatihan ekspor UKM / export training toolkit for SME offices.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # one problem = one line

LangOption = typer.Option(
    None, "--lang", help="Bahasa pesan: id (bawaan) atau en. / Message language: id (default) or en."
)


def resolve_lang(lang: str | None) -> str:
    lang = (lang or os.environ.get("UKM_LANG") or "id").lower()
    return lang if lang in ("id", "en") else "id"


@contextmanager
def user_errors(lang: str) -> Iterator[None]:
    """Turn UkmError into one line per problem on stderr and exit status 2 — never a traceback."""
    try:
        yield
    except UkmError as e:
        for line in e.lines(lang):
            err_console.print(f"[bold red]{'Galat' if lang == 'id' else 'Error'}:[/] {line}", highlight=False)
        sys.exit(2)


@app.callback()
def _root() -> None:
    """ukm-tools: perangkat pelatihan ekspor UKM / export training toolkit for SME offices."""
