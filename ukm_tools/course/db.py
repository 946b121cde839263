"""The gradebook's database: copying a course's SQLite gradebook into PostgreSQL, counts checked.

``ukm db migrate --to postgresql+psycopg://user@host/gradebook --course KURSUS`` copies every
table of the course's gradebook: nbgrader's own (created from nbgrader's models, so the target
has exactly the schema nbgrader expects, with its alembic version) and the project's
(``ukm_participant``, ``ukm_grading_status`` and any other table found: created from the
project's declarations when known, else from what SQLite says). Rows go over in dependency
order inside one transaction; afterwards every table's row count is compared and any
difference is an error. The target must be empty: nothing there is ever overwritten.
After it, staff point the course at the new database (``UKM_DB_URL``) and keep the SQLite file
as the backup.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import make_url

from ukm_tools.errors import Problem, UkmError


@dataclass(frozen=True)
class TableCount:
    table: str
    source: int
    target: int


def _project_tables() -> list[sa.Table]:
    """Tables the project declares (exact types), by module; others are reflected from SQLite."""
    from ukm_tools.course.attendance import ATTENDANCE_TABLE
    from ukm_tools.course.audit import AUDIT_TABLE
    from ukm_tools.course.grading import retry, status
    from ukm_tools.course.participants import PARTICIPANT_TABLE
    from ukm_tools.course.profiles import PROFILE_TABLE

    return [PARTICIPANT_TABLE, status._table, retry._table, AUDIT_TABLE, ATTENDANCE_TABLE, PROFILE_TABLE]


def redacted(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


def _connect(url: str) -> sa.Engine:
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.SQLAlchemyError as e:
        engine.dispose()
        detail = str(getattr(e, "orig", None) or e).strip().splitlines()[0]
        raise UkmError("db_unreachable", "url", redacted(url), detail=detail) from None
    return engine


def migrate(source_url: str, target_url: str) -> list[TableCount]:
    """Copy every table of the SQLite gradebook at ``source_url`` into the empty ``target_url``."""
    from nbgrader.api import Base as NbgraderBase

    src_url = make_url(source_url)
    if not src_url.drivername.startswith("sqlite"):
        raise UkmError("db_source_not_sqlite", "url", redacted(source_url))
    from pathlib import Path

    if not src_url.database or not Path(src_url.database).is_file():
        raise UkmError("db_source_missing", "url", src_url.database)
    source = _connect(f"sqlite:///file:{src_url.database}?mode=ro&uri=true")
    target = _connect(target_url)
    try:
        existing = sa.inspect(target).get_table_names()
        if existing:
            raise UkmError("db_target_not_empty", "url", redacted(target_url), sorted(existing))
        reflected = sa.MetaData()
        reflected.reflect(source)
        # The target's schema: nbgrader's models, the project's declarations, then the rest as found.
        schema = sa.MetaData()
        for table in NbgraderBase.metadata.sorted_tables:
            table.to_metadata(schema)
        for table in _project_tables():
            if table.name in reflected.tables:
                table.to_metadata(schema)
        for name, table in reflected.tables.items():
            if name not in schema.tables:
                table.to_metadata(schema)
        copied = [t for t in schema.sorted_tables if t.name in reflected.tables]
        with target.begin() as out, source.connect() as inp:
            schema.create_all(out, tables=copied)
            for table in copied:
                src_table = reflected.tables[table.name]
                columns = [c.name for c in table.columns if c.name in src_table.columns]
                rows = [dict(r._mapping) for r in inp.execute(sa.select(*[src_table.c[c] for c in columns]))]
                if rows:
                    out.execute(sa.insert(table), rows)
            _advance_sequences(out, copied)
        return check_counts(source, target, [t.name for t in copied])
    finally:
        source.dispose()
        target.dispose()


def _advance_sequences(conn: sa.Connection, tables: list[sa.Table]) -> None:
    """PostgreSQL serial columns continue after the copied ids (rows were inserted with their ids)."""
    if conn.dialect.name != "postgresql":
        return
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) == 1 and isinstance(pk[0].type, sa.Integer) and pk[0].autoincrement in (True, "auto"):
            conn.execute(
                sa.text(
                    f"SELECT setval(pg_get_serial_sequence('{table.name}', '{pk[0].name}'), "
                    f'COALESCE((SELECT MAX("{pk[0].name}") FROM "{table.name}"), 0) + 1, false) '
                    f"WHERE pg_get_serial_sequence('{table.name}', '{pk[0].name}') IS NOT NULL"
                )
            )


def check_counts(source: sa.Engine, target: sa.Engine, tables: list[str]) -> list[TableCount]:
    """Rows per table on both sides; raises ``db_count_mismatch`` for every table that differs."""
    counts = []
    with source.connect() as a, target.connect() as b:
        for name in tables:
            query = sa.text(f'SELECT COUNT(*) FROM "{name}"')
            counts.append(TableCount(name, a.execute(query).scalar_one(), b.execute(query).scalar_one()))
    bad = [
        Problem("db_count_mismatch", None, c.source, c.target, {"table": c.table})
        for c in counts
        if c.source != c.target
    ]
    if bad:
        raise UkmError(problems=bad)
    return counts
