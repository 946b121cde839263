"""Run the calculator server (uvicorn, one process, one event loop, websockets in threads)."""

from __future__ import annotations

from typing import Any

from ukm_tools.calcserver.config import MAX_MESSAGE_BYTES, ServerConfig


def uvicorn_config(config: ServerConfig, app: Any, **overrides: Any) -> Any:
    import uvicorn

    options: dict[str, Any] = {
        "host": config.host,
        "port": config.port,
        "log_level": "warning",
        "access_log": False,
        "loop": "asyncio",
        "ws": "websockets",
        "ws_max_size": MAX_MESSAGE_BYTES,
        # Open websockets would otherwise hold a stop (Ctrl+C, SIGTERM) forever.
        "timeout_graceful_shutdown": 5,
        "lifespan": "on",
    }
    options.update(overrides)
    return uvicorn.Config(app, **options)


def serve(config: ServerConfig, **overrides: Any) -> None:
    """Serve until interrupted (Ctrl+C or SIGTERM stop it cleanly)."""
    import uvicorn

    from ukm_tools.calcserver.web import create_app

    uvicorn.Server(uvicorn_config(config, create_app(config), **overrides)).run()
