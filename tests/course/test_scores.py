"""The bulk gradebook reader gives what nbgrader's object API gives, on a really graded course
and on synthetic gradebooks (every grade row summed by hand)."""

from __future__ import annotations

import math
from typing import cast

import numpy as np
import pandas as pd
import pytest
from synthetic_gradebook import PENDING, Sub

from ukm_tools.course import ops
from ukm_tools.course.reports import assignment_rows
from ukm_tools.course.scores import load_scores, participant_grades

A = "harga-incoterms"


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_bulk_results_match_nbgraders_api_on_a_graded_course(graded):
    """Statuses, scores, maximum and pending manual points agree with the export's rows (the
    reflections nobody has graded yet are pending in this course)."""
    from nbgrader.api import Gradebook

    expected = {r.student: r for r in assignment_rows(graded, A)}
    assert any(r.ungraded_manual for r in expected.values())
    scores = load_scores(ops.db_url(graded), graded, [A])
    got = scores.results.set_index("student")
    assert set(got.index) == set(expected)
    for sid, row in expected.items():
        mine = got.loc[sid]
        assert mine["status"] == row.status, sid
        assert (None if pd.isna(mine["score"]) else mine["score"]) == row.score, sid
        assert mine["max_score"] == row.max_score, sid
        assert mine["pending_points"] == row.pending_points, sid
        assert mine["pending"].split(",") == (row.ungraded_manual or [""]), sid
    assert scores.questions[A] == [("cek_exw", 2.0), ("cek_fob", 3.0), ("cek_cif", 3.0), ("refleksi_harga", 4.0)]
    # Per-question sums against nbgrader's grades, answer by answer.
    with Gradebook(ops.db_url(graded)) as gb:
        per_question: dict[str, list[float]] = {}
        for sid, row in expected.items():
            if row.score is None:
                continue
            for g in gb.find_submission(A, sid).notebooks[0].grades:
                if g.auto_score is not None or g.manual_score is not None:
                    per_question.setdefault(g.name, []).append(float(g.score))
    items = scores.items.set_index("question")
    for q, xs in per_question.items():
        assert items.loc[q, "n"] == len(xs) and items.loc[q, "sum_x"] == pytest.approx(sum(xs)), q


@pytest.mark.timeout(60)
def test_item_sums_and_totals_agree_with_every_grade_row(synthetic):
    rng = np.random.default_rng(7)
    ids = [f"s{i:02d}" for i in range(30)]
    synthetic.add_students({"id": s, "name": s} for s in ids)
    subs, rows = [], []
    for s in ids:
        scores = {
            q: (PENDING if q == "refleksi_harga" and rng.random() < 0.3 else float(rng.integers(0, int(p) + 1)))
            for q, p, _ in synthetic.cells[A]
        }
        status = "error" if s == "s05" else "graded"
        subs.append(Sub(s, A, scores, status))
        if status == "graded":
            rows.append(scores)
    synthetic.submit(subs)
    loaded = load_scores(synthetic.db_url, synthetic.course, [A])
    res = loaded.results.set_index("student")
    assert math.isnan(cast(float, res.loc["s05", "score"])) and res.loc["s05", "status"] == "error"
    totals = [sum(v for v in r.values() if v is not None) for r in rows]
    assert sorted(res["score"].dropna()) == sorted(totals)
    items = loaded.items.set_index("question")
    for q, _, _ in synthetic.cells[A]:
        pairs = [(v, t - v) for r, t in zip(rows, totals, strict=True) if (v := r[q]) is not None]
        x = np.array([p[0] for p in pairs])
        y = np.array([p[1] for p in pairs])
        assert items.loc[q, "n"] == len(x)
        assert items.loc[q, "sum_x"] == pytest.approx(x.sum()) and items.loc[q, "sum_x2"] == pytest.approx(
            (x * x).sum()
        )
        assert items.loc[q, "sum_y"] == pytest.approx(y.sum()) and items.loc[q, "sum_xy"] == pytest.approx(
            (x * y).sum()
        )
    one = participant_grades(synthetic.db_url, "s01", [A]).set_index("question")
    expected = subs[1].scores
    assert {q: (None if math.isnan(v) else v) for q, v in one["score"].items()} == expected
