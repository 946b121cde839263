"""Static files (Solara's scripts, styles, fonts) compressed once and cached by browsers.

A calculator page loads about 5 MB of script and style. Compressing them again for every
page (Starlette's GZip middleware) cost about a second of CPU per page on this machine, the
largest single cost of opening a page; here each file is compressed once, kept in memory
(bounded) and served with a cache lifetime, so a phone fetches them once per workshop.
Only the static prefixes are cached: pages and the websocket pass straight through.
"""

from __future__ import annotations

import gzip
import threading
from collections import OrderedDict
from typing import Any

COMPRESSIBLE = (b"text/", b"application/javascript", b"application/json", b"image/svg", b"application/x-javascript")
MIN_SIZE = 1024


class CachedStatic:
    """ASGI middleware caching GET responses under ``prefixes`` (gzip when the client takes it)."""

    def __init__(
        self, app: Any, prefixes: tuple[str, ...], max_bytes: int = 64 * 1024 * 1024, max_age_s: int = 7 * 24 * 3600
    ):
        self.app = app
        self.prefixes = prefixes
        self.max_bytes = max_bytes
        self.cache_control = f"public, max-age={max_age_s}".encode()
        self._cache: OrderedDict[str, tuple[list[tuple[bytes, bytes]], bytes, bytes | None]] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        path = scope.get("path", "")
        if scope["type"] != "http" or scope.get("method") != "GET" or not path.startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        # By path alone: a static file is the same whatever query follows it (Solara's ``?v=``
        # only busts browser caches), and a key per query would let anyone on the network make
        # the server compress the same 5 MB of script again for every made-up ``?x=N``.
        key = path
        gzip_ok = any(n == b"accept-encoding" and b"gzip" in v for n, v in scope.get("headers", []))
        entry = self._cache.get(key)
        if entry is None:
            entry = await self._fetch(scope, receive, key)
            if entry is None:  # not cacheable (an error, a partial range...): answer as usual
                await self.app(scope, receive, send)
                return
        headers, body, gz = entry
        if gzip_ok and gz is not None:
            headers = [*headers, (b"content-encoding", b"gzip"), (b"vary", b"Accept-Encoding")]
            body = gz
        headers = [*headers, (b"content-length", str(len(body)).encode()), (b"cache-control", self.cache_control)]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _fetch(self, scope: dict[str, Any], receive: Any, key: str) -> Any:
        # Ask the inner app without conditional or range headers, so the full file comes back.
        dropped = (b"range", b"if-none-match", b"if-modified-since", b"accept-encoding")
        plain = [(n, v) for n, v in scope.get("headers", []) if n not in dropped]
        status = 0
        headers: list[tuple[bytes, bytes]] = []
        chunks: list[bytes] = []

        async def collect(message: dict[str, Any]) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", []))
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app({**scope, "headers": plain}, receive, collect)
        if status != 200:
            return None
        body = b"".join(chunks)
        replaced = (b"content-length", b"content-encoding", b"cache-control", b"vary")
        kept = [(n, v) for n, v in headers if n.lower() not in replaced]
        content_type = dict((n.lower(), v) for n, v in kept).get(b"content-type", b"")
        gz = None
        if len(body) >= MIN_SIZE and content_type.startswith(COMPRESSIBLE):
            gz = gzip.compress(body, compresslevel=6, mtime=0)
        entry = (kept, body, gz)
        with self._lock:
            if key not in self._cache and len(body) + len(gz or b"") <= self.max_bytes // 4:
                self._cache[key] = entry
                self._size += len(body) + len(gz or b"")
                while self._size > self.max_bytes and self._cache:
                    _, (_, old_body, old_gz) = self._cache.popitem(last=False)
                    self._size -= len(old_body) + len(old_gz or b"")
        return entry
