"""`ukm status` / export: per-question columns, manual scores, personal data left out."""

import csv

import pytest
from openpyxl import load_workbook

from ukm_tools.course import ops
from ukm_tools.course.reports import assignment_rows, export

A = "harga-incoterms"


@pytest.fixture(scope="module")
def manual_scored(graded):
    """A grader gives the owner's reflection 3 of 4 points through nbgrader's gradebook API
    (what the formgrader does)."""
    from nbgrader.api import Gradebook

    with Gradebook(ops.db_url(graded)) as gb:
        grade = gb.find_grade("refleksi_harga", A, A, "pemilik")
        grade.manual_score = 3
        gb.db.commit()
    return graded


@pytest.mark.slow
def test_status_rows_include_manual_scores_and_absentees(manual_scored):
    rows = {r.student: r for r in assignment_rows(manual_scored, A)}
    owner = rows["pemilik"]
    assert owner.status == "graded"
    assert owner.questions == {"cek_exw": 2.0, "cek_fob": 3.0, "cek_cif": 3.0, "refleksi_harga": 3.0}
    assert owner.score == 11.0 and owner.max_score == 12.0 and not owner.provisional
    # The copier's reflection was answered but nobody graded it: empty, not 0, and the total is provisional.
    copier = rows["penyalin"]
    assert copier.score == 0.0 and copier.questions["refleksi_harga"] is None and copier.questions["cek_exw"] == 0.0
    assert copier.provisional and copier.ungraded_manual == ["refleksi_harga"] and copier.pending_points == 4.0
    assert copier.total_note() == "sementara: 4 poin belum dinilai"
    assert copier.total_note("en") == "provisional: 4 points not graded yet"
    assert rows["absen"].status == "not_submitted" and rows["absen"].score is None


@pytest.mark.slow
def test_export_columns_and_personal_data(manual_scored, tmp_path):
    written = export(manual_scored, tmp_path / "out", [A])
    with written[f"csv:{A}"].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == [
        "id_peserta",
        "nama",
        "status",
        "alasan",
        "cek_exw (maks 2)",
        "cek_fob (maks 3)",
        "cek_cif (maks 3)",
        "refleksi_harga (maks 4)",
        "total",
        "maks",
        "keterangan_total",
        "perlu_dinilai_manual",
    ]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["pemilik"][4:12] == ["2", "3", "3", "3", "11", "12", "", ""]
    # Not graded yet: an empty cell, never a 0, and the total says it is provisional.
    assert by_id["penyalin"][4:12] == [
        "0",
        "0",
        "0",
        "",
        "0",
        "12",
        "sementara: 4 poin belum dinilai",
        "refleksi_harga",
    ]
    assert by_id["absen"][2] == "belum mengumpulkan" and by_id["absen"][8] == ""
    text = written[f"csv:{A}"].read_text(encoding="utf-8-sig")
    assert "0812" not in text and "@contoh.id" not in text
    wb = load_workbook(written["xlsx"])
    assert wb.sheetnames == ["ringkasan", A]
    assert [c.value for c in wb[A][1]][:4] == ["id_peserta", "nama", "status", "alasan"]
    summary = {r[0]: r for r in wb["ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["pemilik"][2] == round(11 / 12 * 100, 1)
    assert summary["pemilik"][4] == "ya"
    # 0 of 12 with 4 manual points pending cannot reach 60%: a plain "tidak", not "waiting".
    assert summary["penyalin"][4] == "tidak"
    personal = export(manual_scored, tmp_path / "out2", [A], include_personal=True)
    text = personal[f"csv:{A}"].read_text(encoding="utf-8-sig")
    assert "0812 0000 0000" in text and "penyalin@contoh.id" in text


@pytest.mark.timeout(10)
def test_provisional_totals_decide_pass_only_when_certain():
    from types import SimpleNamespace

    from ukm_tools.course.reports import Row, course_result

    rule = SimpleNamespace(min_score_pct=60, require_all_assignments=True)

    def row(score, pending=0.0):
        r = Row("ani", "Ani", "graded", score=score, max_score=10.0, pending_points=pending)
        r.ungraded_manual = ["refleksi"] if pending else []
        return r

    w = {"a": 1.0, "b": 1.0}
    # 12 of 20 already: passes whatever the pending manual points turn out to be.
    assert course_result({"a": row(6, 4), "b": row(6)}, ["a", "b"], w, rule)[1:] == (60.0, "passed")
    # 10 of 20 now, 14 with the pending points in full: not a fail yet.
    assert course_result({"a": row(6, 4), "b": row(4)}, ["a", "b"], w, rule)[1:] == (50.0, "waiting")
    # 6 of 20 now, at most 10 with them: a fail.
    assert course_result({"a": row(2, 4), "b": row(4)}, ["a", "b"], w, rule)[2] == "failed"
    # A missing assignment fails a rule that requires them all, pending points or not.
    assert course_result({"a": row(6, 4)}, ["a", "b"], w, rule)[2] == "failed"
    # A submission that could not be graded (corrupt, kernel died...) is never a 0 and never a fail.
    broken = Row("ani", "Ani", "corrupt_notebook", reason="not valid notebook JSON", score=None, max_score=10.0)
    pcts, final, verdict = course_result({"a": row(6), "b": broken}, ["a", "b"], w, rule)
    assert (final, verdict) == (None, "check") and pcts == {"a": 60.0, "b": None}
    # Not submitting at all is an absence, not a broken submission.
    absent = Row("ani", "Ani", "not_submitted", score=None, max_score=10.0)
    assert course_result({"a": row(6), "b": absent}, ["a", "b"], w, rule)[2] == "failed"
