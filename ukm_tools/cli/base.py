"""Shared CLI pieces: the Typer app, the language option and one-line error output."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

import typer
from rich.console import Console

from ukm_tools.errors import UkmError
from ukm_tools.messages import lang_or_default, section

T = section("cli.base")

app = typer.Typer(
    help=T.both("app_help"),
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

console = Console()
err_console = Console(stderr=True, soft_wrap=True)  # one problem = one line

LangOption = typer.Option(None, "--lang", help=T.both("lang_help"))


def resolve_lang(lang: str | None) -> str:
    lang = (lang or os.environ.get("UKM_LANG") or "id").lower()
    return lang_or_default(lang)


@contextmanager
def user_errors(lang: str | None) -> Iterator[str]:
    """Run a command's work in the resolved language (``with user_errors(lang) as lang:``), turning
    UkmError into one line per problem on stderr and exit status 2 — never a traceback."""
    lang = resolve_lang(lang)
    try:
        yield lang
    except UkmError as e:
        for line in e.lines(lang):
            err_console.print(f"[bold red]{T('error', lang)}:[/] {line}", highlight=False)
        sys.exit(2)


@app.callback(help=T.both("app_help"))
def _root() -> None:
    """The command group (its help is the catalogue's)."""
