"""Slide decks (reveal.js, offline) and printable handouts (PDF) for every module."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Error

from tests.book.conftest import MODULES, only_local

pytestmark = pytest.mark.slow


@pytest.mark.timeout(300)
def test_every_module_has_a_deck_that_loads_nothing_from_the_internet(built_slides):
    import build

    for name in MODULES:
        assert (built_slides / f"{name}.html").is_file(), name
    assert build.external_loads(built_slides) == []
    assert (built_slides / "reveal.js" / "dist" / "reveal.js").is_file()


@pytest.mark.browser
@pytest.mark.timeout(120)
def test_decks_present_offline_in_chromium(built_slides):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium",
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            for name in MODULES:
                page = browser.new_page()
                blocked = only_local(page)
                errors: list[str] = []

                def error(e: Error, errors: list[str] = errors) -> None:
                    errors.append(str(e))

                page.on("pageerror", error)
                page.goto((built_slides / f"{name}.html").as_uri(), wait_until="load")
                page.wait_for_function("() => window.Reveal && Reveal.isReady()", timeout=10_000)
                total = page.evaluate("() => Reveal.getTotalSlides()")
                assert 4 <= total <= 12, (name, total)  # a few points per slide, not one per cell
                assert page.evaluate(
                    "() => [...document.querySelectorAll('.slides img')].some(i => i.complete && i.naturalWidth > 0)"
                ), name
                assert blocked == [] and errors == [], (name, blocked, errors)
                page.close()
        finally:
            browser.close()


@pytest.mark.timeout(300)
def test_every_module_has_a_printable_handout(handouts):
    for name in MODULES:
        pdf = (handouts / f"{name}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF"), name
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages >= 2, (name, pages)
