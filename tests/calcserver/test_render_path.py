"""What a page open goes through on the server, without a server: widget messages queued per
page (never a round trip to the event loop per message) and the cycle collector's policy."""

from __future__ import annotations

import asyncio
import gc
import threading
import weakref

import pytest

from tests.calcserver.wsclient import run_async
from ukm_tools.calcserver.collector import Collector, PauseWatch

pytestmark = pytest.mark.timeout(60)


# --- widget messages to a page -----------------------------------------------------------------
class FakeSocket:
    """Starlette's websocket as the wrapper uses it: what was sent, in order."""

    def __init__(self, fail_after: int | None = None):
        self.sent: list[str | bytes] = []
        self.fail_after = fail_after

    async def _send(self, data):
        if self.fail_after is not None and len(self.sent) >= self.fail_after:
            raise RuntimeError("Unexpected ASGI message 'websocket.send', after sending 'websocket.close'")
        self.sent.append(data)

    async def send_text(self, data: str) -> None:
        await self._send(data)

    async def send_bytes(self, data: bytes) -> None:
        await self._send(data)


async def _wrapper(ws):
    from ukm_tools.calcserver.websocket_queue import QueuedWebsocket

    # A portal only marks "threaded" (Solara's mode); the queue never calls it.
    return QueuedWebsocket(ws, portal=object())


async def _until(predicate, timeout=10.0):
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        assert asyncio.get_running_loop().time() < deadline, "not reached in time"
        await asyncio.sleep(0.01)


def test_a_page_thread_sends_while_the_event_loop_is_busy_and_the_page_gets_every_message_in_order():
    """Solara's own wrapper blocks the page's thread until the loop has written each message:
    with the loop held, these 300 sends would never return (the test would time out)."""
    messages: list[str | bytes] = [f"msg-{i}" if i % 7 else f"bin-{i}".encode() for i in range(300)]

    async def scenario():
        ws = FakeSocket()
        wrapper = await _wrapper(ws)
        sent_all = threading.Event()

        def page_thread():
            for m in messages:
                wrapper.send(m)
            sent_all.set()

        thread = threading.Thread(target=page_thread)
        thread.start()
        # The loop is held (as by other pages' work) until the thread has sent everything.
        assert sent_all.wait(timeout=20), "a send waited for the event loop"
        thread.join()
        await _until(lambda: len(ws.sent) == len(messages))
        return ws.sent

    assert run_async(scenario()) == messages


def test_sends_from_the_event_loop_itself_keep_their_place_in_the_order():
    async def scenario():
        ws = FakeSocket()
        wrapper = await _wrapper(ws)
        t = threading.Thread(target=lambda: [wrapper.send_text(f"t{i}") for i in range(50)])
        t.start()
        t.join()
        wrapper.send_text("from-the-loop")
        await _until(lambda: len(ws.sent) == 51)
        return ws.sent

    sent = run_async(scenario())
    assert sent == [f"t{i}" for i in range(50)] + ["from-the-loop"]


def test_a_send_after_the_page_went_away_says_so_as_solaras_wrapper_did():
    from solara.server.websocket import WebSocketDisconnect

    async def scenario():
        ws = FakeSocket(fail_after=3)
        wrapper = await _wrapper(ws)
        for i in range(10):
            wrapper.send_text(f"m{i}")
        await _until(lambda: wrapper._closed)
        with pytest.raises(WebSocketDisconnect):
            wrapper.send_text("after the close")
        return ws.sent

    assert run_async(scenario()) == ["m0", "m1", "m2"]


def test_solaras_endpoint_uses_the_queued_wrapper_once_installed():
    from solara.server import starlette as solara_starlette

    from ukm_tools.calcserver import websocket_queue

    original = solara_starlette.WebsocketWrapper
    try:
        websocket_queue.install()
        assert solara_starlette.WebsocketWrapper is websocket_queue.QueuedWebsocket
        assert issubclass(websocket_queue.QueuedWebsocket, original)
    finally:
        solara_starlette.WebsocketWrapper = original  # type: ignore[misc]


# --- the cycle collector ----------------------------------------------------------------------------
def test_nothing_closed_only_freezes():
    c = Collector()
    assert c.decide(sessions_open=400, calculators_in_memory=400, now=1000.0) == "freeze"
    assert c.decide(sessions_open=0, calculators_in_memory=0, now=1002.0) == "freeze"


def test_a_few_open_sessions_free_a_closed_one_at_once():
    # A full collection with 3 pages open is short: the closed page is freed at the next step.
    c = Collector()
    assert c.decide(sessions_open=3, calculators_in_memory=4, now=1000.0) == "collect"


def test_with_a_class_open_closed_pages_wait_until_enough_or_long_enough():
    # 400 open: a full collection takes about 2 s of everyone's time; 10 closed pages (10 < 400/8)
    # wait, but never longer than max_wait_s (120 s).
    c = Collector()
    assert c.decide(400, 410, now=1000.0) == "freeze"
    assert c.decide(400, 410, now=1060.0) == "freeze"
    assert c.decide(400, 410, now=1120.0) == "collect"
    # 50 closed pages (= 400/8) are worth a full collection at once...
    c = Collector()
    assert c.decide(400, 450, now=1000.0) == "collect"
    # ...but two full collections are at least 0.25 s x 400 = 100 s apart, even if pages
    # stayed in memory after their session (a leak must not stop the class every step).
    assert c.decide(400, 450, now=1050.0) == "freeze"
    assert c.decide(400, 450, now=1101.0) == "collect"


def test_a_full_collection_comes_every_fifteen_minutes_even_with_nothing_waiting():
    c = Collector()
    c.decide(400, 400, now=1000.0)
    c.last_full = 1000.0
    assert c.decide(400, 400, now=1000.0 + 899) == "freeze"
    assert c.decide(400, 400, now=1000.0 + 900) == "collect"


class Calculatorish:
    """Objects in a cycle, as a calculator's widgets are: only the cycle collector frees them."""

    def __init__(self):
        self.me = self


def test_a_frozen_closed_session_is_freed_by_the_collect_step_and_a_live_one_kept():
    c = Collector()
    try:
        closed, kept = Calculatorish(), Calculatorish()
        closed_ref, kept_ref = weakref.ref(closed), weakref.ref(kept)
        assert c.step(sessions_open=2, calculators_in_memory=2, now=1000.0) == "freeze"
        assert gc.get_freeze_count() > 0
        del closed
        gc.collect()  # an automatic collection does not see frozen objects
        assert closed_ref() is not None
        assert c.step(sessions_open=1, calculators_in_memory=2, now=1002.0) == "collect"
        assert closed_ref() is None and kept_ref() is kept
    finally:
        gc.unfreeze()


def test_collections_are_timed_per_generation():
    watch = PauseWatch()
    gc.callbacks.append(watch)
    try:
        gc.collect(0)
        gc.collect()
    finally:
        gc.callbacks.remove(watch)
    s = watch.stats()
    assert s["gen0"]["count"] >= 1 and s["gen2"]["count"] >= 1
    assert s["gen2"]["max_s"] >= 0 and s["gen2"]["total_s"] >= s["gen2"]["max_s"]


# --- start-up --------------------------------------------------------------------------------------
WARM_THEN_OPEN = """
import sys, tempfile
from pathlib import Path
from ukm_tools.calcserver.warmup import warm_up
from ukm_tools.widgets.base import Calculator
from ukm_tools.widgets.case_store import CaseStore
from ukm_tools.widgets.gallery import APPS
assert 'pandas' not in sys.modules  # the domain loads it lazily: the race needs a first import
assert warm_up() == len(APPS)
before = set(sys.modules)
with tempfile.TemporaryDirectory() as tmp:
    for app in APPS:
        cls = app.calculator_class()
        calc = cls(store=CaseStore(Path(tmp))) if issubclass(cls, Calculator) else cls()
        calc.widget
print(sorted(set(sys.modules) - before))
"""


def test_after_the_warm_up_opening_any_calculator_imports_nothing_more():
    """Pages' threads then never import a module at the same moment (measured: two first pages
    importing pandas together left one with a half-initialised module, and no calculator)."""
    import subprocess
    import sys

    out = subprocess.run(
        [sys.executable, "-c", WARM_THEN_OPEN], capture_output=True, text=True, timeout=120, check=True
    ).stdout
    assert out.strip().splitlines()[-1] == "[]"
