"""The hub's authenticator: user name + the login code from the participant's card.

Built on JupyterHub's own :class:`~jupyterhub.auth.Authenticator` (login form, cookies, groups
through ``manage_groups``) with the codes, their validity window and the per-account throttle
in :mod:`ukm_tools.hub.accounts`. Why not an existing authenticator (README, "Running a real
workshop"): NativeAuthenticator lets people sign up and choose passwords, keeps its lock-out
in memory (a hub restart forgets it) and has no validity window; FirstUseAuthenticator lets
whoever types a user name first set its password, which in a room of 200 is an open door.

Every refusal is an ``HTTPError`` with a message in Bahasa Indonesia; JupyterHub shows it on
the login form itself. Sessions are re-checked every ``HubSettings.auth_refresh_s`` seconds
(:meth:`CardAuthenticator.refresh_user`): when the window closes or the account is removed,
the next browser request sends the participant back to the login page, and their tokens (the
portal's, JupyterLab's) are refused (``auth_refresh_strict`` in deploy/jupyterhub_config.py).
"""

from __future__ import annotations

import asyncio
import math
import uuid
import weakref

from jupyterhub.auth import Authenticator
from tornado import web
from traitlets import Integer, Unicode

from ukm_tools.hub.accounts import AccountStore, Outcome, ThrottlePolicy, format_moment
from ukm_tools.hub.settings import HUB_LANG, HubSettings
from ukm_tools.messages import section

T = section("hub.auth")


def wait_text(seconds: int) -> str:
    """How long a locked account waits, in words: seconds below a minute, else minutes rounded up."""
    if seconds < 60:
        return T("wait_seconds", HUB_LANG, n=seconds)
    return T("wait_minutes", HUB_LANG, n=math.ceil(seconds / 60))


def renew_session(handler) -> None:
    """Start a new hub session at every login (session fixation closed).

    JupyterHub 6.1 keeps a ``jupyterhub-session-id`` cookie that comes with the login form, so a
    session id planted in a shared phone's browser (or left by the previous participant) would
    carry over to the next login; the services' OAuth tokens are tied to that id, and the
    services (:class:`ukm_tools.hub.service.HubPage`) accept a token only with its own session.
    ``set_login_cookie`` sets the cookie only when the handler has no session id, so the new id
    is set here, on the handler JupyterHub then uses.
    """
    handler._session_id = uuid.uuid4().hex
    handler.set_session_cookie()


class CardAuthenticator(Authenticator):
    """Checks ``username`` + ``password`` (the card's code) against the account store."""

    accounts_url = Unicode(help="SQLAlchemy URL of the account store (ukm_tools.hub.accounts).").tag(config=True)
    failed_login_limit = Integer(
        HubSettings.default("failed_login_limit"), help="Wrong codes in a row before the account is locked."
    ).tag(config=True)
    lockout_seconds = Integer(HubSettings.default("lockout_s"), help="First lock; each next lock doubles.").tag(
        config=True
    )
    lockout_max_seconds = Integer(HubSettings.default("lockout_max_s"), help="Longest lock.").tag(config=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._store: AccountStore | None = None
        # One attempt at a time per account: parallel guesses cannot slip past the counter. Weak
        # values: a lock lives while an attempt holds or awaits it, so a flood of made-up user
        # names leaves nothing behind in the hub's memory.
        self._locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()

    @property
    def store(self) -> AccountStore:
        if self._store is None:
            policy = ThrottlePolicy(self.failed_login_limit, self.lockout_seconds, self.lockout_max_seconds)
            self._store = AccountStore(self.accounts_url, policy)
        return self._store

    def normalize_username(self, username: str) -> str:
        return super().normalize_username(username.strip())

    async def authenticate(self, handler, data):
        username = self.normalize_username(data.get("username") or "")
        code = data.get("password") or ""
        lock = self._locks.get(username)
        if lock is None:
            lock = self._locks[username] = asyncio.Lock()
        async with lock:
            check = await asyncio.to_thread(self.store.check_login, username, code)
        if check.outcome is Outcome.OK and check.account is not None:
            renew_session(handler)
            return {"name": username, "groups": [check.account.role], "admin": False}
        if check.outcome is Outcome.LOCKED:
            error = web.HTTPError(429, T("login_locked", HUB_LANG, wait=wait_text(check.retry_after_s)))
            retry = {"Retry-After": str(check.retry_after_s)}
            error.headers = retry  # type: ignore[attr-defined]  # an extra that JupyterHub's write_error sends
            raise error
        if check.outcome is Outcome.NOT_YET and check.account is not None:
            start = format_moment(check.account.window.start, HUB_LANG)
            raise web.HTTPError(403, T("login_not_yet", HUB_LANG, start=start))
        if check.outcome is Outcome.EXPIRED and check.account is not None:
            raise web.HTTPError(403, T("login_expired", HUB_LANG, window=check.account.window.describe(HUB_LANG)))
        raise web.HTTPError(403, T("login_wrong", HUB_LANG))

    async def check_allowed(self, username, authentication=None):
        return await asyncio.to_thread(self.store.get, username) is not None

    async def refresh_user(self, user, handler=None):
        return await asyncio.to_thread(self.store.still_valid, user.name)
