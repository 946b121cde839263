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


@dataclass(frozen=True)
class App:
    slug: str  # notebook file name without .ipynb
    module: str  # ukm_tools.widgets.<module> with an app() function
    title: tuple[str, str]
    question: tuple[str, str]  # what it answers, as the home page of the calculator server asks it
    cls: str  # the calculator class in that module

    def calculator_class(self) -> type:
        import importlib

        return getattr(importlib.import_module(f"ukm_tools.widgets.{self.module}"), self.cls)

    @property
    def path(self) -> str:
        """The page's address on the calculator server: the slug without its number."""
        return self.slug.split("-", 1)[1]


APPS: tuple[App, ...] = (
    App(
        "01-harga-ekspor",
        "price",
        ("Harga ekspor (Incoterms)", "Export price build-up"),
        ("Berapa harga ekspor saya?", "What is my export price?"),
        "PriceBuildUpCalculator",
    ),
    App(
        "02-incoterms",
        "incoterms_explorer",
        ("Penjelajah Incoterms 2020", "Incoterms 2020 explorer"),
        ("Siapa menanggung biaya dan risiko?", "Who pays which cost and bears which risk?"),
        "IncotermsExplorer",
    ),
    App(
        "03-asuransi",
        "insurance",
        ("Asuransi pengangkutan laut", "Marine cargo insurance"),
        ("Berapa premi asuransi kiriman saya?", "What does insuring my shipment cost?"),
        "InsuranceCalculator",
    ),
    App(
        "04-pembayaran",
        "payments",
        ("Perbandingan cara pembayaran", "Payment-method comparator"),
        ("Cara bayar mana yang paling murah dan aman?", "Which way of being paid is cheapest and safest?"),
        "PaymentsCalculator",
    ),
    App(
        "05-kurs",
        "fx",
        ("Kurs valuta asing", "Foreign exchange"),
        ("Berapa rupiah yang saya terima?", "How many rupiah will I receive?"),
        "FxCalculator",
    ),
    App(
        "06-titik-impas",
        "breakeven",
        ("Titik impas dan margin", "Break-even and margin"),
        ("Berapa yang harus terjual supaya tidak rugi?", "How much must I sell to break even?"),
        "BreakEvenCalculator",
    ),
    App(
        "07-biaya-sampai-tujuan",
        "landed",
        ("Biaya sampai di tujuan (Form D)", "Landed cost (Form D)"),
        ("Berapa harga barang saya di negara pembeli?", "What does my product cost in the buyer's country?"),
        "LandedCostCalculator",
    ),
    App(
        "08-kesiapan-ekspor",
        "readiness",
        ("Cek kesiapan ekspor", "Export readiness check"),
        ("Apa yang masih kurang untuk mulai ekspor?", "What am I still missing to start exporting?"),
        "ReadinessCalculator",
    ),
    App(
        "09-pembiayaan",
        "financing",
        ("Pembiayaan pesanan ekspor", "Export order financing"),
        ("Berapa modal dan pinjaman untuk pesanan ini?", "How much capital and credit does this order need?"),
        "FinancingCalculator",
    ),
    App(
        "10-e-katalog",
        "katalog",
        ("Harga e-Katalog", "e-Katalog price"),
        ("Berapa harga saya di e-Katalog?", "What price do I list on the e-Katalog?"),
        "KatalogCalculator",
    ),
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
    links = "\n".join(f"{i}. [{a.title[0]}]({a.slug}.ipynb) — *{a.title[1]}*" for i, a in enumerate(apps, 1))
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
