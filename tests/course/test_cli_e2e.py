"""One end-to-end run of the `ukm` command on a small course (the real engine, sandboxed)."""

import csv
import os
import subprocess
import sys

import pytest
from course_helpers import participant_notebook, submit

A = "syarat-ekspor"
UKM = [sys.executable, "-c", "from ukm_tools.cli import main; main()"]


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


def ukm(*args, check=True):
    """Run `ukm ARGS` in this process (Typer's runner: the same parsing and output)."""
    import importlib

    from typer.testing import CliRunner

    from ukm_tools.cli import _COMMAND_MODULES, app

    for name in _COMMAND_MODULES:
        importlib.import_module(name)
    old = os.getcwd()
    try:
        r = CliRunner().invoke(app, list(args), env={"UKM_LANG": "id", "COLUMNS": "200"})
    finally:
        os.chdir(old)
    out = Result(r.exit_code, r.stdout, r.stderr)
    if check and r.exit_code != 0:
        raise AssertionError(f"ukm {' '.join(args)} -> {r.exit_code}\n{r.stdout}\n{r.stderr}\n{r.exception!r}")
    return out


def ukm_process(*args):
    """Run the installed console entry point in a fresh process."""
    env = {**os.environ, "UKM_LANG": "id", "COLUMNS": "200"}
    r = subprocess.run([*UKM, *args], capture_output=True, text=True, env=env, timeout=240)
    assert r.returncode == 0, r.stderr
    return r


@pytest.fixture(scope="session")
def cli_course(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli")
    course = root / "kursus"
    ukm("init", str(course))
    roster = root / "peserta.csv"
    roster.write_text(
        "Pelatihan Ekspor;;;;;;;\n"
        "id_peserta;nama;telepon;email;nama_produk;hpp_per_unit;kemasan_per_unit;jumlah_unit\n"
        "Benar;Peserta Benar;0812 1111 2222;;;;;\n"
        "salah;Peserta Salah;;;;;;\n"
        "rusak;Peserta Rusak;;;;;;\n"
        "bad id;Salah Id;;;;;;\n",
        encoding="utf-8",
    )
    refused = ukm("roster", "import", str(roster), "--course", str(course), check=False)
    imported = ukm("roster", "import", str(roster), "--course", str(course), "--skip-bad-rows")
    released = ukm("release", A, "--course", str(course))
    right = {"jawab_peb": 'jawaban_1 = "b"', "jawab_ska": 'jawaban_2 = "D"', "jawab_bpom": 'jawaban_3 = "a"'}
    submit(course, A, "benar", participant_notebook(course, A, right), root / "work")
    submit(
        course,
        A,
        "salah",
        participant_notebook(
            course,
            A,
            {**right, "jawab_ska": 'jawaban_2 = "a"', "rencana_izin": "Saya urus NIB dan izin edar BPOM dulu."},
        ),
        root / "work",
    )
    submit(course, A, "rusak", b'{"cells": [', root / "work")
    collected = ukm("collect", A, "--course", str(course))
    # A real process: its grading workers write to the same stderr the staff would see.
    graded = ukm_process("grade", A, "--course", str(course), "--workers", "2", "--timeout", "10")
    feedback = ukm("feedback", A, "--course", str(course))
    status = ukm_process("status", A, "--course", str(course))
    exported = ukm("export", "--course", str(course), "--out", str(root / "ekspor"), "-a", A)
    return {
        "course": course,
        "root": root,
        "refused": refused,
        "imported": imported,
        "released": released,
        "collected": collected,
        "graded": graded,
        "feedback": feedback,
        "status": status,
        "exported": exported,
    }


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_roster_refused_then_imported_with_skip(cli_course):
    r = cli_course["refused"]
    assert r.returncode == 2 and "Baris 6: id_peserta 'bad id'" in r.stderr
    assert "3 peserta diimpor" in cli_course["imported"].stdout
    assert "Dilewati: Baris 6" in cli_course["imported"].stderr


@pytest.mark.slow
def test_cycle_statuses_scores_and_outputs(cli_course):
    assert "3 jawaban terkumpul" in cli_course["collected"].stdout
    assert "Cadangan gradebook sebelum penilaian:" in cli_course["graded"].stdout
    # nbgrader's internal SQLAlchemy / nbformat warnings stay off the terminal.
    assert "SAWarning" not in cli_course["graded"].stderr and "MissingIDFieldWarning" not in cli_course["graded"].stderr
    assert "2 umpan balik" in cli_course["feedback"].stdout
    assert len(list((cli_course["course"] / "exchange" / "ukm-ekspor" / "feedback").glob("*.html"))) == 2
    status = cli_course["status"].stdout
    assert "notebook rusak" in status and "NotJSONError" in status
    with (cli_course["root"] / "ekspor" / f"nilai-{A}.csv").open(encoding="utf-8-sig") as f:
        rows = {r["id_peserta"]: r for r in csv.DictReader(f, delimiter=";")}
    assert rows["benar"]["total"] == "6" and rows["benar"]["cek_ska (maks 2)"] == "2"
    assert rows["salah"]["total"] == "4" and rows["salah"]["cek_ska (maks 2)"] == "0"
    assert rows["rusak"]["status"] == "notebook rusak" and rows["rusak"]["total"] == ""
    assert "telepon" not in rows["benar"]
    # An answered plan nobody graded yet is empty and makes the total provisional; an unanswered one is a real 0.
    assert (
        rows["salah"]["rencana_izin (maks 4)"] == ""
        and rows["salah"]["keterangan_total"] == "sementara: 4 poin belum dinilai"
    )
    assert rows["benar"]["rencana_izin (maks 4)"] == "0" and rows["benar"]["keterangan_total"] == ""
    assert "sementara" in " ".join(status.split())
    html = (cli_course["course"] / "feedback" / "salah" / A / f"{A}.html").read_text()
    assert "BEGIN HIDDEN TESTS" not in html and "periksa</span>" not in html


@pytest.mark.slow
def test_roster_params_for_a_hub(cli_course, monkeypatch):
    import json

    from ukm_tools.exercises import current_identity

    out = cli_course["root"] / "params"
    ukm("roster", "params", str(out), "--course", str(cli_course["course"]))
    assert sorted(p.name for p in out.iterdir()) == ["benar.json", "rusak.json", "salah.json"]
    monkeypatch.delenv("UKM_STUDENT_ID", raising=False)
    monkeypatch.setenv("UKM_PARAMS_FILE", str(out / "salah.json"))
    sid, product = current_identity()
    assert sid == "salah" and json.loads((out / "salah.json").read_text())["product"]["name"] == product.name
