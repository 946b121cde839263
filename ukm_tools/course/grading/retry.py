"""Grade-on-submit's retries of a submission whose grading the machine failed (``infra_error``).

An ``infra_error`` is never the participant's fault (:class:`~ukm_tools.course.grading.status.Status`),
so grade-on-submit does not release it as their result at once: it grades the same submission
again after a short delay (at the earliest when the grading it failed in ends: a running grading
admits each participant once), a bounded number of times, and releases the ``infra_error`` (for staff
to see) only when every grading failed. Only that status is retried: ``kernel_died`` and ``error``
can be the participant's own code, and grading it again would give the same answer.

The count is kept per submission in the table ``ukm_grading_retry`` of the gradebook database
(one row per participant and assignment, written by grade-on-submit only), so a restart neither
forgets it (a permanently broken machine never loops) nor delays a retry that is due; a new
submission (another fingerprint) starts again from zero.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ukm_tools.course.database import TableStore, upsert
from ukm_tools.course.grading.status import SubmissionStatus

TABLE_NAME = "ukm_grading_retry"

#: Seconds before the 1st, 2nd... new grading of a submission the machine failed to grade; one grading
#: more than there are delays, then the ``infra_error`` is released. Short, because the participant is
#: waiting on the result page (a lower bound: during a burst the running grading must end first);
#: growing, so an overloaded machine (a kernel that did not answer in time) has time to recover.
#: 3 gradings in all: a machine still failing then needs staff, not more tries.
RETRY_DELAYS_S: tuple[float, ...] = (5.0, 15.0)

_metadata = sa.MetaData()
_table = sa.Table(
    TABLE_NAME,
    _metadata,
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("student", sa.String(128), primary_key=True),
    # the submission the machine failed to grade (the engine's fingerprint of the submitted folder)
    sa.Column("fingerprint", sa.String(128), nullable=False),
    sa.Column("failures", sa.Integer, nullable=False),
    # when it may be graded again (naive UTC); NULL once the failures are released
    sa.Column("retry_at", sa.DateTime, nullable=True),
)


@dataclass(frozen=True)
class Retry:
    """A submission the machine failed to grade ``failures`` times in a row."""

    student: str
    fingerprint: str
    failures: int
    retry_at: datetime | None

    def held(self, fingerprint: str, now: datetime) -> bool:
        """True while this submission waits for its next grading (not due yet)."""
        return self.fingerprint == fingerprint and self.retry_at is not None and now < self.retry_at


class RetryStore(TableStore):
    """Reads and writes ``ukm_grading_retry`` in the gradebook database at ``db_url``."""

    metadata = _metadata

    def all(self, assignment: str) -> dict[str, Retry]:
        """Student -> the retry recorded for their submission of ``assignment``."""
        query = sa.select(_table).where(_table.c.assignment == assignment)
        with self._engine.connect() as conn:
            return {r.student: Retry(r.student, r.fingerprint, r.failures, r.retry_at) for r in conn.execute(query)}

    def failed(self, status: SubmissionStatus, now: datetime, delays_s: tuple[float, ...] = RETRY_DELAYS_S) -> Retry:
        """Record that the machine failed to grade ``status``'s submission once more; the returned
        :class:`Retry` has a ``retry_at`` while gradings remain, none when it is to be released."""
        key = {"assignment": status.assignment, "student": status.student}
        with self._engine.begin() as conn:
            row = conn.execute(sa.select(_table).where(*(_table.c[k] == v for k, v in key.items()))).first()
            failures = (row.failures if row is not None and row.fingerprint == status.fingerprint else 0) + 1
            retry_at = now + timedelta(seconds=delays_s[failures - 1]) if failures <= len(delays_s) else None
            upsert(conn, _table, key, {"fingerprint": status.fingerprint, "failures": failures, "retry_at": retry_at})
        return Retry(status.student, status.fingerprint, failures, retry_at)

    def forget(self, assignment: str, student: str) -> None:
        """The submission's grading ended otherwise: a later machine failure counts from zero."""
        where = sa.and_(_table.c.assignment == assignment, _table.c.student == student)
        with self._engine.begin() as conn:
            conn.execute(sa.delete(_table).where(where))
