"""`ukm progress`, `ukm override`, `ukm attendance` and `ukm report` as staff type them."""

from __future__ import annotations

import importlib
import os

import pytest
from synthetic_gradebook import PENDING, Sub, full_marks

pytestmark = pytest.mark.timeout(120)


def ukm(*args):
    from typer.testing import CliRunner

    from ukm_tools.cli import _COMMAND_MODULES, app

    for name in _COMMAND_MODULES:
        importlib.import_module(name)
    old = os.getcwd()
    try:
        return CliRunner().invoke(app, list(args), env={"UKM_LANG": "id", "COLUMNS": "200"})
    finally:
        os.chdir(old)


@pytest.fixture
def course(synthetic):
    synthetic.add_students([{"id": "siti", "name": "Siti Aminah"}, {"id": "budi", "name": "Budi"}])
    synthetic.submit(
        [
            Sub("siti", a.name, full_marks(synthetic, a.name))
            for a in synthetic.spec.assignments()
            if a.name != "pembayaran"
        ]
        + [Sub("siti", "pembayaran", {"cek_rupiah": 3, "cek_selisih": 2, "refleksi_bayar": PENDING})]
    )
    return synthetic


def test_progress_says_what_is_missing(course):
    r = ukm("progress", "Siti", "--course", str(course.course))
    assert r.exit_code == 0, r.stdout + r.stderr
    out = r.stdout
    assert "Siti Aminah (siti) — kursus: perlu dicek staf" in out  # attendance not imported yet
    assert "m4-pembayaran" in out and "sementara (menunggu nilai manual)" in out
    assert "4 poin menunggu nilai manual dari pengajar (refleksi_bayar)." in out
    assert "Daftar hadir sesi pagi, siang belum diimpor" in out
    r = ukm("progress", "tidak-ada", "--course", str(course.course))
    assert r.exit_code == 2 and r.stderr.count("\n") == 1 and "tidak ada di gradebook" in r.stderr


def test_a_name_in_rich_markup_is_printed_as_typed_not_run(synthetic, tmp_path):
    # A participant's name is theirs to type: "[/]" used to stop `ukm progress` with a MarkupError,
    # and "[link=...]" would have made a clickable link in staff's terminal.
    name = "Rina [/] [link=http://contoh.invalid]klik[/link]"
    synthetic.add_students([{"id": "rina", "name": name}])
    r = ukm("progress", "rina", "--course", str(synthetic.course))
    assert r.exit_code == 0, r.stdout + r.stderr
    assert f"{name} (rina)" in r.stdout
    # The same from a sign-in sheet: a stranger's name is reported as written, after the import.
    sheet = tmp_path / "hadir.csv"
    sheet.write_text("id_peserta;nama;pagi;siang\nrina;Rina;ya;ya\n;Tamu [/];ya;ya\n", encoding="utf-8")
    r = ukm("attendance", "import", str(sheet), "--course", str(synthetic.course), "--by", "Bu Rina")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "Tamu [/]" in r.stderr


def test_attendance_then_override_then_report(course, tmp_path):
    c = str(course.course)
    sheet = tmp_path / "hadir.csv"
    sheet.write_text("id_peserta;nama;pagi;siang\nsiti;Siti;ya;ya\nbudi;Budi;ya;tidak\n;Tamu;ya;ya\n", encoding="utf-8")
    r = ukm("attendance", "import", str(sheet), "--course", c, "--by", "Bu Rina")
    assert r.exit_code == 0, r.stdout + r.stderr
    assert "Sesi pagi, siang: 3 hadir, 1 tidak hadir dicatat." in r.stdout
    assert "Tidak diimpor: Baris 4: 'Tamu' tidak ada di daftar peserta" in r.stderr
    # Every problem of a bad override on its own line, exit 2, nothing recorded.
    r = ukm("override", "siti", "m9", "--status", "mungkin", "--why", "x", "--by", "", "--course", c)
    assert r.exit_code == 2 and len(r.stderr.strip().splitlines()) == 4, r.stderr
    r = ukm(
        "override",
        "siti",
        "m4-pembayaran",
        "--status",
        "selesai",
        "--why",
        "Refleksi dinilai lisan saat sesi siang.",
        "--by",
        "Pak Ali",
        "--course",
        c,
    )
    assert r.exit_code == 0 and "siti / m4-pembayaran: selesai (dikoreksi)" in r.stdout and "WIB (log #2)" in r.stdout
    r = ukm("progress", "siti", "--course", c)
    assert "kursus: selesai" in r.stdout and "Dikoreksi staf: selesai, oleh Pak Ali" in r.stdout
    r = ukm("report", "--course", c, "--out", str(tmp_path / "laporan"))
    assert r.exit_code == 0, r.stdout + r.stderr
    assert (tmp_path / "laporan" / "laporan-ukm-ekspor.xlsx").is_file()
    assert (tmp_path / "laporan" / "dasbor-ukm-ekspor.html").is_file()
    assert "Email dan telepon tidak disertakan" in r.stdout
    r = ukm(
        "override",
        "siti",
        "m4-pembayaran",
        "--withdraw",
        "--why",
        "Nilai manual sudah masuk.",
        "--by",
        "Pak Ali",
        "--course",
        c,
    )
    assert r.exit_code == 0 and "ditarik" in r.stdout
    assert (
        "course: provisional (manual grades pending)" in ukm("progress", "siti", "--course", c, "--lang", "en").stdout
    )


def test_attendance_template_lists_the_roster(course, tmp_path):
    from openpyxl import load_workbook

    r = ukm("attendance", "template", str(tmp_path / "daftar.xlsx"), "--course", str(course.course))
    assert r.exit_code == 0, r.stdout + r.stderr
    rows = list(load_workbook(tmp_path / "daftar.xlsx")["kehadiran"].iter_rows(values_only=True))
    assert rows == [
        ("id_peserta", "nama", "pagi", "siang"),
        ("budi", "Budi", None, None),
        ("siti", "Siti Aminah", None, None),
    ]


def test_a_report_never_creates_or_changes_a_gradebook(tmp_path):
    import hashlib

    from ukm_tools.course import ops

    course = ops.init_course(tmp_path / "baru")
    made_by_init = hashlib.sha256((course / "gradebook.db").read_bytes()).hexdigest()
    # The empty gradebook `ukm init` made: no participants yet.
    r = ukm("report", "--course", str(course), "--out", str(tmp_path / "laporan"))
    assert r.exit_code == 2 and "Gradebook" in r.stderr and "ukm roster import" in r.stderr
    assert "belum berisi peserta" in r.stderr and "Traceback" not in r.stderr
    assert hashlib.sha256((course / "gradebook.db").read_bytes()).hexdigest() == made_by_init
    assert not (tmp_path / "laporan").exists()
    # No gradebook at all (deleted, or a folder copied without it): the guard names the backups; none is created.
    (course / "gradebook.db").unlink()
    r = ukm("report", "--course", str(course), "--out", str(tmp_path / "laporan"))
    assert r.exit_code == 2 and "gradebook.db tidak ada" in r.stderr and "ukm init" in r.stderr
    assert not (course / "gradebook.db").exists() and not (tmp_path / "laporan").exists()
