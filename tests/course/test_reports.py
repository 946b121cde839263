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
    assert owner.score == 11.0 and owner.max_score == 12.0
    assert rows["penyalin"].score == 0.0
    assert rows["absen"].status == "not_submitted" and rows["absen"].score is None


@pytest.mark.slow
def test_export_columns_and_personal_data(manual_scored, tmp_path):
    written = export(manual_scored, tmp_path / "out", [A])
    with written[f"csv:{A}"].open(encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f, delimiter=";"))
    assert rows[0] == [
        "id_peserta", "nama", "status", "alasan",
        "cek_exw (maks 2)", "cek_fob (maks 3)", "cek_cif (maks 3)", "refleksi_harga (maks 4)",
        "total", "maks", "perlu_dinilai_manual",
    ]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["pemilik"][4:10] == ["2", "3", "3", "3", "11", "12"]
    assert by_id["absen"][2] == "belum mengumpulkan" and by_id["absen"][8] == ""
    text = written[f"csv:{A}"].read_text(encoding="utf-8-sig")
    assert "0812" not in text and "@contoh.id" not in text
    wb = load_workbook(written["xlsx"])
    assert wb.sheetnames == ["ringkasan", A]
    assert [c.value for c in wb[A][1]][:4] == ["id_peserta", "nama", "status", "alasan"]
    summary = {r[0]: r for r in wb["ringkasan"].iter_rows(min_row=2, values_only=True)}
    assert summary["pemilik"][2] == round(11 / 12 * 100, 1)
    personal = export(manual_scored, tmp_path / "out2", [A], include_personal=True)
    text = personal[f"csv:{A}"].read_text(encoding="utf-8-sig")
    assert "0812 0000 0000" in text and "penyalin@contoh.id" in text
