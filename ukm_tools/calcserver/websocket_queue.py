"""Widget messages to a page without a round trip per message: queued in order, sent by the loop.

Solara runs each page's websocket in a worker thread and, for every message it sends (a page
opens with about 600: one per widget and its state), blocks that thread until the event loop
has written it (``BlockingPortal.call``). With a class on the server that is one hand-over
of the interpreter lock per message between the page's thread, the event loop and every
other page opening: measured, a page opened beside 30 others took the time of all 30
(p50 = p95 = 10.7 s) and its own render waited behind the others' hand-overs.

Here a message is appended to the page's own queue and the thread goes on building; the
event loop writes the queue out in order, woken once per batch, not once per message. What
the page receives, and in which order, is unchanged. A send after the websocket closed
raises Solara's ``WebSocketDisconnect`` as before, so Solara still forgets the socket.
"""

from __future__ import annotations

import asyncio
import collections
import logging
import threading
from typing import Any

from solara.server import websocket
from solara.server.starlette import WebsocketWrapper

log = logging.getLogger(__name__)

# Above this many bytes waiting for one page (a phone that stopped reading), a sending
# thread waits for the loop again: memory per session stays bounded.
MAX_QUEUED_BYTES = 8 * 1024 * 1024
# The loop gathers a page's messages this long before writing them: a page opening sends
# some 600 in a fifth of a second, and each wake-up of the loop takes the interpreter lock
# from the thread building the page. A change's few messages wait this long at most.
GATHER_S = 0.004


class QueuedWebsocket(WebsocketWrapper):
    """Solara's starlette websocket wrapper whose sends never wait for the event loop."""

    def __init__(self, ws: Any, portal: Any) -> None:
        super().__init__(ws, portal)
        self._queue: collections.deque[str | bytes] = collections.deque()
        self._queued_bytes = 0
        self._lock = threading.Lock()
        self._drained = threading.Condition(self._lock)
        self._flushing = False
        self._closed = False

    def send_text(self, data: str) -> None:
        self._enqueue(data)

    def send_bytes(self, data: bytes) -> None:
        self._enqueue(data)

    def _enqueue(self, data: str | bytes) -> None:
        on_loop = threading.get_ident() == self._thread_id
        with self._lock:
            if self._closed:
                raise websocket.WebSocketDisconnect()
            while self._queued_bytes > MAX_QUEUED_BYTES and not on_loop and not self._closed:
                self._drained.wait(timeout=1.0)
            self._queue.append(data)
            self._queued_bytes += len(data)
            if self._flushing:
                return
            self._flushing = True
        try:
            if on_loop:
                self._start_flush()
            else:
                self.event_loop.call_soon_threadsafe(self._start_flush)
        except RuntimeError as e:  # the loop has stopped: the page is gone
            self._close_queue()
            raise websocket.WebSocketDisconnect() from e

    def _start_flush(self) -> None:
        task = self.event_loop.create_task(self._flush())
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)

    async def _flush(self) -> None:
        while True:
            await asyncio.sleep(GATHER_S)
            with self._lock:
                if not self._queue:
                    self._flushing = False
                    self._drained.notify_all()
                    return
                batch = list(self._queue)
                self._queue.clear()
                self._queued_bytes = 0
                self._drained.notify_all()
            try:
                for data in batch:
                    if isinstance(data, bytes):
                        await self._send_bytes_exc(data)
                    else:
                        await self._send_text_exc(data)
            except websocket.WebSocketDisconnect:
                self._close_queue()
                return
            except Exception:  # a broken transport: the page is lost, as on a disconnect
                log.exception("sending to a calculator page")
                self._close_queue()
                return

    def _close_queue(self) -> None:
        with self._lock:
            self._closed = True
            self._queue.clear()
            self._queued_bytes = 0
            self._flushing = False
            self._drained.notify_all()


def install() -> None:
    """Make Solara's websocket endpoint wrap each page's socket in :class:`QueuedWebsocket`."""
    from solara.server import starlette as solara_starlette

    solara_starlette.WebsocketWrapper = QueuedWebsocket  # type: ignore[misc]  # looked up per connection
