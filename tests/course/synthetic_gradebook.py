"""Synthetic gradebooks built with bulk SQL: what a graded workshop leaves in nbgrader's database.

Completion, learning gain and analytics only read the gradebook, so their tests and the
benchmark (benchmarks/completion) build one directly instead of grading notebooks: nbgrader's
own API creates the schema and the assignments' grade cells (as ``generate_assignment`` does,
from the course's source notebooks), then students, submissions, grades, the grading engine's
statuses, roster details, attendance and audit entries go in with ``executemany``.

``SyntheticCourse.submit`` writes exact scores for edge-case tests; :func:`random_cohort` writes a
realistic cohort of any size for the benchmark and the dashboard test.
"""

from __future__ import annotations

import datetime as dt
import itertools
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat
import numpy as np

from ukm_tools.course import ops
from ukm_tools.course.config import load_course
from ukm_tools.course.environment import ensure_tools_on_path

PENDING = None  # a manual answer nobody has graded yet


@dataclass
class Sub:
    """One submission: scores per question (``PENDING`` for an ungraded manual answer)."""

    student: str
    assignment: str
    scores: Mapping[str, float | None] = field(default_factory=dict)
    status: str = "graded"
    reason: str = ""
    timestamp: dt.datetime = dt.datetime(2026, 2, 14, 3, 0)  # naive UTC, like nbgrader's


def source_cells(course_dir: Path, assignment: str) -> list[tuple[str, float, str]]:
    """(grade_id, points, cell type) of each graded cell in the source notebook, in order."""
    out = []
    for path in sorted((Path(course_dir) / "source" / assignment).glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade"):
                out.append((meta["grade_id"], float(meta.get("points", 0)), cell.cell_type))
    return out


class SyntheticCourse:
    """A course folder (from the template) and its gradebook, filled without grading anything."""

    def __init__(self, course_dir: Path) -> None:
        ensure_tools_on_path()
        self.course = Path(course_dir)
        self.spec = load_course(self.course)
        self.db_url = ops.db_url(self.course)
        self.db_path = self.course / "gradebook.db"
        names = [a.name for a in self.spec.assignments()] + [t.name for t in self.spec.test_specs()]
        self.cells = {a: source_cells(self.course, a) for a in names}
        # `ukm init` creates an empty gradebook; a copy of a built course keeps its filled one (see ``copy``).
        if not self._has_assignments():
            self._create_gradebook()
        with self._db() as db:
            self.cell_ids = {
                (a, q): cid
                for cid, q, a in db.execute(
                    "SELECT bc.id, bc.name, a.name FROM base_cell bc JOIN notebook n ON bc.notebook_id = n.id "
                    "JOIN assignment a ON n.assignment_id = a.id JOIN grade_cells gc ON gc.id = bc.id"
                )
            }
            self.assignment_ids = dict(db.execute("SELECT name, id FROM assignment").fetchall())
            self.notebook_ids = dict(
                db.execute("SELECT a.name, n.id FROM notebook n JOIN assignment a ON n.assignment_id = a.id")
            )
        self._ids = itertools.count(1)

    def _create_gradebook(self) -> None:
        """nbgrader's tables and the assignments' grade cells, through nbgrader's own ORM classes
        (``Gradebook()`` would also shell out to alembic to stamp a version: seconds, and not needed)."""
        import sqlalchemy as sa
        from nbgrader.api import Assignment, Base, Course, GradeCell, Notebook
        from sqlalchemy.orm import Session

        engine = sa.create_engine(self.db_url)
        Base.metadata.create_all(engine)
        with Session(engine) as db:
            db.merge(Course(id=self.spec.course_id))
            for a, cells in self.cells.items():
                assignment = Assignment(name=a, course_id=self.spec.course_id)
                notebook = Notebook(name=a, assignment=assignment)
                db.add_all([assignment, notebook])
                for q, points, kind in cells:
                    db.add(GradeCell(name=q, notebook=notebook, max_score=points, cell_type=kind))
            db.commit()
        engine.dispose()

    def copy(self, dest: Path) -> SyntheticCourse:
        """A fresh course with the same (still empty) gradebook: seconds saved per test."""
        import shutil

        shutil.copytree(self.course, dest)
        return SyntheticCourse(dest)

    def _has_assignments(self) -> bool:
        if not self.db_path.exists():
            return False
        with self._db() as db:
            table = db.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='assignment'").fetchone()
            return bool(table) and bool(db.execute("SELECT 1 FROM assignment LIMIT 1").fetchone())

    def _db(self) -> sqlite3.Connection:
        return sqlite3.connect(self.db_path)

    def _id(self) -> str:
        return f"{next(self._ids):032x}"

    def manual(self, assignment: str) -> set[str]:
        return {q for q, _, kind in self.cells[assignment] if kind == "markdown"}

    def add_students(self, rows: Iterable[dict]) -> None:
        """Students (id, name, optional email, phone, gender, district, sector, scale) in bulk."""
        import sqlalchemy as sa

        from ukm_tools.course.participants import PARTICIPANT_TABLE
        from ukm_tools.course.profiles import PROFILE_TABLE

        rows = list(rows)
        engine = sa.create_engine(self.db_url)
        PARTICIPANT_TABLE.metadata.create_all(engine)
        PROFILE_TABLE.metadata.create_all(engine)
        engine.dispose()
        cols = [c.name for c in PROFILE_TABLE.columns]
        with self._db() as db:
            db.executemany(
                "INSERT INTO student (id, first_name, last_name, email) VALUES (?, ?, '', ?)",
                [(r["id"], r["name"], r.get("email") or None) for r in rows],
            )
            db.executemany(
                "INSERT INTO ukm_participant (student_id, name, phone, email) VALUES (?, ?, ?, ?)",
                [(r["id"], r["name"], r.get("phone") or None, r.get("email") or None) for r in rows],
            )
            db.executemany(
                f"INSERT INTO {PROFILE_TABLE.name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
                [(r["id"], *[r.get(c) or None for c in cols[1:]]) for r in rows if any(r.get(c) for c in cols[1:])],
            )

    def submit(self, subs: Iterable[Sub]) -> None:
        """Submissions with their grades and the grading engine's status rows, in bulk."""
        sa_rows, sn_rows, st_rows = [], [], []
        g_rows: list[tuple[Any, ...]] = []
        for s in subs:
            sub_id, nb_id = self._id(), self._id()
            sa_rows.append((sub_id, self.assignment_ids[s.assignment], s.student, s.timestamp.isoformat(" ")))
            sn_rows.append((nb_id, sub_id, self.notebook_ids[s.assignment]))
            scored = s.status in ("graded", "timeout", "tampered_test_cell")
            manual = self.manual(s.assignment)
            if scored:
                for q, _points, _kind in self.cells[s.assignment]:
                    value = s.scores.get(q, 0.0)
                    if q in manual:
                        g_rows.append((self._id(), nb_id, self.cell_ids[(s.assignment, q)], None, value, True))
                    else:
                        g_rows.append((self._id(), nb_id, self.cell_ids[(s.assignment, q)], value, None, False))
            total = sum(v for v in s.scores.values() if v is not None) if scored else None
            st_rows.append((s.assignment, s.student, s.status, s.reason, total))
        with self._db() as db:
            db.executemany(
                "INSERT INTO submitted_assignment (id, assignment_id, student_id, timestamp) VALUES (?, ?, ?, ?)",
                sa_rows,
            )
            db.executemany(
                "INSERT INTO submitted_notebook (id, assignment_id, notebook_id, flagged) VALUES (?, ?, ?, 0)", sn_rows
            )
            db.executemany(
                "INSERT INTO grade (id, notebook_id, cell_id, auto_score, manual_score, needs_manual_grade) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                g_rows,
            )
        from ukm_tools.course.grading.status import StatusStore

        StatusStore(self.db_url).close()  # creates the engine's table
        with self._db() as db:
            db.executemany(
                "INSERT INTO ukm_grading_status (assignment, student, status, reason, score, attempts, fingerprint) "
                "VALUES (?, ?, ?, ?, ?, 1, '')",
                st_rows,
            )

    def attend(self, marks: dict[tuple[str, str], bool], by: str = "tes") -> None:
        """Attendance marks (session, student) -> present, as an import of those sessions would store."""
        from ukm_tools.course import attendance, audit

        engine_marks = attendance.SheetRead(sorted({s for s, _ in marks}), dict(marks))
        url = self.db_url
        attendance._engine(url).dispose()
        with self._db() as db:
            at = audit.now_jakarta().isoformat()
            db.executemany(
                "INSERT OR REPLACE INTO ukm_attendance (session, student_id, present, at) VALUES (?, ?, ?, ?)",
                [(s, sid, bool(v), at) for (s, sid), v in marks.items()],
            )
        audit.append(url, by=by, action=attendance.ACTION, unit=",".join(engine_marks.sessions), detail="synthetic")


def full_marks(course: SyntheticCourse, assignment: str, fraction: float = 1.0) -> dict[str, float]:
    """Every question at ``fraction`` of its points."""
    return {q: points * fraction for q, points, _ in course.cells[assignment]}


def random_cohort(course: SyntheticCourse, n: int, seed: int = 2026) -> None:
    """``n`` participants of a plausible workshop: most attend and hand everything in, a few do not;
    grading fails for about 1 in 100 submissions; 1 in 5 manual answers waits for a grader; the
    post-test is better than the pre-test, except on cargo insurance, which did not land."""
    from ukm_tools.course.answer_keys import load_key
    from ukm_tools.course.profiles import choices

    rng = np.random.default_rng(seed)
    ids = [f"p{i:05d}" for i in range(1, n + 1)]
    fields = choices()
    cols = {"jenis_kelamin": "gender", "kecamatan": "district", "sektor": "sector", "skala_usaha": "scale"}

    def pick(col: str) -> np.ndarray:
        values = np.array(fields[col].values + ("",), dtype=object)
        weights = np.ones(len(values))
        weights[0] *= 3  # the first value of each list is the most common (women, Medan Amplas, food...)
        weights[-1] = 0.3  # and a few leave the field empty
        return rng.choice(values, size=n, p=weights / weights.sum())

    profile = {attr: pick(col) for col, attr in cols.items()}
    course.add_students(
        {
            "id": sid,
            "name": f"Peserta {sid[1:]}",
            "phone": f"0812 {i:04d} 0000",
            "email": f"{sid}@contoh.id",
            **{attr: profile[attr][i] for attr in cols.values()},
        }
        for i, sid in enumerate(ids)
    )
    ability = rng.normal(0.8, 1.0, n)
    sessions = [s.id for s in course.spec.sessions]
    present = {s: rng.random(n) < p for s, p in zip(sessions, (0.93, 0.86, 0.8, 0.8), strict=False)}
    course.attend({(s, sid): bool(present[s][i]) for s in sessions for i, sid in enumerate(ids)})
    statuses = np.array(["graded", "error", "corrupt_notebook", "timeout"], dtype=object)
    subs: list[Sub] = []
    base = dt.datetime(2026, 2, 14, 2, 0)
    for k, a in enumerate(a.name for a in course.spec.assignments()):
        hands_in = rng.random(n) < 0.9
        status = rng.choice(statuses, size=n, p=[0.985, 0.006, 0.004, 0.005])
        difficulty = rng.normal(-0.3, 0.6, len(course.cells[a]))
        manual = course.manual(a)
        for i in np.flatnonzero(hands_in):
            scores: dict[str, float | None] = {}
            for j, (q, points, _) in enumerate(course.cells[a]):
                p_right = 1 / (1 + np.exp(-(ability[i] - difficulty[j])))
                if q in manual:
                    scores[q] = PENDING if rng.random() < 0.2 else float(round(points * p_right))
                else:
                    scores[q] = points if rng.random() < p_right else 0.0
            subs.append(
                Sub(
                    ids[i],
                    a,
                    scores,
                    str(status[i]),
                    "" if status[i] == "graded" else "synthetic",
                    base + dt.timedelta(hours=k, minutes=int(i % 50)),
                )
            )
    if course.spec.tests:
        for kind, test, shift in (("pre", course.spec.tests.pre, -0.6), ("post", course.spec.tests.post, 1.0)):
            key = load_key(course.course, test.name)
            takes = rng.random(n) < (0.95 if kind == "pre" else 0.85)
            for i in np.flatnonzero(takes):
                scores = {}
                for q, entry in key.questions.items():
                    lift = -2.5 if (kind == "post" and entry.topic == "asuransi") else 0.0
                    p_right = 1 / (1 + np.exp(-(ability[i] + shift + lift)))
                    scores[q] = 1.0 if rng.random() < p_right else 0.0
                subs.append(
                    Sub(
                        ids[i],
                        test.name,
                        scores,
                        "graded",
                        "",
                        base + dt.timedelta(hours=-1 if kind == "pre" else 8, minutes=int(i % 50)),
                    )
                )
    course.submit(subs)
