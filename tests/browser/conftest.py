"""Headless Chromium (Debian's) for pages opened from file:// (the report's dashboard).

Every request that is not a local file is recorded and blocked: a page that needs the
network shows it in ``blocked``.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.calcserver.conftest import ARTIFACTS, browser  # noqa: F401 (the same Chromium fixture, package scope)


class FilePage:
    """A page in its own browser context, with the errors it logged and the requests it tried
    that were not local files (blocked)."""

    def __init__(self, chromium, width: int, height: int):
        self.context = chromium.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.blocked: list[str] = []
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            self.blocked.append(route.request.url)
            route.abort()

    def screenshot(self, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        self.page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def open_page(browser):  # noqa: F811 (the imported fixture, requested by name)
    pages: list[FilePage] = []

    def _open(width: int = 1024, height: int = 900) -> FilePage:
        p = FilePage(browser, width, height)
        pages.append(p)
        return p

    yield _open
    for p in pages:
        p.context.close()
