"""Sign-in sheets: validated like the roster, strangers reported not added, imports that add up."""

from __future__ import annotations

import pytest
from openpyxl import Workbook

from ukm_tools.course import attendance, audit
from ukm_tools.course.attendance import import_attendance, read_sheet
from ukm_tools.errors import UkmError
from ukm_tools.io.workbooks import first_sheet

pytestmark = pytest.mark.timeout(60)
SESSIONS = ["pagi", "siang"]
ROSTER = {
    "siti-aminah": "Siti Aminah Lubis",
    "budi": "Budi Hutagalung",
    "rina-1": "Rina Siregar",
    "rina-2": "Rina Siregar",
}


def xlsx(path, rows, title=True):
    wb = Workbook()
    ws = first_sheet(wb)
    ws.title = "kehadiran"
    if title:
        ws.append(["DAFTAR HADIR PELATIHAN EKSPOR, 14 FEBRUARI 2026"])
        ws.append([])
    for r in rows:
        ws.append(r)
    wb.save(path)
    return path


def test_a_sheet_with_a_column_per_session(tmp_path):
    path = xlsx(
        tmp_path / "hadir.xlsx",
        [
            ["ID Peserta", "Nama", "Pagi", "Siang"],
            ["Siti-Aminah", "Siti", "ya", "✓"],
            ["", "budi hutagalung", "Hadir", ""],  # matched by name; empty = absent
            ["", "Rina Siregar", "ya", "ya"],  # two participants share this name
            ["tamu-01", "Tamu Dinas", "ya", "ya"],  # not on the roster
            ["rina-1", "", "1", "x"],  # "x" could mean either: refused
        ],
    )
    sheet = read_sheet(path, SESSIONS, ROSTER)
    assert sheet.sessions == SESSIONS
    assert sheet.marks == {
        ("pagi", "siti-aminah"): True,
        ("siang", "siti-aminah"): True,
        ("pagi", "budi"): True,
        ("siang", "budi"): False,
    }
    assert [(p.code, p.params["line"]) for p in sheet.notices] == [
        ("attendance_ambiguous_name", 6),
        ("attendance_not_on_roster", 7),
    ]
    assert [p.message() for p in sheet.errors] == [
        "Baris 8: kolom siang berisi 'x'; tulis ya/hadir atau tidak (kosong = tidak hadir)."
    ]
    assert sheet.bad_lines == [8]


def test_the_sign_in_list_of_one_session(tmp_path):
    path = tmp_path / "pagi.csv"
    path.write_text("\ufeffid_peserta;nama\nbudi;Budi\nsiti-aminah;Siti\nbudi;Budi lagi\n", encoding="utf-8")
    sheet = read_sheet(path, SESSIONS, ROSTER, session="pagi")
    assert sheet.marks == {("pagi", "budi"): True, ("pagi", "siti-aminah"): True}
    assert [p.code for p in sheet.errors] == ["attendance_duplicate"]
    with pytest.raises(UkmError) as e:
        read_sheet(path, SESSIONS, ROSTER, session="malam")
    assert e.value.code == "unknown_choice"


def test_sheets_that_cannot_be_read_say_why(tmp_path):
    no_session = xlsx(tmp_path / "a.xlsx", [["id_peserta", "nama", "tanda tangan"], ["budi", "Budi", "..."]])
    with pytest.raises(UkmError) as e:
        read_sheet(no_session, SESSIONS, ROSTER)
    assert e.value.code == "attendance_no_session_column" and "--session" in e.value.message()
    no_header = xlsx(tmp_path / "b.xlsx", [["nomor", "tanda tangan"]])
    with pytest.raises(UkmError) as e:
        read_sheet(no_header, SESSIONS, ROSTER)
    assert e.value.code == "attendance_no_header"
    ansi = tmp_path / "c.csv"
    ansi.write_bytes("id_peserta;nama;pagi\nbudi;Budi Hutagalung é;ya\n".encode("cp1252"))
    with pytest.raises(UkmError) as e:
        read_sheet(ansi, SESSIONS, ROSTER)
    assert e.value.code == "roster_encoding"
    with pytest.raises(UkmError) as e:
        read_sheet(no_session, [], ROSTER)
    assert e.value.code == "attendance_no_sessions"


def test_imports_add_up_and_are_logged(synthetic):
    synthetic.add_students({"id": s, "name": n} for s, n in ROSTER.items())
    course = synthetic.course
    first = xlsx(course / "pagi.xlsx", [["id_peserta", "pagi"], ["budi", "ya"], ["siti-aminah", "ya"]])
    import_attendance(course, first, by="Bu Rina")
    # The second page of the morning list, and the afternoon: nobody already present is lost.
    second = xlsx(
        course / "pagi-2.xlsx",
        [["id_peserta", "pagi", "siang"], ["rina-1", "ya", "ya"], ["budi", "", "ya"]],
        title=False,
    )
    bad = xlsx(course / "salah.xlsx", [["id_peserta", "siang"], ["siti-aminah", "mungkin"]])
    with pytest.raises(UkmError):
        import_attendance(course, bad)
    import_attendance(course, second, by="Pak Ali")
    marks = attendance.load_marks(synthetic.db_url)
    assert marks[("pagi", "siti-aminah")] and marks[("pagi", "rina-1")] and marks[("siang", "budi")]
    assert marks[("pagi", "budi")] is False  # the second sheet said so explicitly (an empty cell)
    log = audit.entries(synthetic.db_url)
    assert [(e.by, e.unit) for e in log] == [("Bu Rina", "pagi"), ("Pak Ali", "pagi,siang")]
    assert "pagi.xlsx: 2 hadir, 0 tidak hadir" in log[0].detail
    assert attendance.imported_sessions(log) == {"pagi", "siang"}
    sheet = import_attendance(course, bad, skip_bad_rows=True)
    assert sheet.marks == {} and len(audit.entries(synthetic.db_url)) == 3


def test_the_template_lists_the_roster_and_keeps_names_as_text(tmp_path):
    from openpyxl import load_workbook

    path = attendance.write_template(tmp_path / "daftar.xlsx", SESSIONS, {"eko": "=1+1 Eko", "ani": "Ani"})
    ws = load_workbook(path)["kehadiran"]
    assert [c.value for c in ws[1]] == ["id_peserta", "nama", "pagi", "siang"]
    assert ws["B3"].value == "=1+1 Eko" and ws["B3"].data_type == "s"


def test_the_trainer_kits_sign_in_sheet_imports_once_filled_in(synthetic, tmp_path):
    """`ukm kit` writes daftar-hadir.xlsx for the day; staff fill it in and import it as it is."""
    from types import SimpleNamespace

    from openpyxl import load_workbook

    from ukm_tools.course.kit import Attendee, attendance_xlsx

    synthetic.add_students({"id": s, "name": n} for s, n in ROSTER.items())
    sessions = [(s.id, s.title) for s in synthetic.spec.sessions]
    kit = SimpleNamespace(spec=synthetic.spec, sessions=sessions, attendees=[Attendee(s, n) for s, n in ROSTER.items()])
    path = attendance_xlsx(kit, tmp_path / "daftar-hadir.xlsx")  # type: ignore[arg-type]
    wb = load_workbook(path)
    ws = wb["daftar-hadir"]
    for row in ws.iter_rows(min_row=3):  # title, header, then one participant a row
        row[2].value = "ya"
        row[3].value = "tidak" if row[0].value == "budi" else "hadir"
    wb.save(path)
    sheet = import_attendance(synthetic.course, path, by="Bu Rina")
    assert sheet.errors == [] and sheet.notices == [] and sheet.sessions == [s for s, _ in sessions]
    assert sheet.marks == {(s, sid): not (sid == "budi" and s == sessions[1][0]) for s, _ in sessions for sid in ROSTER}
