"""The hub's authenticator: user name + the login code from the participant's card.

Built on JupyterHub's own :class:`~jupyterhub.auth.Authenticator` (login form, cookies, groups
through ``manage_groups``) with the codes, their validity window and the per-account throttle
in :mod:`ukm_tools.hub.accounts`. Why not an existing authenticator (README, "Running a real
workshop"): NativeAuthenticator lets people sign up and choose passwords, keeps its lock-out
in memory (a hub restart forgets it) and has no validity window; FirstUseAuthenticator lets
whoever types a user name first set its password, which in a room of 200 is an open door.

Every refusal is an ``HTTPError`` with a message in Bahasa Indonesia; JupyterHub shows it on
the login form itself. Sessions are re-checked every ``auth_refresh_age`` seconds
(:meth:`CardAuthenticator.refresh_user`): when the window closes or the account is removed,
the next request sends the participant back to the login page.
"""

from __future__ import annotations

import asyncio
import math

from jupyterhub.auth import Authenticator
from tornado import web
from traitlets import Integer, Unicode

from ukm_tools.hub.accounts import AccountStore, Outcome, ThrottlePolicy
from ukm_tools.hub.settings import WORKSHOP_TZ

MESSAGES = {
    Outcome.WRONG: "Nama pengguna atau kode masuk salah. Periksa lagi kartu Anda.",
    Outcome.LOCKED: "Terlalu banyak percobaan yang salah untuk akun ini. Coba lagi dalam {wait}, "
    "atau minta kode baru ke panitia.",
    Outcome.NOT_YET: "Kode masuk Anda baru berlaku mulai {start} WIB.",
    Outcome.EXPIRED: "Kode masuk Anda sudah tidak berlaku (berlaku {window}). Minta kode baru ke panitia.",
}


def _wait_text(seconds: int) -> str:
    if seconds < 60:
        return f"{seconds} detik"
    return f"{math.ceil(seconds / 60)} menit"


class CardAuthenticator(Authenticator):
    """Checks ``username`` + ``password`` (the card's code) against the account store."""

    accounts_url = Unicode(help="SQLAlchemy URL of the account store (ukm_tools.hub.accounts).").tag(config=True)
    failed_login_limit = Integer(5, help="Wrong codes in a row before the account is locked.").tag(config=True)
    lockout_seconds = Integer(60, help="First lock; each next lock doubles.").tag(config=True)
    lockout_max_seconds = Integer(900, help="Longest lock.").tag(config=True)

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._store: AccountStore | None = None
        # One attempt at a time per account: parallel guesses cannot slip past the counter.
        self._locks: dict[str, asyncio.Lock] = {}

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
        lock = self._locks.setdefault(username, asyncio.Lock())
        async with lock:
            check = await asyncio.to_thread(self.store.check_login, username, code)
        if check.outcome is Outcome.OK:
            return {"name": username, "groups": [check.account.role], "admin": False}
        if check.outcome is Outcome.LOCKED:
            error = web.HTTPError(429, MESSAGES[Outcome.LOCKED].format(wait=_wait_text(check.retry_after_s)))
            error.headers = {"Retry-After": str(check.retry_after_s)}
            raise error
        if check.outcome is Outcome.NOT_YET:
            start = check.account.window.start.astimezone(WORKSHOP_TZ).strftime("%d-%m-%Y %H.%M")
            raise web.HTTPError(403, MESSAGES[Outcome.NOT_YET].format(start=start))
        if check.outcome is Outcome.EXPIRED:
            raise web.HTTPError(403, MESSAGES[Outcome.EXPIRED].format(window=check.account.window.describe("id")))
        raise web.HTTPError(403, MESSAGES[Outcome.WRONG])

    async def check_allowed(self, username, authentication=None):
        return await asyncio.to_thread(self.store.get, username) is not None

    async def refresh_user(self, user, handler=None):
        return await asyncio.to_thread(self.store.still_valid, user.name)
