"""One calculator server (`ukm apps`) for the whole session and headless Chromium (Debian's).

The server runs on 127.0.0.1 and a free port in a temporary working folder; every page
records the requests it makes and the errors it logs, so a test can assert that nothing
left the machine and nothing failed.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.calcserver.server import running_server

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
WIDGET_TIMEOUT_MS = 90_000
LOCAL = ("http://127.0.0.1", "ws://127.0.0.1", "blob:http://127.0.0.1", "data:")


@pytest.fixture(scope="session")
def calc_server(tmp_path_factory):
    """(base URL, working folder, process id) of the session's server: 5 s cull after a disconnect."""
    folder = tmp_path_factory.mktemp("ukm-apps")
    with running_server(folder, "--cull-after", str(5 / 60)) as (base, _log, proc):
        yield base, folder, proc.pid


@pytest.fixture(scope="session")
def calc_url(calc_server):
    return calc_server[0]


# One browser for every test of this package (a page per test). Package scope, not session:
# Playwright's sync API allows one running instance per thread, and the book's browser tests
# start their own.
@pytest.fixture(scope="package")
def browser():
    from playwright.sync_api import sync_playwright

    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} missing: run .ci/system-deps.sh (Debian package chromium)")
    with sync_playwright() as p:
        b = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield b
        b.close()


class Page:
    """A Playwright page in its own browser context (its own cookies: one participant),
    plus the URLs it requested and the errors it logged. Requests that would leave
    127.0.0.1 are recorded and blocked."""

    def __init__(self, browser, width: int, height: int):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.page.set_default_timeout(WIDGET_TIMEOUT_MS)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.route(
            "**/*", lambda route: route.continue_() if route.request.url.startswith(LOCAL) else route.abort()
        )

    def external_requests(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(LOCAL)]

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def open_page(browser):
    pages: list[Page] = []

    def _open(width: int = 1024, height: int = 900) -> Page:
        p = Page(browser, width, height)
        pages.append(p)
        return p

    yield _open
    for p in pages:
        p.context.close()


def type_into(page, selector: str, text: str, key: str = "Tab") -> None:
    """Type like a person: click, replace the text, leave the box with Tab (or Enter)."""
    box = page.locator(selector)
    box.click()
    box.fill(text)
    box.press(key)


def choose_saved(page, name: str) -> None:
    """Pick the saved case ``name`` in the panel's list (its label adds the time it was saved)."""
    select = page.locator(".ukm-saved-list select")
    labels = select.locator("option").evaluate_all("os => os.map(o => o.value)")
    matching = [label for label in labels if label == name or label.startswith(name + " (")]
    assert matching, f"{name} not among saved cases {labels}"
    select.select_option(value=matching[0])
