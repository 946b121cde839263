"""Timestamped copy of a SQLite gradebook, taken before the engine writes anything."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy.engine import make_url


def sqlite_path(db_url: str) -> Path | None:
    """The database file of a ``sqlite:///`` URL, or None for other databases / in-memory."""
    url = make_url(db_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    return Path(url.database)


def backup_gradebook(db_url: str) -> Path | None:
    """Copy the SQLite gradebook to ``backups/<name>-<UTC time>.db`` beside it.

    Uses SQLite's online backup API, so the copy is consistent even if another process is
    writing. Returns None for non-SQLite databases (back those up with the server's tools).
    """
    path = sqlite_path(db_url)
    if path is None or not path.is_file():
        return None
    folder = path.parent / "backups"
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    target = folder / f"{path.stem}-{stamp}{path.suffix or '.db'}"
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target
