"""Faults a careless staff member or a sick machine causes: two runs at once, a lost or read-only gradebook,
a file-size limit, left-over runtime folders. Each ends with a clear message and nothing lost."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest
from grading_course import ASSIGNMENT, fresh_copy, runtime_folders, session_course
from nbformat.v4 import new_code_cell, new_markdown_cell

from ukm_tools.course.grading import Status, StatusStore, grade_assignment
from ukm_tools.course.grading.status import SubmissionStatus, default_db_url
from ukm_tools.errors import UkmError

pytestmark = pytest.mark.slow

LIMITS_PROBE = (
    "import resource\n"
    "print('CPU', resource.getrlimit(resource.RLIMIT_CPU)[0], 'AS', resource.getrlimit(resource.RLIMIT_AS)[0])\n"
)


def ukm(*args: str):
    """`ukm ARGS` in this process (Typer's runner), messages in Indonesian."""
    import importlib

    from typer.testing import CliRunner

    from ukm_tools.cli import _COMMAND_MODULES, app

    for name in _COMMAND_MODULES:
        importlib.import_module(name)
    return CliRunner().invoke(app, list(args), env={"UKM_LANG": "id", "COLUMNS": "250"})


def _statuses(course: Path) -> dict[str, SubmissionStatus]:
    with StatusStore(default_db_url(course)) as store:
        return {s.student: s for s in store.all(ASSIGNMENT)}


def _add_student(course: Path, name: str, cells) -> None:
    """A copy of passes-all's submission with ``cells`` put after its first cell."""
    src = course / "submitted" / "passes-all" / ASSIGNMENT
    dst = course / "submitted" / name / ASSIGNMENT
    shutil.copytree(src, dst)
    path = dst / f"{ASSIGNMENT}.ipynb"
    nb = nbformat.read(path, as_version=4)
    nb.cells[1:1] = cells
    nbformat.write(nb, path)


@pytest.mark.timeout(300)
def test_one_run_per_assignment_settings_reach_the_kernel_runtime_is_private(tmp_path_factory, tmp_path):
    """While a run grades, a second `ukm grade` of the same assignment is refused naming who and since when;
    the course's cell timeout and sandbox limits reach the kernel; the run's folders are mode 700."""
    course = fresh_copy(session_course(tmp_path_factory), tmp_path / "course", students=["infinite-loop", "passes-all"])
    _add_student(course, "limits-probe", [new_code_cell(LIMITS_PROBE)])
    shutil.rmtree(course / "submitted" / "passes-all")
    with (course / "nbgrader_config.py").open("a") as f:
        f.write("c.Execute.timeout = 3\nc.SandboxLimits.cpu_seconds = 77\nc.GradingEngine.workers = 1\n")
    code = f"from ukm_tools.course.grading import grade_assignment\ngrade_assignment({str(course)!r}, {ASSIGNMENT!r})\n"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    assert proc.stderr is not None
    try:
        deadline = time.monotonic() + 150
        while True:
            assert proc.poll() is None, proc.stderr.read().decode()
            assert time.monotonic() < deadline, "the first run never started grading"
            try:
                if any(s.status is Status.RUNNING for s in _statuses(course).values()):
                    break
            except Exception:  # the status table is created by the run
                pass
            time.sleep(0.2)
        second = ukm("grade", ASSIGNMENT, "--course", str(course))
        assert second.exit_code == 2
        assert f"Tugas {ASSIGNMENT} sedang dinilai oleh proses lain" in second.stderr
        assert f"PID {proc.pid}" in second.stderr and "sejak" in second.stderr
        folders = list(runtime_folders(proc.pid))
        assert folders, "the run's private runtime folder"
        for folder in {*folders, *(p for f in folders for p in f.glob("worker-*"))}:
            assert folder.stat().st_mode & 0o777 == 0o700, folder
        assert proc.wait(timeout=150) == 0, proc.stderr.read().decode()
    finally:
        proc.kill()
    rows = _statuses(course)
    assert {s: r.attempts for s, r in rows.items()} == {"infinite-loop": 1, "limits-probe": 1}
    assert rows["infinite-loop"].status is Status.TIMEOUT and "stopped after 3 s" in rows["infinite-loop"].reason
    nb = nbformat.read(course / "autograded" / "limits-probe" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    printed = "".join(o.get("text", "") for c in nb.cells for o in c.get("outputs", []))
    assert "CPU 77 " in printed
    assert not list(runtime_folders(proc.pid))  # removed at the end of the run


@pytest.mark.timeout(120)
def test_missing_gradebook_is_an_error_everywhere_and_never_recreated(tmp_path):
    from ukm_tools.course import ops
    from ukm_tools.course.grading.backup import backup_gradebook

    course = ops.init_course(tmp_path / "kursus")
    gradebook = course / "gradebook.db"
    assert gradebook.is_file()  # ukm init is where a gradebook is made
    backup = backup_gradebook(f"sqlite:///{gradebook}")
    gradebook.unlink()
    roster = tmp_path / "peserta.csv"
    roster.write_text("id_peserta;nama\nani;Ani\n", encoding="utf-8")
    for args in (
        ("grade", "harga-incoterms"),
        ("status", "harga-incoterms"),
        ("collect", "harga-incoterms"),
        ("release", "harga-incoterms"),
        ("feedback", "harga-incoterms"),
        ("roster", "import", str(roster)),
        ("export", "--out", str(tmp_path / "ekspor")),
    ):
        r = ukm(*args, "--course", str(course))
        assert r.exit_code == 2, (args, r.stdout, r.stderr)
        lines = [line for line in r.stderr.splitlines() if line.strip()]
        assert len(lines) == 1 and f"Gradebook {gradebook} tidak ada" in lines[0], (args, r.stderr)
        assert f"cp {backup} {gradebook}" in lines[0]
        assert not gradebook.exists(), args


@pytest.mark.timeout(60)
def test_unwritable_gradebook_stops_grading_before_anything(tmp_path_factory, tmp_path):
    course = fresh_copy(session_course(tmp_path_factory), tmp_path / "course", students=["passes-all"])
    gradebook = course / "gradebook.db"
    immutable = (
        os.geteuid() == 0 and subprocess.run(["chattr", "+i", str(gradebook)], capture_output=True).returncode == 0
    )
    if not immutable:
        if os.geteuid() == 0:
            pytest.skip("root writes read-only files and chattr is not available here")
        gradebook.chmod(0o444)
    try:
        r = ukm("grade", ASSIGNMENT, "--course", str(course))
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(gradebook)], check=True)
    assert r.exit_code == 2 and f"Gradebook {gradebook} tidak bisa ditulis" in r.stderr
    assert not (course / "backups").exists() and not (course / "autograded").exists()


@pytest.mark.timeout(300)
def test_gradebook_deleted_mid_run_stops_it_and_restoring_the_backup_resumes(tmp_path_factory, tmp_path):
    course = fresh_copy(
        session_course(tmp_path_factory), tmp_path / "course", students=["passes-all", "fails-one", "corrupt-json"]
    )
    gradebook = course / "gradebook.db"

    def lose_gradebook(event):
        if event.done == 1 and gradebook.exists():
            gradebook.unlink()

    with pytest.raises(UkmError) as err:
        grade_assignment(course, ASSIGNMENT, workers=1, on_progress=lose_gradebook)
    (backup,) = (course / "backups").glob("gradebook-*.db")
    assert err.value.code == "gradebook_missing" and f"cp {backup} {gradebook}" in err.value.message("id")
    assert not gradebook.exists()  # nothing made a new, empty one
    shutil.copy2(backup, gradebook)
    report = grade_assignment(course, ASSIGNMENT, workers=1)
    assert {r.student: r.status.value for r in report.results} == {
        "passes-all": "graded",
        "fails-one": "graded",
        "corrupt-json": "corrupt_notebook",
    }


@pytest.mark.timeout(300)
def test_file_size_limit_is_the_machines_fault_said_once_and_retried(tmp_path_factory, tmp_path):
    """A soft RLIMIT_FSIZE on the grader: every submission fails for that one reason; exit 2, one line; a run
    without the limit grades them (never counted against the participants)."""
    course = fresh_copy(session_course(tmp_path_factory), tmp_path / "course", students=["passes-all"])
    padding = [new_markdown_cell("Catatan panjang. " * 90_000)]  # about 1.5 MB in the notebook
    _add_student(course, "besar-1", padding)
    _add_student(course, "besar-2", padding)
    shutil.rmtree(course / "submitted" / "passes-all")
    assert (course / "gradebook.db").stat().st_size < 1_000_000
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, resource.getrlimit(resource.RLIMIT_FSIZE)[1]))\n"
        "from ukm_tools.cli import main\n"
        f"sys.argv = ['ukm', 'grade', {ASSIGNMENT!r}, '--course', {str(course)!r}, '--workers', '1']\n"
        "main()\n"
    )
    env = dict(os.environ, UKM_LANG="id", COLUMNS="250")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, timeout=240)
    assert r.returncode == 2, r.stderr
    assert "Traceback" not in r.stderr + r.stdout
    lines = [line for line in r.stderr.splitlines() if line.startswith("Galat:")]
    assert len(lines) == 1 and "mesin penilai" in lines[0] and "File too large" in lines[0], r.stderr
    rows = _statuses(course)
    assert {s: row.status for s, row in rows.items()} == {"besar-1": Status.INFRA_ERROR, "besar-2": Status.INFRA_ERROR}
    again = grade_assignment(course, ASSIGNMENT, workers=1)
    assert again.skipped == [] and {r.student: r.status.value for r in again.results} == {
        "besar-1": "graded",
        "besar-2": "graded",
    }
