"""Fast tests of the grading engine's parts that need no kernel: status table, checks, backup, progress."""

from __future__ import annotations

import io
import sqlite3
import sys
from dataclasses import replace
from datetime import datetime, timedelta

import nbformat
from nbformat.v4 import new_code_cell, new_notebook
from rich.console import Console

from ukm_tools.course.grading import ProgressEvent, Status, StatusStore, SubmissionStatus, progress_reporter
from ukm_tools.course.grading.backup import backup_gradebook
from ukm_tools.course.grading.checks import fingerprint, inspect_submission
from ukm_tools.course.grading.retry import RetryStore
from ukm_tools.course.grading.status import SETTLED


def test_status_store_keeps_one_row_per_submission(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    with StatusStore(url) as store:
        t = datetime(2026, 11, 26, 10, 0, 0)
        store.put(SubmissionStatus("ps1", "bob", Status.RUNNING, attempts=1, started_at=t))
        store.put(SubmissionStatus("ps1", "alice", Status.TIMEOUT, "stopped after 30 s", 2.0, 6.0, 1, t, t, "abc"))
        store.put(SubmissionStatus("ps1", "bob", Status.GRADED, "", 5.0, 6.0, 1, t, t, "def"))
        store.put(SubmissionStatus("ps2", "bob", Status.ERROR, "boom"))
        rows = store.all("ps1")
        assert [(r.student, r.status, r.score, r.fingerprint) for r in rows] == [
            ("alice", Status.TIMEOUT, 2.0, "abc"),
            ("bob", Status.GRADED, 5.0, "def"),
        ]
        bob = store.get("ps2", "bob")
        assert bob is not None and bob.reason == "boom"
        assert store.get("ps2", "nobody") is None
    con = sqlite3.connect(tmp_path / "gradebook.db")
    assert con.execute("SELECT COUNT(*) FROM ukm_grading_status").fetchone() == (3,)


def test_retries_of_a_machine_failure_are_counted_per_submission_bounded_and_kept(tmp_path):
    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    t, s = datetime(2026, 12, 2, 9, 0, 0), timedelta(seconds=1)
    failed = SubmissionStatus("ps1", "ani", Status.INFRA_ERROR, "grading machine: disk full", fingerprint="a")
    with RetryStore(url) as store:
        first = store.failed(failed, t, (5.0, 15.0))
        assert (first.failures, first.retry_at) == (1, t + 5 * s)
        assert first.held("a", t + 4 * s) and not first.held("a", t + 5 * s) and not first.held("b", t)
    with RetryStore(url) as store:  # a restart keeps the count
        assert store.all("ps1")["ani"] == first
        assert store.failed(failed, t, (5.0, 15.0)).retry_at == t + 15 * s
        assert [store.failed(failed, t, (5.0, 15.0)).retry_at for _ in range(2)] == [None, None]  # released
        fresh = store.failed(replace(failed, fingerprint="b"), t, (5.0, 15.0))  # a new submission
        assert (fresh.failures, fresh.retry_at) == (1, t + 5 * s)
        store.forget("ps1", "ani")
        assert store.all("ps1") == {}


def test_status_values_and_settled_set():
    assert str(Status.CORRUPT_NOTEBOOK) == "corrupt_notebook"
    assert Status.PENDING.in_progress and not Status.GRADED.in_progress
    assert Status.ERROR not in SETTLED and Status.KERNEL_DIED not in SETTLED and Status.GRADED in SETTLED


def test_backup_copies_sqlite_and_skips_servers(tmp_path):
    db = tmp_path / "gradebook.db"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.commit()
    copy = backup_gradebook(f"sqlite:///{db}")
    assert copy is not None
    assert copy.parent == tmp_path / "backups" and copy.name.startswith("gradebook-")
    assert sqlite3.connect(copy).execute("SELECT name FROM sqlite_master").fetchall() == [("t",)]
    assert backup_gradebook("postgresql://grader@localhost/course") is None


def test_a_service_grading_all_day_keeps_only_the_newest_backups(tmp_path, monkeypatch):
    # Grade-on-submit backs the gradebook up before every grading: 200 participants who each
    # resubmit would leave hundreds of copies by the afternoon.
    from ukm_tools.course.grading import gradebook

    monkeypatch.setattr(gradebook, "BACKUPS_KEPT", 3)
    db = tmp_path / "gradebook.db"
    sqlite3.connect(db).execute("CREATE TABLE t (x)").connection.commit()
    other = tmp_path / "backups" / "catatan-saya.db"  # not a gradebook backup: never removed
    other.parent.mkdir()
    other.write_text("staff's own file")
    made = [backup_gradebook(f"sqlite:///{db}") for _ in range(5)]
    assert gradebook.backups(db) == made[-3:]
    assert not any(p is None or p.exists() for p in made[:2]) and other.read_text() == "staff's own file"
    assert gradebook.newest_backup(db) == made[-1]


def _nb(*sources_and_ids):
    nb = new_notebook()
    for source, grade_id in sources_and_ids:
        meta = {"nbgrader": {"grade": True, "solution": False, "grade_id": grade_id, "points": 1, "locked": True}}
        nb.cells.append(new_code_cell(source, metadata=meta))
    return nb


def test_inspect_finds_missing_corrupt_and_tampered(tmp_path):
    release, submitted = tmp_path / "release", tmp_path / "submitted"
    release.mkdir()
    submitted.mkdir()
    nbformat.write(_nb(("assert f(1) == 2", "t1"), ("assert g() is None", "t2")), release / "a.ipynb")
    nbformat.write(_nb(("assert f(1) == 2", "t1"), ("pass", "t2")), submitted / "a.ipynb")
    nbformat.write(_nb(("assert f(1) == 2", "t1")), release / "b.ipynb")
    (submitted / "c.ipynb").write_text("{not json")
    nbformat.write(_nb(), release / "c.ipynb")
    found = inspect_submission(submitted, release, ["a", "b", "c"])
    assert found.missing == ["b.ipynb"]
    assert list(found.corrupt) == ["c.ipynb"]
    assert found.tampered == ["test cell 't2' in a.ipynb was edited"]
    nbformat.write(_nb(("assert f(1) == 2", "t1")), submitted / "a.ipynb")
    assert inspect_submission(submitted, release, ["a"]).tampered == ["test cell 't2' in a.ipynb was deleted"]


def test_fingerprint_changes_with_the_submission(tmp_path):
    (tmp_path / "a.ipynb").write_text("{}")
    first = fingerprint(tmp_path)
    assert fingerprint(tmp_path) == first
    (tmp_path / "timestamp.txt").write_text("2026-11-21 09:00:00 UTC")
    assert fingerprint(tmp_path) != first
    assert fingerprint(tmp_path / "missing") == ""


def test_progress_reporter_prints_plain_lines_off_terminal():
    out = io.StringIO()
    console = Console(file=out, force_terminal=False, width=200)
    with progress_reporter(console) as on_progress:
        on_progress(ProgressEvent(2, 0, {}))
        on_progress(
            ProgressEvent(2, 1, {Status.GRADED: 1}, SubmissionStatus("ps1", "alice", Status.GRADED, "", 5.0, 6.0))
        )
        on_progress(
            ProgressEvent(2, 2, {}, SubmissionStatus("ps1", "bob", Status.CORRUPT_NOTEBOOK, "ps1.ipynb: empty"))
        )
    assert out.getvalue().splitlines() == [
        "grading 2 submission(s)",
        "[1/2] alice: graded 5/6",
        "[2/2] bob: corrupt_notebook (ps1.ipynb: empty)",
    ]


def test_progress_reporter_draws_a_bar_on_a_terminal():
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, width=120)
    with progress_reporter(console) as on_progress:
        on_progress(ProgressEvent(4, 0, {}))
        on_progress(ProgressEvent(4, 1, {}, SubmissionStatus("ps1", "bob", Status.TIMEOUT, "stopped after 30 s")))
    text = out.getvalue()
    assert "1/4" in text and "ETA" in text and "bob: timeout" in text


def test_a_venv_under_the_hosts_tmp_is_visible_in_the_sandbox_at_its_own_path_and_survives_its_cleaning(monkeypatch):
    # CI clones the repository into /tmp: the venv is then under /tmp, which the sandbox replaces
    # by a link into its scratch. bwrap could not create the mount point ("Can't mkdir parents"),
    # and the zygote's cleaning between kernels could not make /tmp afresh around it.
    import subprocess
    import tempfile
    from pathlib import Path

    from ukm_tools.course.grading import sandbox
    from ukm_tools.course.grading.settings import SandboxLimits

    inside = """
import os, sys
from ukm_tools.course.grading import zygote
venv = sys.argv[1]
zygote._fresh_scratch(stage=False)
open(os.path.join(os.path.dirname(venv), "planted.py"), "w").write("x = 1")  # a kernel's leftovers
open("/tmp/left.txt", "w").write("x")
zygote._fresh_scratch(stage=False)
print(open(os.path.join(venv, "pyvenv.cfg")).read(), end="")
clone = os.path.dirname(venv)
print(sorted(os.listdir(clone)), os.path.basename(clone) in os.listdir("/tmp"), "left.txt" in os.listdir("/tmp"))
"""
    with tempfile.TemporaryDirectory(dir="/tmp", prefix="ukm-clone-") as clone:
        venv = Path(clone) / ".venv"
        venv.mkdir()
        (venv / "pyvenv.cfg").write_text("home = /usr/bin\n")
        venv.chmod(0o755)
        Path(clone).chmod(0o755)
        roots = sandbox._readonly_roots()
        monkeypatch.setattr(sandbox, "_readonly_roots", lambda: [*roots, str(venv)])
        with tempfile.TemporaryDirectory() as stage, tempfile.TemporaryDirectory() as run:
            args = sandbox.bwrap_args(SandboxLimits(), Path(stage), Path(run))
            done = subprocess.run(
                [*args, "--", sys.executable, "-c", inside, str(venv)], capture_output=True, text=True, timeout=60
            )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "home = /usr/bin\n['.venv'] True False\n"
    i = args.index(str(venv))
    assert args[i - 1 : i + 2] == ["--ro-bind", str(venv), sandbox.TMP + str(venv).removeprefix("/tmp")]
