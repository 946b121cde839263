"""One Voila server for the whole session and one headless Chromium (Debian's, no download).

Voila serves the calculator gallery written into a temporary folder, on 127.0.0.1 and a
free port; readiness is polled with a bounded wait. Every page records the requests it
makes so a test can assert that nothing left the machine.
"""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
READY_TIMEOUT_S = 90
WIDGET_TIMEOUT_MS = 60_000


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def voila_url(tmp_path_factory):
    from ukm_tools.widgets.gallery import voila_command, voila_env, write_gallery

    folder = tmp_path_factory.mktemp("gallery")
    write_gallery(folder)
    port = free_port()
    env = voila_env()
    env.update(UKM_SAVE_DIR=str(folder / "kasus-tersimpan"), UKM_MAX_RATE_AGE_DAYS="7", UKM_LANG="id")
    env.pop("UKM_CASE", None)
    log = open(folder / "voila.log", "wb")
    proc = subprocess.Popen(voila_command(folder, port), cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + READY_TIMEOUT_S
    try:
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"voila exited with {proc.returncode}: {(folder / 'voila.log').read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(url + "/", timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"voila not ready after {READY_TIMEOUT_S} s: {(folder / 'voila.log').read_text()[-2000:]}"
                )
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        log.close()


# Module scope, not session: Playwright's sync API allows one running instance per thread,
# and other browser-test modules start their own.
@pytest.fixture(scope="module")
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
    """A Playwright page plus the URLs it requested and the errors it logged."""

    def __init__(self, browser, width: int, height: int):
        self.context = browser.new_context(viewport={"width": width, "height": height})
        self.page = self.context.new_page()
        self.page.set_default_timeout(WIDGET_TIMEOUT_MS)
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def external_requests(self) -> list[str]:
        return [
            u
            for u in self.requests
            if not u.startswith(("http://127.0.0.1", "ws://127.0.0.1", "blob:http://127.0.0.1", "data:"))
        ]

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
