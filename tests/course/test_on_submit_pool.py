"""Grade-on-submit keeps its grading workers warm: a later round is graded by the same worker
processes the service started with, and a worker that dies is replaced without stopping the service.

The service runs in a thread of the test (``serve``), on the real harga-incoterms course, with
one worker so the test is cheap; submissions are the portal's own (see test_on_submit.py).
"""

from __future__ import annotations

import os
import signal
import threading
import time
from datetime import datetime, timedelta

import pytest

from tests.course.test_on_submit import ASSIGNMENT, released, submit
from ukm_tools.course import ops
from ukm_tools.course.grading.engine import GradingPool
from ukm_tools.course.grading.gradebook import BACKUP_FOLDER, sqlite_path
from ukm_tools.course.grading.on_submit import Doorbell, serve
from ukm_tools.course.grading.status import Status, StatusStore, utcnow
from ukm_tools.course.intake import intake
from ukm_tools.course.results import ResultStore


class Service:
    """grade-on-submit serving ``course`` in a thread, with the pool it started."""

    def __init__(self, course):
        self.course, self.db_url = course, ops.db_url(course)
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.pool: GradingPool | None = None
        self.failed: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, name="on-submit", daemon=True)

    def _run(self):
        def on_pool(pool):
            self.pool = pool
            self.ready.set()

        try:
            serve(self.course, self.db_url, self.stop, poll_s=0.2, on_pool=on_pool, workers=1)
        except BaseException as exc:  # the test reports it instead of hanging
            self.failed.append(exc)
            self.ready.set()

    def submit_and_wait(self, student: str, fob_wrong: bool) -> None:
        """Submit and wait until the service releases this submission's result."""
        before = released(self.db_url).get(student)
        submit(self.course, student, fob_wrong=fob_wrong, when=utcnow() + timedelta(milliseconds=1))
        deadline = time.monotonic() + 120
        while released(self.db_url).get(student) in (None, before):
            assert time.monotonic() < deadline and not self.failed, f"{student}: no result released"
            time.sleep(0.1)

    def status(self, student: str):
        store = StatusStore(self.db_url)
        try:
            return store.get(ASSIGNMENT, student)
        finally:
            store.close()

    def score(self, student: str) -> tuple[float, float]:
        with ResultStore(self.db_url) as store:
            result = store.get(ASSIGNMENT, student)
        assert result is not None and result.score is not None and result.max_score is not None, student
        return result.score, result.max_score


@pytest.fixture(scope="module")
def service(tmp_path_factory):
    course = ops.init_course(tmp_path_factory.mktemp("warm") / "course")
    ops.release(course, ASSIGNMENT)
    svc = Service(course)
    svc.thread.start()
    assert svc.ready.wait(120) and not svc.failed, svc.failed
    pool = svc.pool
    assert pool is not None
    yield svc
    svc.stop.set()
    svc.thread.join(60)
    assert not svc.thread.is_alive(), "the service did not stop"
    assert not pool.pids(), "the service left grading workers running"
    assert not pool.runtime_root.exists(), "the pool's runtime folder (copies of submissions) was left"


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_later_rounds_are_graded_by_the_workers_started_with_the_service(service):
    started = service.pool.pids()
    assert len(started) == 1 and all(_alive(pid) for pid in started.values())

    service.submit_and_wait("p001", fob_wrong=True)
    service.submit_and_wait("p002", fob_wrong=False)

    assert service.pool.pids() == started  # no worker was started for these rounds
    # Each graded once, with the score its answers earn (FOB wrong: 5 of 12; all right: 8 of 12).
    assert service.score("p001") == (5.0, 12.0)
    assert service.score("p002") == (8.0, 12.0)
    assert (service.status("p001").status, service.status("p001").attempts) == (Status.GRADED, 1)
    assert (service.status("p002").status, service.status("p002").attempts) == (Status.GRADED, 1)

    # A resubmission is graded again on the same warm worker: newer supersedes older.
    service.submit_and_wait("p001", fob_wrong=False)
    assert service.score("p001") == (8.0, 12.0)
    assert service.pool.pids() == started


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_killed_worker_is_replaced_and_the_service_keeps_grading(service):
    service.submit_and_wait("p010", fob_wrong=False)  # the pool is warm and working
    (dead,) = service.pool.pids().values()
    os.kill(dead, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while _alive(dead) and time.monotonic() < deadline:
        time.sleep(0.05)

    service.submit_and_wait("p011", fob_wrong=True)

    (fresh,) = service.pool.pids().values()
    assert fresh != dead and _alive(fresh)
    assert service.score("p011") == (5.0, 12.0)
    assert (service.status("p011").status, service.status("p011").attempts) == (Status.GRADED, 1)
    assert service.thread.is_alive() and not service.failed


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.timeout(180)
def test_a_submission_arriving_during_a_grading_joins_it(service):
    gradebook = sqlite_path(service.db_url)
    assert gradebook is not None
    backups = gradebook.parent / BACKUP_FOLDER
    taken = len(list(backups.glob("*.db")))  # the engine backs up the gradebook once per grading run
    submit(service.course, "p020", fob_wrong=False, when=utcnow())
    deadline = time.monotonic() + 60
    while (row := service.status("p020")) is None or row.status is not Status.RUNNING:
        assert time.monotonic() < deadline, "p020 was never seen being graded"
        time.sleep(0.02)

    service.submit_and_wait("p021", fob_wrong=True)  # sent while p020 is being graded, on the only worker

    assert len(list(backups.glob("*.db"))) == taken + 1  # one grading run took both
    assert service.score("p020") == (8.0, 12.0) and service.score("p021") == (5.0, 12.0)
    assert [service.status(s).attempts for s in ("p020", "p021")] == [1, 1]


def test_each_stored_submission_rings_the_doorbell_the_service_watches(tmp_path):
    bell = Doorbell(tmp_path)
    assert not bell.rang()
    first = datetime(2026, 12, 2, 3, 0)
    for n in range(3):  # resubmissions in quick succession each ring (a token per ring, not a new mtime)
        intake(tmp_path, ASSIGNMENT, "p001", {f"{ASSIGNMENT}.ipynb": b"{}"}, first + timedelta(seconds=n))
        assert bell.rang() and not bell.rang()
    intake(tmp_path, ASSIGNMENT, "p001", {f"{ASSIGNMENT}.ipynb": b"{}"}, first)  # older: not stored
    assert not bell.rang()
