"""Per-submission grading status, persisted beside nbgrader's tables in the gradebook database.

nbgrader records scores but not *why* a submission scored what it did: a notebook that never
ran looks like a real zero. The engine therefore writes one row per (assignment, student) to
its own table ``ukm_grading_status`` in the same database (same SQLAlchemy URL, so SQLite now
and PostgreSQL later work alike). Only the engine's coordinating process writes this table.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import sqlalchemy as sa

from ukm_tools.course.database import TableStore, upsert

TABLE_NAME = "ukm_grading_status"


class Status(enum.StrEnum):
    """Outcome of grading one submission (``pending``/``running`` only while in progress)."""

    PENDING = "pending"
    RUNNING = "running"
    GRADED = "graded"
    TIMEOUT = "timeout"
    CORRUPT_NOTEBOOK = "corrupt_notebook"
    MISSING_NOTEBOOK = "missing_notebook"
    KERNEL_DIED = "kernel_died"
    TAMPERED_TEST_CELL = "tampered_test_cell"
    ATTACK = "attack"
    """The grading changed what no submission may change (a score outside 0..max, another participant's
    rows): rolled back for this submission, the reason says what was found."""
    INFRA_ERROR = "infra_error"
    """The grading machine failed (disk full, a limit of the grader itself, missing kernel, gradebook
    unusable): never the participant's fault, graded again on the next run (grade-on-submit retries it
    itself after a short delay, a bounded number of times: :mod:`~ukm_tools.course.grading.retry`)."""
    ERROR = "error"

    def __str__(self) -> str:  # so f-strings and CSV exports show "graded", not "Status.GRADED"
        return self.value

    @property
    def in_progress(self) -> bool:
        return self in (Status.PENDING, Status.RUNNING)


#: Final statuses that describe the submission itself; rerunning gives the same answer, so a
#: rerun without ``force`` skips them while the submission is unchanged. ``error``,
#: ``kernel_died`` and ``infra_error`` may be transient and are always retried.
SETTLED = frozenset(
    {
        Status.GRADED,
        Status.TIMEOUT,
        Status.CORRUPT_NOTEBOOK,
        Status.MISSING_NOTEBOOK,
        Status.TAMPERED_TEST_CELL,
        Status.ATTACK,
    }
)
#: Final statuses other than a clean grade: staff should look at these submissions.
NEEDS_ATTENTION = frozenset(s for s in Status if not s.in_progress and s is not Status.GRADED)


@dataclass(frozen=True)
class SubmissionStatus:
    """What happened to one participant's submission of one assignment."""

    assignment: str
    student: str
    status: Status
    reason: str = ""
    score: float | None = None
    max_score: float | None = None
    attempts: int = 0
    started_at: datetime | None = None
    finished_at: datetime | None = None
    #: Fingerprint of the submitted folder (timestamp.txt + file names/sizes/mtimes) last graded.
    fingerprint: str = ""

    @property
    def duration_s(self) -> float | None:
        if self.started_at and self.finished_at:
            return (self.finished_at - self.started_at).total_seconds()
        return None


_metadata = sa.MetaData()
_table = sa.Table(
    TABLE_NAME,
    _metadata,
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("student", sa.String(128), primary_key=True),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("reason", sa.Text, nullable=False, default=""),
    sa.Column("score", sa.Float, nullable=True),
    sa.Column("max_score", sa.Float, nullable=True),
    sa.Column("attempts", sa.Integer, nullable=False, default=0),
    sa.Column("started_at", sa.DateTime, nullable=True),
    sa.Column("finished_at", sa.DateTime, nullable=True),
    sa.Column("fingerprint", sa.String(128), nullable=False, default=""),
)


def utcnow() -> datetime:
    """Naive UTC time (SQLite has no time zones; nbgrader stores naive UTC too)."""
    return datetime.now(UTC).replace(tzinfo=None)


def default_db_url(course_dir) -> str:
    """nbgrader's default gradebook URL for a course folder."""
    from pathlib import Path

    return f"sqlite:///{Path(course_dir).resolve() / 'gradebook.db'}"


class StatusStore(TableStore):
    """Reads and writes ``ukm_grading_status`` in the gradebook database at ``db_url``."""

    metadata = _metadata

    @staticmethod
    def _from_row(row) -> SubmissionStatus:
        return SubmissionStatus(
            assignment=row.assignment,
            student=row.student,
            status=Status(row.status),
            reason=row.reason or "",
            score=row.score,
            max_score=row.max_score,
            attempts=row.attempts or 0,
            started_at=row.started_at,
            finished_at=row.finished_at,
            fingerprint=row.fingerprint or "",
        )

    def all(self, assignment: str) -> list[SubmissionStatus]:
        """Every recorded status of ``assignment``, sorted by student id."""
        query = sa.select(_table).where(_table.c.assignment == assignment).order_by(_table.c.student)
        with self._engine.connect() as conn:
            return [self._from_row(row) for row in conn.execute(query)]

    def get(self, assignment: str, student: str) -> SubmissionStatus | None:
        query = sa.select(_table).where(_table.c.assignment == assignment, _table.c.student == student)
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return self._from_row(row) if row else None

    def put(self, status: SubmissionStatus) -> None:
        """Insert or replace the row of ``status.assignment``/``status.student``."""
        values = {
            "status": status.status.value,
            "reason": status.reason,
            "score": status.score,
            "max_score": status.max_score,
            "attempts": status.attempts,
            "started_at": status.started_at,
            "finished_at": status.finished_at,
            "fingerprint": status.fingerprint,
        }
        with self._engine.begin() as conn:
            upsert(conn, _table, {"assignment": status.assignment, "student": status.student}, values)

    def mark_pending(self, statuses: list[SubmissionStatus]) -> list[SubmissionStatus]:
        """Record that these submissions will be graded in this run; returns the stored rows."""
        stored = []
        for old in statuses:
            new = replace(old, status=Status.PENDING, reason="waiting for a grader", finished_at=None)
            self.put(new)
            stored.append(new)
        return stored
