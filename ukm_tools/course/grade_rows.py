"""The gradebook's grade rows as plain arrays, for :mod:`ukm_tools.course.scores`.

A report needs every grade row (20,000 participants: about 770,000). Turning them into Python
objects holds Python's lock for about a second, so a thread cannot overlap it with the rest of
the report's reading. For a large SQLite gradebook the rows are therefore read by a separate
Python process running this file (``python -I grade_rows.py DB``): it imports only sqlite3 and
numpy, maps each row to its submission and cell as integer codes and sends back a few arrays.
Small gradebooks and other databases (PostgreSQL) read the same arrays in-process.

This file imports nothing from ukm_tools: it runs as a script with ``-I`` (no script folder,
no user site on sys.path), so it sees only the standard library and the environment's numpy.
"""

from __future__ import annotations

import gc
import itertools
import os
import pickle
import sqlite3
import sys
from dataclasses import dataclass
from operator import itemgetter
from pathlib import Path

import numpy as np

# nbgrader's Grade.score, in SQL: NULL (not 0) when nobody scored it yet.
SCORE = (
    "CASE WHEN g.manual_score IS NOT NULL THEN g.manual_score + COALESCE(g.extra_credit, 0) "
    "WHEN g.auto_score IS NOT NULL THEN g.auto_score + COALESCE(g.extra_credit, 0) END"
)
GRADE_SQL = f"SELECT g.notebook_id, g.cell_id, {SCORE} FROM grade g"
#: The environment variable that tells this script to read only the grade rows up to a rowid
#: (the calling process reads the rest meanwhile).
UP_TO_ROWID = "UKM_GRADE_ROWS_UP_TO"
NOTEBOOK_SQL = "SELECT id, assignment_id FROM submitted_notebook"
#: The last grade rows with their submission looked up by SQLite (the notebook's primary key index):
#: cheaper than reading and mapping every notebook for a part of the rows.
GRADE_AFTER_SQL = (
    f"SELECT n.assignment_id, g.cell_id, {SCORE} FROM grade g "
    "LEFT JOIN submitted_notebook n ON n.id = g.notebook_id WHERE g.rowid > ?"
)


def _cells_and_scores(rows: list[tuple]) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Cell ids in order of first appearance, each row's cell code, and its score (None, pending: NaN)."""
    cell_ids = list(dict.fromkeys(map(itemgetter(1), rows)))
    cell_code = {c: i for i, c in enumerate(cell_ids)}
    cell = np.fromiter(map(cell_code.__getitem__, map(itemgetter(1), rows)), np.int64, len(rows))
    x = np.array(list(map(itemgetter(2), rows)), dtype=float)
    return cell_ids, cell, x


@dataclass
class GradeArrays:
    """Grade rows as codes: row i belongs to submission ``sub_ids[sub[i]]`` (-1: a notebook no
    submission holds) and cell ``cell_ids[cell[i]]``, and scored ``x[i]`` (NaN: pending)."""

    sub_ids: list[str]  # submitted_assignment ids
    sub: np.ndarray
    cell_ids: list[str]
    cell: np.ndarray
    x: np.ndarray

    @classmethod
    def from_rows(cls, rows: list[tuple], notebooks: list[tuple]) -> GradeArrays:
        """Map (notebook, cell, score) rows with dictionaries (C loops through ``map``, no intermediate
        columns: faster than pandas' hashing of object arrays, and no pandas import in the reading process)."""
        n = len(rows)
        if not n:
            return cls([], np.zeros(0, np.int64), [], np.zeros(0, np.int64), np.zeros(0))
        sub_ids = list(dict.fromkeys(map(itemgetter(1), notebooks)))
        sub_code = {s: i for i, s in enumerate(sub_ids)}
        sub_of_nb = dict(
            zip(map(itemgetter(0), notebooks), map(sub_code.__getitem__, map(itemgetter(1), notebooks)), strict=True)
        )
        sub = np.fromiter(map(sub_of_nb.get, map(itemgetter(0), rows), itertools.repeat(-1)), np.int64, n)
        return cls(sub_ids, sub, *_cells_and_scores(rows))

    @classmethod
    def from_submission_rows(cls, rows: list[tuple]) -> GradeArrays:
        """Map (submission, cell, score) rows (:data:`GRADE_AFTER_SQL`); no submission (None): code -1."""
        n = len(rows)
        sub_ids = [s for s in dict.fromkeys(map(itemgetter(0), rows)) if s is not None]
        sub_code = {s: i for i, s in enumerate(sub_ids)}
        sub = np.fromiter(map(sub_code.get, map(itemgetter(0), rows), itertools.repeat(-1)), np.int64, n)
        return cls(sub_ids, sub, *_cells_and_scores(rows))

    def then(self, other: GradeArrays) -> GradeArrays:
        """These rows followed by ``other``'s (codes of ``other`` renumbered: one code per cell)."""
        if not len(other.sub):
            return self
        if not len(self.sub):
            return other
        sub = other.sub
        if other.sub_ids != self.sub_ids:  # both read the same notebook table: normally equal
            sub = np.where(sub >= 0, sub + len(self.sub_ids), -1)
        code = {c: i for i, c in enumerate(self.cell_ids)}
        cell_ids = self.cell_ids + [c for c in other.cell_ids if c not in code]
        code.update((c, i) for i, c in enumerate(cell_ids))
        renumber = np.array([code[c] for c in other.cell_ids], np.int64)
        return GradeArrays(
            self.sub_ids if sub is other.sub else self.sub_ids + other.sub_ids,
            np.concatenate([self.sub, sub]),
            cell_ids,
            np.concatenate([self.cell, renumber[other.cell]]),
            np.concatenate([self.x, other.x]),
        )


def read_sqlite(path: str | Path, up_to: int | None = None, after: int | None = None) -> GradeArrays:
    """The arrays of one SQLite gradebook, opened read-only (empty when it has no grades yet):
    all grade rows, or those with rowid ``<= up_to`` or ``> after`` (these with their submission joined)."""
    db = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    try:
        if up_to is not None:
            rows = db.execute(GRADE_SQL + " WHERE g.rowid <= ?", (up_to,)).fetchall()
        elif after is not None:
            return GradeArrays.from_submission_rows(db.execute(GRADE_AFTER_SQL, (after,)).fetchall())
        else:
            rows = db.execute(GRADE_SQL).fetchall()
        notebooks = db.execute(NOTEBOOK_SQL).fetchall()
    except sqlite3.OperationalError:  # a table this gradebook does not have yet
        rows, notebooks = [], []
    finally:
        db.close()
    return GradeArrays.from_rows(rows, notebooks)


def loads(payload: bytes) -> GradeArrays:
    """The arrays sent by :func:`main` (our own child process's pickle of str lists and arrays)."""
    return GradeArrays(*pickle.loads(payload))  # noqa: S301 (written by this module's main)


def main(argv: list[str]) -> int:
    gc.disable()  # nothing here makes cycles; collecting while 770,000 tuples appear costs a third
    up_to = os.environ.get(UP_TO_ROWID)
    a = read_sqlite(argv[1], up_to=int(up_to) if up_to else None)
    sys.stdout.buffer.write(pickle.dumps((a.sub_ids, a.sub, a.cell_ids, a.cell, a.x), protocol=5))
    sys.stdout.buffer.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
