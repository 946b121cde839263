"""Fast tests of the engine's guards (no kernel): settings, lock, runtime folders, gradebook file, integrity, intake."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from traitlets.config import Config

from ukm_tools.course.grading import runtime
from ukm_tools.course.grading.gradebook import check_gradebook, guarded_url, newest_backup, sqlite_path
from ukm_tools.course.grading.lock import assignment_lock, lock_path
from ukm_tools.course.grading.on_submit import Doorbell
from ukm_tools.course.grading.settings import GradingEngine, SandboxLimits, cell_timeout, course_config, overrides
from ukm_tools.course.intake import DOORBELL_FILE, Limits, intake, read_folder, stored_time
from ukm_tools.errors import UkmError

# --- settings: declared once, course file < run overrides ------------------------------------


def test_course_settings_and_run_overrides(tmp_path):
    (tmp_path / "nbgrader_config.py").write_text(
        "c = get_config()\nc.Execute.timeout = 12\nc.GradingEngine.workers = 3\nc.SandboxLimits.cpu_seconds = 77\n"
    )
    cfg = course_config(tmp_path)
    assert (cell_timeout(cfg), GradingEngine(config=cfg).workers, SandboxLimits(config=cfg).cpu_seconds) == (12, 3, 77)
    cfg = course_config(tmp_path, overrides(workers=1, cell_timeout=5))
    assert (cell_timeout(cfg), GradingEngine(config=cfg).workers, SandboxLimits(config=cfg).cpu_seconds) == (5, 1, 77)
    # Nothing set anywhere: nbgrader's own default timeout, automatic workers, one without the sandbox.
    empty = course_config(tmp_path / "nothing-here")
    assert cell_timeout(empty) == 30 and GradingEngine(config=empty).worker_count(sandbox=False) == 1
    assert GradingEngine(config=empty).worker_count(sandbox=True) == 2 * (os.cpu_count() or 1)


def test_sandbox_limits_count_the_ram_scratch():
    limits = SandboxLimits(
        config=Config({"SandboxLimits": {"memory_bytes": 2048 * 2**20, "scratch_bytes": 256 * 2**20}})
    )
    # 2048 MiB in all = 1760 MiB address space + 256 MiB scratch + 32 MiB /dev/shm
    assert limits.address_space_bytes == (2048 - 256 - 32) * 2**20
    with pytest.raises(UkmError) as err:
        SandboxLimits(config=Config({"SandboxLimits": {"memory_bytes": 600 * 2**20, "file_bytes": 0}})).check()
    assert [p.field for p in err.value.problems] == ["SandboxLimits.file_bytes", "SandboxLimits.memory_bytes"]


def test_the_engine_has_one_preload_list_and_one_prlimit():
    """The modules preloaded into warm kernels and the prlimit path are declared once."""
    root = Path(__file__).resolve().parents[2] / "ukm_tools" / "course" / "grading"
    texts = {p.name: p.read_text() for p in root.glob("*.py")}
    assert [n for n, t in texts.items() if '"/usr/bin/prlimit"' in t] == ["sandbox.py"]
    assert [n for n, t in texts.items() if '"pandas"' in t] == ["settings.py"]


# --- the grading lock ----------------------------------------------------------------------------


def _hold_lock(course: Path, assignment: str):
    code = (
        "import sys, time\n"
        "from ukm_tools.course.grading.lock import assignment_lock\n"
        f"with assignment_lock({str(course)!r}, {assignment!r}):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(120)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline() == "held\n"
    return proc


def test_lock_names_its_holder_and_is_per_assignment(tmp_path):
    proc = _hold_lock(tmp_path, "ps1")
    try:
        with pytest.raises(UkmError) as err:
            with assignment_lock(tmp_path, "ps1"):
                pass
        text = err.value.message("id")
        assert err.value.code == "grading_locked" and f"PID {proc.pid}" in text and "sejak" in text and "WIB" in text
        with assignment_lock(tmp_path, "ps2") as stale:  # another assignment is not blocked
            assert stale is None
    finally:
        proc.kill()
        proc.wait()
    # The holder was killed: its lock is stale and taken over, naming who held it.
    with assignment_lock(tmp_path, "ps1") as stale:
        assert stale is not None and stale.pid == proc.pid
    with assignment_lock(tmp_path, "ps1") as stale:
        assert stale is None  # released cleanly last time
    assert lock_path(tmp_path, "ps1").parent.stat().st_mode & 0o777 == 0o700


# --- runtime folders -------------------------------------------------------------------------------


def _fake_runtime(base: Path, pid: int, started: float | None, suffix: str = "abc_123") -> Path:
    folder = base / f"{runtime.PREFIX}{pid}-{suffix}"
    folder.mkdir(mode=0o700)
    (folder / "participant.ipynb").write_text("{}")
    if started is not None:
        (folder / runtime.OWNER_FILE).write_text(json.dumps({"pid": pid, "started": started}))
    return folder


def test_stale_runtime_folders_of_dead_runs_only_are_removed(tmp_path):
    import psutil

    dead = subprocess.Popen(["true"])
    dead.wait()
    me = psutil.Process().create_time()
    gone = _fake_runtime(tmp_path, dead.pid, me)
    reused = _fake_runtime(tmp_path, os.getpid() + 0, me - 1000)  # a live pid, but another process's start
    alive = _fake_runtime(tmp_path, os.getppid(), psutil.Process(os.getppid()).create_time())
    starting = _fake_runtime(tmp_path, os.getppid(), None, "starting")  # no owner file yet: being created
    (tmp_path / f"{runtime.PREFIX}1-link").symlink_to(alive)
    other = tmp_path / "ukm-grade-7f2oer52"  # an older layout: owner unknown, left alone
    other.mkdir()
    removed = runtime.clean_stale(tmp_path)
    assert sorted(removed) == sorted([gone, reused])
    assert (
        alive.exists() and starting.exists() and other.exists() and (tmp_path / f"{runtime.PREFIX}1-link").is_symlink()
    )


def test_new_runtime_root_is_private_and_records_its_owner():
    root = runtime.new_runtime_root()
    try:
        assert root.stat().st_mode & 0o777 == 0o700 and root.name.startswith(f"{runtime.PREFIX}{os.getpid()}-")
        assert json.loads((root / runtime.OWNER_FILE).read_text())["pid"] == os.getpid()
        assert root not in runtime.clean_stale(root.parent)
    finally:
        runtime.remove(root)


# --- the gradebook file ------------------------------------------------------------------------------


def test_missing_gradebook_names_the_newest_backup(tmp_path):
    db = tmp_path / "gradebook.db"
    (tmp_path / "backups").mkdir()
    for stamp in ("20260301T090000.000000Z", "20260302T090000.000000Z"):
        (tmp_path / "backups" / f"gradebook-{stamp}.db").write_bytes(b"x")
    with pytest.raises(UkmError) as err:
        check_gradebook(f"sqlite:///{db}")
    text = err.value.message("id")
    newest = tmp_path / "backups" / "gradebook-20260302T090000.000000Z.db"
    assert f"Gradebook {db} tidak ada" in text and f"cp {newest} {db}" in text
    assert newest_backup(db) == newest and not db.exists()
    # Workers' URL: SQLite refuses to create the file.
    url = guarded_url(f"sqlite:///{db}")
    assert "mode=rw" in url and sqlite_path(url) == db
    import sqlalchemy as sa

    with pytest.raises(sa.exc.OperationalError):
        sa.create_engine(url).connect()
    assert not db.exists()


def test_unwritable_gradebook_is_named(tmp_path):
    db = tmp_path / "gradebook.db"
    db.write_bytes(b"")
    immutable = os.geteuid() == 0 and subprocess.run(["chattr", "+i", str(db)], capture_output=True).returncode == 0
    if not immutable:
        if os.geteuid() == 0:
            pytest.skip("root writes read-only files and chattr is not available here")
        db.chmod(0o444)
    try:
        with pytest.raises(UkmError) as err:
            check_gradebook(f"sqlite:///{db}")
        assert err.value.code == "gradebook_unwritable" and "tidak bisa ditulis" in err.value.message("id")
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(db)], check=True)
    check_gradebook("postgresql://grader@localhost/course")  # a server's problem, not ours to check


# --- intake: regular files only, bounded, atomic ---------------------------------------------------


def _limits(**kw) -> Limits:
    base: dict[str, Any] = dict(
        max_file_bytes=1000, max_total_bytes=2500, max_files=5, max_depth=2, ignore=(".ipynb_checkpoints",)
    )
    return Limits(**(base | kw))


def test_read_folder_takes_regular_files_only(tmp_path):
    secret = tmp_path / "gradebook.db"
    secret.write_text("SQLite format 3 secret")
    inbox = tmp_path / "inbox"
    (inbox / "data" / "deeper" / "deepest").mkdir(parents=True)
    (inbox / "a.ipynb").write_text("{}")
    (inbox / "timestamp.txt").write_text("2099-01-01 00:00:00 UTC")  # the participant's clock is not used
    (inbox / "link.txt").symlink_to(secret)
    (inbox / "linkdir").symlink_to(tmp_path)
    os.link(secret, inbox / "hard.txt")
    os.mkfifo(inbox / "pipe")
    (inbox / "big.bin").write_bytes(b"x" * 1001)
    (inbox / "data" / "ok.csv").write_text("1,2\n")
    (inbox / "data" / "deeper" / "x.txt").write_text("too deep")
    (inbox / ".ipynb_checkpoints").mkdir()
    files = read_folder(inbox, _limits())
    assert sorted(files.contents) == ["a.ipynb", "data/ok.csv"]
    assert {s.path: s.reason for s in files.skipped} == {
        "big.bin": "too_large",
        "data/deeper/": "too_deep",
        "hard.txt": "hardlink",
        "link.txt": "symlink",
        "linkdir": "symlink",
        "pipe": "special",
    }
    assert "tautan simbolik" in files.skipped[3].message("budi", "id")


def test_read_folder_bounds_count_and_total_and_owner(tmp_path):
    for i in range(8):
        (tmp_path / f"f{i}.txt").write_bytes(b"y" * 600)
    files = read_folder(tmp_path, _limits())
    assert len(files.contents) == 4 and files.total == 2400  # the fifth would pass 2500 bytes
    assert {s.reason for s in files.skipped} == {"total_too_large"}
    assert {s.reason for s in read_folder(tmp_path, _limits(max_total_bytes=10**6)).skipped} == {"too_many"}
    assert {s.reason for s in read_folder(tmp_path, _limits(), owner=os.getuid() + 1).skipped} == {"owner"}


def test_intake_replaces_only_with_a_newer_submission(tmp_path):
    early, late = datetime(2026, 3, 2, 9), datetime(2026, 3, 2, 11)
    first = intake(tmp_path, "ps1", "budi", {"ps1.ipynb": b"one", "data/x.csv": b"1"}, late)
    assert first.stored and not first.replaced
    folder = tmp_path / "submitted" / "budi" / "ps1"
    assert (folder / "timestamp.txt").read_text() == "2026-03-02 11:00:00.000000 UTC"
    older = intake(tmp_path, "ps1", "budi", {"ps1.ipynb": b"old"}, early)
    assert not older.stored and (folder / "ps1.ipynb").read_bytes() == b"one"
    newer = intake(tmp_path, "ps1", "budi", {"ps1.ipynb": b"two"}, datetime(2026, 3, 2, 12))
    # nbgrader releases feedback under a hash of the submission's secret: one is made when missing.
    assert newer.replaced and sorted(p.name for p in folder.iterdir()) == [
        "ps1.ipynb",
        "submission_secret.txt",
        "timestamp.txt",
    ]
    assert sorted(p.name for p in folder.parent.iterdir()) == ["ps1"]  # no half-written folder left
    with pytest.raises(UkmError):
        intake(tmp_path, "ps1", "../etc", {"x": b""}, late)


@pytest.mark.timeout(30)
def test_stored_time_reads_a_small_regular_timestamp_only(tmp_path):
    folder = tmp_path / "submitted" / "budi" / "ps1"
    folder.mkdir(parents=True)
    stamp = folder / "timestamp.txt"
    stamp.write_text("2026-03-02 11:00:00.000000 UTC")
    assert stored_time(folder) == datetime(2026, 3, 2, 11)
    stamp.write_text("2026-03-02 11:00:00.000000 UTC" + " " * 64)
    assert stored_time(folder) is None  # longer than any timestamp
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("2026-03-02 12:00:00.000000 UTC")
    stamp.unlink()
    stamp.symlink_to(elsewhere)
    assert stored_time(folder) is None  # never followed
    stamp.unlink()
    os.mkfifo(stamp)  # opened the usual way, it would block until someone writes
    found: list[datetime | None] = []
    reader = threading.Thread(target=lambda: found.append(stored_time(folder)), daemon=True)
    reader.start()
    reader.join(10)
    if reader.is_alive():  # unblock it, then fail
        with open(stamp, "w"):
            pass
        pytest.fail("stored_time blocked on a fifo")
    assert found == [None]
    doorbell = tmp_path / DOORBELL_FILE
    os.mkfifo(doorbell)
    assert not Doorbell(tmp_path).rang()  # grade-on-submit's doorbell is read the same way


# --- integrity: what grading one submission may change ----------------------------------------------


@pytest.fixture
def small_gradebook(tmp_path):
    from nbgrader.api import Gradebook

    from ukm_tools.course.environment import ensure_tools_on_path
    from ukm_tools.course.quiet import quiet_nbgrader

    ensure_tools_on_path()
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with quiet_nbgrader(), Gradebook(url) as gb:
        gb.add_assignment("ps1")
        gb.add_notebook("ps1", "ps1")
        gb.add_grade_cell("t1", "ps1", "ps1", max_score=2, cell_type="code")
        gb.add_solution_cell("s1", "ps1", "ps1")
        for student in ("ani", "budi"):
            gb.add_student(student)
            gb.add_submission("ps1", student)
            grade = gb.find_grade("t1", "ps1", "ps1", student)
            grade.auto_score = 2 if student == "ani" else 1
            gb.db.commit()
    return url


def _db_file(url: str) -> Path:
    path = sqlite_path(url)
    assert path is not None, url
    return path


def _set(url: str, sql: str) -> None:
    import sqlite3

    con = sqlite3.connect(_db_file(url))
    con.execute(sql)
    con.commit()
    con.close()


def _scores(url: str) -> dict[str, tuple]:
    import sqlite3

    con = sqlite3.connect(_db_file(url))
    rows = con.execute(
        "SELECT s.student_id, g.auto_score, g.manual_score FROM grade g JOIN submitted_notebook n ON n.id = "
        "g.notebook_id JOIN submitted_assignment s ON s.id = n.assignment_id"
    ).fetchall()
    con.close()
    return {r[0]: r[1:] for r in rows}


def test_guard_whole_gradebook_rolls_back_every_forbidden_change(small_gradebook):
    from ukm_tools.course.grading.integrity import Guard

    url = small_gradebook
    guard = Guard(url, whole=True)
    start = _scores(url)
    before = guard.take("ps1", "budi")
    _set(url, "UPDATE grade SET auto_score = 2 WHERE auto_score = 1")  # budi's own autograde: allowed
    assert guard.check(before, "ps1", "budi") == []
    before = guard.take("ps1", "budi")
    _set(url, "UPDATE grade SET manual_score = 3996")  # budi's and ani's rows
    _set(url, "CREATE TABLE pwned (x)")
    problems = guard.check(before, "ps1", "budi")
    text = "; ".join(problems)
    assert "1 score(s) outside 0..max of their cell (e.g. 3996 of 2)" in text
    assert "grade: another participant's or the course's rows changed (manual_score) x1" in text
    assert "grade: its own rows changed (manual_score) x1" in text and "table created: pwned" in text
    assert _scores(url) == {"ani": start["ani"], "budi": (2.0, None)}
    import sqlite3

    con = sqlite3.connect(_db_file(url))
    assert con.execute("SELECT name FROM sqlite_master WHERE name = 'pwned'").fetchall() == []


def test_guard_in_the_sandbox_checks_the_score_range_only(small_gradebook):
    from ukm_tools.course.grading.integrity import Guard

    url = small_gradebook
    guard = Guard(url, whole=False)
    before = guard.take("ps1", "budi")
    assert set(before.rows) == {
        "grade_cells",
        "assignment",
        "submitted_assignment",
        "submitted_notebook",
        "grade",
        "comment",
    }
    _set(url, "UPDATE grade SET auto_score = 5 WHERE auto_score = 1")
    assert guard.check(before, "ps1", "budi") == ["1 score(s) outside 0..max of their cell (e.g. 5 of 2)"]
    assert _scores(url)["budi"] == (1.0, None)  # rolled back to before this grading


@pytest.mark.timeout(120)
def test_grading_without_a_url_uses_the_courses_configured_gradebook(tmp_path, monkeypatch):
    """nbgrader's autograde writes the gradebook nbgrader_config.py names (UKM_DB_URL on a server);
    the engine's status table and checks must use that one, not a gradebook.db in the course folder."""
    import shutil
    import sqlite3

    from ukm_tools.course import ops
    from ukm_tools.course.grading import grade_assignment

    course = ops.init_course(tmp_path / "course")
    server = tmp_path / "gradebook-server.db"
    shutil.move(course / "gradebook.db", server)
    monkeypatch.setenv("UKM_DB_URL", f"sqlite:///{server}")
    report = grade_assignment(course, "harga-incoterms", students=[])
    assert report.results == [] and not (course / "gradebook.db").exists()
    con = sqlite3.connect(server)
    try:
        assert con.execute("SELECT name FROM sqlite_master WHERE name = 'ukm_grading_status'").fetchone()
    finally:
        con.close()
