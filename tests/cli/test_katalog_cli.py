"""`ukm katalog`: sheet validation with row numbers, all-or-nothing output, template."""

import csv
import datetime as dt
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

import ukm_tools.cli.katalog  # noqa: F401  (registers the command)
from ukm_tools.cli.base import app
from ukm_tools.io.katalog_sheet import EXAMPLE_ROW, check_sheet, read_rows
from ukm_tools.katalog import FIELD_KEYS, LISTING_FIELDS, field_label

pytestmark = pytest.mark.timeout(60)
runner = CliRunner()

HEADERS = [field_label(k, "id") + (" *" if req else "") for k, req in LISTING_FIELDS]
GOOD = [
    "Sirup Jeruk Kasturi",
    "Botol 620 ml",
    "botol",
    "Kasturi Deli",
    "Medan",
    "25.000",
    "150.000",
    "50",
    "Kota Medan",
    "01-03-2025",
    "31-12-2025",
    "1234567890123",
    "11040",
    "01.234.567.8-901.000",
    "valid",
    "tidak",
]
GOOD_PKP = [
    "Dodol Durian",
    "Kotak 250 g",
    "kotak",
    "Deli Rasa",
    "Medan",
    "40.000",
    "0",
    "20",
    "Sumatera Utara",
    "01-03-2025",
    "31-12-2025",
    "1234567890123",
    "10794",
    "0123456789012000",
    "valid",
    "ya",
]


def write_csv(path: Path, rows, headers=HEADERS, delimiter=";"):
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=delimiter)
        w.writerow(headers)
        w.writerows(rows)
    return path


def run(*args):
    return runner.invoke(app, ["katalog", *map(str, args)])


def test_good_csv_writes_listing_and_checklist(tmp_path):
    sheet = write_csv(tmp_path / "produk.csv", [GOOD, GOOD_PKP])
    out = tmp_path / "hasil"
    r = run(sheet, "--out", out, "--have", "ktp,email")
    assert r.exit_code == 0, r.output
    assert "2 produk ditulis" in r.stdout
    assert "Rp28.000" in r.stdout and "Rp44.400" in r.stdout  # the listing table
    assert "Langkah berikutnya: Buat akun SPSE di kantor LPSE" in r.stdout
    wb = openpyxl.load_workbook(out / "produk-listing.xlsx")
    ws = wb["Produk"]
    head = [c.value for c in ws[1]]
    rows = [dict(zip(head, [c.value for c in row], strict=True)) for row in ws.iter_rows(min_row=2)]
    # non-PKP: 25,000 + 150,000/50 = 28,000, no PPN
    assert rows[0]["Harga satuan termasuk PPN (Rp)"] == 28000 and rows[0]["PPN termasuk"] == "Tidak"
    # PKP: 40,000; PPN 12% x 11/12 x 40,000 = 4,400 -> 44,400
    assert rows[1]["PPN per unit (Rp)"] == 4400 and rows[1]["Harga satuan termasuk PPN (Rp)"] == 44400
    assert rows[1]["NPWP"] == "0123456789012000"
    chk = [[c.value for c in row] for row in wb["Checklist"].iter_rows(min_row=2)]
    assert chk[0][:2] == ["1. Buat akun SPSE di kantor LPSE", "siap dikerjakan"]
    md = (out / "produk-checklist.md").read_text(encoding="utf-8")
    assert "- [x] KTP pemilik/direktur" in md and "- [ ] Akun SPSE (diverifikasi LPSE)" in md


def test_bad_rows_named_with_row_numbers_and_no_output(tmp_path):
    bad3 = list(GOOD)
    bad3[11] = "12345"  # NIB too short
    bad3[5] = "dua puluh ribu"
    bad5 = list(GOOD)
    bad5[12] = "1104"  # KBLI 4 digits
    bad5[0] = ""
    sheet = write_csv(tmp_path / "produk.csv", [GOOD, bad3, ["", ""] + [""] * 14, bad5])
    r = run(sheet, "--out", tmp_path / "hasil")
    assert r.exit_code == 2
    # rich wraps long lines on a narrow console: compare the text with whitespace normalised
    text = " ".join(r.stderr.split())
    assert text == " ".join(
        [
            "Galat: Baris 3: Harga satuan sebelum PPN (Rp): 'dua puluh ribu' bukan angka. Tulis angka seperti "
            "1.234.567,50.",
            "Galat: Baris 3: NIB: '12345' harus terdiri dari 13 digit angka (terbaca 5 digit).",
            "Galat: Baris 5: Nama produk: wajib diisi.",
            "Galat: Baris 5: KBLI: '1104' harus terdiri dari 5 digit angka (terbaca 4 digit).",
        ]
    )
    assert not (tmp_path / "hasil").exists()
    assert list(tmp_path.iterdir()) == [sheet]


def test_skip_bad_rows_writes_good_rows_only(tmp_path):
    bad = list(GOOD)
    bad[14] = "entah"
    sheet = write_csv(tmp_path / "p.csv", [bad, GOOD_PKP])
    r = run(sheet, "--skip-bad-rows", "--lang", "en")
    assert r.exit_code == 0, r.output
    assert "Skipped: Row 2: KSWP status: 'entah' is not known" in " ".join(r.stderr.split())
    assert "Rows skipped: 2" in r.stdout
    ws = openpyxl.load_workbook(tmp_path / "p-listing.xlsx")["Products"]
    assert [c.value for c in ws["A"]] == ["Product name", "Dodol Durian"]
    md = (tmp_path / "p-checklist.md").read_text(encoding="utf-8")
    assert "- [ ] Complete, valid product data" in md  # a row is still bad


def test_skip_bad_rows_with_no_good_row_fails(tmp_path):
    bad = list(GOOD)
    bad[7] = "0"
    sheet = write_csv(tmp_path / "p.csv", [bad])
    r = run(sheet, "--skip-bad-rows")
    assert r.exit_code == 2 and "Baris 2: Pesanan minimum harus lebih dari 0" in " ".join(r.stderr.split())
    assert list(tmp_path.iterdir()) == [sheet]


def test_header_problems_are_file_level(tmp_path):
    headers = list(HEADERS)
    headers[3] = "Merk dagang"  # typo for Merek
    sheet = write_csv(tmp_path / "p.csv", [GOOD], headers=headers, delimiter=",")
    r = run(sheet, "--skip-bad-rows")
    assert r.exit_code == 2
    assert "Kolom D 'Merk dagang' tidak dikenal" in " ".join(r.stderr.split())
    assert "Kolom wajib 'Merek' tidak ada di baris judul." in " ".join(r.stderr.split())
    assert list(tmp_path.iterdir()) == [sheet]


def test_template_roundtrip_xlsx(tmp_path):
    tpl = tmp_path / "produk.xlsx"
    r = run("--template", tpl)
    assert r.exit_code == 0, r.output
    wb = openpyxl.load_workbook(tpl)
    assert wb.sheetnames == ["Produk", "Contoh", "Petunjuk"]
    # A participant copies the example row into Produk and adds one with an English-style price.
    ws = wb["Produk"]
    ws.append([EXAMPLE_ROW[k] for k in FIELD_KEYS])
    bad = dict(EXAMPLE_ROW, price_before_ppn="25,000.50", npwp="12.345.678")
    ws.append([bad[k] for k in FIELD_KEYS])
    wb.save(tpl)
    assert [r.row for r in read_rows(tpl)] == [2, 3]
    checked = check_sheet(tpl, "id")
    assert checked.bad_rows == (3,)
    assert {p.field for p in checked.bad} == {"price_before_ppn", "npwp"}
    r = run(tpl)
    assert r.exit_code == 2 and "Baris 3: NPWP" in " ".join(r.stderr.split())
    r = run(tpl, "--skip-bad-rows", "--out", tmp_path / "o")
    assert r.exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "o" / "produk-listing.xlsx")["Produk"]
    assert ws.max_row == 2 and ws["A2"].value == EXAMPLE_ROW["product_name"] == "Sirup jeruk kasturi 600 ml"
    assert ws.cell(row=2, column=12).value == dt.datetime(2026, 1, 1)  # valid_from kept as a date


def test_template_csv_header_is_readable(tmp_path):
    tpl = tmp_path / "t.csv"
    assert run("--template", tpl).exit_code == 0
    with open(tpl, "a", encoding="utf-8", newline="") as f:
        csv.writer(f, delimiter=";").writerow(GOOD)
    assert run(tpl).exit_code == 0
    assert (tmp_path / "t-listing.xlsx").is_file()


def test_unreadable_files(tmp_path):
    fake = tmp_path / "p.xlsx"
    fake.write_text("not a zip")
    r = run(fake)
    assert r.exit_code == 2 and "tidak bisa dibaca" in " ".join(r.stderr.split())
    r = run(tmp_path / "missing.csv")
    assert r.exit_code == 2 and "tidak ditemukan" in " ".join(r.stderr.split())
    r = run(tmp_path / "p.ods")
    assert r.exit_code == 2


def test_installed_entry_point_runs(tmp_path):
    sheet = write_csv(tmp_path / "p.csv", [GOOD])
    ukm = Path(sys.executable).with_name("ukm")
    p = subprocess.run([str(ukm), "katalog", str(sheet), "--lang", "en"], capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "1 products written" in " ".join(p.stdout.split())


def test_unwritable_output_leaves_nothing(tmp_path):
    sheet = write_csv(tmp_path / "p.csv", [GOOD])
    out = tmp_path / "o"
    (out / "p-checklist.md").mkdir(parents=True)  # a folder where the checklist should go
    r = run(sheet, "--out", out)
    assert r.exit_code == 2 and "Tidak bisa menulis" in " ".join(r.stderr.split())
    assert sorted(p.name for p in out.iterdir()) == ["p-checklist.md"]


def test_ansi_csv_from_excel_is_read(tmp_path):
    row = list(GOOD)
    row[1] = "Botol 620 ml – café"  # en dash and é: not UTF-8 in an ANSI (cp1252) file
    sheet = tmp_path / "ansi.csv"
    with open(sheet, "w", encoding="cp1252", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(HEADERS)
        w.writerow(row)
    assert run(sheet).exit_code == 0
    ws = openpyxl.load_workbook(tmp_path / "ansi-listing.xlsx")["Produk"]
    assert ws["B2"].value == "Botol 620 ml – café"


def test_unknown_have_key_is_named(tmp_path):
    sheet = write_csv(tmp_path / "p.csv", [GOOD])
    r = run(sheet, "--have", "ktp,sertifikat_sni")
    assert r.exit_code == 2
    assert "Yang sudah dimiliki: 'sertifikat_sni' tidak dikenal" in " ".join(r.stderr.split())
    assert list(tmp_path.iterdir()) == [sheet]
