"""The calculator server as one Starlette app: home page, Solara's calculator pages, status.

    /                    home page: the calculators by the question they answer (home.py)
    /kalkulator/<page>   one calculator (Solara, one session per open page, pages/)
    /kalkulator/...      Solara's websocket, static files and its offline asset copy
    /status              counts of sessions and memory (JSON; answered to this machine only)

Solara is configured here before it is imported anywhere (production mode, telemetry off,
the culling time, our page template and loader). Its assets come from the
``solara-assets`` package (the same version as ``solara``, pinned): the route that would
fetch a missing file from a CDN is replaced by one that only serves the local copy, so
the server never reaches the internet, and nor does a page.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import warnings
from collections.abc import AsyncIterator
from typing import Any

from ukm_tools.calcserver import collector, home, runtime
from ukm_tools.calcserver import identity as ident
from ukm_tools.calcserver.config import ServerConfig
from ukm_tools.calcserver.home import CALCULATOR_PREFIX, render
from ukm_tools.calcserver.sessions import REGISTRY, Registry
from ukm_tools.calcserver.static_cache import CachedStatic

log = logging.getLogger(__name__)

PAGES_MODULE = "ukm_tools.calcserver.pages"
# Solara's static routes (all immutable while the server runs): compressed once, cached by browsers.
STATIC_PREFIXES = ("_solara/cdn", "static", "jupyter/nbextensions")
# How often the collector policy runs (a young-generation collection and a freeze: milliseconds).
COLLECT_EVERY_S = 2.0


def configure_solara(config: ServerConfig) -> None:
    """Solara's settings for this server (environment first: Solara reads it on import)."""
    cull = f"{int(config.cull_after_s)}s"
    wanted = {
        "SOLARA_MODE": "production",
        "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False",
        "SOLARA_THEME_SHOW_BANNER": "False",
        "SOLARA_THEME_LOADER": "ukm",
        "SOLARA_THEME_TITLE": home.T("title", "id"),
        "SOLARA_KERNEL_CULL_TIMEOUT": cull,
        # Any fetch "from the CDN" goes to a closed local port: fails at once, reaches nobody.
        "SOLARA_ASSETS_CDN": "http://127.0.0.1:9/",
        "SOLARA_ASSETS_PROXY": "True",
    }
    os.environ.update(wanted)
    import solara.server.settings as settings
    import solara.settings

    settings.main.mode = "production"
    settings.telemetry.mixpanel_enable = False
    settings.theme.show_banner = False
    settings.theme.loader = "ukm"
    settings.theme.title = wanted["SOLARA_THEME_TITLE"]
    settings.kernel.cull_timeout = cull
    # Fixed here so Solara does not take them from whichever request comes first.
    settings.main.root_path = CALCULATOR_PREFIX
    settings.main.base_url = f"http://{config.host}:{config.port}{CALCULATOR_PREFIX}/"
    solara.settings.assets.cdn = wanted["SOLARA_ASSETS_CDN"]
    solara.settings.assets.proxy = True
    # Solara warns on every plain-http request from another host that cookies cannot be
    # SameSite=None; on a workshop LAN that is expected and the cookies work (SameSite=Lax).
    warnings.filterwarnings("ignore", message="Cookies with samesite=none require https")

    from solara.server import app as appmod

    from ukm_tools.calcserver import websocket_queue

    websocket_queue.install()

    if "__default__" not in appmod.apps:
        appmod.apps["__default__"] = appmod.AppScript(PAGES_MODULE)


def _solara_routes() -> list[Any]:
    """Solara's routes, minus the CDN proxy (replaced by the local copy) and its debug endpoint."""
    from solara.server import settings as solara_settings
    from solara.server import starlette as solara_starlette
    from solara.server.cdn_helper import cdn_url_path
    from starlette.routing import Mount, Route
    from starlette.staticfiles import StaticFiles

    from ukm_tools.calcserver.translate import translated_root

    kept = []
    for route in solara_starlette.routes:
        path = getattr(route, "path", "")
        if path == f"/{cdn_url_path}" or path == "/resourcez":
            continue
        if isinstance(route, Route) and route.endpoint is solara_starlette.root:
            route = Route(route.path, endpoint=translated_root, methods=route.methods)
        kept.append(route)
    cache = solara_settings.assets.proxy_cache_dir
    kept.insert(0, Mount(f"/{cdn_url_path}", app=StaticFiles(directory=cache, follow_symlink=False)))
    return kept


class IdentityCookie:
    """ASGI middleware: every page response gives a browser its identity cookie if it has none."""

    def __init__(self, app: Any):
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http" or _has_cookie(scope):
            await self.app(scope, receive, send)
            return
        token = ident.new_browser_token()
        cookie = (f"{ident.COOKIE}={token}; Path=/; Max-Age={ident.COOKIE_MAX_AGE_S}; HttpOnly; SameSite=Lax").encode(
            "latin-1"
        )

        async def send_with_cookie(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = dict(headers).get(b"content-type", b"")
                if content_type.startswith(b"text/html"):
                    headers.append((b"set-cookie", cookie))
                    message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_cookie)


def _has_cookie(scope: dict[str, Any]) -> bool:
    """Whether the request carries a usable identity cookie: a malformed one (or another
    cookie whose name merely ends in ours) is replaced, or the browser's saves would last
    one page each, forever."""
    from starlette.requests import cookie_parser

    for name, value in scope.get("headers", []):
        if name == b"cookie" and ident.valid_token(cookie_parser(value.decode("latin-1")).get(ident.COOKIE)):
            return True
    return False


def create_app(
    config: ServerConfig, identity: ident.IdentityProvider | None = None, registry: Registry = REGISTRY
) -> Any:
    """The server's ASGI app for ``config`` (one per process: Solara's state is global)."""
    config.apply_to_environment()
    configure_solara(config)
    runtime.install(runtime.Runtime(config, identity or ident.BrowserIdentity(), registry))
    pauses = collector.install()

    from solara.server import starlette as solara_starlette
    from starlette.applications import Starlette
    from starlette.middleware import Middleware
    from starlette.middleware.gzip import GZipMiddleware
    from starlette.requests import Request
    from starlette.responses import HTMLResponse, JSONResponse, Response
    from starlette.routing import Mount, Route

    from ukm_tools.widgets.gallery import available_apps

    async def home(request: Request) -> Response:
        lang = request.query_params.get("lang") or config.lang
        return HTMLResponse(render(available_apps(), lang), headers={"Cache-Control": "no-cache"})

    async def status(request: Request) -> Response:
        # Counts only; and only for the machine itself (the trainer, tests, the benchmark).
        client = request.client.host if request.client else ""
        if client not in ("127.0.0.1", "::1"):
            return Response(status_code=404)
        import psutil

        rss = psutil.Process().memory_info().rss
        return JSONResponse({**registry.stats(), "rss_bytes": rss, "gc": pauses.stats()})

    @contextlib.asynccontextmanager
    async def lifespan(app: Any) -> AsyncIterator[None]:
        import gc

        from ukm_tools.calcserver.warmup import warm_up

        solara_starlette.on_startup()
        warm_up()  # before the first page: no import races between pages' threads
        gc.collect()
        gc.freeze()  # what start-up loaded stays: out of the collector's way (collector.py)
        reaper = asyncio.create_task(_reap_forever(registry, config.idle_after_s))
        collecting = asyncio.create_task(_collect_forever(registry, collector.Collector()))
        try:
            yield
        finally:
            reaper.cancel()
            collecting.cancel()
            solara_starlette.on_shutdown()

    calculators = Starlette(routes=_solara_routes(), middleware=[Middleware(GZipMiddleware, minimum_size=1000)])
    return Starlette(
        routes=[
            Route("/", home),
            Route("/status", status),
            Mount(CALCULATOR_PREFIX, app=calculators),
        ],
        middleware=[
            Middleware(IdentityCookie),
            Middleware(CachedStatic, prefixes=tuple(f"{CALCULATOR_PREFIX}/{p}/" for p in STATIC_PREFIXES)),
        ],
        lifespan=lifespan,
    )


async def _reap_forever(registry: Registry, idle_after_s: float) -> None:
    """Close sessions nobody touched for ``idle_after_s`` (checked a few times per period)."""
    import anyio

    interval = max(1.0, min(60.0, idle_after_s / 4))
    while True:
        await asyncio.sleep(interval)
        try:
            closed = await anyio.to_thread.run_sync(registry.reap_idle, idle_after_s)
            if closed:
                log.info("closed %d idle calculator sessions", closed)
        except Exception:  # the reaper must outlive one bad context
            log.exception("idle-session reaper")


async def _collect_forever(registry: Registry, policy: collector.Collector) -> None:
    """Free closed sessions' objects and keep open ones out of the collector's way
    (:mod:`ukm_tools.calcserver.collector`): a calculator's widgets refer to each other in
    cycles, which only Python's cycle collector frees."""
    import anyio

    while True:
        await asyncio.sleep(COLLECT_EVERY_S)
        try:
            counts = registry.stats()
            await anyio.to_thread.run_sync(policy.step, counts["sessions_open"], counts["calculators_in_memory"])
        except Exception:  # the collector must outlive one bad step
            log.exception("calculator-session collector")
