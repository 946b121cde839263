"""Grade rows read in two parts (the separate process up to a rowid, the report's own process the
rest) join into the same rows as one read, whichever rowid splits them."""

from __future__ import annotations

import sqlite3

import numpy as np
import pytest

from ukm_tools.course import grade_rows
from ukm_tools.course.grade_rows import GradeArrays

pytestmark = pytest.mark.timeout(30)


def triples(a: GradeArrays) -> list[tuple]:
    """Each row as (submission id or None, cell id, score or None), in row order."""
    return [
        (a.sub_ids[s] if s >= 0 else None, a.cell_ids[c], None if np.isnan(x) else float(x))
        for s, c, x in zip(a.sub.tolist(), a.cell.tolist(), a.x.tolist(), strict=True)
    ]


@pytest.fixture
def gradebook(tmp_path):
    """Two submissions of two notebooks; cells met in a different order after row 3; a pending
    manual answer (no score), extra credit on a manual score, and a notebook no submission holds."""
    path = tmp_path / "gradebook.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE submitted_notebook (id TEXT, assignment_id TEXT)")
        db.execute(
            "CREATE TABLE grade (id TEXT, notebook_id TEXT, cell_id TEXT, auto_score FLOAT, "
            "manual_score FLOAT, extra_credit FLOAT)"
        )
        db.executemany("INSERT INTO submitted_notebook VALUES (?, ?)", [("nb1", "s1"), ("nb2", "s1"), ("nb3", "s2")])
        db.executemany(
            "INSERT INTO grade VALUES (?, ?, ?, ?, ?, ?)",
            [
                ("g1", "nb1", "c1", 1.0, None, None),
                ("g2", "nb1", "c2", None, None, None),  # pending
                ("g3", "nb2", "c3", 0.0, 2.0, 0.5),  # manual over automatic, plus extra credit: 2.5
                ("g4", "nb3", "c3", 1.0, None, None),
                ("g5", "yatim", "c4", 3.0, None, None),  # a notebook no submission holds
                ("g6", "nb3", "c2", None, 1.0, None),
                ("g7", "nb3", "c1", 0.0, None, None),
            ],
        )
    return path


def test_two_parts_join_into_the_whole_read(gradebook):
    whole = grade_rows.read_sqlite(gradebook)
    assert triples(whole) == [
        ("s1", "c1", 1.0),
        ("s1", "c2", None),
        ("s1", "c3", 2.5),
        ("s2", "c3", 1.0),
        (None, "c4", 3.0),
        ("s2", "c2", 1.0),
        ("s2", "c1", 0.0),
    ]
    for split in range(0, 8):
        joined = grade_rows.read_sqlite(gradebook, up_to=split).then(grade_rows.read_sqlite(gradebook, after=split))
        assert triples(joined) == triples(whole), split
        assert sorted(joined.cell_ids) == sorted(set(joined.cell_ids)), split  # one code per cell


def test_parts_with_different_submission_lists_still_join(gradebook):
    """Both parts read the same notebook table, so their submission lists are normally equal;
    if they are not (the table changed between the two reads), codes are renumbered, not mixed up."""
    first = grade_rows.read_sqlite(gradebook, up_to=3)
    rest = grade_rows.read_sqlite(gradebook, after=3)
    flipped = np.where(rest.sub >= 0, len(rest.sub_ids) - 1 - rest.sub, -1)  # the same rows, listed backwards
    rest = GradeArrays(rest.sub_ids[::-1], flipped, rest.cell_ids, rest.cell, rest.x)
    assert rest.sub_ids != first.sub_ids
    assert triples(first.then(rest)) == triples(first) + triples(rest)
