"""Timestamped copy of a SQLite gradebook, taken before the engine writes anything."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from ukm_tools.course.grading import gradebook


def backup_gradebook(db_url: str) -> Path | None:
    """Copy the SQLite gradebook to ``backups/<name>-<UTC time>.db`` beside it.

    Uses SQLite's online backup API, so the copy is consistent even if another process is
    writing; it gets its final name only when complete, so a failed copy (disk full, file-size
    limit) never poses as the newest backup. Only the newest ``BACKUPS_KEPT`` copies are kept.
    Returns None for non-SQLite databases (back those up with the server's tools).
    """
    path = gradebook.sqlite_path(db_url)
    if path is None or not path.is_file():
        return None
    folder = path.parent / gradebook.BACKUP_FOLDER
    folder.mkdir(exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%fZ")
    target = folder / f"{path.stem}-{stamp}{path.suffix or '.db'}"
    partial = folder / f".{target.name}.partial"
    src = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=60)
    try:
        dst = sqlite3.connect(partial)
        try:
            src.backup(dst)
        finally:
            dst.close()
        partial.replace(target)
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    finally:
        src.close()
    for old in gradebook.backups(path)[: -gradebook.BACKUPS_KEPT]:
        if not old.is_symlink():
            old.unlink(missing_ok=True)
    return target
