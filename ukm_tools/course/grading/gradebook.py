"""The gradebook file is never created behind the staff's back.

nbgrader creates an empty gradebook whenever its URL points at a missing SQLite file, so a
gradebook deleted or moved mid-workshop used to be replaced silently by an empty one and every
later grade written there. Only ``ukm init`` creates a gradebook (:func:`create_gradebook`);
every other command checks it first (:func:`check_gradebook`: missing or unwritable is a clear
error naming the file, the newest backup and how to restore it) and the grading workers open it
through :func:`guarded_url`, with which SQLite refuses to create the file.
"""

from __future__ import annotations

import os
import shlex
import tempfile
from pathlib import Path
from urllib.parse import quote, unquote

from sqlalchemy.engine import make_url

from ukm_tools.errors import UkmError
from ukm_tools.messages import Msg, section

T = section("course.grading.gradebook")

BACKUP_FOLDER = "backups"
#: Backups kept per gradebook: grade-on-submit takes one per grading all day long, so the oldest
#: beyond this many are removed after each new one.
BACKUPS_KEPT = 100


def sqlite_path(db_url: str) -> Path | None:
    """The database file of a SQLite URL (plain or ``file:`` URI form), or None for other databases."""
    url = make_url(db_url)
    if not url.drivername.startswith("sqlite") or not url.database or url.database == ":memory:":
        return None
    database = url.database
    if database.startswith("file:"):
        database = unquote(database[len("file:") :])
    return Path(database)


def guarded_url(db_url: str) -> str:
    """``db_url`` such that opening it never creates a database (SQLite ``mode=rw``); others unchanged."""
    path = sqlite_path(db_url)
    if path is None:
        return db_url
    return f"sqlite:///file:{quote(str(path.resolve()))}?mode=rw&uri=true"


def backups(db_file: Path) -> list[Path]:
    """The ``backups/<name>-<UTC time>.db`` copies taken by the grading engine, oldest first."""
    folder = db_file.parent / BACKUP_FOLDER
    if not folder.is_dir():
        return []
    return sorted(folder.glob(f"{db_file.stem}-*{db_file.suffix or '.db'}"))


def newest_backup(db_file: Path) -> Path | None:
    """The most recent backup taken by the grading engine, if any."""
    copies = backups(db_file)
    return copies[-1] if copies else None


def _restore_hint(db_file: Path) -> Msg:
    """How to get the gradebook back: the newest backup and the command."""
    backup = newest_backup(db_file)
    if backup is None:
        return T.msg("restore_no_backup", folder=str(db_file.parent / BACKUP_FOLDER))
    command = f"cp {shlex.quote(str(backup))} {shlex.quote(str(db_file))}"
    return T.msg("restore_from_backup", backup=str(backup), command=command)


def writable_problem(db_file: Path) -> str | None:
    """Why the gradebook file cannot be written, or None. Tries it (os.access is blind to root and ``chattr +i``)."""
    try:
        fd = os.open(db_file, os.O_WRONLY | os.O_APPEND | os.O_NOFOLLOW | os.O_CLOEXEC)
        os.close(fd)
        # SQLite writes its journal beside the file.
        fd, probe = tempfile.mkstemp(prefix=".ukm-write-check-", dir=db_file.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        return exc.strerror or exc.__class__.__name__
    return None


def check_gradebook(db_url: str) -> None:
    """Raise ``gradebook_missing`` / ``gradebook_unwritable`` for a SQLite gradebook that is not usable.

    Other databases (PostgreSQL) are checked by the server; nothing to do here.
    """
    db_file = sqlite_path(db_url)
    if db_file is None:
        return
    if not db_file.is_file():
        raise UkmError("gradebook_missing", "gradebook", str(db_file), restore=_restore_hint(db_file))
    problem = writable_problem(db_file)
    if problem:
        raise UkmError(
            "gradebook_unwritable", "gradebook", str(db_file), detail=problem, restore=_restore_hint(db_file)
        )


def create_gradebook(db_url: str, course_id: str) -> None:
    """Create the course's empty gradebook (``ukm init`` only)."""
    from nbgrader.api import Gradebook

    from ukm_tools.course.environment import ensure_tools_on_path

    ensure_tools_on_path()
    with Gradebook(db_url, course_id):
        pass
