"""One way to open the gradebook database for ukm-tools' own tables (results, the portal's drafts).

SQLite (the default gradebook) is opened without a connection pool and with a long busy
timeout: the portal, grade-on-submit and the grading engine write it from different processes,
and a writer waits for another instead of failing; without a pool, a gradebook deleted mid-run
fails the next write instead of going to the lost file. PostgreSQL gets SQLAlchemy's usual pool.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Self

import sqlalchemy as sa

#: Seconds a SQLite writer waits for another process's write to finish.
SQLITE_BUSY_TIMEOUT_S = 60


def engine_for(db_url: str) -> sa.Engine:
    if db_url.startswith("sqlite"):
        return sa.create_engine(db_url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, poolclass=sa.pool.NullPool)
    return sa.create_engine(db_url, pool_pre_ping=True)


def upsert(conn: sa.Connection, table: sa.Table, key: Mapping[str, Any], values: Mapping[str, Any]) -> None:
    """Replace the values of the row at ``key`` (column -> value), inserting it when missing."""
    where = sa.and_(*(table.c[name] == value for name, value in key.items()))
    if not conn.execute(sa.update(table).where(where).values(**values)).rowcount:
        conn.execute(sa.insert(table).values(**key, **values))


class TableStore:
    """Base of a store of ukm's own tables in the gradebook database (created when missing)."""

    metadata: sa.MetaData

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self._engine = engine_for(db_url)
        self.metadata.create_all(self._engine, checkfirst=True)

    def close(self) -> None:
        self._engine.dispose()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
