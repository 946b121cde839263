"""The calculator gallery served with Voila: one code-free notebook page per calculator.

:func:`write_gallery` writes the notebooks (each a single hidden cell calling a
calculator's ``app()``) plus an index page; :func:`voila_command` is the one place the
Voila flags live, shared by ``ukm apps`` and the browser tests.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat

from ukm_tools.messages import Msg, section

T = section("widgets.gallery")


@dataclass(frozen=True)
class App:
    slug: str  # notebook file name without .ipynb
    module: str  # ukm_tools.widgets.<module> with an app() function
    title: Msg


APPS: tuple[App, ...] = (
    App("01-harga-ekspor", "price", T.msg("price")),
    App("02-incoterms", "incoterms_explorer", T.msg("incoterms_explorer")),
    App("03-asuransi", "insurance", T.msg("insurance")),
    App("04-pembayaran", "payments", T.msg("payments")),
    App("05-kurs", "fx", T.msg("fx")),
    App("06-titik-impas", "breakeven", T.msg("breakeven")),
    App("07-biaya-sampai-tujuan", "landed", T.msg("landed")),
    App("08-kesiapan-ekspor", "readiness", T.msg("readiness")),
    App("09-pembiayaan", "financing", T.msg("financing")),
    App("10-e-katalog", "katalog", T.msg("katalog")),
)


def available_apps() -> list[App]:
    """The apps whose calculator module exists in this installation."""
    import importlib.util

    return [a for a in APPS if importlib.util.find_spec(f"ukm_tools.widgets.{a.module}") is not None]


def _notebook(source: str, markdown: str | None = None) -> nbformat.NotebookNode:
    nb = nbformat.v4.new_notebook()
    if markdown:
        nb.cells.append(nbformat.v4.new_markdown_cell(markdown))
    if source:
        nb.cells.append(nbformat.v4.new_code_cell(source))
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.metadata["language_info"] = {"name": "python"}
    return nb


def write_gallery(folder: str | Path) -> list[Path]:
    """Write the index and one notebook per available calculator into ``folder``."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    apps = available_apps()
    written = []
    for a in apps:
        path = folder / f"{a.slug}.ipynb"
        nbformat.write(_notebook(f"from ukm_tools.widgets.{a.module} import app\napp()"), path)
        written.append(path)
    links = "\n".join(f"{i}. [{a.title['id']}]({a.slug}.ipynb) — *{a.title['en']}*" for i, a in enumerate(apps, 1))
    index = folder / "00-daftar-kalkulator.ipynb"
    nbformat.write(
        _notebook("", f"# Kalkulator ekspor UKM\n\nPilih kalkulator / choose a calculator:\n\n{links}\n"), index
    )
    return [index, *written]


TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def voila_env(base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment Voila needs to find the ``ukm`` page template (no CDN stylesheets)."""
    import os

    env = dict(os.environ if base is None else base)
    env["JUPYTER_PATH"] = os.pathsep.join(p for p in (str(TEMPLATES), env.get("JUPYTER_PATH", "")) if p)
    return env


def voila_command(folder: str | Path, port: int) -> list[str]:
    """Voila on 127.0.0.1 only, code hidden, without the lab extensions that log errors there."""
    return [
        sys.executable,
        "-m",
        "voila",
        str(folder),
        f"--port={port}",
        "--Voila.ip=127.0.0.1",
        "--no-browser",
        "--strip_sources=True",
        "--theme=light",
        "--template=ukm",
        "--VoilaConfiguration.extension_denylist=@jupyter/nbgrader",
        "--VoilaConfiguration.extension_denylist=@jupyter-notebook/lab-extension",
        "--VoilaConfiguration.extension_denylist=jupyterlab-jupytext",
        "--VoilaConfiguration.show_tracebacks=False",
    ]
