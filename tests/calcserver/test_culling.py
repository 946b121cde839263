"""Sessions end and free their objects: closed pages at once, dropped connections after the
configured time, forgotten tabs after the idle time; memory stays bounded over many pages.

One server for the module with short times (3 s after a disconnect, 6 s idle); pages are
held by the lightweight websocket client replaying a recorded session, and one by Chromium.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from tests.calcserver.server import running_server, status
from tests.calcserver.wsclient import PageClient, Recording, run_async

pytestmark = [pytest.mark.slow, pytest.mark.timeout(240)]

RECORDING = Recording.from_json((Path(__file__).parent / "recordings" / "harga-ekspor.json").read_text())
CULL_AFTER_S = 3
IDLE_AFTER_S = 6
REAPER_INTERVAL_S = 1.5  # web._reap_forever: a quarter of the idle time


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    folder = tmp_path_factory.mktemp("culling")
    times = ("--cull-after", str(CULL_AFTER_S / 60), "--idle-after", str(IDLE_AFTER_S / 60))
    with running_server(folder, *times) as (base, _log, _proc):
        yield base


def wait_for(base: str, predicate, timeout: float) -> tuple[dict, float]:
    """Poll /status until ``predicate(status)``; returns it and the seconds it took."""
    t0 = time.monotonic()
    while True:
        s = status(base)
        if predicate(s):
            return s, time.monotonic() - t0
        if time.monotonic() - t0 > timeout:
            raise AssertionError(f"not reached in {timeout} s: {s}")
        time.sleep(0.25)


def released(s: dict) -> bool:
    return s["sessions_open"] == 0 and s["calculators_in_memory"] == 0


def test_closed_pages_release_their_calculators_at_once(server):
    wait_for(server, released, 30)

    async def scenario():
        pages = [PageClient(server, RECORDING) for _ in range(3)]
        for p in pages:
            await p.open()
        opened = status(server)
        for p in pages:
            await p.close(beacon=True)
        return opened

    opened = run_async(scenario())
    assert opened["sessions_open"] == 3 and opened["calculators_in_memory"] == 3
    # the tab-close beacon ends the session; the next reaper pass collects its objects
    _, took = wait_for(server, released, CULL_AFTER_S + 2 * REAPER_INTERVAL_S + 5)
    assert took < CULL_AFTER_S + 2 * REAPER_INTERVAL_S + 5


def test_dropped_connection_is_kept_for_the_cull_time_then_released(server):
    wait_for(server, released, 30)

    async def scenario():
        page = PageClient(server, RECORDING)
        await page.open()
        await page.close(beacon=False)  # a phone that went to sleep: no goodbye

    run_async(scenario())
    time.sleep(1)
    assert status(server)["sessions_open"] == 1  # still there: the phone may come back
    _, took = wait_for(server, released, CULL_AFTER_S + 2 * REAPER_INTERVAL_S + 5)
    assert took >= CULL_AFTER_S - 1.5


def test_forgotten_tab_is_closed_after_the_idle_time_but_a_busy_one_is_not(server):
    wait_for(server, released, 30)

    async def scenario():
        busy, forgotten = PageClient(server, RECORDING), PageClient(server, RECORDING)
        await busy.open()
        await forgotten.open()
        t0 = time.monotonic()
        i = 0
        while time.monotonic() - t0 < IDLE_AFTER_S + 3 * REAPER_INTERVAL_S + 2:
            await busy.change(i)  # a participant typing every second
            i += 1
            await asyncio.sleep(1)
        s = status(server)
        closed_by_server = forgotten.ws.close_code is not None
        await busy.close()
        await forgotten.close(beacon=False)
        return s, closed_by_server

    s, closed_by_server = run_async(scenario())
    assert s["sessions_open"] == 1 and s["sessions_culled_idle_total"] >= 1
    assert closed_by_server  # the forgotten page's connection was ended by the server
    wait_for(server, released, CULL_AFTER_S + 2 * REAPER_INTERVAL_S + 5)


def test_a_chromium_page_closed_by_its_participant_is_released(server, browser):
    wait_for(server, released, 30)
    context = browser.new_context(viewport={"width": 360, "height": 740})
    page = context.new_page()
    page.goto(f"{server}/kalkulator/harga-ekspor")
    page.wait_for_selector(".ukm-unit-quote", timeout=120_000)
    assert status(server)["sessions_open"] == 1
    context.close()
    wait_for(server, released, CULL_AFTER_S + 2 * REAPER_INTERVAL_S + 5)


def test_memory_stays_bounded_over_repeated_open_close_cycles(server):
    wait_for(server, released, 30)

    async def cycles(n: int, at_once: int = 4) -> None:
        for _ in range(n // at_once):
            pages = [PageClient(server, RECORDING) for _ in range(at_once)]
            await asyncio.gather(*(p.open() for p in pages))
            await asyncio.gather(*(p.change(0) for p in pages))
            await asyncio.gather(*(p.close() for p in pages))

    run_async(cycles(4))  # warm-up: imports, caches, the allocator's first arenas
    baseline = wait_for(server, released, 30)[0]["rss_bytes"]
    run_async(cycles(20))
    after = wait_for(server, released, 30)[0]
    grown_mb = (after["rss_bytes"] - baseline) / 1e6
    # 20 sessions kept alive would hold about 60-80 MB (3-4 MB each); all of them were released
    assert after["sessions_opened_total"] >= 24
    assert grown_mb < 25, f"RSS grew {grown_mb:.0f} MB over 20 open/close cycles"
