"""The portal's own records, in the gradebook database: drafts as they are typed, and submissions.

* ``ukm_portal_draft``: one row per participant, assignment and answer field, holding the text
  exactly as typed (so a reload shows it again, unreadable numbers included). Saving a field
  writes only its own row: two tabs typing into different fields never undo each other.
* ``ukm_portal_submission``: per participant and assignment, the answers of the latest "Kirim",
  when it was handed in and how many times. The submitted notebook itself goes through the
  course's intake into ``submitted/`` (what nbgrader grades); this row is what the portal and
  the staff list show.

Every query names the participant: the caller passes the hub's authenticated user, never a
name from the request.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ukm_tools.course.database import TableStore, upsert

_metadata = sa.MetaData()
DRAFT_TABLE = sa.Table(
    "ukm_portal_draft",
    _metadata,
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("student", sa.String(128), primary_key=True),
    sa.Column("field", sa.String(128), primary_key=True),
    sa.Column("typed", sa.Text, nullable=False),
    sa.Column("updated_at", sa.DateTime, nullable=False),
)
SUBMISSION_TABLE = sa.Table(
    "ukm_portal_submission",
    _metadata,
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("student", sa.String(128), primary_key=True),
    sa.Column("answers", sa.Text, nullable=False),
    sa.Column("submitted_at", sa.DateTime, nullable=False),
    sa.Column("attempts", sa.Integer, nullable=False),
)
TABLES = (DRAFT_TABLE, SUBMISSION_TABLE)


@dataclass(frozen=True)
class Submission:
    assignment: str
    student: str
    answers: dict[str, str]
    submitted_at: datetime
    """Naive UTC, the timestamp the intake stored with the submitted notebook."""
    attempts: int


class PortalStore(TableStore):
    """Drafts and submissions in the database at ``db_url`` (tables created when missing)."""

    metadata = _metadata

    # ---------------------------------------------------------------- drafts

    def draft(self, assignment: str, student: str) -> dict[str, str]:
        """Field name -> text as last typed."""
        query = sa.select(DRAFT_TABLE.c.field, DRAFT_TABLE.c.typed).where(
            DRAFT_TABLE.c.assignment == assignment, DRAFT_TABLE.c.student == student
        )
        with self._engine.connect() as conn:
            return {r.field: r.typed for r in conn.execute(query)}

    def save_draft(self, assignment: str, student: str, typed: Mapping[str, str], now: datetime) -> None:
        """Keep the text of each field in ``typed`` (other fields stay as they are)."""
        with self._engine.begin() as conn:
            for name, text in typed.items():
                key = {"assignment": assignment, "student": student, "field": name}
                upsert(conn, DRAFT_TABLE, key, {"typed": text, "updated_at": now})

    def drafted(self, student: str) -> set[str]:
        """Assignments with at least one typed field."""
        query = sa.select(DRAFT_TABLE.c.assignment).where(DRAFT_TABLE.c.student == student).distinct()
        with self._engine.connect() as conn:
            return {r.assignment for r in conn.execute(query)}

    # ---------------------------------------------------------------- submissions

    def record_submission(
        self, assignment: str, student: str, answers: Mapping[str, str], submitted_at: datetime
    ) -> Submission:
        key = (SUBMISSION_TABLE.c.assignment == assignment) & (SUBMISSION_TABLE.c.student == student)
        text = json.dumps(dict(answers), ensure_ascii=False)
        with self._engine.begin() as conn:
            row = conn.execute(sa.select(SUBMISSION_TABLE.c.attempts).where(key)).first()
            attempts = (row.attempts if row else 0) + 1
            values = {"answers": text, "submitted_at": submitted_at, "attempts": attempts}
            if row:
                conn.execute(sa.update(SUBMISSION_TABLE).where(key).values(**values))
            else:
                conn.execute(sa.insert(SUBMISSION_TABLE).values(assignment=assignment, student=student, **values))
        return Submission(assignment, student, dict(answers), submitted_at, attempts)

    def submission(self, assignment: str, student: str) -> Submission | None:
        query = sa.select(SUBMISSION_TABLE).where(
            SUBMISSION_TABLE.c.assignment == assignment, SUBMISSION_TABLE.c.student == student
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return _submission(row) if row else None

    def submissions(self, *, student: str | None = None, assignment: str | None = None) -> list[Submission]:
        query = sa.select(SUBMISSION_TABLE)
        if student is not None:
            query = query.where(SUBMISSION_TABLE.c.student == student)
        if assignment is not None:
            query = query.where(SUBMISSION_TABLE.c.assignment == assignment)
        with self._engine.connect() as conn:
            return [_submission(r) for r in conn.execute(query)]


def _submission(row: sa.Row) -> Submission:
    try:
        answers = json.loads(row.answers)
    except ValueError:
        answers = {}
    return Submission(
        row.assignment, row.student, answers if isinstance(answers, dict) else {}, row.submitted_at, row.attempts
    )
