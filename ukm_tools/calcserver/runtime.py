"""What the running server shares with its Solara pages: settings, identity hook, registry.

Solara imports the pages module itself, so the pages cannot receive arguments; the
server sets this once (:func:`install`) before it accepts a request.
"""

from __future__ import annotations

from dataclasses import dataclass

from ukm_tools.calcserver.config import ServerConfig
from ukm_tools.calcserver.identity import IdentityProvider
from ukm_tools.calcserver.sessions import Registry


@dataclass(frozen=True)
class Runtime:
    config: ServerConfig
    identity: IdentityProvider
    registry: Registry


_current: Runtime | None = None


def install(runtime: Runtime) -> None:
    global _current
    _current = runtime


def current() -> Runtime:
    if _current is None:
        raise RuntimeError("the calculator server is not configured (ukm_tools.calcserver.web.create_app)")
    return _current
