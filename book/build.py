"""Build the training book, its slides and its handouts, offline-viewable.

    python book/build.py html      [--output DIR]   # Jupyter Book HTML, -W -n --keep-going
    python book/build.py slides    [--output DIR]   # reveal.js decks from book/slides/*.md
    python book/build.py handouts  [--output DIR]   # A4 PDFs: modules, case study, worksheet, agenda
    python book/build.py check     [--output DIR]   # list external URLs the built pages would load

JavaScript the pages need (require.js and the ipywidgets embed manager for widget output;
reveal.js for the slides) is fetched from the npm registry with ``npm pack`` at build time
into ``book/_vendor`` (git-ignored), so nothing is loaded from a CDN when the book is read.
Build tooling only: the domain package ``ukm_tools`` knows nothing of this file.
"""

from __future__ import annotations

import argparse
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

BOOK = Path(__file__).resolve().parent
ROOT = BOOK.parent
VENDOR = BOOK / "_vendor"  # a static path of the book: ends up in _build/html/_static/
VENDOR_JS = VENDOR / "vendor-js"
REVEAL = BOOK / "_reveal"  # reveal.js package for the slides (not part of the book's HTML)

# npm package -> files to keep (path inside the package -> name under vendor-js/).
NPM_JS = {
    "requirejs@2.3.8": {"require.js": "require.js"},
    "@jupyter-widgets/html-manager@1.0.15": {"dist/embed-amd.js": "embed-amd.js"},
}
REVEAL_PKG = "reveal.js@5.2.1"


def module_pages() -> list[str]:
    """Module pages under book/modul/, each with a slide deck and a handout: the course's list."""
    from ukm_tools.course.config import load_course
    from ukm_tools.course.ops import template_dir

    return load_course(template_dir()).pages()


# Printed handouts (A4, page numbers) besides the modules': handout name -> the book page printed.
EXTRA_HANDOUTS = {"studi-kasus": "studi-kasus", "lembar-kerja": "lembar-kerja", "agenda": "agenda"}


def handouts() -> dict[str, str]:
    """Every handout: one per module page of the course, the case study, its worksheet, the agenda."""
    return {**{name: f"modul/{name}" for name in module_pages()}, **EXTRA_HANDOUTS}


def _npm_pack(spec: str, dest: Path) -> Path:
    """Download one npm package tarball into ``dest`` and return its path."""
    out = (
        subprocess.run(
            ["npm", "pack", spec, "--silent", "--pack-destination", str(dest)],
            check=True,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    return dest / out


def vendor_js() -> None:
    """require.js and the widget embed manager, once (kept between builds)."""
    wanted = {name for files in NPM_JS.values() for name in files.values()}
    if all((VENDOR_JS / n).is_file() for n in wanted):
        return
    VENDOR_JS.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        for spec, files in NPM_JS.items():
            tgz = _npm_pack(spec, Path(tmp))
            with tarfile.open(tgz) as tf:
                for inner, name in files.items():
                    member = tf.extractfile(f"package/{inner}")
                    if member is None:
                        raise SystemExit(f"{spec} has no {inner}")
                    (VENDOR_JS / name).write_bytes(member.read())
    print(f"vendored {sorted(wanted)} into {VENDOR_JS.relative_to(ROOT)}")


def vendor_reveal() -> Path:
    """reveal.js (dist/ and plugin/) from the npm registry, once."""
    if (REVEAL / "dist" / "reveal.js").is_file():
        return REVEAL
    with tempfile.TemporaryDirectory() as tmp:
        tgz = _npm_pack(REVEAL_PKG, Path(tmp))
        with tarfile.open(tgz) as tf:
            tf.extractall(tmp, filter="data")
        if REVEAL.exists():
            shutil.rmtree(REVEAL)
        REVEAL.mkdir()
        for part in ("dist", "plugin"):
            shutil.copytree(Path(tmp) / "package" / part, REVEAL / part)
    print(f"vendored {REVEAL_PKG} into {REVEAL.relative_to(ROOT)}")
    return REVEAL


# `jupyter-book` run by this interpreter, with jsonschema's optional rfc3987_syntax import
# blocked: it compiles a grammar at import (2-7 s of every build here) and only checks "iri"
# formats, which the Jupyter Book config schema does not use.
_JB_LAUNCH = (
    "import sys; sys.modules['rfc3987_syntax'] = None; "
    "from jupyter_book.cli.main import main; sys.argv[0] = 'jupyter-book'; main()"
)


def jupyter_book_cmd(*args: str) -> list[str]:
    return [sys.executable, "-c", _JB_LAUNCH, *args]


# Environment that page outputs depend on (calculator and hub links, see bookkit.py). The
# execution cache keys on code only, so a change here must clear it.
LINK_ENV = ("UKM_APPS_URL", "UKM_HUB_URL", "UKM_HUB_APPS_DIR")


def _reset_cache_if_links_changed(build_dir: Path) -> None:
    stamp = build_dir / ".ukm-link-env"
    now = "\n".join(f"{k}={os.environ.get(k, '')}" for k in LINK_ENV)
    if stamp.is_file() and stamp.read_text() != now:
        shutil.rmtree(build_dir / ".jupyter_cache", ignore_errors=True)
        print("calculator link settings changed: execution cache cleared")
    build_dir.mkdir(parents=True, exist_ok=True)
    stamp.write_text(now)


def build_html(output: Path | None = None) -> Path:
    """Jupyter Book HTML; exits non-zero on any error or warning. Returns the html folder."""
    vendor_js()
    _reset_cache_if_links_changed((output or BOOK) / "_build")
    cmd = jupyter_book_cmd("build", str(BOOK), "-W", "-n", "--keep-going")
    if output is not None:
        cmd += ["--path-output", str(output)]
    # Pages import bookkit (next to this file) from their own folders.
    env = dict(
        os.environ,
        PYDEVD_DISABLE_FILE_VALIDATION="1",
        NBFORMAT_VALIDATOR="fastjsonschema",
        PYTHONPATH=os.pathsep.join(filter(None, [str(BOOK), os.environ.get("PYTHONPATH")])),
    )
    subprocess.run(cmd, check=True, env=env)
    html_dir = (output or BOOK) / "_build" / "html"
    problems = external_loads(html_dir)
    if problems:
        for page, url in problems:
            print(f"external resource in {page}: {url}", file=sys.stderr)
        raise SystemExit("the built book would load resources from the internet")
    return html_dir


class _Loads(html.parser.HTMLParser):
    """URLs a page loads by itself (scripts, styles, images, frames) — not links a reader clicks."""

    ATTRS = {
        "script": "src",
        "img": "src",
        "iframe": "src",
        "source": "src",
        "audio": "src",
        "video": "src",
        "embed": "src",
        "link": "href",
    }

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "link" and not (
            {"stylesheet", "preload", "icon", "modulepreload"} & set((a.get("rel") or "").split())
        ):
            return
        url = a.get(self.ATTRS.get(tag, ""), None)
        if url:
            self.urls.append(url)


_CSS_REMOTE = re.compile(r"""(?:@import\s+(?:url\()?|url\()\s*['"]?((?:https?:)?//[^'")\s]+)""")


def external_loads(html_dir: Path) -> list[tuple[str, str]]:
    """(file, url) for every resource a page or stylesheet would fetch from outside the folder."""
    found = []
    for page in sorted(html_dir.rglob("*.html")):
        p = _Loads()
        p.feed(page.read_text(encoding="utf-8"))
        for url in p.urls:
            if "://" in url or url.startswith("//"):
                found.append((str(page.relative_to(html_dir)), url))
    for css in sorted(html_dir.rglob("*.css")):
        text = re.sub(r"/\*.*?\*/", "", css.read_text(encoding="utf-8", errors="replace"), flags=re.S)
        for url in _CSS_REMOTE.findall(text):
            found.append((str(css.relative_to(html_dir)), url))
    return found


def build_slides(output: Path | None = None) -> Path:
    """One reveal.js deck per module from book/slides/<module>.md (executed, code hidden)."""
    from book_slides import render_decks  # noqa: PLC0415  (sibling module, imported lazily)

    reveal = vendor_reveal()
    out = (output or BOOK / "_build") / "slides"
    return render_decks(BOOK / "slides", out, reveal)


def print_pdf(page: Path, pdf: Path) -> Path:
    """Print one built page to PDF with headless Chromium: A4, page numbers and landscape pages
    for the widest tables come from the book's print stylesheet (_assets/ukm.css, @page)."""
    chromium = os.environ.get("CHROMIUM", "/usr/bin/chromium")
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run(
            [
                chromium,
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                f"--user-data-dir={profile}",
                "--no-pdf-header-footer",
                "--run-all-compositor-stages-before-draw",
                "--virtual-time-budget=5000",
                f"--print-to-pdf={pdf}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    if not pdf.is_file() or pdf.stat().st_size < 10_000:
        raise SystemExit(f"handout {pdf} was not written")
    return pdf


def build_handouts(output: Path | None = None, html_dir: Path | None = None) -> Path:
    """A printable A4 PDF per module, the case study, its worksheet and the agenda, printed by
    headless Chromium from the built HTML (two at a time: Chromium is the slow part)."""
    from concurrent.futures import ThreadPoolExecutor

    html_dir = html_dir or (output or BOOK) / "_build" / "html"
    if not (html_dir / "index.html").is_file():
        html_dir = build_html(output)
    out = (output or BOOK / "_build") / "handouts"
    out.mkdir(parents=True, exist_ok=True)
    jobs = {name: (html_dir / f"{page}.html", out / f"{name}.pdf") for name, page in handouts().items()}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for pdf in pool.map(lambda job: print_pdf(*job), jobs.values()):
            print(f"handout {pdf}")
    return out


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("what", choices=["html", "slides", "handouts", "check", "vendor"])
    ap.add_argument("--output", type=Path, default=None, help="build into DIR/_build instead of book/_build")
    args = ap.parse_args(argv)
    sys.path.insert(0, str(BOOK))
    if args.what == "html":
        build_html(args.output)
    elif args.what == "slides":
        build_slides(args.output)
    elif args.what == "handouts":
        build_handouts(args.output)
    elif args.what == "vendor":
        vendor_js()
        vendor_reveal()
    else:
        problems = external_loads((args.output or BOOK) / "_build" / "html")
        for page, url in problems:
            print(f"{page}: {url}")
        raise SystemExit(1 if problems else 0)


if __name__ == "__main__":
    main()
