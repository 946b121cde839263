"""What grading one submission may change in the gradebook, checked after every submission.

Grading participant P's submission of assignment A may insert or update only P's own rows of A
(their submitted assignment and notebooks, the automatic part of their grades and comments, and
P's student row when nbgrader creates it), with every score within 0..max of its cell. Manual
scores, extra credit, staff comments, cell definitions and every other participant's rows are
not the autograder's to touch.

In the sandbox no kernel can reach the gradebook, so only P's own scores are checked
(:func:`scores_out_of_range`). Without the sandbox a notebook runs with the grader's rights and
can write the database directly; the engine then grades one submission at a time and compares
a :class:`Snapshot` of the whole gradebook before and after each one (:func:`forbidden_changes`),
so every change is attributable to that submission, and :func:`restore` puts back what it
changed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

#: Columns of a participant's own rows that autograding writes.
AUTOGRADED_COLUMNS = {
    "submitted_assignment": {"timestamp"},
    "submitted_notebook": {"late_submission_penalty"},
    "grade": {"auto_score", "needs_manual_grade"},
    "comment": {"auto_comment"},
}
#: Columns that must be empty on a row autograding creates (staff fill them in later).
STAFF_COLUMNS = {"grade": {"manual_score", "extra_credit"}, "comment": {"manual_comment"}}
#: Children before parents, so rows can be deleted in this order and inserted in the reverse one.
DELETE_ORDER = ("grade", "comment", "submitted_notebook", "submitted_assignment")
#: The engine's own bookkeeping, written by the coordinator around each submission.
ENGINE_TABLES = {"ukm_grading_status"}


Key = tuple[Any, ...]


@dataclass
class Snapshot:
    """Rows of the gradebook by table and primary key (all of them, or one submission's)."""

    rows: dict[str, dict[Key, dict[str, Any]]] = field(default_factory=dict)
    keys: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def add(self, table: sa.Table, rows: Iterable[Any]) -> None:
        pk = tuple(c.name for c in table.primary_key.columns) or tuple(c.name for c in table.columns)
        self.keys[table.name] = pk
        self.rows[table.name] = {tuple(r[k] for k in pk): dict(r) for r in rows}

    def owned(self, assignment: str, student: str) -> dict[str, set[Key]]:
        """Keys of the rows that belong to ``student``'s submission of ``assignment``."""
        assignment_ids = {r["id"] for r in self.rows.get("assignment", {}).values() if r["name"] == assignment}
        subs = {
            k
            for k, r in self.rows.get("submitted_assignment", {}).items()
            if r["assignment_id"] in assignment_ids and r["student_id"] == student
        }
        sub_ids = {k[0] for k in subs}
        notebooks = {k for k, r in self.rows.get("submitted_notebook", {}).items() if r["assignment_id"] in sub_ids}
        nb_ids = {k[0] for k in notebooks}
        return {
            "submitted_assignment": subs,
            "submitted_notebook": notebooks,
            "grade": {k for k, r in self.rows.get("grade", {}).items() if r["notebook_id"] in nb_ids},
            "comment": {k for k, r in self.rows.get("comment", {}).items() if r["notebook_id"] in nb_ids},
        }

    def max_scores(self) -> dict[Any, float]:
        return {k[0]: float(r["max_score"]) for k, r in self.rows.get("grade_cells", {}).items()}


class Guard:
    """The coordinator's checks around each submission (one gradebook connection per check)."""

    def __init__(self, db_url: str, *, whole: bool) -> None:
        self.db_url = db_url
        self.whole = whole
        self._max_scores: dict[Any, float] | None = None
        self._meta: sa.MetaData | None = None

    def _engine(self) -> sa.Engine:
        # No pool: a gradebook deleted mid-run is noticed at the next check instead of written blind.
        return sa.create_engine(self.db_url, poolclass=sa.pool.NullPool)

    def take(self, assignment: str, student: str) -> Snapshot:
        """The whole gradebook (``whole``), else the rows of this submission and the cell maxima."""
        engine = self._engine()
        snap = Snapshot()
        try:
            # The whole gradebook is reflected afresh each time: a table may have been added or dropped.
            meta = self._meta if self._meta is not None and not self.whole else sa.MetaData()
            if meta is not self._meta:
                meta.reflect(bind=engine, only=None if self.whole else [*DELETE_ORDER, "assignment", "grade_cells"])
                self._meta = meta
            with engine.connect() as conn:
                if self.whole:
                    for table in meta.tables.values():
                        snap.add(table, conn.execute(sa.select(table)).mappings().all())
                else:
                    self._take_own(conn, meta, snap, assignment, student)
        finally:
            engine.dispose()
        if self._max_scores is None:
            # The cells' maxima as they were before any kernel of this run could have run.
            self._max_scores = snap.max_scores()
        return snap

    @staticmethod
    def _take_own(conn, meta: sa.MetaData, snap: Snapshot, assignment: str, student: str) -> None:
        t = meta.tables
        snap.add(t["grade_cells"], conn.execute(sa.select(t["grade_cells"])).mappings().all())
        assignments = conn.execute(sa.select(t["assignment"]).where(t["assignment"].c.name == assignment))
        snap.add(t["assignment"], assignments.mappings().all())
        ids = [k[0] for k in snap.rows["assignment"]]
        sa_t = t["submitted_assignment"]
        query = sa.select(sa_t).where(sa_t.c.assignment_id.in_(ids), sa_t.c.student_id == student)
        snap.add(sa_t, conn.execute(query).mappings().all())
        sn_t = t["submitted_notebook"]
        query = sa.select(sn_t).where(sn_t.c.assignment_id.in_([k[0] for k in snap.rows[sa_t.name]]))
        snap.add(sn_t, conn.execute(query).mappings().all())
        nb_ids = [k[0] for k in snap.rows[sn_t.name]]
        for name in ("grade", "comment"):
            query = sa.select(t[name]).where(t[name].c.notebook_id.in_(nb_ids))
            snap.add(t[name], conn.execute(query).mappings().all())

    def check(self, before: Snapshot, assignment: str, student: str) -> list[str]:
        """Problems with this submission's grading; when there are any, its changes are rolled back."""
        after = self.take(assignment, student)
        problems = scores_out_of_range(after, assignment, student, self._max_scores or after.max_scores())
        if self.whole:
            problems += forbidden_changes(before, after, assignment, student)
        if problems:
            if self.whole:
                restore(self._engine(), before, after, student)
            else:
                restore_own(self._engine(), before, after, assignment, student)
        return problems


def scores_out_of_range(snap: Snapshot, assignment: str, student: str, max_scores: dict[Any, float]) -> list[str]:
    """The submission's grades whose score (manual, else automatic) is outside 0..max of their cell."""
    found = []
    grades = snap.rows.get("grade", {})
    for key in sorted(snap.owned(assignment, student)["grade"], key=str):
        row = grades[key]
        score = row["manual_score"] if row["manual_score"] is not None else row["auto_score"]
        top = max_scores.get(row["cell_id"])
        if score is not None and top is not None and not 0 <= float(score) <= top:
            found.append((float(score), top))
    if not found:
        return []
    score, top = found[0]
    return [f"{len(found)} score(s) outside 0..max of their cell (e.g. {score:g} of {top:g})"]


def forbidden_changes(before: Snapshot, after: Snapshot, assignment: str, student: str) -> list[str]:
    """What changed between the snapshots that grading ``student``'s submission may not change."""
    counts: Counter[str] = Counter()
    mine_before = before.owned(assignment, student)
    mine_after = after.owned(assignment, student)
    problems = [f"table created: {name}" for name in sorted(set(after.rows) - set(before.rows))]
    problems += [f"table dropped: {name}" for name in sorted(set(before.rows) - set(after.rows))]
    for name in sorted(set(before.rows) & set(after.rows)):
        old, new = before.rows[name], after.rows[name]
        mine = mine_before.get(name, set()) | mine_after.get(name, set())
        allowed = AUTOGRADED_COLUMNS.get(name, set())
        for key in set(old) | set(new):
            if name in ENGINE_TABLES and key[-1] == student:
                continue  # the coordinator's own row for this submission
            whose = "its own" if key in mine else "another participant's or the course's"
            if key not in new:
                counts[f"{name}: {whose} rows deleted"] += 1
            elif key not in old:
                if name == "student" and key == (student,):
                    continue  # nbgrader creates the participant being graded
                staff = sorted(c for c in STAFF_COLUMNS.get(name, ()) if new[key].get(c) is not None)
                if key in mine and not staff:
                    continue
                counts[f"{name}: {whose} rows inserted" + (f" with {', '.join(staff)}" if staff else "")] += 1
            elif old[key] != new[key]:
                changed = sorted(c for c in new[key] if new[key][c] != old[key].get(c))
                if key in mine and set(changed) <= allowed:
                    continue
                counts[f"{name}: {whose} rows changed ({', '.join(changed)})"] += 1
    problems += [f"{what} x{n}" for what, n in sorted(counts.items())]
    return problems


def _show(key: Key) -> str:
    return "/".join(str(k) for k in key)


def _where(table: sa.Table, pk: tuple[str, ...], key: Key):
    return sa.and_(*(table.c[c] == v for c, v in zip(pk, key, strict=True)))


def restore(engine: sa.Engine, before: Snapshot, after: Snapshot, student: str) -> None:
    """Make every table both snapshots have hold its rows of ``before``; drop tables created since.

    ``student``'s row of the engine's status table is left to the engine.
    """

    def ours(name: str, key: Key) -> bool:
        return name in ENGINE_TABLES and key[-1] == student

    try:
        meta = sa.MetaData()
        meta.reflect(bind=engine)
        names = set(before.rows) & set(after.rows) & set(meta.tables)
        order = [n for n in DELETE_ORDER if n in names] + sorted(names - set(DELETE_ORDER))
        with engine.begin() as conn:
            for name in sorted(set(after.rows) - set(before.rows)):
                if name in meta.tables:
                    meta.tables[name].drop(conn)
            for name in order:  # children first: remove rows that are new or changed
                table, pk = meta.tables[name], before.keys[name]
                old, new = before.rows[name], after.rows[name]
                for key, row in new.items():
                    if old.get(key) != row and not ours(name, key):
                        conn.execute(sa.delete(table).where(_where(table, pk, key)))
            for name in reversed(order):  # parents first: put back the rows as they were
                table = meta.tables[name]
                old, new = before.rows[name], after.rows[name]
                for key, row in old.items():
                    if new.get(key) != row and not ours(name, key):
                        conn.execute(sa.insert(table).values(**row))
    finally:
        engine.dispose()


def restore_own(engine: sa.Engine, before: Snapshot, after: Snapshot, assignment: str, student: str) -> None:
    """Roll back only ``student``'s rows of ``assignment`` to ``before``."""
    keep, drop = before.owned(assignment, student), after.owned(assignment, student)
    try:
        meta = sa.MetaData()
        meta.reflect(bind=engine, only=list(DELETE_ORDER))
        with engine.begin() as conn:
            for name in DELETE_ORDER:
                table, pk = meta.tables[name], after.keys[name]
                for key in drop[name]:
                    conn.execute(sa.delete(table).where(_where(table, pk, key)))
            for name in reversed(DELETE_ORDER):
                table = meta.tables[name]
                for key in keep[name]:
                    conn.execute(sa.insert(table).values(**before.rows[name][key]))
    finally:
        engine.dispose()
