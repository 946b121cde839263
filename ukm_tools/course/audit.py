"""The course's append-only audit log: staff overrides and attendance imports, with who, when and why.

One table ``ukm_audit_log`` in the gradebook database. Entries are only ever added: an
override is withdrawn by a new entry, never by editing or deleting the old one. On SQLite and
PostgreSQL the database itself refuses UPDATE and DELETE (and on PostgreSQL TRUNCATE) on the
table (triggers), so not even a careless script can rewrite history; on other databases the
code never issues them (give the staff account INSERT and SELECT only on this table there).

Times are recorded in Asia/Jakarta (WIB) as ISO 8601 text with the offset, e.g.
``2026-02-14T10:32:05+07:00``, so the stored value reads the same everywhere.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa

from ukm_tools import dated
from ukm_tools.dated import JAKARTA  # the project's one time zone (re-exported for the course modules)

TABLE_NAME = "ukm_audit_log"

_META = sa.MetaData()
AUDIT_TABLE = sa.Table(
    TABLE_NAME,
    _META,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("at", sa.String(40), nullable=False),
    sa.Column("by", sa.String(128), nullable=False),
    sa.Column("action", sa.String(32), nullable=False),
    sa.Column("student", sa.String(128)),
    sa.Column("unit", sa.String(128)),
    sa.Column("status", sa.String(32)),
    sa.Column("why", sa.Text, nullable=False, default=""),
    sa.Column("detail", sa.Text, nullable=False, default=""),
)

_SQLITE_GUARDS = [
    f"CREATE TRIGGER IF NOT EXISTS {TABLE_NAME}_no_{verb.lower()} BEFORE {verb} ON {TABLE_NAME} "
    f"BEGIN SELECT RAISE(ABORT, '{TABLE_NAME} is append-only'); END"
    for verb in ("UPDATE", "DELETE")
]
_PG_REFUSE = f"{TABLE_NAME}_append_only"
_POSTGRES_GUARDS = [
    f"CREATE OR REPLACE FUNCTION {_PG_REFUSE}() RETURNS trigger LANGUAGE plpgsql AS "
    f"$$ BEGIN RAISE EXCEPTION '{TABLE_NAME} is append-only'; END $$",
    f"CREATE TRIGGER {TABLE_NAME}_no_change BEFORE UPDATE OR DELETE ON {TABLE_NAME} "
    f"FOR EACH ROW EXECUTE FUNCTION {_PG_REFUSE}()",
    f"CREATE TRIGGER {TABLE_NAME}_no_truncate BEFORE TRUNCATE ON {TABLE_NAME} "
    f"FOR EACH STATEMENT EXECUTE FUNCTION {_PG_REFUSE}()",
]


def now_jakarta() -> dt.datetime:
    """Now in Asia/Jakarta, to the second (how the log records it)."""
    return dated.now_jakarta().replace(microsecond=0)


@dataclass(frozen=True)
class AuditEntry:
    """One line of the log."""

    id: int
    at: dt.datetime  # aware, Asia/Jakarta
    by: str
    action: str
    student: str | None
    unit: str | None
    status: str | None
    why: str
    detail: str


def _engine(db_url: str) -> sa.Engine:
    engine = sa.create_engine(db_url)
    _META.create_all(engine)
    if engine.dialect.name == "sqlite":
        with engine.begin() as conn:
            for ddl in _SQLITE_GUARDS:
                conn.exec_driver_sql(ddl)
    elif engine.dialect.name == "postgresql":
        with engine.begin() as conn:
            # Once per database (also after `ukm db migrate`, which copies the table without them).
            exists = conn.exec_driver_sql(
                f"SELECT 1 FROM pg_trigger WHERE tgname = '{TABLE_NAME}_no_change' AND NOT tgisinternal"
            ).first()
            if not exists:
                for ddl in _POSTGRES_GUARDS:
                    conn.exec_driver_sql(ddl)
    return engine


def append(
    db_url: str,
    *,
    by: str,
    action: str,
    student: str | None = None,
    unit: str | None = None,
    status: str | None = None,
    why: str = "",
    detail: str = "",
    at: dt.datetime | None = None,
) -> AuditEntry:
    """Add one entry (the only write this module knows)."""
    at = (at or now_jakarta()).astimezone(JAKARTA)
    values = dict(
        at=at.isoformat(), by=by, action=action, student=student, unit=unit, status=status, why=why, detail=detail
    )
    engine = _engine(db_url)
    try:
        with engine.begin() as conn:
            key = conn.execute(sa.insert(AUDIT_TABLE).values(**values)).inserted_primary_key
            new_id = int(key[0]) if key else 0
    finally:
        engine.dispose()
    return AuditEntry(new_id, at, by, action, student, unit, status, why, detail)


def entries(db_url: str, action: str | None = None) -> list[AuditEntry]:
    """Every entry in the order it was written (optionally of one action); reading creates nothing."""
    from ukm_tools.course.scores import fetch_rows

    rows = fetch_rows(
        db_url, f"SELECT id, at, by, action, student, unit, status, why, detail FROM {TABLE_NAME} ORDER BY id"
    )
    return [
        AuditEntry(
            i,
            dt.datetime.fromisoformat(at).astimezone(JAKARTA),
            by,
            act,
            student,
            unit,
            status,
            why or "",
            detail or "",
        )
        for i, at, by, act, student, unit, status, why, detail in rows
        if action is None or act == action
    ]
