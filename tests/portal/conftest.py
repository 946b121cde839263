"""The exercise portal's tornado app in this process, without a hub: fast tests of what a page does.

The course is the real one from the course template with harga-incoterms released (built once per
session). The hub's part, saying who the caller is, is played by :class:`FakeHub`: a request's
``Authorization: token <name>`` header names the participant, as the hub answers for a token; the
portal's own checks (roster, group, CSRF, deadline) run unchanged. The portal's clock is
``ukm_tools.portal.app.utcnow``, which a test sets through :class:`Clock`.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import httpx
import pytest

from ukm_tools.course import ops
from ukm_tools.course.participants import store_participants
from ukm_tools.course.roster import Participant

ASSIGNMENT = "harga-incoterms"
SCOPE = "access:services!service=ukm-portal"
CALC_URL = "http://192.0.2.10:8866"


@dataclass
class Portal:
    url: str
    course: Path
    db_url: str


class FakeHub:
    """What HubOAuth.get_user answers, from the request's token header (the name is the token)."""

    groups = {"ani": ["participants"], "budi": ["participants"], "staf": ["staff"]}

    def __call__(self, handler, *, sync=True):
        header = handler.request.headers.get("Authorization", "")
        name = header.removeprefix("token ").strip()
        if name not in self.groups:
            return None
        handler._token_authenticated = True
        return {"kind": "user", "name": name, "groups": self.groups[name], "scopes": [SCOPE], "session_id": None}


class Clock:
    """The portal's "now" (naive UTC, as ``utcnow``), set by the test."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="session")
def released_course(tmp_path_factory) -> Path:
    course = ops.init_course(tmp_path_factory.mktemp("portal") / "course")
    ops.release(course, ASSIGNMENT)
    store_participants(ops.db_url(course), [Participant("ani", "Ani Lestari"), Participant("budi", "Budi Santoso")])
    return course


@pytest.fixture
def portal(released_course, monkeypatch) -> Iterator[Portal]:
    """The portal app on 127.0.0.1 (a free port) in a thread of this process, no calculator server."""
    yield from _serve(released_course, monkeypatch, None)


@pytest.fixture
def calc_folder(tmp_path) -> Path:
    """The calculator server's working folder the portal hands cases to (``ukm apps --dir``)."""
    return tmp_path / "ukm-apps"


@pytest.fixture
def portal_with_calculators(released_course, monkeypatch, calc_folder) -> Iterator[Portal]:
    """The portal of a workshop that also runs the calculator server at :data:`CALC_URL`."""
    from ukm_tools.calcserver.config import ServerConfig
    from ukm_tools.calcserver.handoff import HandoffBox
    from ukm_tools.portal.calculators import CalculatorLinks

    links = CalculatorLinks(CALC_URL, HandoffBox(ServerConfig(folder=calc_folder).handoff_root))
    yield from _serve(released_course, monkeypatch, links)


def _serve(released_course, monkeypatch, calculators) -> Iterator[Portal]:
    from jupyterhub.services.auth import HubOAuth
    from tornado.httpserver import HTTPServer
    from tornado.netutil import bind_sockets

    from ukm_tools.course.results import ResultStore
    from ukm_tools.hub.service import HubPage
    from ukm_tools.portal.app import make_portal_app
    from ukm_tools.portal.course import CourseView
    from ukm_tools.portal.store import PortalStore

    course = CourseView(released_course)
    app = make_portal_app(course, PortalStore(course.db_url), ResultStore(course.db_url), calculators)
    monkeypatch.setattr(HubOAuth.instance(), "get_user", FakeHub())
    monkeypatch.setattr(HubPage, "hub_scopes", {SCOPE}, raising=False)
    sockets = bind_sockets(0, "127.0.0.1")
    port = sockets[0].getsockname()[1]
    loop = asyncio.new_event_loop()
    started = threading.Event()
    holder = {}

    def run() -> None:
        asyncio.set_event_loop(loop)
        server = HTTPServer(app)
        server.add_sockets(sockets)
        holder["server"] = server
        loop.call_soon(started.set)
        loop.run_forever()

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    assert started.wait(10)
    try:
        yield Portal(f"http://127.0.0.1:{port}/", released_course, course.db_url)
    finally:
        loop.call_soon_threadsafe(holder["server"].stop)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def client(portal: Portal, name: str) -> httpx.Client:
    """A participant's client (their token; tornado's _xsrf cookie kept between requests)."""
    return httpx.Client(base_url=portal.url, headers={"Authorization": f"token {name}"}, timeout=30)
