"""Participants in the gradebook: nbgrader's ``student`` table plus ukm-tools' own details.

nbgrader keeps id, name and e-mail. The product fields the personal exercises need, and
the phone number, live in a small table ``ukm_participant`` in the same database, so the
grader process (and only it) can compute each participant's expected answers, and
exports can leave personal data out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, delete, insert, select

from ukm_tools.course.environment import ensure_tools_on_path
from ukm_tools.course.profiles import store_profiles
from ukm_tools.course.roster import Participant

_META = MetaData()
PARTICIPANT_TABLE = Table(
    "ukm_participant",
    _META,
    Column("student_id", String(128), primary_key=True),
    Column("name", String(256), nullable=False),
    Column("phone", String(64)),
    Column("email", String(256)),
    Column("product_name", String(256)),
    Column("hpp", String(64)),
    Column("packing", String(64)),
    Column("quantity", Integer),
)


def _engine(db_url: str):
    return create_engine(db_url)


def store_participants(db_url: str, participants: Iterable[Participant]) -> int:
    """Create or update each participant in nbgrader's gradebook and in ``ukm_participant``."""
    from nbgrader.api import Gradebook

    ensure_tools_on_path()
    participants = list(participants)
    with Gradebook(db_url) as gb:
        for p in participants:
            gb.update_or_create_student(p.student_id, first_name=p.name, last_name="", email=p.email or None)
    engine = _engine(db_url)
    try:
        _META.create_all(engine)
        with engine.begin() as conn:
            for p in participants:
                conn.execute(delete(PARTICIPANT_TABLE).where(PARTICIPANT_TABLE.c.student_id == p.student_id))
                conn.execute(
                    insert(PARTICIPANT_TABLE).values(
                        student_id=p.student_id,
                        name=p.name,
                        phone=p.phone or None,
                        email=p.email or None,
                        product_name=p.product_name or None,
                        hpp=None if p.hpp is None else str(p.hpp),
                        packing=None if p.packing is None else str(p.packing),
                        quantity=p.quantity,
                    )
                )
    finally:
        engine.dispose()
    store_profiles(db_url, participants)
    return len(participants)


# What a re-import may change, by the roster column it comes from.
COMPARED = (
    ("nama", "name"),
    ("telepon", "phone"),
    ("email", "email"),
    ("nama_produk", "product_name"),
    ("hpp_per_unit", "hpp"),
    ("kemasan_per_unit", "packing"),
    ("jumlah_unit", "quantity"),
)


@dataclass(frozen=True)
class RosterChange:
    """One stored detail a re-imported roster would change for one participant."""

    student_id: str
    column: str  # the roster column, as the sheet names it
    old: str
    new: str


def _shown(value: Any) -> str:
    return "" if value is None else str(value)


def roster_changes(db_url: str, participants: Iterable[Participant]) -> list[RosterChange]:
    """What storing ``participants`` would change for those already in the course (new
    participants are not changes: nothing of theirs is overwritten)."""
    stored = load_participants(db_url)
    changes = []
    for p in participants:
        before = stored.get(p.student_id)
        if before is None:
            continue
        for column, attr in COMPARED:
            old, new = _shown(getattr(before, attr)), _shown(getattr(p, attr))
            if old != new:
                changes.append(RosterChange(p.student_id, column, old, new))
    return changes


def has_grades(db_url: str) -> bool:
    """Has anything been submitted (and so perhaps graded) in this course yet?"""
    from nbgrader.api import Gradebook, SubmittedAssignment

    ensure_tools_on_path()
    with Gradebook(db_url) as gb:
        return gb.db.query(SubmittedAssignment).first() is not None


def _row_to_participant(row: Any) -> Participant:
    return Participant(
        student_id=row.student_id,
        name=row.name,
        phone=row.phone or "",
        email=row.email or "",
        product_name=row.product_name or "",
        hpp=None if row.hpp is None else Decimal(row.hpp),
        packing=None if row.packing is None else Decimal(row.packing),
        quantity=row.quantity,
    )


def load_participants(db_url: str) -> dict[str, Participant]:
    """Every stored participant by id (empty when the table does not exist yet)."""
    engine = _engine(db_url)
    try:
        _META.create_all(engine)
        with engine.connect() as conn:
            return {r.student_id: _row_to_participant(r) for r in conn.execute(select(PARTICIPANT_TABLE))}
    finally:
        engine.dispose()


def load_participant(db_url: str, student_id: str) -> Participant | None:
    engine = _engine(db_url)
    try:
        _META.create_all(engine)
        with engine.connect() as conn:
            row = conn.execute(select(PARTICIPANT_TABLE).where(PARTICIPANT_TABLE.c.student_id == student_id)).first()
            return None if row is None else _row_to_participant(row)
    finally:
        engine.dispose()
