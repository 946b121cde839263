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
        "ws": "websockets-sansio",
        "ws_max_size": MAX_MESSAGE_BYTES,
        # Open websockets would otherwise hold a stop (Ctrl+C, SIGTERM) forever.
        "timeout_graceful_shutdown": 5,
        "lifespan": "on",
    }
    options.update(overrides)
    return uvicorn.Config(app, **options)


def serve(config: ServerConfig, **overrides: Any) -> None:
    """Serve until interrupted: Ctrl+C or SIGTERM close every session and exit with status 0."""
    import signal

    import uvicorn

    from ukm_tools.calcserver.web import create_app

    def stopped(signum: int, frame: Any) -> None:
        raise SystemExit(0)

    # uvicorn handles the signal while it runs (a graceful shutdown), then restores these
    # handlers and raises the signal again: it lands here instead of killing the process.
    signal.signal(signal.SIGTERM, stopped)
    signal.signal(signal.SIGINT, stopped)
    uvicorn.Server(uvicorn_config(config, create_app(config), **overrides)).run()
