"""Render the slide decks in book/slides/*.md to reveal.js HTML that works offline.

Each deck is a MyST markdown notebook (jupytext) whose cells carry reveal.js slide types
(``+++ {"slideshow": {"slide_type": "slide"}}``): a few points and one figure or table per
slide, written for presenting. The notebook is executed (figures computed by ukm_tools, as
in the book), code is hidden, and nbconvert renders it with the ``ukm-reveal`` template,
which loads reveal.js from a copy next to the decks instead of a CDN.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
# "white" uses fonts shipped in the package; several other reveal.js themes @import Google Fonts.
THEME = "white"


def render_deck(source: Path, out_dir: Path, timeout: int = 180) -> Path:
    """Execute one deck and write ``out_dir/<name>.html``."""
    import jupytext
    from nbclient import NotebookClient
    from nbconvert import SlidesExporter

    nb = jupytext.read(source)
    nb.metadata.setdefault("kernelspec", {"name": "python3", "display_name": "Python 3", "language": "python"})
    with _bookkit_on_path():
        NotebookClient(
            nb, timeout=timeout, kernel_name="python3", resources={"metadata": {"path": str(HERE)}}
        ).execute()
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs = [o for o in cell.outputs if o.get("output_type") != "stream"]
    exporter = SlidesExporter(
        template_name="ukm-reveal",
        extra_template_basedirs=[str(HERE / "slides" / "_template")],
        reveal_url_prefix="reveal.js",
        reveal_theme=THEME,
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": nb.metadata.get("title", source.stem)}})
    target = out_dir / f"{source.stem}.html"
    target.write_text(body, encoding="utf-8")
    return target


_PATH_LOCK = threading.Lock()
_path_users = 0
_saved_path: str | None = None


@contextlib.contextmanager
def _bookkit_on_path():
    """Kernels started meanwhile import bookkit (next to this file); safe for decks run in parallel."""
    global _path_users, _saved_path
    with _PATH_LOCK:
        if _path_users == 0:
            _saved_path = os.environ.get("PYTHONPATH")
            os.environ["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), _saved_path]))
        _path_users += 1
    try:
        yield
    finally:
        with _PATH_LOCK:
            _path_users -= 1
            if _path_users == 0:
                if _saved_path is None:
                    os.environ.pop("PYTHONPATH", None)
                else:
                    os.environ["PYTHONPATH"] = _saved_path


def render_decks(slides_dir: Path, out_dir: Path, reveal: Path) -> Path:
    """Every deck in ``slides_dir`` into ``out_dir``, with reveal.js and the book's CSS beside them."""
    out_dir.mkdir(parents=True, exist_ok=True)
    target = out_dir / "reveal.js"
    if target.exists():
        shutil.rmtree(target)
    # Only what the decks use: the core, one theme with its local fonts, the notes plugin.
    (target / "dist" / "theme").mkdir(parents=True)
    for name in ("reveal.js", "reveal.css", "reset.css"):
        shutil.copy(reveal / "dist" / name, target / "dist" / name)
    shutil.copy(reveal / "dist" / "theme" / f"{THEME}.css", target / "dist" / "theme" / f"{THEME}.css")
    shutil.copytree(reveal / "dist" / "theme" / "fonts", target / "dist" / "theme" / "fonts")
    shutil.copytree(reveal / "plugin" / "notes", target / "plugin" / "notes")
    shutil.copy(HERE / "_assets" / "ukm.css", out_dir / "ukm.css")
    # Two kernels at a time: executing the decks is most of the build.
    with ThreadPoolExecutor(max_workers=2) as pool:
        for deck in pool.map(lambda src: render_deck(src, out_dir), sorted(slides_dir.glob("*.md"))):
            print(f"slides {deck.relative_to(out_dir.parent)}")
    return out_dir
