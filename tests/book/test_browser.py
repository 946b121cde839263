"""Headless Chromium opens every module page of the built book from file:// with the
network blocked: nothing is requested outside the book, nothing fails, the computed tables
and charts render, and the live-calculator link is there."""

from __future__ import annotations

import pytest

from tests.book.conftest import WRITTEN, only_local

pytestmark = [pytest.mark.slow, pytest.mark.browser]


@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", WRITTEN)
def test_module_page_renders_offline(built_book, browser, name):
    page = browser.new_page()
    blocked = only_local(page)
    failed: list[str] = []
    page.on("requestfailed", lambda req: failed.append(f"{req.url} {req.failure}"))
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((built_book / "modul" / f"{name}.html").as_uri(), wait_until="load")

    assert blocked == []
    assert failed == []
    assert errors == []
    # computed tables: visible, with data rows
    tables = page.locator("table[data-ukm-table]")
    assert tables.count() >= 1
    for i in range(tables.count()):
        assert tables.nth(i).is_visible()
        assert tables.nth(i).locator("tbody tr").count() >= 1
    # charts: static images that actually decoded
    imgs = page.locator("article img")
    assert imgs.count() >= 1
    for i in range(imgs.count()):  # images may load lazily: bring each into view
        imgs.nth(i).scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.querySelectorAll('article img')].every(i => i.complete)", timeout=10_000)
    assert page.evaluate(
        "() => [...document.querySelectorAll('article img')].every(i => i.complete && i.naturalWidth > 0)"
    )
    # the live calculator link
    link = page.locator("a.ukm-calculator-link")
    assert link.count() == 1
    assert link.get_attribute("href").startswith("http://127.0.0.1:8866/kalkulator/")
    page.close()


@pytest.mark.timeout(300)
def test_widget_output_would_render_offline_with_the_vendored_js(tmp_path, browser):
    """The book shows no widgets (a static page cannot recompute), but if a page ever saves widget
    state, the vendored require.js + embed manager must render it from file:// with no network."""
    import os
    import subprocess

    import build

    from tests.book.conftest import MYST_PAGE, minimal_book

    src = minimal_book(
        tmp_path,
        {
            "intro": MYST_PAGE
            + (
                "# Widget\n\n"
                "```{code-cell} ipython3\n"
                "import ipywidgets\n"
                'ipywidgets.IntSlider(value=7, description="Jumlah")\n'
                "```\n"
            )
        },
    )
    subprocess.run(
        build.jupyter_book_cmd("build", str(src), "-W", "-n", "--keep-going"),
        check=True,
        capture_output=True,
        timeout=280,
        env=dict(os.environ),
    )
    html = src / "_build" / "html" / "intro.html"
    assert build.external_loads(html.parent) == []
    page = browser.new_page()
    blocked = only_local(page)
    page.goto(html.as_uri(), wait_until="load")
    page.wait_for_selector(".widget-slider, .jupyter-widgets", timeout=20_000)
    assert "Jumlah" in page.inner_text("article")
    assert blocked == []
    page.close()
