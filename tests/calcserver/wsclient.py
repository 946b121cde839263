"""A lightweight calculator-page client: what a browser says over the websocket, without a browser.

A recorded session (:func:`record` in a real Chromium page, or a file written by it) holds
the messages the page sent: ``kernel_info_request``, opening Solara's control comm, "run
page <path>", then widget updates (typed values). Replaying it opens a real server-side
session: the server builds the calculator and sends every widget as it would to a browser.
Widget ids differ per session, so a recorded update is re-addressed to the widget carrying
the same ``ukm-field-*`` class (every calculator input has one).

Used by the culling/memory tests (tests/calcserver) and the load benchmark
(benchmarks/calcserver), always against 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import websockets

SOLARA_SESSION_COOKIE = "solara-session-id"


@dataclass
class Recording:
    path: str  # page path under /kalkulator, e.g. "harga-ekspor"
    sent: list[dict[str, Any]]  # messages the page sent, in order
    fields: dict[str, str]  # recorded comm id of each changed input -> its ukm-field-* class

    def to_json(self) -> str:
        return json.dumps({"path": self.path, "sent": self.sent, "fields": self.fields})

    @classmethod
    def from_json(cls, text: str) -> Recording:
        data = json.loads(text)
        return cls(data["path"], data["sent"], data["fields"])

    @property
    def updates(self) -> list[dict[str, Any]]:
        """The recorded widget changes (typed values), in order."""
        return [
            m
            for m in self.sent
            if m["header"]["msg_type"] == "comm_msg" and m["content"]["data"].get("method") == "update"
        ]


def _message(msg_type: str, content: dict[str, Any], session: str) -> dict[str, Any]:
    msg_id = uuid.uuid4().hex
    header = {
        "msg_id": msg_id,
        "msg_type": msg_type,
        "username": "",
        "session": session,
        "date": time.strftime("%Y-%m-%dT%H:%M:%S.000Z", time.gmtime()),
        "version": "5.2",
    }
    return {
        "header": header,
        "msg_id": msg_id,
        "msg_type": msg_type,
        "parent_header": {},
        "metadata": {},
        "content": content,
        "buffers": [],
        "channel": "shell",
    }


@dataclass
class PageClient:
    """One open calculator page held by a websocket (asyncio)."""

    base: str  # http://127.0.0.1:PORT
    recording: Recording
    browser_cookie: str = field(default_factory=lambda: uuid.uuid4().hex + uuid.uuid4().hex)
    kernel_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    page_id: str = field(default_factory=lambda: str(uuid.uuid4()))
    fields: dict[str, str] = field(default_factory=dict)  # ukm-field-* class -> comm id in this session
    ws: Any = None
    _idle: dict[str, asyncio.Future] = field(default_factory=dict)
    _reader: asyncio.Task | None = None
    messages_received: int = 0

    @property
    def url(self) -> str:
        host = self.base.split("://", 1)[1]
        return f"ws://{host}/kalkulator/jupyter/api/kernels/{self.kernel_id}/channels?session_id={self.page_id}"

    async def open(self, timeout: float = 120) -> float:
        """Connect and render the page server-side; returns seconds until the server was done."""
        t0 = time.perf_counter()
        cookie = f"ukm-peserta={self.browser_cookie}; {SOLARA_SESSION_COOKIE}={self.browser_cookie[:36]}"
        self.ws = await websockets.connect(
            self.url, additional_headers={"Cookie": cookie}, max_size=None, open_timeout=timeout, ping_interval=None
        )
        self._reader = asyncio.create_task(self._read())
        control = str(uuid.uuid4())
        control_recorded = None
        for recorded in self.recording.sent:
            kind = recorded["header"]["msg_type"]
            content = json.loads(json.dumps(recorded["content"]))
            if kind == "comm_msg" and content["data"].get("method") == "update":
                break  # the page is open: changes come later, one at a time
            if kind == "comm_open" and content.get("target_name") == "solara.control":
                control_recorded = content["comm_id"]
                content["comm_id"] = control
            elif kind == "comm_msg" and content.get("comm_id") == control_recorded:
                content["comm_id"] = control
            await self._send_and_wait(_message(kind, content, self.page_id), timeout)
        return time.perf_counter() - t0

    async def change(self, index: int, value: str | None = None, timeout: float = 60) -> float:
        """Replay recorded update number ``index`` (cyclic), typing ``value`` instead of the recorded
        text if given; returns seconds until the server had recomputed and sent the result."""
        updates = self.recording.updates
        recorded = updates[index % len(updates)]
        content = json.loads(json.dumps(recorded["content"]))
        target = self.recording.fields[content["comm_id"]]
        t0 = time.perf_counter()
        # Under load the page's widgets may still be arriving after "run page" went idle: as
        # in a browser, the box can be typed into once it is there.
        while target not in self.fields:
            if time.perf_counter() - t0 > timeout:
                raise TimeoutError(f"{target} never arrived")
            await asyncio.sleep(0.05)
        content["comm_id"] = self.fields[target]
        if value is not None:
            content["data"]["state"]["value"] = value
        t0 = time.perf_counter()
        await self._send_and_wait(_message("comm_msg", content, self.page_id), timeout)
        return time.perf_counter() - t0

    async def close(self, beacon: bool = True) -> None:
        """Close the page like a browser tab: the unload beacon, then the socket."""
        if beacon:
            import urllib.request

            req = urllib.request.Request(
                f"{self.base}/kalkulator/_solara/api/close/{self.kernel_id}?session_id={self.page_id}", method="POST"
            )
            await asyncio.to_thread(lambda: urllib.request.urlopen(req, timeout=30).read())
        if self.ws is not None:
            await self.ws.close()
        if self._reader is not None:
            self._reader.cancel()

    async def _send_and_wait(self, message: dict[str, Any], timeout: float) -> None:
        done = asyncio.get_running_loop().create_future()
        self._idle[message["header"]["msg_id"]] = done
        await self.ws.send(json.dumps(message))
        await asyncio.wait_for(done, timeout)

    async def _read(self) -> None:
        try:
            async for frame in self.ws:
                self.messages_received += 1
                if isinstance(frame, bytes):
                    continue  # binary frames carry images: nothing to track
                msg = json.loads(frame)
                kind = msg["header"]["msg_type"]
                field_class = _field_class(msg)
                if field_class:
                    self.fields[field_class] = msg["content"]["comm_id"]
                elif kind == "status" and msg["content"].get("execution_state") == "idle":
                    waiter = self._idle.pop(msg["parent_header"].get("msg_id", ""), None)
                    if waiter is not None and not waiter.done():
                        waiter.set_result(None)
        except websockets.ConnectionClosed:
            pass
        finally:
            for waiter in self._idle.values():
                if not waiter.done():
                    waiter.set_exception(ConnectionError("the server closed the page"))


def _field_class(message: dict[str, Any]) -> str | None:
    """The ``ukm-field-*`` class a comm_open or a state update gives its widget, if any
    (a class added after the widget was created arrives as an update)."""
    if message["header"]["msg_type"] not in ("comm_open", "comm_msg"):
        return None
    state = message["content"].get("data", {}).get("state", {})
    return next((c for c in state.get("_dom_classes", []) if c.startswith("ukm-field-")), None)


def run_async(coroutine: Any) -> Any:
    """Run ``coroutine`` to completion in a thread of its own (Playwright's sync API keeps an
    event loop running in the test's thread, where ``asyncio.run`` is refused)."""
    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def record(base: str, path: str, changes: list[tuple[str, str]], chromium: str = "/usr/bin/chromium") -> Recording:
    """Record a real Chromium page: open ``path``, type each (CSS selector of an input, text)."""
    from playwright.sync_api import sync_playwright

    sent: list[dict[str, Any]] = []
    classes: dict[str, str] = {}

    def on_ws(ws: Any) -> None:
        ws.on("framesent", lambda f: sent.append(json.loads(f)) if isinstance(f, str) else None)

        def received(f: Any) -> None:
            if isinstance(f, str):
                msg = json.loads(f)
                if (cls := _field_class(msg)) is not None:
                    classes[msg["content"]["comm_id"]] = cls

        ws.on("framereceived", received)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, headless=True, args=["--no-sandbox", "--disable-gpu"])
        page = browser.new_page(viewport={"width": 360, "height": 740})
        page.on("websocket", on_ws)
        page.goto(f"{base}/kalkulator/{path}")
        page.wait_for_selector(".ukm-calculator", timeout=120_000)
        for selector, text in changes:
            count = len(sent)
            box = page.locator(selector)
            box.click()
            box.fill(text)
            box.press("Tab")
            deadline = time.monotonic() + 30
            while len(sent) == count and time.monotonic() < deadline:
                page.wait_for_timeout(100)
        browser.close()
    kept = [m for m in sent if m["header"]["msg_type"] in ("kernel_info_request", "comm_open", "comm_msg")]
    changed = {m["content"]["comm_id"] for m in kept if m["header"]["msg_type"] == "comm_msg"}
    return Recording(path, kept, {c: classes[c] for c in changed if c in classes})
