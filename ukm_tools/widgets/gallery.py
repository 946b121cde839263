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
    question: Msg  # what it answers, as the home page of the calculator server asks it
    cls: str  # the calculator class in that module

    def calculator_class(self) -> type:
        import importlib

        return getattr(importlib.import_module(f"ukm_tools.widgets.{self.module}"), self.cls)

    @property
    def path(self) -> str:
        """The page's address on the calculator server: the slug without its number."""
        return self.slug.split("-", 1)[1]


def _app(slug: str, module: str, cls: str) -> App:
    return App(slug, module, T.msg(module), T.msg(f"{module}_question"), cls)


APPS: tuple[App, ...] = (
    _app("01-harga-ekspor", "price", "PriceBuildUpCalculator"),
    _app("02-incoterms", "incoterms_explorer", "IncotermsExplorer"),
    _app("03-asuransi", "insurance", "InsuranceCalculator"),
    _app("04-pembayaran", "payments", "PaymentsCalculator"),
    _app("05-kurs", "fx", "FxCalculator"),
    _app("06-titik-impas", "breakeven", "BreakEvenCalculator"),
    _app("07-biaya-sampai-tujuan", "landed", "LandedCostCalculator"),
    _app("08-kesiapan-ekspor", "readiness", "ReadinessCalculator"),
    _app("09-pembiayaan", "financing", "FinancingCalculator"),
    _app("10-e-katalog", "katalog", "KatalogCalculator"),
)


def app_by_path(path: str) -> App | None:
    return next((a for a in APPS if a.path == path), None)


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
