"""`ukm report`'s Excel workbook read back with openpyxl: sheets, Indonesian headers, formats,
personal data only on request, and text that looks like a formula stays text."""

from __future__ import annotations

import datetime as dt
import zipfile

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from synthetic_gradebook import PENDING, Sub, full_marks

from ukm_tools.course.overrides import set_override
from ukm_tools.course.workshop_report import write_report

pytestmark = pytest.mark.timeout(90)
HOSTILE = {
    "eq": '=HYPERLINK("http://contoh.invalid","klik")',
    "plus": "+62 812 ini nama",
    "minus": "-1+2",
    "at": "@SUM(A1)",
}


@pytest.fixture(scope="module")
def reported(synthetic_template, tmp_path_factory):
    tmp_path = tmp_path_factory.mktemp("laporan")
    synthetic = synthetic_template.copy(tmp_path / "course")
    rows = [
        {"id": k, "name": v, "email": f"{k}@contoh.id", "phone": "0812 7777 0000", "gender": "perempuan"}
        for k, v in HOSTILE.items()
    ]
    rows.append({"id": "lulus", "name": "Lulus Semua", "email": "lulus@contoh.id", "gender": "laki-laki"})
    synthetic.add_students(rows)
    synthetic.attend({(s.id, r["id"]): True for s in synthetic.spec.sessions for r in rows})
    subs = [Sub("lulus", a.name, full_marks(synthetic, a.name)) for a in synthetic.spec.assignments()]
    subs.append(Sub("eq", "harga-incoterms", {"cek_exw": 2, "cek_fob": 3, "cek_cif": 0, "refleksi_harga": PENDING}))
    synthetic.submit(subs)
    set_override(
        synthetic.db_url,
        synthetic.spec,
        "minus",
        "m1-ekatalog",
        "selesai",
        why="=cmd|' /C calc'!A0 (alasan yang terlihat seperti rumus)",
        by="@staf",
    )
    return synthetic, write_report(synthetic.course, tmp_path / "laporan"), tmp_path


def test_sheets_headers_and_formats(reported):
    course, written, _ = reported
    assert written["xlsx"].name == "laporan-ukm-ekspor.xlsx" and written["html"].name == "dasbor-ukm-ekspor.html"
    wb = load_workbook(written["xlsx"])
    assert wb.sheetnames == ["ringkasan", "peserta", "modul", "soal", "kehadiran", "audit"]
    ws = wb["peserta"]
    head = [c.value for c in ws[1]]
    assert head[:10] == [
        "id_peserta",
        "nama",
        "jenis_kelamin",
        "kecamatan",
        "sektor",
        "skala_usaha",
        "sesi dihadiri",
        "kehadiran",
        "m1-ekatalog keadaan",
        "m1-ekatalog nilai",
    ]
    assert "email" not in head and "telepon" not in head
    assert ws.freeze_panes == "C2" and ws.auto_filter.ref == f"A1:{get_column_letter(len(head))}6"
    assert "tes-awal nilai" in head and "tes-awal keadaan" not in head  # not counted: a score, no state
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    by = dict(zip(head, rows["lulus"], strict=True))
    assert by["status kursus"].value == "selesai" and by["m3-harga nilai"].value == 1
    assert by["m3-harga nilai"].number_format == "0.0%"
    assert (
        by["tanggal selesai"].value == dt.datetime(2026, 2, 14) and by["tanggal selesai"].number_format == "dd-mm-yyyy"
    )
    eq = dict(zip(head, rows["eq"], strict=True))
    # 5 of 12 with the 4-point reflection pending: could still reach 7.2.
    assert eq["m3-harga keadaan"].value == "sementara (menunggu nilai manual)"
    assert dict(zip(head, rows["minus"], strict=True))["m1-ekatalog keadaan"].value == "selesai (dikoreksi)"
    summary = [[c for c in r if c is not None] for r in wb["ringkasan"].iter_rows(values_only=True)]
    assert ["terdaftar", 5] in summary and ["selesai", 1] in summary
    assert ["jenis_kelamin", "terdaftar", "dilatih", "selesai"] in summary and [
        "perempuan",
        "<5",
        "<5",
        "<5",
    ] in summary
    soal = wb["soal"]
    assert [c.value for c in soal[2]][:8] == [
        "tugas",
        "soal",
        "topik",
        "poin maks",
        "jawaban dinilai",
        "rata-rata poin",
        "indeks kemudahan",
        "indeks daya beda",
    ]
    modul = [[c for c in r] for r in wb["modul"].iter_rows(min_row=2, max_row=2, values_only=True)][0]
    assert modul[:6] == ["modul/tes", "judul", "jenis", "tugas wajib", "batas lulus", "dihitung untuk kelulusan"]
    kehadiran = [c.value for c in wb["kehadiran"][2]]
    assert kehadiran[2:] == ["hadir", "hadir", 2, "selesai"]
    audit = [c.value for c in wb["audit"][3]]
    assert audit[2:8] == [
        "@staf",
        "koreksi",
        "minus",
        "m1-ekatalog",
        "selesai",
        "=cmd|' /C calc'!A0 (alasan yang terlihat seperti rumus)",
    ]
    assert isinstance(audit[1], dt.datetime) and wb["audit"].cell(3, 2).number_format == "dd-mm-yyyy hh:mm"


def test_text_that_looks_like_a_formula_is_written_as_text(reported):
    _, written, _ = reported
    wb = load_workbook(written["xlsx"])
    names = {r[0].value: r[1] for r in wb["peserta"].iter_rows(min_row=2)}
    for sid, text in HOSTILE.items():
        cell = names[sid]
        assert cell.value == text and cell.data_type == "s" and cell.quotePrefix, sid
    why = wb["audit"].cell(3, 8)
    assert str(why.value).startswith("=cmd") and why.data_type == "s"
    with zipfile.ZipFile(written["xlsx"]) as z:
        sheets = [z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/sheet")]
    assert not any("<f>" in s or "<f " in s for s in sheets)  # no formula anywhere in the file


def test_personal_data_only_when_asked(reported):
    course, written, tmp_path = reported
    for path in written.values():
        data = (
            path.read_bytes()
            if path.suffix == ".html"
            else b"".join(zipfile.ZipFile(path).read(n) for n in zipfile.ZipFile(path).namelist())
        )
        assert b"@contoh.id" not in data and b"0812 7777" not in data
    personal = write_report(course.course, tmp_path / "pribadi", include_personal=True)
    head = [c.value for c in load_workbook(personal["xlsx"])["peserta"][1]]
    assert head[2:4] == ["email", "telepon"]
    html = personal["html"].read_text(encoding="utf-8")
    assert "@contoh.id" not in html and "0812 7777" not in html and "Lulus Semua" not in html  # ids only, always
