"""Fixtures for the book's tests: one clean build per session (empty execution cache)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
sys.path.insert(0, str(BOOK))  # build.py and bookkit.py are plain files next to the pages

import build  # noqa: E402  (after the path is set)

MODULES = build.module_pages()  # the course's list (course.yml), as the book reads it
# Modules whose page is written (the rest are being written): browser and figure checks run on these.
WRITTEN = MODULES


# Front matter of an executable MyST page.
MYST_PAGE = (
    "---\n"
    "kernelspec: {display_name: Python 3, language: python, name: python3}\n"
    "jupytext: {text_representation: {format_name: myst}}\n"
    "---\n"
)


def minimal_book(folder: Path, pages: dict[str, str]) -> Path:
    """A throwaway book with the real config, helpers and vendored JS but only ``pages``
    (file stem -> page text; the first is the root). Returns its source folder."""
    import shutil

    import build

    build.vendor_js()
    src = folder / "book"
    src.mkdir()
    shutil.copy(BOOK / "_config.yml", src / "_config.yml")
    shutil.copy(BOOK / "bookkit.py", src / "bookkit.py")
    shutil.copytree(BOOK / "_vendor", src / "_vendor")
    shutil.copytree(BOOK / "_assets", src / "_assets")
    root, *chapters = pages
    toc = f"format: jb-book\nroot: {root}\n"
    if chapters:
        toc += "chapters:\n" + "".join(f"  - file: {c}\n" for c in chapters)
    (src / "_toc.yml").write_text(toc)
    for stem, text in pages.items():
        (src / f"{stem}.md").write_text(text)
    return src


@pytest.fixture(scope="session")
def built_book(tmp_path_factory) -> Path:
    """Build the book from an empty cache into a temporary folder; return its html folder."""
    import build

    out = tmp_path_factory.mktemp("book")
    return build.build_html(out)


def one(node, selector: str):
    """The element of ``node`` that ``selector`` names; fails the test when there is none."""
    found = node.select_one(selector)
    assert found is not None, f"no {selector}"
    return found


def tables(html_file: Path) -> dict[str, list[list[str]]]:
    """Every bookkit table of a built page: key -> rows of cell texts (header row first)."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html_file.read_text(encoding="utf-8"), "html.parser")
    found: dict[str, list[list[str]]] = {}
    for t in soup.select("table[data-ukm-table]"):
        rows = [[c.get_text(" ", strip=True) for c in tr.find_all(["th", "td"])] for tr in t.find_all("tr")]
        found[str(t["data-ukm-table"])] = rows
    return found


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium through Playwright, one per test module: Playwright's sync API allows one
    running instance per thread, and other test folders start their own."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


@pytest.fixture(scope="session")
def built_slides(tmp_path_factory) -> Path:
    """Every slide deck rendered into a temporary folder (reveal.js copied beside them)."""
    import build

    return build.build_slides(tmp_path_factory.mktemp("slides"))


@pytest.fixture(scope="session")
def handouts(built_book, tmp_path_factory) -> Path:
    import build

    return build.build_handouts(tmp_path_factory.mktemp("handouts"), html_dir=built_book)


def only_local(page) -> list[str]:
    """Let ``page`` load file:// addresses only; the list collects every other address it tried."""
    blocked: list[str] = []

    def route(r) -> None:
        if r.request.url.startswith("file://"):
            r.continue_()
        else:
            blocked.append(r.request.url)
            r.abort()

    page.route("**/*", route)
    return blocked


# The book, the decks and the handouts are built once per session, inside the first test that
# asks for them, so that test's timeout also covers the build. It gets this much longer.
BUILD_BUDGET_S = {"built_book": 420, "built_slides": 300, "handouts": 120}


def pytest_collection_modifyitems(items):
    first: dict[str, pytest.Item] = {}
    for item in items:
        for name in BUILD_BUDGET_S:
            if name in getattr(item, "fixturenames", ()) and name not in first:
                first[name] = item
    for item in {id(i): i for i in first.values()}.values():
        marker = item.get_closest_marker("timeout")
        base = marker.args[0] if marker and marker.args else 120
        extra = sum(BUILD_BUDGET_S[n] for n, i in first.items() if i is item)
        item.add_marker(pytest.mark.timeout(base + extra), append=False)
