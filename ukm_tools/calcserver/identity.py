"""Who a calculator session belongs to: the identity hook.

Saved cases are private per identity (:class:`~ukm_tools.widgets.case_store.CaseStore`
under ``<save root>/<identity key>/``). Without a hub, an identity is a **browser**: the
server gives each browser a random, HttpOnly cookie (:data:`COOKIE`, 256 bits) on its first
page and the identity key is a hash of it, so neither the folder names on disk nor the
pages reveal the cookie.

The hub work replaces the provider, not the callers: anything with an ``identify``
method of the :class:`IdentityProvider` shape can be passed to
:func:`ukm_tools.calcserver.web.create_app` (``identity=``). A JupyterHub provider will
read the hub's login from the request (the hub's OAuth cookie, checked against the hub
API) and return ``Identity(key=<hashed hub user name>, label=<user name>)``; the case
folders then follow the login instead of the browser.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Protocol

COOKIE = "ukm-peserta"
# Long enough for a participant to come back to their saved cases after the workshop.
COOKIE_MAX_AGE_S = 400 * 24 * 3600


@dataclass(frozen=True)
class Identity:
    key: str  # folder name for this identity's cases: [0-9a-f]{32}, never the secret itself
    label: str  # shown to staff only (a hub user name later); "" for an anonymous browser
    persistent: bool = True  # False: no cookie came with the request, saves last for this page only


class IdentityProvider(Protocol):
    def identify(self, cookies: Mapping[str, str], headers: Mapping[str, list[str]]) -> Identity:
        """The identity behind a calculator page's websocket request (cookies and headers)."""
        ...


def new_browser_token() -> str:
    return secrets.token_urlsafe(32)


def _key(secret: str) -> str:
    return hashlib.sha256(("ukm-browser:" + secret).encode("utf-8")).hexdigest()[:32]


def valid_token(token: str | None) -> bool:
    return bool(token) and 20 <= len(token or "") <= 100 and all(c.isalnum() or c in "-_" for c in token or "")


class BrowserIdentity:
    """A browser is an identity: the cookie the server set on its first page."""

    def identify(self, cookies: Mapping[str, str], headers: Mapping[str, list[str]]) -> Identity:
        token = cookies.get(COOKIE)
        if valid_token(token):
            return Identity(_key(token or ""), "", True)
        # No (or a forged, malformed) cookie: a one-off identity, so nothing is shared with anyone.
        return Identity(_key(new_browser_token()), "", False)
