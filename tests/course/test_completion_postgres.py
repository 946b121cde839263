"""The completion report on a PostgreSQL gradebook (the workshop server's): `ukm db migrate` keeps
the attendance, the audit log and the reporting fields, and the report computed there is the one
SQLite gives; the audit log stays append-only on PostgreSQL too.

Runs against a real PostgreSQL server the tests start (tests/postgres.py).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa
from synthetic_gradebook import random_cohort
from test_postgres import gradebook_at

from ukm_tools.course import audit, ops
from ukm_tools.course.course_data import load_course_data
from ukm_tools.course.db import migrate
from ukm_tools.course.overrides import set_override, withdraw_override
from ukm_tools.course.workshop_report import compute_report

pytestmark = [pytest.mark.slow, pytest.mark.timeout(300)]


def _states(report) -> pd.DataFrame:
    c = report.completion
    frame = pd.DataFrame({u: r.state for u, r in c.units.items()}, index=c.students)
    frame["course"] = c.state
    return frame


def test_report_on_postgres_is_the_report_on_sqlite(postgres, synthetic):
    random_cohort(synthetic, 60, seed=7)
    set_override(synthetic.db_url, synthetic.spec, "p00003", "m2-syarat", "selesai", why="Dinilai lisan.", by="Bu Rina")
    set_override(synthetic.db_url, synthetic.spec, "p00004", "m2-syarat", "belum", why="Salah input.", by="Bu Rina")
    withdraw_override(synthetic.db_url, synthetic.spec, "p00004", "m2-syarat", why="Sudah benar.", by="Bu Rina")
    on_sqlite = compute_report(load_course_data(synthetic.course, include_personal=True), include_personal=True)

    url = postgres.create_database("completion")
    counts = migrate(synthetic.db_url, url)
    copied = {c.table for c in counts}
    assert {audit.TABLE_NAME, "ukm_attendance", "ukm_participant"} <= copied
    assert all(c.source == c.target for c in counts)
    with gradebook_at(url):
        assert ops.db_url(synthetic.course) == url
        data = load_course_data(synthetic.course, include_personal=True)
        on_pg = compute_report(data, include_personal=True)
        # Written on PostgreSQL, read back like any other entry.
        set_override(url, synthetic.spec, "p00005", "m1-ekatalog", "selesai", why="Diperiksa pelatih.", by="Pak Andi")
        after = load_course_data(synthetic.course)

    assert len(on_sqlite.completion.students) == 60
    assert _states(on_pg).equals(_states(on_sqlite))
    assert [e.why for e in data.log] == [e.why for e in on_sqlite.data.log] and len(data.log) >= 4
    assert data.marks == on_sqlite.data.marks and data.profiles.equals(on_sqlite.data.profiles)
    assert data.phones == on_sqlite.data.phones and data.phones  # personal data on request, from either database
    assert on_pg.gain is not None and on_sqlite.gain is not None
    assert on_pg.gain.participants.equals(on_sqlite.gain.participants)
    cols = ["n", "mean", "facility", "discrimination"]
    assert np.allclose(on_pg.questions[cols].to_numpy(float), on_sqlite.questions[cols].to_numpy(float), equal_nan=True)
    assert [(s.key, s.count) for s in on_pg.funnel] == [(s.key, s.count) for s in on_sqlite.funnel]
    assert ("p00005", "m1-ekatalog") in after.overrides and len(after.log) == len(data.log) + 1

    # History cannot be rewritten on PostgreSQL either.
    engine = sa.create_engine(url)
    try:
        for statement in (
            sa.update(audit.AUDIT_TABLE).values(why="dihapus"),
            sa.delete(audit.AUDIT_TABLE),
        ):
            with pytest.raises(sa.exc.DBAPIError, match="append-only"), engine.begin() as conn:
                conn.execute(statement)
        with engine.connect() as conn:
            assert conn.execute(sa.select(sa.func.count()).select_from(audit.AUDIT_TABLE)).scalar() == len(after.log)
    finally:
        engine.dispose()
