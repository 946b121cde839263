"""Hub services with hub OAuth: the hub's login is the service's login.

A service is a small tornado application started by the hub (``c.JupyterHub.services`` in
deploy/jupyterhub_config.py), reached at ``/services/<name>/``. :class:`HubPage` is the base
of its pages: on every request it asks the hub who the caller is (cookie from the OAuth
flow, or an API token), requires the service's access scope (granted to groups by roles in
the hub configuration) and, when the page names one, membership of a group. The hub's answer
is cached for one second only, so a token revoked or a user moved out of ``staff`` is refused
at once. The exercise portal (issue 14) builds its participant pages on the same base.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

from jupyterhub.services.auth import HubOAuth, HubOAuthCallbackHandler, HubOAuthenticated, UserNotAllowed
from jupyterhub.utils import url_path_join
from tornado import web

#: Seconds the hub's answer about a token may be reused (0 would mean forever in JupyterHub).
AUTH_CACHE_S = 1


class HubPage(HubOAuthenticated, web.RequestHandler):
    """A page of a hub service; ``required_group`` (if set) is checked on every request."""

    required_group: str | None = None

    def initialize(self, hub_auth: HubOAuth) -> None:
        self.hub_auth = hub_auth

    def get_current_user(self) -> dict | None:
        """The hub user, from a token (header) or from this service's cookie; the cookie counts
        only within the hub session it was issued in (the hub renews the session at every login:
        :func:`ukm_tools.hub.auth.renew_session`). A cookie from before the current login (the
        previous participant on a shared phone, or one planted to pass someone else's session on)
        is dropped, and the page goes through the hub's OAuth step again for whoever is logged in."""
        model = super().get_current_user()
        if model is None or getattr(self, "_token_authenticated", False):
            return model
        session = self.hub_auth.get_session_id(self)
        if not session or model.get("session_id") != session:
            self.hub_auth._clear_cookie(self, self.hub_auth.cookie_name, path=self.hub_auth.cookie_path)
            self._hub_auth_user_cache = None
            return None
        return model

    def check_hub_user(self, model: dict) -> dict:
        model = super().check_hub_user(model)
        if self.required_group and self.required_group not in (model.get("groups") or []):
            raise UserNotAllowed(model)
        return model

    def set_default_headers(self) -> None:
        self.set_header("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'")
        self.set_header("X-Content-Type-Options", "nosniff")
        self.set_header("Referrer-Policy", "same-origin")
        self.set_header("Cache-Control", "no-store")


def service_prefix() -> str:
    return os.environ.get("JUPYTERHUB_SERVICE_PREFIX", "/")


def make_app(routes: Sequence[tuple[Any, ...]], **settings: Any) -> web.Application:
    """A tornado application under the service prefix, with the OAuth callback and HubOAuth."""
    prefix = service_prefix()
    # The singleton, so the OAuth callback (which finds it through HubOAuth.instance()) shares it.
    hub_auth = HubOAuth.instance(cache_max_age=AUTH_CACHE_S)
    handlers: list[tuple[Any, ...]] = [(url_path_join(prefix, "oauth_callback"), HubOAuthCallbackHandler)]
    for pattern, handler, *rest in routes:
        kwargs = {"hub_auth": hub_auth, **(rest[0] if rest else {})}
        handlers.append((url_path_join(prefix, pattern), handler, kwargs))
    return web.Application(handlers, cookie_secret=os.urandom(32), **settings)


def listen(app: web.Application) -> None:
    """Bind where the hub expects the service (``JUPYTERHUB_SERVICE_URL``), then serve forever."""
    import asyncio
    from urllib.parse import urlparse

    url = urlparse(os.environ["JUPYTERHUB_SERVICE_URL"])
    if url.port is None:
        raise RuntimeError(f"JUPYTERHUB_SERVICE_URL names no port: {url.geturl()}")
    port = url.port

    async def main() -> None:
        app.listen(port, address=url.hostname, xheaders=True)
        await asyncio.Event().wait()

    try:
        asyncio.run(main())
    except KeyboardInterrupt:  # the hub stops its services with SIGINT/SIGTERM: a normal end
        pass
