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

import json
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import sqlalchemy as sa

from ukm_tools.course.reports import SCORED, question_order

# A submission exists but grading gave no usable score: never the participant's fault to decide.
NOT_GRADED = frozenset({"error", "kernel_died", "corrupt_notebook", "missing_notebook", "pending", "running", "submitted"})

# nbgrader's Grade.score, in SQL: NULL (not 0) when nobody scored it yet.
_SCORE = (
    "CASE WHEN g.manual_score IS NOT NULL THEN g.manual_score + COALESCE(g.extra_credit, 0) "
    "WHEN g.auto_score IS NOT NULL THEN g.auto_score + COALESCE(g.extra_credit, 0) END"
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


def load_scores(db_url: str, course_dir: Path, assignments: list[str]) -> Scores:
    """Students, results per assignment and per-question sums of ``assignments``, in bulk."""
    engine = sa.create_engine(db_url)
    try:
        with engine.connect() as conn:
            return _load(conn, Path(course_dir), assignments)
    finally:
        engine.dispose()


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


def _load(conn, course_dir: Path, assignments: list[str]) -> Scores:
    a_name, cell_info = _cells(conn, assignments)
    questions = _question_order(course_dir, assignments, cell_info)
    students = _students(conn)
    subs = pd.DataFrame(
        _query(conn, "SELECT id, student_id, assignment_id, timestamp FROM submitted_assignment"),
        columns=["sub_id", "student", "assignment_id", "timestamp"],
    )
    subs["assignment"] = subs["assignment_id"].map(a_name)
    subs = subs[subs["assignment"].notna()].drop(columns=["assignment_id"]).reset_index(drop=True)
    grades = _grade_rows(conn, subs, cell_info)
    subs["nb_score"] = np.bincount(grades.sub, weights=np.nan_to_num(grades.x), minlength=len(subs))
    pend = np.isnan(grades.x)
    subs["pending_points"] = np.bincount(grades.sub[pend], weights=grades.max_score[pend], minlength=len(subs))
    names: dict[int, list[str]] = {}
    for sub, cell in zip(grades.sub[pend].tolist(), grades.cell[pend].tolist(), strict=True):
        names.setdefault(sub, []).append(grades.cells[cell][1])
    subs["pending"] = pd.Series({i: ",".join(qs) for i, qs in names.items()}, dtype=object)
    results = _results(conn, course_dir, students.index, assignments, subs, questions)
    shown = results.loc[results["score"].notna(), "sub_id"]
    shown_sub = subs["sub_id"].isin(shown).to_numpy()
    items, counts = _item_sums(grades, shown_sub, subs["nb_score"].to_numpy())
    return Scores(students, results.drop(columns=["sub_id"]), items, counts, questions)


@dataclass
class _GradeRows:
    """Grade rows as arrays: submission index (into the submissions frame), cell index, score."""

    sub: np.ndarray
    cell: np.ndarray
    x: np.ndarray  # NaN: pending
    max_score: np.ndarray
    cells: list[tuple[str, str, float]]  # cell index -> (assignment, question, points)


def _grade_rows(conn, subs: pd.DataFrame, cell_info) -> _GradeRows:
    # One object array, then plain numpy: pandas' string inference costs more than the query here.
    rows = np.array(_query(conn, f"SELECT g.notebook_id, g.cell_id, {_SCORE} FROM grade g"), dtype=object)
    rows = rows.reshape(-1, 3)
    notebooks = dict(_query(conn, "SELECT id, assignment_id FROM submitted_notebook"))
    nb_codes, nb_uniq = pd.factorize(rows[:, 0])
    cell_codes, cell_uniq = pd.factorize(rows[:, 1])
    # notebook -> submission -> row of ``subs`` (-1: not a submission of the course's assignments)
    sub_of_nb = pd.Index(subs["sub_id"].to_numpy(object)).get_indexer([notebooks.get(nb) for nb in nb_uniq.tolist()])
    known = np.array([c in cell_info for c in cell_uniq.tolist()], bool)
    cells = [cell_info.get(c, ("", "", 0.0)) for c in cell_uniq.tolist()]
    sub = sub_of_nb[nb_codes] if len(nb_codes) else np.zeros(0, int)
    keep = (sub >= 0) & known[cell_codes] if len(cell_codes) else np.zeros(0, bool)
    cell = cell_codes[keep]
    points = np.array([c[2] for c in cells], float)
    return _GradeRows(sub[keep], cell, rows[:, 2].astype(float)[keep], points[cell], cells)


def _students(conn) -> pd.DataFrame:
    rows = _query(conn, "SELECT id, first_name, last_name, email FROM student")
    df = pd.DataFrame(rows, columns=["student", "first", "last", "email"]).set_index("student")
    df["name"] = (df["first"].fillna("") + " " + df["last"].fillna("")).str.strip()
    extra = _query(conn, "SELECT student_id, name, email FROM ukm_participant")
    if extra:
        ex = pd.DataFrame(extra, columns=["student", "uname", "uemail"]).set_index("student")
        df = df.join(ex, how="left")
        df["name"] = df["uname"].where(df["uname"].fillna("") != "", df["name"])
        df["email"] = df["uemail"].where(df["uemail"].fillna("") != "", df["email"])
    df["email"] = df["email"].fillna("")
    return df[["name", "email"]].sort_index()


def _results(conn, course_dir, students, assignments, subs, questions) -> pd.DataFrame:
    idx = pd.MultiIndex.from_product([list(students), assignments], names=["student", "assignment"])
    res = pd.DataFrame(index=idx).reset_index()
    res["max_score"] = res["assignment"].map({a: float(sum(p for _, p in qs)) for a, qs in questions.items()})
    res = res.merge(subs, on=["student", "assignment"], how="left")
    engine = pd.DataFrame(
        _query(conn, "SELECT assignment, student, status, reason, score FROM ukm_grading_status"),
        columns=["assignment", "student", "e_status", "e_reason", "e_score"],
    )
    res = res.merge(engine, on=["student", "assignment"], how="left")
    has_sub = res["sub_id"].notna().to_numpy()
    in_auto = np.zeros(len(res), bool)
    in_subm = np.zeros(len(res), bool)
    if res["e_status"].isna().any():  # graded by plain nbgrader, or not at all: look at the folders once
        pairs = pd.MultiIndex.from_frame(res[["student", "assignment"]])
        for found, folder in ((in_auto, "autograded"), (in_subm, "submitted")):
            seen = _children(course_dir / folder)
            if seen:
                found[:] = pairs.isin(list(seen))
    status = np.where(
        res["e_status"].notna(),
        res["e_status"].fillna(""),
        np.where(has_sub & in_auto, "graded", np.where(in_subm | has_sub, "submitted", "not_submitted")),
    )
    res["status"] = status
    res["submitted"] = status != "not_submitted"
    res["reason"] = res["e_reason"].fillna("")
    shown = has_sub & (np.isin(status, list(SCORED)) | res["e_score"].notna().to_numpy())
    res["score"] = np.where(shown, res["nb_score"].fillna(0.0), np.nan)
    res["pending_points"] = np.where(shown, res["pending_points"].fillna(0.0), 0.0)
    res["pending"] = np.where(shown, res["pending"].fillna(""), "")
    res["timestamp"] = pd.to_datetime(res["timestamp"], errors="coerce", format="mixed")
    columns = ["student", "assignment", "status", "reason", "submitted", "score", "max_score", "pending_points"]
    return res[[*columns, "pending", "timestamp", "sub_id"]]


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
