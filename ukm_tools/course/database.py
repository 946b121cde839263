"""One way to open the gradebook database for ukm-tools' own tables (results, the portal's drafts).

SQLite (the default gradebook) is opened without a connection pool and with a long busy
timeout: the portal, grade-on-submit and the grading engine write it from different processes,
and a writer waits for another instead of failing. PostgreSQL gets SQLAlchemy's usual pool.
"""

from __future__ import annotations

import sqlalchemy as sa

#: Seconds a SQLite writer waits for another process's write to finish.
SQLITE_BUSY_TIMEOUT_S = 60


def engine_for(db_url: str) -> sa.Engine:
    if db_url.startswith("sqlite"):
        return sa.create_engine(db_url, connect_args={"timeout": SQLITE_BUSY_TIMEOUT_S}, poolclass=sa.pool.NullPool)
    return sa.create_engine(db_url, pool_pre_ping=True)
