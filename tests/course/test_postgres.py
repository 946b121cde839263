"""The gradebook on PostgreSQL: parallel grading gives the grades SQLite gives, and `ukm db migrate`
copies a graded course's SQLite gradebook (nbgrader's tables and the project's) with equal counts.

Runs against a real PostgreSQL server the tests start (tests/postgres.py).
"""

from __future__ import annotations

import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
from course_helpers import CASES, A, build_anticheat_course

from ukm_tools.course import ops
from ukm_tools.course.db import migrate
from ukm_tools.course.participants import load_participants
from ukm_tools.course.reports import assignment_rows
from ukm_tools.errors import UkmError

pytestmark = pytest.mark.slow


@contextmanager
def gradebook_at(url: str):
    """Point the course's nbgrader_config.py at ``url`` (it reads UKM_DB_URL), as staff would."""
    with pytest.MonkeyPatch.context() as env:  # module-scoped fixtures use it too, so not `monkeypatch`
        env.setenv("UKM_DB_URL", url)
        yield


@pytest.fixture(scope="module")
def pg_graded(postgres, tmp_path_factory):
    """The course of the shared ``graded`` fixture built again with its gradebook on PostgreSQL
    and graded by four sandboxed workers at once."""
    url = postgres.create_database("graded")
    with gradebook_at(url):
        course, report = build_anticheat_course(tmp_path_factory.mktemp("pg-course"), workers=4)
        assert ops.db_url(course) == url
    assert not (course / "gradebook.db").exists(), "nothing may fall back to SQLite"
    return course, url, report


def test_parallel_grading_on_postgres_matches_sqlite(pg_graded, graded):
    """Same submissions, same statuses and scores as the SQLite course, row by row."""
    course, url, report = pg_graded
    assert {r.student: r.status.value for r in report.results} == {s: "graded" for s in CASES}
    with gradebook_at(url):
        on_pg = [(r.student, r.status, r.score, r.max_score) for r in assignment_rows(course, A)]
    on_sqlite = [(r.student, r.status, r.score, r.max_score) for r in assignment_rows(graded, A)]
    assert on_pg == on_sqlite
    engine = sa.create_engine(url)
    with engine.connect() as conn:
        assert conn.execute(sa.text("SELECT COUNT(*) FROM submitted_assignment")).scalar_one() == len(CASES)
        assert conn.execute(sa.text("SELECT COUNT(*) FROM ukm_grading_status")).scalar_one() == len(CASES)
    engine.dispose()


def test_migrate_copies_every_table_with_equal_counts(postgres, graded):
    target = postgres.create_database("migrated")
    counts = migrate(ops.db_url(graded), target)
    names = {c.table for c in counts}
    assert {"student", "assignment", "submitted_assignment", "grade", "alembic_version"} <= names
    assert {"ukm_participant", "ukm_grading_status"} <= names
    assert all(c.source == c.target for c in counts) and sum(c.source for c in counts) > 100
    # The course reads the same from the copy: statuses, scores, and the roster with its products.
    sqlite_rows = assignment_rows(graded, A)
    sqlite_people = load_participants(ops.db_url(graded))
    with gradebook_at(target):
        assert assignment_rows(graded, A) == sqlite_rows
        assert load_participants(target) == sqlite_people
        from nbgrader.api import Gradebook

        with Gradebook(target) as gb:  # nbgrader opens it without migrating anything
            assert (
                gb.find_submission(A, "pemilik").score
                == sqlite_rows[[r.student for r in sqlite_rows].index("pemilik")].score
            )


def test_migrate_never_overwrites_and_says_why(postgres, graded, tmp_path):
    target = postgres.create_database("busy")
    migrate(ops.db_url(graded), target)
    with pytest.raises(UkmError) as err:
        migrate(ops.db_url(graded), target)
    assert err.value.code == "db_target_not_empty"
    with pytest.raises(UkmError) as err:
        migrate(f"sqlite:///{tmp_path / 'tidak-ada.db'}", postgres.create_database("empty"))
    assert err.value.code == "db_source_missing"


def test_cli_migrate_one_line_per_problem(postgres, graded):
    """`ukm db migrate` prints the table counts; a server that does not answer is one clear line, exit 2."""
    ukm = [str(Path(sys.executable).parent / "ukm")]
    target = postgres.create_database("cli")
    ok = subprocess.run(
        ukm + ["db", "migrate", "--to", target, "--course", str(graded)], capture_output=True, text=True, timeout=300
    )
    assert ok.returncode == 0, ok.stderr
    assert "ukm_grading_status" in ok.stdout and "UKM_DB_URL" in ok.stdout
    bad_url = f"postgresql+psycopg://nobody:rahasia@127.0.0.1:{postgres.port + 1 if postgres.port < 65535 else 1}/x"
    bad = subprocess.run(
        ukm + ["db", "migrate", "--to", bad_url, "--course", str(graded)], capture_output=True, text=True, timeout=120
    )
    assert bad.returncode == 2 and "Traceback" not in bad.stderr
    assert len(bad.stderr.strip().splitlines()) == 1 and "rahasia" not in bad.stderr
