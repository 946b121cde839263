"""`ukm kit`: the trainer kit generated from a course's data (roster in the gradebook, course.yml,
source notebooks, model answers, the agenda and the case file)."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from ukm_tools.case import packaged_case
from ukm_tools.case_study import CaseStudy
from ukm_tools.money import Money, format_money

ROOT = Path(__file__).resolve().parents[2]
DEMO_ROSTER = ROOT / "ukm_tools" / "data" / "demo" / "peserta-demo.csv"
UKM = [sys.executable, "-c", "from ukm_tools.cli import main; main()"]
DOCUMENTS = {
    "agenda-per-menit.pdf",
    "catatan-fasilitator.pdf",
    "pengarahan-pendamping.pdf",
    "jawaban-model.pdf",
    "daftar-hadir.pdf",
    "daftar-hadir.xlsx",
    "formulir-evaluasi.pdf",
    "perlu-dicek.pdf",
}


def ukm(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*UKM, *args],
        capture_output=True,
        text=True,
        timeout=240,
        cwd=cwd,
        env={**_env(), "UKM_LANG": "id", "COLUMNS": "200"},
    )


def _env() -> dict:
    import os

    return {k: v for k, v in os.environ.items() if k != "UKM_DB_URL"}


def pdf_text(path: Path) -> list[str]:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(path))
    try:
        texts = []
        for page in pdf:
            w, h = page.get_size()
            assert {round(w / 72 * 25.4), round(h / 72 * 25.4)} == {210, 297}, path.name  # A4
            texts.append(page.get_textpage().get_text_range())
        return texts
    finally:
        pdf.close()


def roster_rows() -> list[list[str]]:
    import csv

    rows = list(csv.reader(DEMO_ROSTER.read_text(encoding="utf-8").splitlines(), delimiter=";"))
    start = next(i for i, r in enumerate(rows) if r and r[0] == "id_peserta")
    return [r for r in rows[start + 1 :] if r and r[0]]


@pytest.fixture(scope="module")
def course_with_roster(tmp_path_factory) -> Path:
    """A course from the template with the demo roster imported into its gradebook."""
    course = tmp_path_factory.mktemp("kit") / "kursus"
    assert ukm("init", str(course)).returncode == 0
    r = ukm("roster", "import", str(DEMO_ROSTER), "--course", str(course))
    assert r.returncode == 0, r.stderr
    return course


@pytest.fixture(scope="module")
def kit(course_with_roster) -> Path:
    r = ukm("kit", "--course", str(course_with_roster))
    assert r.returncode == 0, r.stderr
    assert "Hanya untuk pelatih" in r.stdout
    return course_with_roster / "kit-pelatih"


@pytest.mark.timeout(300)
def test_the_kit_is_written_into_the_course_folder_for_staff_only(kit, course_with_roster):
    assert DOCUMENTS <= {p.name for p in kit.iterdir()}
    assert kit.parent == course_with_roster  # beside the gradebook, never in the published book
    assert (kit.stat().st_mode & 0o007) == 0  # no access for others on the machine
    for name in DOCUMENTS:
        if name.endswith(".pdf"):
            pages = pdf_text(kit / name)
            for i, text in enumerate(pages, 1):
                assert f"Halaman {i} dari {len(pages)}" in text, (name, i)


@pytest.mark.timeout(300)
def test_attendance_sheet_lists_every_participant_of_the_roster_for_every_session(kit):
    from openpyxl import load_workbook

    from ukm_tools.agenda import load_agenda

    people = roster_rows()
    sessions = load_agenda().session_ids
    ws = load_workbook(kit / "daftar-hadir.xlsx")["daftar-hadir"]
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    header = next(i for i, r in enumerate(rows) if r[0] == "id_peserta")
    assert rows[header] == ["id_peserta", "nama", *sessions]  # the layout `ukm attendance import` reads
    listed = {str(r[0]): str(r[1]) for r in rows[header + 1 :] if r[0]}
    assert listed == {p[0]: p[1] for p in people}
    assert all(r[2:] == [None] * len(sessions) for r in rows[header + 1 :])  # to be filled in on the day
    printed = re.sub(r"\s+", " ", " ".join(pdf_text(kit / "daftar-hadir.pdf")))
    for student_id, name in listed.items():
        assert student_id in printed and name in printed
    for p in people:  # least personal data: no phone numbers, no e-mail addresses
        for private in (p[2], p[3]):
            assert not private or private not in printed
    assert printed.count("tanda tangan") >= len(sessions)


@pytest.mark.timeout(300)
def test_model_answers_cover_every_hand_graded_question_with_the_case_files_figures(kit, course_with_roster):
    from ukm_tools.course.config import load_course
    from ukm_tools.course.kit import manual_questions

    questions = manual_questions(course_with_roster, load_course(course_with_roster))
    assert len(questions) == 5  # one per assignment of the template
    text = re.sub(r"\s+", " ", " ".join(pdf_text(kit / "jawaban-model.pdf")))
    for q in questions:
        assert q.grade_id in text
    study = CaseStudy(packaged_case("kasturi-syrup"))
    for figure in ("peak_working_capital", "loan_cost", "katalog_price", "profit"):
        value = study.key_figures()[figure].value
        assert isinstance(value, Money) and format_money(value, "id") in text, figure
    assert "{" not in text  # every placeholder was filled
    assert "Lembar kerja studi kasus" in text and "Angka kunci" in text


@pytest.mark.timeout(300)
def test_agenda_notes_and_briefing_follow_the_agenda(kit):
    from ukm_tools.agenda import load_agenda

    day = load_agenda()
    agenda = re.sub(r"\s+", " ", " ".join(pdf_text(kit / "agenda-per-menit.pdf")))
    notes = re.sub(r"\s+", " ", " ".join(pdf_text(kit / "catatan-fasilitator.pdf")))
    briefing = re.sub(r"\s+", " ", " ".join(pdf_text(kit / "pengarahan-pendamping.pdf")))
    for b in day.blocks:
        assert b.span() in agenda and b.title in agenda
        assert b.span() in notes and b.span() in briefing
    for exercise in day.exercises():
        assert f"latihan {exercise}" in agenda
    # 30 participants in groups of up to 10: 3 groups, 3 pendamping
    assert "30 peserta, 3 kelompok" in briefing
    assert "Perlu dicek" in " ".join(pdf_text(kit / "perlu-dicek.pdf"))


@pytest.mark.timeout(300)
def test_evaluation_form_is_anonymous_and_asks_about_every_module(kit, course_with_roster):
    from ukm_tools.course.config import load_course

    text = re.sub(r"\s+", " ", " ".join(pdf_text(kit / "formulir-evaluasi.pdf")))
    for m in load_course(course_with_roster).modules:
        assert m.title in text
    assert "Tanpa nama" in text
    for asked in ("Nama:", "Telepon", "E-mail", "email"):
        assert asked not in text


@pytest.mark.timeout(120)
def test_a_course_without_a_roster_gets_one_clear_line_and_no_kit(tmp_path):
    course = tmp_path / "kursus"
    assert ukm("init", str(course)).returncode == 0
    made_by_init = (course / "gradebook.db").stat().st_ino  # `ukm init` creates the gradebook, nothing else does
    r = ukm("kit", "--course", str(course))
    assert r.returncode == 2
    assert "Belum ada daftar peserta" in r.stderr and "ukm roster import" in r.stderr
    assert "Traceback" not in r.stderr
    assert not (course / "kit-pelatih").exists()
    # Looking for a roster replaced no gradebook and added no participant.
    assert (course / "gradebook.db").stat().st_ino == made_by_init
    with sqlite3.connect(course / "gradebook.db") as db:
        assert db.execute("SELECT COUNT(*) FROM student").fetchone() == (0,)


@pytest.mark.timeout(120)
def test_model_answer_gaps_are_all_reported_and_nothing_is_written(tmp_path):
    import yaml

    course = tmp_path / "kursus"
    assert ukm("init", str(course)).returncode == 0
    answers = course / "kunci-jawaban" / "jawaban-model.yml"
    data = yaml.safe_load(answers.read_text(encoding="utf-8"))
    del data["questions"]["refleksi_harga"]  # a hand-graded question without a model answer
    data["questions"]["soal_lama"] = {"assignment": "pembayaran", "answer": "dulu ada"}  # a stale entry
    data["questions"]["rencana_modal"]["answer"] += " {laba_bulan_depan}"  # a figure the case does not have
    answers.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    r = ukm("kit", "--course", str(course), "--roster", str(DEMO_ROSTER), "--out", str(tmp_path / "out"))
    assert r.returncode == 2, r.stdout
    lines = [ln for ln in r.stderr.splitlines() if ln.startswith("Galat")]
    assert len(lines) == 3, r.stderr
    assert any("refleksi_harga" in ln and "belum punya jawaban model" in ln for ln in lines)
    assert any("soal_lama" in ln for ln in lines)
    assert any("laba_bulan_depan" in ln for ln in lines)
    assert not (tmp_path / "out").exists()


@pytest.mark.timeout(120)
def test_an_agenda_naming_an_exercise_the_course_lacks_is_refused(tmp_path):
    import yaml

    course = tmp_path / "kursus"
    assert ukm("init", str(course)).returncode == 0
    shutil.rmtree(course / "source" / "pembiayaan")
    spec = yaml.safe_load((course / "course.yml").read_text(encoding="utf-8"))
    spec["modules"] = [m for m in spec["modules"] if m["id"] != "m5-pembiayaan"]
    for topic in spec["tests"]["topics"]:  # the pre/post tests still ask about it, as a topic of no module
        if topic.get("module") == "m5-pembiayaan":
            del topic["module"]
    (course / "course.yml").write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
    r = ukm("kit", "--course", str(course), "--roster", str(DEMO_ROSTER))
    assert r.returncode == 2
    assert "latihan 'pembiayaan' bukan tugas di course.yml" in r.stderr
