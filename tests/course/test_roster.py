"""Roster import: every bad row reported with its line number; nothing imported unless asked."""

from decimal import Decimal

import pytest
from openpyxl import load_workbook

from ukm_tools.course.participants import load_participants, store_participants
from ukm_tools.course.roster import COLUMNS, import_roster, write_template
from ukm_tools.errors import UkmError

HEADER = ";".join(COLUMNS)


def _csv(tmp_path, text, name="peserta.csv", encoding="utf-8"):
    p = tmp_path / name
    p.write_bytes(text.encode(encoding))
    return p


def test_semicolon_csv_with_title_rows_and_empty_rows(tmp_path):
    text = (
        "Daftar Peserta Pelatihan Ekspor Medan;;;;;;;\n"
        ";;;;;;;\n"
        f"{HEADER}\n"
        "Siti-Aminah;Siti Aminah;0812 3456 7890;siti@contoh.id;Sirup jeruk kasturi 500 ml;18.500;2.750;1.200\n"
        ";;;;;;;\n"
        "budi_s;Budi Santoso;;;;;;\n"
    )
    got = import_roster(_csv(tmp_path, text))
    assert [p.student_id for p in got.participants] == ["siti-aminah", "budi_s"]
    siti = got.participants[0]
    assert (siti.hpp, siti.packing, siti.quantity) == (Decimal("18500"), Decimal("2750"), 1200)
    assert siti.line == 4
    assert not got.participants[1].has_product


def test_comma_csv_with_bom(tmp_path):
    text = "\ufeff" + ",".join(COLUMNS) + "\nani,Ani Lubis,,,Kopi Sidikalang 250 g,45000,3000,500\n"
    got = import_roster(_csv(tmp_path, text))
    assert got.participants[0].hpp == Decimal(45000)


def test_every_bad_row_reported_with_line_and_nothing_imported(tmp_path):
    text = (
        f"{HEADER}\n"
        "ani;Ani;;;;;;\n"  # 2 ok
        "ANI;Ani Dua;;;;;;\n"  # 3 duplicate (case-insensitive)
        "bad id!;Rudi;;;;;;\n"  # 4 bad id
        ";Tanpa Id;;;;;;\n"  # 5 missing id
        "dewi;;;;;;;\n"  # 6 missing name
        "eka;Eka;;;Keripik;abc;1000;10\n"  # 7 bad number
        "fajar;Fajar;;;Keripik;1000;;\n"  # 8 partial product
        "gita;Gita;;;Keripik;1000;100;2,5\n"  # 9 bad quantity
        "hana;Hana;;bukan-email;;;;\n"  # 10 bad email
    )
    path = _csv(tmp_path, text)
    with pytest.raises(UkmError) as e:
        import_roster(path)
    lines = e.value.lines("id")
    for n in (3, 4, 5, 6, 7, 8, 9, 10):
        assert any(line.startswith(f"Baris {n}:") for line in lines), (n, lines)
    assert any("baris 2" in line for line in lines)  # the duplicate names the first line
    assert len(lines) == 8
    assert any(line.startswith("Line 4:") for line in e.value.lines("en"))
    # asked to skip: only the good row
    got = import_roster(path, skip_bad_rows=True)
    assert [p.student_id for p in got.participants] == ["ani"]
    assert got.bad_lines == [3, 4, 5, 6, 7, 8, 9, 10]


def test_cp1252_detected_with_clear_message(tmp_path):
    text = f"{HEADER}\nandre;André Sinaga;;;;;;\n"
    path = _csv(tmp_path, text, encoding="cp1252")
    with pytest.raises(UkmError) as e:
        import_roster(path)
    assert "UTF-8" in e.value.message("id") and "cp1252" in e.value.message("id")
    got = import_roster(path, encoding="cp1252")
    assert got.participants[0].name == "André Sinaga"


def test_missing_required_column_and_no_header(tmp_path):
    with pytest.raises(UkmError) as e:
        import_roster(_csv(tmp_path, "id_peserta;telepon\nani;0812\n"))
    assert e.value.code == "roster_missing_columns" and "nama" in e.value.message("id")
    with pytest.raises(UkmError) as e:
        import_roster(_csv(tmp_path, "a;b\n1;2\n", name="x.csv"))
    assert e.value.code == "roster_no_header"


def test_xlsx_template_roundtrip_and_store(tmp_path):
    path = write_template(tmp_path / "peserta.xlsx")
    wb = load_workbook(path)
    assert [c.value for c in wb["peserta"][1]] == COLUMNS
    ws = wb["peserta"]
    ws.insert_rows(1)
    ws["A1"] = "Pelatihan Ekspor 2026"  # a title row above the header
    ws.append(["Rina", "Rina Siregar", 6281234567890, None, "Keripik pisang", 12500, 1500.0, 800])
    ws.append([None] * 8)
    ws.append(["rina", "Rina Dua", None, None, None, None, None, None])
    wb.save(path)
    with pytest.raises(UkmError) as e:
        import_roster(path)
    assert e.value.lines("id") == [
        "Baris 5: id_peserta 'rina' sudah dipakai di baris 3 (huruf besar/kecil dianggap sama)."
    ]
    got = import_roster(path, skip_bad_rows=True)
    rina = got.participants[0]
    assert (rina.student_id, rina.phone, rina.hpp, rina.packing, rina.quantity) == (
        "rina",
        "6281234567890",
        12500,
        1500,
        800,
    )
    db_url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    assert store_participants(db_url, got.participants) == 1
    stored = load_participants(db_url)["rina"]
    assert stored.hpp == Decimal(12500) and stored.phone == "6281234567890"
    from nbgrader.api import Gradebook

    with Gradebook(db_url) as gb:
        assert gb.find_student("rina").first_name == "Rina Siregar"


def test_csv_template_is_semicolon_utf8_bom(tmp_path):
    path = write_template(tmp_path / "peserta.csv")
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and raw.decode("utf-8-sig").strip() == HEADER


def test_a_phone_number_excel_stored_as_a_number_is_flagged(tmp_path):
    # 081234567890 typed into a number cell is kept by Excel as 81234567890: the 0 is gone.
    path = write_template(tmp_path / "peserta.xlsx")
    wb = load_workbook(path)
    ws = wb["peserta"]
    ws.append(["siti", "Siti Aminah", 81234567890, None, None, None, None, None])
    ws.append(["rina", "Rina Siregar", 6281234567890, None, None, None, None, None])  # 62...: only '+' lost
    wb.save(path)
    with pytest.raises(UkmError) as e:
        import_roster(path)
    assert e.value.lines("id") == [
        "Baris 2: telepon '81234567890' kehilangan angka 0 di depan (Excel menyimpannya sebagai angka). "
        "Maksud Anda 081234567890? Format kolom telepon sebagai Teks, ketik ulang nomornya, lalu impor lagi."
    ]
    # the same sheet saved by Excel as CSV: the digits without their 0
    csv_path = _csv(tmp_path, "id_peserta;nama;telepon\nsiti;Siti Aminah;81234567890\nani;Ani;0812 3456 7890\n")
    with pytest.raises(UkmError) as e:
        import_roster(csv_path)
    assert e.value.code == "roster_phone_lost_zero" and "081234567890" in e.value.message("en")


def test_the_delimiter_is_taken_from_the_header_row(tmp_path):
    # Names and products holding commas outnumber the header's semicolons: still read by ';'.
    rows = "".join(f'p{i};"Siti, S.E.";;;"Sirup ""Kasturi"", 600 ml, 1,5 L";18.500;1.500;800\n' for i in range(5))
    got = import_roster(_csv(tmp_path, ";".join(COLUMNS) + "\n" + rows))
    assert [p.name for p in got.participants] == ["Siti, S.E."] * 5
    assert got.participants[0].product_name == 'Sirup "Kasturi", 600 ml, 1,5 L' and got.participants[0].hpp == 18500


def _reimport(course, sheet, *extra):
    from typer.testing import CliRunner

    import ukm_tools.cli.course  # noqa: F401  (registers the commands)
    from ukm_tools.cli.base import app

    return CliRunner().invoke(app, ["roster", "import", str(sheet), "--course", str(course), *extra])


def test_reimport_into_a_course_with_submissions_shows_the_changes_and_needs_update(tmp_path):
    from nbgrader.api import Gradebook

    course = tmp_path / "kursus"
    course.mkdir()
    url = f"sqlite:///{course / 'gradebook.db'}"
    (course / "nbgrader_config.py").write_text(f"c = get_config()\nc.CourseDirectory.db_url = {url!r}\n")
    with Gradebook(url):  # the gradebook `ukm init` makes (only it creates one)
        pass
    first = _csv(tmp_path, f"{HEADER}\nsiti;Siti Aminah;;;Sirup kasturi;18.500;1.500;200\n", name="a.csv")
    r = _reimport(course, first)
    assert r.exit_code == 0, r.output
    with Gradebook(url) as gb:  # Siti hands in her first assignment
        gb.add_assignment("harga-incoterms")
        gb.add_submission("harga-incoterms", "siti")
    # A new sheet renames her and changes her product's HPP (and adds Budi, which changes nobody)
    second = _csv(
        tmp_path, f"{HEADER}\nsiti;Siti Aminah Lubis;;;Sirup kasturi;25.000;1.500;200\nbudi;Budi;;;;;;\n", name="b.csv"
    )
    r = _reimport(course, second)
    assert r.exit_code == 2
    out = " ".join(r.output.split())
    assert "siti: nama 'Siti Aminah' menjadi 'Siti Aminah Lubis'." in out
    assert "siti: hpp_per_unit '18500' menjadi '25000'." in out
    assert "mengubah 2 data peserta yang sudah ada" in out and "--update" in out
    stored = load_participants(url)
    assert (
        stored["siti"].name == "Siti Aminah" and stored["siti"].hpp == 18500 and "budi" not in stored
    )  # nothing applied
    r = _reimport(course, second, "--update")
    assert r.exit_code == 0, r.output
    assert "siti: hpp_per_unit '18500' menjadi '25000'." in " ".join(r.output.split())
    stored = load_participants(url)
    assert stored["siti"].name == "Siti Aminah Lubis" and stored["siti"].hpp == 25000 and "budi" in stored
    with Gradebook(url) as gb:
        assert gb.find_student("siti").first_name == "Siti Aminah Lubis"


def test_a_formula_cell_is_reported_as_a_formula_not_as_missing(tmp_path):
    path = write_template(tmp_path / "peserta.xlsx")
    wb = load_workbook(path)
    ws = wb["peserta"]
    ws.append(["siti", "Siti Aminah", "081234567890", None, "Sirup kasturi", "=15000+3500", 1500, 200])
    ws.append(["budi", "Budi", None, None, None, None, None, None])
    wb.save(path)  # saved by a program: the formula has no cached value
    with pytest.raises(UkmError) as e:
        import_roster(path)
    assert e.value.lines("id") == [
        "Baris 2: kolom hpp_per_unit berisi rumus '=15000+3500', bukan nilai. Ketik nilainya langsung, atau salin "
        "sel itu lalu tempel sebagai nilai (Tempel Spesial > Nilai)."
    ]
    assert [p.student_id for p in import_roster(path, skip_bad_rows=True).participants] == ["budi"]
