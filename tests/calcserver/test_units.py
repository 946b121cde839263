"""The calculator server's parts without a server: identity hook, session registry and idle
culling, Solara's texts in Indonesian, the home page, the static-file cache, settings."""

from __future__ import annotations

import asyncio
import concurrent.futures
import gzip
from pathlib import Path

import pytest

from ukm_tools.calcserver import home, identity
from ukm_tools.calcserver.config import ServerConfig
from ukm_tools.calcserver.sessions import Registry
from ukm_tools.calcserver.static_cache import CachedStatic
from ukm_tools.calcserver.translate import PAGE_TEXTS, missing_texts, translate
from ukm_tools.widgets.gallery import APPS

pytestmark = pytest.mark.timeout(60)


# --- identity -------------------------------------------------------------------------------
def test_a_browser_cookie_is_a_stable_identity_whose_key_is_not_the_secret():
    token = identity.new_browser_token()
    who = identity.BrowserIdentity()
    a = who.identify({identity.COOKIE: token}, {})
    b = who.identify({identity.COOKIE: token}, {"user-agent": ["x"]})
    assert a == b and a.persistent
    assert len(a.key) == 32 and all(c in "0123456789abcdef" for c in a.key)
    assert token not in a.key and a.key not in token


@pytest.mark.parametrize("cookie", [None, "", "../../etc", "a" * 500, "kurang"])
def test_a_missing_or_malformed_cookie_gets_a_one_off_identity(cookie):
    who = identity.BrowserIdentity()
    cookies = {} if cookie is None else {identity.COOKIE: cookie}
    first, second = who.identify(cookies, {}), who.identify(cookies, {})
    assert not first.persistent and first.key != second.key  # shares nothing, with anyone


@pytest.mark.parametrize(
    ("sent", "new_cookie"),
    [
        (None, True),
        (f"{identity.COOKIE}=kurang", True),  # malformed: identify() would give a one-off identity
        (f"lain-{identity.COOKIE}={'a' * 43}", True),  # another cookie whose name ends in ours
        (f"x=1; {identity.COOKIE}={'a' * 43}", False),
    ],
)
def test_a_page_gives_a_new_cookie_unless_the_browser_has_a_usable_one(sent, new_cookie):
    from ukm_tools.calcserver.web import IdentityCookie

    sent_headers: list[tuple[bytes, bytes]] = []

    async def page(scope, receive, send):
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]})

    async def send(message):
        sent_headers.extend(message.get("headers", []))

    headers = [] if sent is None else [(b"cookie", sent.encode())]
    # In a thread of its own: the package's browser keeps Playwright's event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, IdentityCookie(page)({"type": "http", "headers": headers}, None, send)).result()
    cookies = [v.decode() for k, v in sent_headers if k == b"set-cookie"]
    assert (len(cookies) == 1 and cookies[0].startswith(f"{identity.COOKIE}=")) is new_cookie, cookies
    assert len(cookies) <= 1


def test_an_identity_provider_is_anything_with_identify():
    class HubLogin:  # the shape the hub work will provide
        def identify(self, cookies, headers):
            return identity.Identity(key="0" * 32, label="peserta-07")

    provider: identity.IdentityProvider = HubLogin()
    assert provider.identify({}, {}).label == "peserta-07"


# --- sessions and idle culling -----------------------------------------------------------------
class FakeContext:
    def __init__(self, registry: Registry, kernel_id: str):
        self.registry, self.id = registry, kernel_id
        self.closed: str | None = None  # the reason it was closed

    def close(self, reason: str = "") -> None:
        self.closed = reason
        self.registry.forget(self.id)


class Calc:  # stands for a calculator object (weakly referenced by the registry)
    pass


def test_idle_sessions_are_closed_and_active_ones_kept():
    reg = Registry()
    app = APPS[0]
    calcs = [Calc(), Calc()]
    idle, busy = (reg.add(k, app, c) for k, c in zip(("k-idle", "k-busy"), calcs, strict=True))
    idle.last_active -= 100
    busy.last_active -= 100
    reg.touch("k-busy")  # a message from the page just now
    contexts = {k: FakeContext(reg, k) for k in ("k-idle", "k-busy")}
    assert reg.reap_idle(60, contexts) == 1
    assert contexts["k-idle"].closed == "cull" and contexts["k-busy"].closed is None
    s = reg.stats()
    assert s["sessions_open"] == 1 and s["sessions_culled_idle_total"] == 1 and s["sessions_closed_total"] == 1


def test_registry_never_keeps_a_calculator_alive():
    import gc

    reg = Registry()
    calc = Calc()
    reg.add("k", APPS[0], calc)
    assert reg.stats()["calculators_in_memory"] == 1
    del calc
    gc.collect()
    assert reg.stats()["calculators_in_memory"] == 0


def test_a_session_whose_context_is_already_gone_is_forgotten():
    reg = Registry()
    s = reg.add("gone", APPS[0], Calc())
    s.last_active -= 100
    assert reg.reap_idle(60, {}) == 0 and reg.stats()["sessions_open"] == 0


# --- Solara's page in Indonesian -----------------------------------------------------------------
def test_every_english_text_of_solaras_template_is_translated():
    import solara.server

    template = (Path(solara.server.__file__).parent / "templates" / "solara.html.j2").read_text(encoding="utf-8")
    assert missing_texts(template) == []  # a Solara upgrade that rewords one fails here
    page = translate(template)
    for english in PAGE_TEXTS:
        assert english not in page
    assert "Muat ulang halaman" in page


# --- home page ------------------------------------------------------------------------------
def test_home_page_asks_questions_and_names_no_files():
    page = home.render(list(APPS), "id")
    assert "Berapa harga ekspor saya?" in page and 'lang="id"' in page
    for leak in (".ipynb", ".yaml", "http://", "https://", "<script"):
        assert leak not in page
    assert home.render(list(APPS), "en").count("ukm-app-link") == len(APPS)
    assert "What is my export price?" in home.render(list(APPS), "en")
    assert home.render(list(APPS), "xx") == page  # unknown language: Indonesian


# --- static cache ------------------------------------------------------------------------------
def test_static_files_are_compressed_once_and_cached_by_browsers():
    calls = []
    body = b"function f(){return 1}\n" * 400

    async def inner(scope, receive, send):
        calls.append(scope["path"])
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/javascript")]}
        )
        await send({"type": "http.response.body", "body": body})

    app = CachedStatic(inner, prefixes=("/static/",))

    async def get(path, gzip_ok=True):
        sent = []

        async def send(m):
            sent.append(m)

        headers = [(b"accept-encoding", b"gzip, br")] if gzip_ok else []
        await app({"type": "http", "method": "GET", "path": path, "headers": headers}, None, send)
        return dict(sent[0]["headers"]), sent[1]["body"]

    async def scenario():
        h1, b1 = await get("/static/app.js")
        h2, b2 = await get("/static/app.js")
        h3, b3 = await get("/static/app.js", gzip_ok=False)
        await get("/page")
        await get("/page")
        return h1, b1, h2, b2, h3, b3

    # In a thread of its own: the package's browser keeps Playwright's event loop in this one.
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        h1, b1, h2, b2, h3, b3 = pool.submit(asyncio.run, scenario()).result()
    assert calls.count("/static/app.js") == 1 and calls.count("/page") == 2  # pages are never cached
    assert h1[b"content-encoding"] == b"gzip" and gzip.decompress(b1) == body and b1 == b2
    assert b"max-age" in h1[b"cache-control"]
    assert b"content-encoding" not in h3 and b3 == body


def test_made_up_queries_do_not_make_the_server_compress_a_file_again():
    calls = []

    async def inner(scope, receive, send):
        calls.append(scope["query_string"])
        await send({"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/css")]})
        await send({"type": "http.response.body", "body": b"a{color:red}\n" * 400})

    app = CachedStatic(inner, prefixes=("/static/",))

    async def send(m):
        pass

    async def scenario():
        for n in range(50):
            scope = {"type": "http", "method": "GET", "path": "/static/app.css", "query_string": f"x={n}".encode()}
            await app({**scope, "headers": [(b"accept-encoding", b"gzip")]}, None, send)

    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, scenario()).result()
    assert len(calls) == 1  # fetched and compressed once


# --- settings --------------------------------------------------------------------------------
def test_server_settings_reach_the_calculators_through_the_environment(tmp_path):
    env: dict[str, str] = {"UKM_CASE": "/old/case.yaml"}
    ServerConfig(folder=tmp_path, max_rate_age_days=3, lang="en").apply_to_environment(env)
    assert "UKM_CASE" not in env  # no stale trainer case from an earlier run
    assert env["UKM_SAVE_DIR"] == str((tmp_path / "kasus-tersimpan").resolve())
    assert env["UKM_MAX_RATE_AGE_DAYS"] == "3" and env["UKM_LANG"] == "en"
