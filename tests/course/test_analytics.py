"""Item analytics (facility, discrimination), the funnel, and the office summary's suppression."""

from __future__ import annotations

from typing import cast

import numpy as np
import pytest
from synthetic_gradebook import Sub, full_marks

from ukm_tools.course import analytics
from ukm_tools.course.completion import evaluate
from ukm_tools.course.course_data import load_course_data
from ukm_tools.course.office_summary import HIDDEN, SMALL, office_summary

pytestmark = pytest.mark.timeout(60)
A = "harga-incoterms"


def test_discrimination_is_the_item_rest_correlation_numpy_gives():
    rng = np.random.default_rng(3)
    x = rng.integers(0, 3, 40).astype(float)
    y = x * 2 + rng.normal(0, 1.5, 40)
    r = analytics.discrimination(40, x.sum(), (x * x).sum(), y.sum(), (y * y).sum(), (x * y).sum())
    assert r == pytest.approx(np.corrcoef(x, y)[0, 1])
    # Undefined, not 0, when nobody's points vary or there is one answer.
    assert np.isnan(analytics.discrimination(5, 10.0, 20.0, 7.0, 11.0, 14.0))  # x always 2
    assert np.isnan(analytics.discrimination(1, 2.0, 4.0, 3.0, 9.0, 6.0))


def test_question_statistics_on_a_small_class(synthetic):
    # Four participants; cek_exw is right exactly for the two best, cek_fob for everyone.
    synthetic.add_students({"id": s, "name": s} for s in "abcd")
    rows = {
        "a": {"cek_exw": 2, "cek_fob": 3, "cek_cif": 3, "refleksi_harga": 4},
        "b": {"cek_exw": 2, "cek_fob": 3, "cek_cif": 3, "refleksi_harga": 2},
        "c": {"cek_exw": 0, "cek_fob": 3, "cek_cif": 0, "refleksi_harga": 2},
        "d": {"cek_exw": 0, "cek_fob": 3, "cek_cif": 0, "refleksi_harga": 0},
    }
    synthetic.submit([Sub(s, A, v) for s, v in rows.items()])
    data = load_course_data(synthetic.course)
    q = analytics.question_stats(data).set_index(["assignment", "question"]).loc[A]
    assert list(q.index) == ["cek_exw", "cek_fob", "cek_cif", "refleksi_harga"]
    assert q.loc["cek_exw", "n"] == 4 and q.loc["cek_exw", "facility"] == 0.5 and q.loc["cek_fob", "facility"] == 1
    # cek_exw against the rest (b: 8, a: 10, c: 5, d: 3 minus itself): numpy's r.
    x = np.array([2, 2, 0, 0.0])
    rest = np.array([10, 8, 5, 3.0])
    assert q.loc["cek_exw", "discrimination"] == pytest.approx(np.corrcoef(x, rest)[0, 1])
    assert np.isnan(cast(float, q.loc["cek_fob", "discrimination"]))  # everyone right: it separates nobody
    assert analytics.question_hint(1.0, np.nan) == "sangat mudah"
    assert analytics.distribution(data.scores.item_counts, A, "refleksi_harga") == [(0.0, 1), (2.0, 2), (4.0, 1)]
    stats = analytics.assignment_stats(data).set_index("assignment").loc[A]
    # Totals 12, 10, 5, 3 of 12: 100%, 83%, 42%, 25%.
    assert (stats["graded"], stats["90–100"], stats["80–89"], stats["40–49"], stats["20–29"]) == (4, 1, 1, 1, 1)


def test_the_funnel_narrows_stage_by_stage(synthetic):
    synthetic.add_students({"id": s, "name": s} for s in ("hadir-lulus", "hadir-kumpul", "hadir-saja", "absen"))
    synthetic.attend(
        {
            ("pagi", "hadir-lulus"): True,
            ("siang", "hadir-lulus"): True,
            ("pagi", "hadir-kumpul"): True,
            ("pagi", "hadir-saja"): True,
            ("pagi", "absen"): False,
            ("siang", "absen"): False,
        }
    )
    synthetic.submit(
        [Sub("hadir-lulus", a.name, full_marks(synthetic, a.name)) for a in synthetic.spec.assignments()]
        + [Sub("hadir-kumpul", A, {}), Sub("absen", A, full_marks(synthetic, A))]
    )
    data = load_course_data(synthetic.course)
    stages = analytics.funnel(data, evaluate(data))
    # "absen" handed in but never attended: not counted past the attendance stage.
    assert [(s.key, s.count) for s in stages] == [
        ("registered", 4),
        ("attended", 3),
        ("submitted", 2),
        ("completed", 1),
    ]


def test_office_breakdown_suppresses_small_cells_and_what_would_reveal_them(synthetic):
    # 12 women and 4 men in Medan Johor, 6 in Medan Area with the district empty for 3 more.
    rows = [{"id": f"p{i:02d}", "name": "x", "gender": "perempuan", "district": "Medan Johor"} for i in range(12)]
    rows += [{"id": f"l{i:02d}", "name": "x", "gender": "laki-laki", "district": "Medan Area"} for i in range(4)]
    rows += [{"id": f"m{i:02d}", "name": "x", "gender": "perempuan", "district": "Medan Area"} for i in range(2)]
    rows += [{"id": f"k{i:02d}", "name": "x", "gender": "perempuan", "district": ""} for i in range(7)]
    synthetic.add_students(rows)
    synthetic.attend({("pagi", r["id"]): True for r in rows})
    data = load_course_data(synthetic.course)
    office = office_summary(data, evaluate(data))
    assert (office.registered, office.trained, office.completed) == (25, 25, 0)
    by = {b.column: b for b in office.breakdowns}
    assert set(by) == {"jenis_kelamin", "kecamatan"}  # nobody gave a sector or business scale
    gender = by["jenis_kelamin"].rows
    # 21 women shown; 4 men is under 5, and with the total (25) it could be computed back from
    # the women's count, so that one is hidden too.
    assert gender["laki-laki"]["registered"].shown == SMALL
    assert gender["perempuan"]["registered"].shown == HIDDEN and gender["perempuan"]["registered"].value == 21
    assert all(c.shown == SMALL for c in (gender["perempuan"]["completed"], gender["laki-laki"]["completed"]))
    district = by["kecamatan"].rows
    assert list(district) == ["Medan Area", "Medan Johor", "tidak diisi"]  # list order, then the empty ones
    assert [district[k]["registered"].shown for k in district] == ["6", "12", "7"]
