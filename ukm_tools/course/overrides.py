"""Staff overrides of a participant's result for a module (or a test), kept in the audit log.

``ukm override PARTICIPANT MODULE --status selesai --why "..." --by NAME`` records who, when
(Asia/Jakarta) and why; reports show the result as overridden, next to what the gradebook
alone would say. ``--withdraw`` adds a withdrawal entry: the override stops counting, and both
entries stay in the log forever (:mod:`ukm_tools.course.audit`). For each participant and
module the latest override-or-withdrawal entry decides.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from ukm_tools.course import audit
from ukm_tools.errors import Problem, UkmError

OVERRIDE, WITHDRAW = "override", "withdraw"
#: Statuses staff may set, by every name accepted on the command line.
STATUS_NAMES = {
    "completed": "completed",
    "selesai": "completed",
    "lulus": "completed",
    "not_yet": "not_yet",
    "belum": "not_yet",
    "tidak": "not_yet",
}
MIN_WHY = 10  # characters: a reason a later reader can understand, not "ok"


@dataclass(frozen=True)
class Override:
    """An override in force: the status staff set and the log entry that set it."""

    student: str
    unit: str
    status: str
    entry: audit.AuditEntry


def active_overrides(log: list[audit.AuditEntry]) -> dict[tuple[str, str], Override]:
    """Overrides in force, by (participant, module or test): the latest entry of each pair decides."""
    latest: dict[tuple[str, str], audit.AuditEntry] = {}
    for e in log:
        if e.action in (OVERRIDE, WITHDRAW) and e.student and e.unit:
            latest[(e.student, e.unit)] = e
    return {k: Override(k[0], k[1], e.status or "", e) for k, e in latest.items() if e.action == OVERRIDE}


def _students(db_url: str) -> set[str]:
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return {r[0] for r in conn.exec_driver_sql("SELECT id FROM student")}
    except sa.exc.OperationalError:
        return set()
    finally:
        engine.dispose()


def _check(db_url: str, spec, student: str, unit: str, why: str, by: str) -> list[Problem]:
    problems = []
    if student not in _students(db_url):
        problems.append(Problem("override_unknown_participant", "participant", student))
    units = [m.id for m in spec.modules] + [t.name for t in spec.test_specs()]
    if unit not in units:
        problems.append(Problem("override_unknown_unit", "module", unit, units))
    if len(" ".join((why or "").split())) < MIN_WHY:
        problems.append(Problem("override_no_why", "why", why, MIN_WHY))
    if not (by or "").strip():
        problems.append(Problem("override_no_by", "by"))
    return problems


def set_override(db_url: str, spec, student: str, unit: str, status: str, *, why: str, by: str) -> Override:
    """Record that ``student``'s result for ``unit`` is ``status`` (completed or not_yet), and why."""
    problems = _check(db_url, spec, student, unit, why, by)
    canonical = STATUS_NAMES.get((status or "").strip().lower())
    if canonical is None:
        problems.append(Problem("override_bad_status", "status", status))
    if problems or canonical is None:
        raise UkmError(problems=problems)
    entry = audit.append(
        db_url, by=by.strip(), action=OVERRIDE, student=student, unit=unit, status=canonical, why=" ".join(why.split())
    )
    return Override(student, unit, canonical, entry)


def withdraw_override(db_url: str, spec, student: str, unit: str, *, why: str, by: str) -> audit.AuditEntry:
    """Stop an override from counting; the override and its withdrawal both stay in the log."""
    problems = _check(db_url, spec, student, unit, why, by)
    if not problems and (student, unit) not in active_overrides(audit.entries(db_url)):
        problems.append(Problem("override_nothing_to_withdraw", "participant", student, None, {"unit": unit}))
    if problems:
        raise UkmError(problems=problems)
    return audit.append(db_url, by=by.strip(), action=WITHDRAW, student=student, unit=unit, why=" ".join(why.split()))
