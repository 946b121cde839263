"""A grading run killed with SIGKILL mid-way resumes: one grade per submission, all statuses final."""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import time

import psutil
import pytest
from grading_course import ASSIGNMENT, fresh_copy, runtime_folders, session_course

from ukm_tools.course.grading import Status, StatusStore, grade_assignment
from ukm_tools.course.grading.status import default_db_url

pytestmark = pytest.mark.slow

GRADE_CELLS = 3  # test_squares, test_total, explain


def _statuses(course):
    with StatusStore(default_db_url(course)) as store:
        return store.all(ASSIGNMENT)


@pytest.mark.timeout(240)
def test_sigkill_mid_run_then_rerun_grades_the_rest_once(tmp_path_factory, tmp_path):
    course = fresh_copy(session_course(tmp_path_factory), tmp_path / "course", students=["passes-all", "fails-one"])
    submitted = course / "submitted"
    for i in range(8):
        shutil.copytree(submitted / "passes-all", submitted / f"student-{i:02d}")
    students = sorted(p.name for p in submitted.iterdir())

    code = (
        "import sys\n"
        "from ukm_tools.course.grading import grade_assignment\n"
        f"grade_assignment({str(course)!r}, {ASSIGNMENT!r}, workers=2, cell_timeout=5)\n"
    )
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while True:
        assert time.monotonic() < deadline, "the first run never got going"
        assert proc.poll() is None, "the first run finished before it could be killed"
        try:
            rows = _statuses(course) if (course / "gradebook.db").exists() else []
        except Exception:  # table not created yet
            rows = []
        done = sum(r.status is Status.GRADED for r in rows)
        running = [r.student for r in rows if r.status is Status.RUNNING]
        if done >= 2 and running:
            break
        time.sleep(0.1)
    family = psutil.Process(proc.pid).children(recursive=True)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=10)
    # Workers, kernels and their sandboxes go down with the coordinator.
    gone, alive = psutil.wait_procs(family, timeout=15)
    assert alive == []

    interrupted = _statuses(course)
    assert any(r.status is Status.RUNNING for r in interrupted)
    assert any(r.status is Status.GRADED for r in interrupted)

    left = list(runtime_folders(proc.pid))
    assert left, "a killed run cannot remove its runtime folder (participants' notebooks in it)"
    report = grade_assignment(course, ASSIGNMENT, workers=2, cell_timeout=5)
    # The next run removed the dead run's folder and took its lock over, naming it.
    assert not any(p.exists() for p in left)
    assert report.stale_lock is not None and report.stale_lock.pid == proc.pid
    assert sorted(r.student for r in report.results) == students
    assert all(r.status is Status.GRADED for r in report.results), [(r.student, r.reason) for r in report.results]
    expected = {s: (2.0 if s == "fails-one" else 5.0) for s in students}
    assert {r.student: r.score for r in report.results} == expected
    # Graded before the kill: skipped, not graded twice.
    before = {r.student for r in interrupted if r.status is Status.GRADED}
    assert before <= set(report.skipped)
    for r in report.results:
        if r.student in {x.student for x in interrupted if x.status is Status.RUNNING}:
            assert r.attempts == 2

    con = sqlite3.connect(course / "gradebook.db")
    per_student = dict(
        con.execute(
            "SELECT s.student_id, COUNT(g.id) FROM submitted_assignment s JOIN submitted_notebook n "
            "ON n.assignment_id = s.id JOIN grade g ON g.notebook_id = n.id GROUP BY s.student_id"
        ).fetchall()
    )
    assert per_student == {s: GRADE_CELLS for s in students}
    assert con.execute("SELECT COUNT(*) FROM ukm_grading_status").fetchone() == (len(students),)
    assert {r.student: r.score for r in _statuses(course)} == expected
