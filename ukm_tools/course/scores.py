"""Every participant's results from the gradebook in a few bulk queries (pandas frames).

:func:`ukm_tools.course.reports.assignment_rows` walks nbgrader's ``Gradebook`` object by
object: fine for one assignment of 200 participants, far too slow for completion and
analytics over 20,000 (benchmarks/completion). This module reads each table with one query
(grade rows as three plain columns) and adds them up with numpy, with the same meaning as
the export:

* a submission's score is nbgrader's (sum of its grades, manual score over automatic, plus
  extra credit), shown only when grading produced one (``graded``, ``timeout``, or a status
  the engine recorded with a score); a failed grading has no score, never a 0;
* a grade with neither an automatic nor a manual score is *pending* (a manual answer nobody
  has graded yet): it adds nothing to the score and its points are ``pending_points``;
* the status is the grading engine's when it recorded one, else ``graded`` when nbgrader's
  autograded folder exists, else ``submitted``; without a submission, ``not_submitted``.

Tests check the results against :func:`~ukm_tools.course.reports.assignment_rows` on a
really graded course, and the per-question sums against numpy on every grade row.
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ukm_tools.course import grade_rows
from ukm_tools.course.grade_rows import SCORE as _SCORE
from ukm_tools.course.grade_rows import GradeArrays
from ukm_tools.course.reports import SCORED, question_order

# A submission exists but grading gave no usable score: never the participant's fault to decide.
NOT_GRADED = frozenset(
    {"error", "kernel_died", "corrupt_notebook", "missing_notebook", "pending", "running", "submitted"}
)


@dataclass
class Scores:
    """Results of the course's participants in the given assignments.

    ``students``: index ``student``; columns ``name``, ``email``.
    ``results``: one row per (student, assignment): ``status``, ``reason``, ``submitted`` (bool),
    ``score`` (NaN when there is none), ``max_score``, ``pending_points``, ``pending`` (names of
    the questions waiting for a grader, "," separated), ``timestamp`` (naive UTC; NaT: none).
    ``items``: one row per (assignment, question) over the scored submissions: ``n`` graded
    answers, ``sum_x``, ``sum_x2``, ``full`` (answers with full points), and over the same
    answers the rest score y (the submission's total minus this question): ``sum_y``,
    ``sum_y2``, ``sum_xy`` — what facility and discrimination are computed from.
    ``item_counts``: (assignment, question, score) -> number of answers with that score.
    ``questions``: per assignment, its questions in notebook order with their points.
    """

    students: pd.DataFrame
    results: pd.DataFrame
    items: pd.DataFrame
    item_counts: pd.DataFrame
    questions: dict[str, list[tuple[str, float]]]

    def max_score(self, assignment: str) -> float:
        return float(sum(p for _, p in self.questions.get(assignment, [])))

    def wide(self, column: str) -> np.ndarray:
        """``results[column]`` as a (participants x assignments) array: rows in ``students`` order,
        columns in the order the assignments were asked for (the results frame is built that way)."""
        return self.results[column].to_numpy().reshape(len(self.students), -1)

    @property
    def assignments(self) -> list[str]:
        """The assignments in the order of :meth:`wide`'s columns."""
        return list(self.questions)


def _query(conn, sql: str, params: tuple = ()) -> list[tuple]:
    """Plain tuples through the DB-API cursor (SQLAlchemy rows cost pandas a lookup per field)."""
    raw = conn.connection
    cursor = raw.cursor()
    try:
        cursor.execute(sql, params) if params else cursor.execute(sql)
        return cursor.fetchall()
    except conn.dialect.dbapi.Error:
        raw.rollback()
        return []  # a table this gradebook does not have yet (no engine run, no ukm tables)
    finally:
        cursor.close()


def _children(folder: Path) -> set[tuple[str, str]]:
    """(student, assignment) pairs of ``folder/<student>/<assignment>/`` (one scandir per student)."""
    found: set[tuple[str, str]] = set()
    if not folder.is_dir():
        return found
    with os.scandir(folder) as students:
        for s in students:
            if s.is_dir(follow_symlinks=False):
                with os.scandir(s.path) as items:
                    found.update((s.name, a.name) for a in items if a.is_dir(follow_symlinks=False))
    return found


def fetch_rows(db_url: str, sql: str) -> list[tuple]:
    """All rows of one query as plain tuples ([] when a table does not exist yet)."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return _query(conn, sql)
    finally:
        engine.dispose()


#: Grade rows above which a SQLite gradebook is read by a separate process: below it, starting
#: the process (about 0.2 s, mostly numpy's import) costs more than the overlap saves.
PROCESS_ABOVE = 100_000

#: The share of the grade rows the separate process reads; this process reads the rest once it
#: has read everything else (it would otherwise wait idle for the process). Its part costs less per
#: row than the process's (submissions joined by SQLite), so it takes about a third.
PROCESS_SHARE = 0.68


def _sqlite_file(db_url: str) -> Path | None:
    parsed = sa.engine.make_url(db_url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database)
    return path if path.is_file() else None


def _grade_rows_hint(path: Path) -> int:
    """The grade table's largest rowid: its row count, give or take deletions, without counting."""
    try:
        db = sqlite3.connect(path.resolve().as_uri() + "?mode=ro", uri=True)
        try:
            return int(db.execute("SELECT MAX(rowid) FROM grade").fetchone()[0] or 0)
        finally:
            db.close()
    except sqlite3.Error:
        return 0


class GradeReader:
    """Reads the grade rows (:mod:`~ukm_tools.course.grade_rows`) while the caller reads everything else.

    The grade rows are most of the work of a report (20,000 participants: about 770,000 rows).
    A large SQLite gradebook is read by a separate process, so that work runs on the second core
    while this process reads course.yml, roster, attendance and statuses, then the last rows
    (:data:`PROCESS_SHARE`) itself instead of waiting idle; smaller ones, and other
    databases, on a second thread (SQLite and the database driver release Python's lock while
    they step through the rows). Use as a context manager; :meth:`result` waits for the rows.
    """

    def __init__(self, db_url: str) -> None:
        self.db_url = db_url
        self._collecting = gc.isenabled()
        gc.disable()
        self._arrays: GradeArrays | None = None
        self._proc: subprocess.Popen | None = None
        self._pool: ThreadPoolExecutor | None = None
        path = self._path = _sqlite_file(db_url)
        hint = _grade_rows_hint(path) if path is not None and sys.executable else 0
        if hint > PROCESS_ABOVE:
            # -I: the child's sys.path is the environment's, never this file's folder or the user site.
            # (Two children reading halves were tried: more CPU in all, no faster on 2 shared cores;
            # this process reading the last rows instead of waiting is.)
            self._split = int(hint * PROCESS_SHARE)
            try:
                self._proc = subprocess.Popen(
                    [sys.executable, "-I", grade_rows.__file__, str(path)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                    env={**os.environ, grade_rows.UP_TO_ROWID: str(self._split)},
                )
            except OSError:  # no interpreter to start (an embedded Python): read on a thread
                self._proc = None
        if self._proc is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ukm-grades")
            self._future = self._pool.submit(self._read)

    def _read(self) -> GradeArrays:
        engine = sa.create_engine(self.db_url)  # its own connection: DB-API connections stay in their thread
        try:
            with engine.connect() as conn:
                rows = _query(conn, grade_rows.GRADE_SQL)
                notebooks = _query(conn, grade_rows.NOTEBOOK_SQL)
            return GradeArrays.from_rows(rows, notebooks)
        finally:
            engine.dispose()

    def result(self) -> GradeArrays:
        if self._arrays is None:
            if self._proc is not None:
                assert self._path is not None  # a reading process is started for a SQLite file only
                rest = grade_rows.read_sqlite(self._path, after=self._split)
                out = self._proc.communicate()[0]
                # the child failed (it should not): the same read in this process, nothing lost
                self._arrays = grade_rows.loads(out).then(rest) if self._proc.returncode == 0 else self._read()
            else:
                self._arrays = self._future.result()
        return self._arrays

    def __enter__(self) -> GradeReader:
        return self

    def __exit__(self, *exc) -> None:
        if self._proc is not None and self._proc.returncode is None:
            self._proc.kill()  # left before the result (an error): no orphan reading on
            self._proc.communicate()
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self._collecting:
            gc.enable()


def load_scores(db_url: str, course_dir: Path, assignments: list[str]) -> Scores:
    """Students, results per assignment and per-question sums of ``assignments``, in bulk."""
    with GradeReader(db_url) as reader:
        return ScoresLoad(db_url, course_dir, assignments, reader).finish()


class ScoresLoad:
    """:func:`load_scores` in two steps: everything but the grade rows on construction, the grade
    rows in :meth:`finish`, so a caller can do its own reading while the grade rows arrive
    (``students`` is known after the first step)."""

    def __init__(self, db_url: str, course_dir: Path, assignments: list[str], reader: GradeReader) -> None:
        self._reader = reader
        engine = sa.create_engine(db_url)
        try:
            with engine.connect() as conn:
                self._read(conn, Path(course_dir), assignments)
        finally:
            engine.dispose()

    def _read(self, conn, course_dir: Path, assignments: list[str]) -> None:
        a_name, self._cell_info = _cells(conn, assignments)
        self.questions = _question_order(course_dir, assignments, self._cell_info)
        self.students = _students(conn)
        slots = _Slots(self.students.index, assignments, a_name)
        subs = np.array(
            _query(conn, "SELECT id, student_id, assignment_id, timestamp FROM submitted_assignment"), dtype=object
        ).reshape(-1, 4)
        slot = slots.of(subs[:, 1], subs[:, 2], by_id=True)
        self._subs = subs[slot >= 0]
        self._sub_slot = slot[slot >= 0]
        engine_rows = _query(conn, "SELECT student, assignment, status, reason, score FROM ukm_grading_status")
        self._columns, self._shown, self._at = _statuses(
            engine_rows, course_dir, slots, self.questions, self._subs, self._sub_slot
        )

    def finish(self) -> Scores:
        """Waits for the grade rows and adds them up."""
        subs, sub_slot, shown = self._subs, self._sub_slot, self._shown
        grades = _grade_rows(self._reader.result(), subs[:, 0], self._cell_info)
        nb_score = np.bincount(grades.sub, weights=np.nan_to_num(grades.x), minlength=len(subs))
        pend = np.isnan(grades.x)
        pending_points = np.bincount(grades.sub[pend], weights=grades.max_score[pend], minlength=len(subs))
        pending = np.full(len(shown), "", dtype=object)
        at_sub = grades.sub[pend]
        if len(at_sub):  # question names per submission, in grade-row order, "," separated
            names: dict[int, list[str]] = {}
            for sub, cell in zip(at_sub.tolist(), grades.cell[pend].tolist(), strict=True):
                names.setdefault(sub, []).append(grades.cells[cell][1])
            pending[sub_slot[np.fromiter(names, int, len(names))]] = [",".join(qs) for qs in names.values()]
        pending[~shown] = ""
        at = self._at  # rows without a submission read a trailing 0
        columns = self._columns
        columns["score"] = np.where(shown, np.append(nb_score, 0.0)[at], np.nan)
        columns["pending_points"] = np.where(shown, np.append(pending_points, 0.0)[at], 0.0)
        columns["pending"] = text(pending)
        order = ["student", "assignment", "status", "reason", "submitted", "score", "max_score"]
        results = pd.DataFrame({c: columns[c] for c in [*order, "pending_points", "pending", "timestamp"]})
        items, counts = _item_sums(grades, shown[sub_slot], nb_score)
        return Scores(self.students, results, items, counts, self.questions)


def _cells(conn, assignments: list[str]) -> tuple[dict[str, str], dict[str, tuple[str, str, float]]]:
    wanted = set(assignments)
    a_name = {i: n for i, n in _query(conn, "SELECT id, name FROM assignment") if n in wanted}
    cells = _query(
        conn,
        "SELECT bc.id, bc.name, n.assignment_id, COALESCE(gc.max_score, tc.max_score) "
        "FROM base_cell bc JOIN notebook n ON bc.notebook_id = n.id "
        "LEFT JOIN grade_cells gc ON gc.id = bc.id LEFT JOIN task_cells tc ON tc.id = bc.id "
        "WHERE gc.id IS NOT NULL OR tc.id IS NOT NULL",
    )
    return a_name, {cid: (a_name[aid], name, float(mx or 0)) for cid, name, aid, mx in cells if aid in a_name}


def _source_order(course_dir: Path, assignment: str) -> list[tuple[str, float]]:
    """Graded cells (grade_id, points) in notebook order: :func:`~ukm_tools.course.reports.question_order`
    read as plain JSON (no nbformat validation: only the order and points are needed here)."""
    out: list[tuple[str, float]] = []
    for path in sorted((course_dir / "source" / assignment).glob("*.ipynb")):
        try:
            cells = json.loads(path.read_text(encoding="utf-8")).get("cells", [])
        except (OSError, ValueError):
            return question_order(course_dir, assignment)  # let nbformat say what is wrong
        for cell in cells:
            meta = cell.get("metadata", {}).get("nbgrader", {})
            if meta.get("grade"):
                out.append((meta["grade_id"], float(meta.get("points", 0))))
    return out


def _question_order(course_dir: Path, assignments: list[str], cell_info) -> dict[str, list[tuple[str, float]]]:
    questions = {}
    for a in assignments:
        order = _source_order(course_dir, a) if (course_dir / "source" / a).is_dir() else []
        points = {q: mx for (aa, q, mx) in cell_info.values() if aa == a}
        if points:  # the gradebook's points; the source notebook gives the order
            rank = {q: i for i, (q, _) in enumerate(order)}
            questions[a] = sorted(points.items(), key=lambda qp: (rank.get(qp[0], len(rank)), qp[0]))
        else:
            questions[a] = order
    return questions


class _Slots:
    """Row positions of the results frame: one row per (student, assignment), student-major order."""

    def __init__(self, students: pd.Index, assignments: list[str], a_name: dict[str, str]) -> None:
        self.students = pd.Index(students)
        self.assignments = assignments
        self.k = len(assignments)
        self.size = len(students) * self.k
        column = {a: j for j, a in enumerate(assignments)}
        self._by_name = column
        self._by_id = {aid: column[name] for aid, name in a_name.items()}

    def of(self, students: np.ndarray, assignments: np.ndarray, by_id: bool = False) -> np.ndarray:
        """Row of each (student, assignment) pair; -1 when either is not part of the results."""
        s = self.students.get_indexer(pd.Index(students, dtype=object)) if len(students) else np.zeros(0, int)
        lookup = self._by_id if by_id else self._by_name
        # a handful of assignments: their positions in a small index, then the column of each
        known = pd.Index(list(lookup), dtype=object).get_indexer(pd.Index(assignments, dtype=object))
        a = np.append(np.fromiter(lookup.values(), int, len(lookup)), -1)[known] if len(assignments) else s
        return np.where((s >= 0) & (a >= 0), s * self.k + a, -1)


@dataclass
class _GradeRows:
    """Grade rows as arrays: submission index (into the submissions array), cell index, score."""

    sub: np.ndarray
    cell: np.ndarray
    x: np.ndarray  # NaN: pending
    max_score: np.ndarray
    cells: list[tuple[str, str, float]]  # cell index -> (assignment, question, points)


def _grade_rows(arrays: GradeArrays, sub_ids: np.ndarray, cell_info) -> _GradeRows:
    """The reader's grade rows mapped to this load's submissions (``sub_ids``) and known cells."""
    if not len(arrays.sub):
        return _GradeRows(np.zeros(0, int), np.zeros(0, int), np.zeros(0), np.zeros(0), [])
    # the reader's submission codes -> index into sub_ids; a trailing -1 for rows whose notebook
    # no submission holds (code -1)
    position = pd.Index(sub_ids, dtype=object).get_indexer(pd.Index(arrays.sub_ids, dtype=object))
    sub = np.append(position, -1)[arrays.sub]
    known = np.array([c in cell_info for c in arrays.cell_ids], bool)
    cells = [cell_info.get(c, ("", "", 0.0)) for c in arrays.cell_ids]
    keep = (sub >= 0) & known[arrays.cell]
    cell = arrays.cell[keep]
    points = np.array([c[2] for c in cells], float)
    return _GradeRows(sub[keep], cell, arrays.x[keep], points[cell], cells)


def _students(conn) -> pd.DataFrame:
    rows = _query(conn, "SELECT id, first_name, last_name, email FROM student")
    df = pd.DataFrame(rows, columns=["student", "first", "last", "email"], dtype=object).set_index("student")
    df["name"] = (df["first"].fillna("") + " " + df["last"].fillna("")).str.strip()
    extra = _query(conn, "SELECT student_id, name, email FROM ukm_participant")
    if extra:
        ex = pd.DataFrame(extra, columns=["student", "uname", "uemail"], dtype=object).set_index("student")
        df = df.join(ex, how="left")
        df["name"] = df["uname"].where(df["uname"].fillna("") != "", df["name"])
        df["email"] = df["uemail"].where(df["uemail"].fillna("") != "", df["email"])
    df["email"] = df["email"].fillna("")
    return df[["name", "email"]].sort_index()


def _statuses(engine_rows, course_dir, slots: _Slots, questions, subs, sub_slot):
    """The results frame's columns that need no grade rows (student-major, see :class:`_Slots`),
    which rows have a score shown, and each row's submission (``len(subs)`` without one)."""
    n, k = len(slots.students), slots.k
    sub_of_slot = np.full(slots.size, -1)
    sub_of_slot[sub_slot] = np.arange(len(subs))
    has_sub = sub_of_slot >= 0
    at = np.where(has_sub, sub_of_slot, len(subs))
    engine = np.array(engine_rows, dtype=object).reshape(-1, 5)
    e_slot = slots.of(engine[:, 0], engine[:, 1])
    engine, e_slot = engine[e_slot >= 0], e_slot[e_slot >= 0]
    e_status = np.full(slots.size, None, dtype=object)
    e_status[e_slot] = engine[:, 2]
    e_reason = np.full(slots.size, "", dtype=object)
    e_reason[e_slot] = np.where(engine[:, 3] == None, "", engine[:, 3])  # noqa: E711 (element-wise)
    e_scored = np.zeros(slots.size, bool)
    e_scored[e_slot] = engine[:, 4] != None  # noqa: E711
    no_engine = e_status == None  # noqa: E711
    in_auto = np.zeros(slots.size, bool)
    in_subm = np.zeros(slots.size, bool)
    if no_engine.any():  # graded by plain nbgrader, or not at all: look at the folders once
        for found, folder in ((in_auto, "autograded"), (in_subm, "submitted")):
            seen = list(_children(course_dir / folder))
            if seen:
                rows = slots.of(
                    np.array([s for s, _ in seen], dtype=object), np.array([a for _, a in seen], dtype=object)
                )
                found[rows[rows >= 0]] = True
    status = np.where(
        ~no_engine,
        e_status,
        np.where(has_sub & in_auto, "graded", np.where(in_subm | has_sub, "submitted", "not_submitted")),
    ).astype(object)
    shown = has_sub & (pd.Series(status).isin(SCORED).to_numpy() | e_scored)
    stamps = np.full(slots.size, None, dtype=object)
    stamps[has_sub] = subs[at[has_sub], 3]
    max_score = np.array([float(sum(p for _, p in questions[a])) for a in slots.assignments])
    columns = {
        "student": text(np.repeat(slots.students.to_numpy(object), k)),
        "assignment": text(np.tile(np.array(slots.assignments, dtype=object), n)),
        "status": text(status),
        "reason": text(e_reason),
        "submitted": status != "not_submitted",
        "max_score": np.tile(max_score, n),
        "timestamp": pd.to_datetime(pd.Series(stamps, dtype=object), errors="coerce", format="ISO8601"),
    }
    return columns, shown, at


def text(values) -> pd.Series:
    """An object column: pandas' own string inference costs more than the whole read here."""
    return pd.Series(values, dtype=object)


def _item_sums(grades: _GradeRows, shown_sub: np.ndarray, totals: np.ndarray) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Per-question sums over the scored submissions' graded answers (pending answers left out)."""
    use = shown_sub[grades.sub] & ~np.isnan(grades.x) if len(grades.sub) else np.array([], bool)
    cell, x = grades.cell[use], grades.x[use]
    y = totals[grades.sub[use]] - x  # the rest score: the submission's total without this question
    k = len(grades.cells)

    def total(w):
        return np.bincount(cell, weights=w, minlength=k)

    n = np.bincount(cell, minlength=k)
    items = pd.DataFrame(
        {
            "assignment": [c[0] for c in grades.cells],
            "question": [c[1] for c in grades.cells],
            "max_score": [c[2] for c in grades.cells],
            "n": n,
            "sum_x": total(x),
            "sum_x2": total(x * x),
            "sum_y": total(y),
            "sum_y2": total(y * y),
            "sum_xy": total(x * y),
            "full": np.bincount(cell, weights=(x >= grades.max_score[use]).astype(float), minlength=k).astype(int),
        }
    )
    items = items[(items["assignment"] != "") & (items["n"] > 0)].reset_index(drop=True)
    counts = pd.DataFrame({"cell": cell, "score": x}).value_counts().reset_index(name="count")
    counts["assignment"] = [grades.cells[c][0] for c in counts["cell"]]
    counts["question"] = [grades.cells[c][1] for c in counts["cell"]]
    counts = counts[["assignment", "question", "score", "count"]].sort_values(["assignment", "question", "score"])
    return items, counts.reset_index(drop=True)


def participant_grades(db_url: str, student: str, assignments: list[str]) -> pd.DataFrame:
    """One participant's grade per question (``score`` NaN while pending): for ``ukm progress``."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            _, cell_info = _cells(conn, assignments)
            marker = "?" if conn.dialect.paramstyle == "qmark" else "%s"
            rows = _query(
                conn,
                f"SELECT g.cell_id, {_SCORE} FROM grade g JOIN submitted_notebook sn ON sn.id = g.notebook_id "
                f"JOIN submitted_assignment sa ON sa.id = sn.assignment_id WHERE sa.student_id = {marker}",
                (student,),
            )
    finally:
        engine.dispose()
    return pd.DataFrame(
        [(*cell_info[c], np.nan if x is None else float(x)) for c, x in rows if c in cell_info],
        columns=["assignment", "question", "max_score", "score"],
    )
