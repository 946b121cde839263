"""Grade-on-submit grades again, a bounded number of times, a submission whose grading the machine
failed (``infra_error``): the participant gets the grade their answers earn, not the machine's failure;
a machine that keeps failing is released once as ``infra_error`` for staff, then left alone.

The machine fault is real: a file-size limit of 0 bytes put on the service's grading worker from
outside (``prlimit``, as an exhausted disk quota would), so it cannot write the autograded copy
(EFBIG, the machine's fault); lifting it heals the machine. The service runs in a thread of the test
(``serve``) on the real harga-incoterms course with one worker and short retry delays.
"""

from __future__ import annotations

import resource
import threading
import time
from datetime import timedelta

import pytest

from tests.course.test_on_submit import ASSIGNMENT, released, submit
from ukm_tools.course import ops
from ukm_tools.course.grading.engine import GradingPool, grade_assignment
from ukm_tools.course.grading.on_submit import serve
from ukm_tools.course.grading.status import Status, StatusStore, SubmissionStatus, utcnow
from ukm_tools.course.results import ResultStore
from ukm_tools.portal.app import _state
from ukm_tools.portal.store import Submission

pytestmark = pytest.mark.slow

#: Short delays keep the tests quick; the first is long enough for the test to heal the machine in between.
DELAYS_S = (1.5, 2.0)


class Service:
    """grade-on-submit serving ``course`` in a thread, with the pool it started."""

    def __init__(self, course, broken: bool = False):
        self.course, self.db_url = course, ops.db_url(course)
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.pool: GradingPool | None = None
        self.failed: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, args=(broken,), name="on-submit", daemon=True)
        self.thread.start()
        assert self.ready.wait(120) and not self.failed, self.failed

    def _run(self, broken: bool):
        def on_pool(pool):
            self.pool = pool
            if broken:  # before the first round
                self.break_machine(True)
            self.ready.set()

        try:
            serve(self.course, self.db_url, self.stop, poll_s=0.2, on_pool=on_pool, workers=1, retry_delays_s=DELAYS_S)
        except BaseException as exc:  # the test reports it instead of hanging
            self.failed.append(exc)
            self.ready.set()

    def close(self) -> float:
        """Stop the service; returns the seconds it took."""
        started = time.monotonic()
        self.stop.set()
        self.thread.join(60)
        assert not self.thread.is_alive() and not self.failed, self.failed
        return time.monotonic() - started

    def break_machine(self, broken: bool) -> None:
        """A file-size limit of 0 bytes on the worker (its writes fail with EFBIG), or none."""
        assert self.pool is not None
        (pid,) = self.pool.pids().values()
        hard = resource.prlimit(pid, resource.RLIMIT_FSIZE)[1]
        resource.prlimit(pid, resource.RLIMIT_FSIZE, (0 if broken else hard, hard))

    def status(self, student: str) -> SubmissionStatus | None:
        with StatusStore(self.db_url) as store:
            return store.get(ASSIGNMENT, student)

    def wait_status(self, student: str, attempts: int) -> SubmissionStatus:
        """The status once the ``attempts``-th grading of ``student`` has ended."""
        deadline = time.monotonic() + 90
        while (row := self.status(student)) is None or row.attempts < attempts or row.status.in_progress:
            assert time.monotonic() < deadline and not self.failed, f"{student}: grading {attempts} never ended"
            time.sleep(0.02)
        return row

    def wait_released(self, student: str, timeout_s: float = 90):
        deadline = time.monotonic() + timeout_s
        while student not in (now := released(self.db_url)):
            assert time.monotonic() < deadline and not self.failed, f"{student}: no result released"
            time.sleep(0.05)
        return now[student]


def wait_changed(service: Service, student: str, before):
    """When ``student``'s result is released again after ``before``."""
    deadline = time.monotonic() + 90
    while (now := released(service.db_url)[student]) == before:
        assert time.monotonic() < deadline and not service.failed, f"{student}: no new result released"
        time.sleep(0.05)
    return now


@pytest.fixture
def course(tmp_path):
    course = ops.init_course(tmp_path / "course")
    ops.release(course, ASSIGNMENT)
    return course


@pytest.mark.timeout(240)
def test_a_grading_the_machine_failed_is_graded_again_and_only_the_grade_is_released(course):
    service = Service(course, broken=True)
    try:
        submit(course, "p001", fob_wrong=True, when=utcnow())
        first = service.wait_status("p001", attempts=1)
        assert first.status is Status.INFRA_ERROR and first.reason.startswith("grading machine: File too large")
        assert "p001" not in released(service.db_url)  # the machine's failure is not the participant's result
        service.break_machine(False)  # the machine recovers before the retry is due

        service.wait_released("p001")
        graded = service.status("p001")
        assert graded is not None and graded.status is Status.GRADED
        assert 2 <= graded.attempts <= 1 + len(DELAYS_S)  # 2, unless the test healed the machine late
        with ResultStore(service.db_url) as results:
            result = results.get(ASSIGNMENT, "p001")
        assert result is not None and result.status == Status.GRADED and result.fingerprint == graded.fingerprint
        assert (result.score, result.max_score) == (5.0, 12.0)  # what FOB answered wrong earns
        assert result.fingerprint == first.fingerprint  # the same submission, graded again
    finally:
        service.close()


@pytest.mark.timeout(240)
def test_a_machine_that_keeps_failing_is_released_once_after_the_bound_even_across_a_restart(course):
    service = Service(course, broken=True)
    try:
        handed_in = utcnow()
        submit(course, "p002", fob_wrong=False, when=handed_in)
        assert service.wait_status("p002", attempts=2).status is Status.INFRA_ERROR
        assert "p002" not in released(service.db_url)
    finally:
        # Stopped while the last retry waits for its delay: promptly, and the count is kept.
        assert service.close() < 5  # nothing waits for the retry's delay

    service = Service(course, broken=True)  # a new worker: still the same broken machine
    try:
        when = service.wait_released("p002")
        row = service.status("p002")
        assert row is not None and (row.status, row.attempts) == (Status.INFRA_ERROR, 1 + len(DELAYS_S))
        with ResultStore(service.db_url) as results:
            result = results.get(ASSIGNMENT, "p002")
        assert result is not None and result.status == Status.INFRA_ERROR
        # The portal shows it as the staff's to check (it is this submission's result), not as being graded.
        sent = Submission(ASSIGNMENT, "p002", {}, handed_in, 1)
        assert _state(False, sent, result) == "Terkirim, menunggu pemeriksaan staf"
        # Released once, then left alone (no hot loop): nothing graded it again after the last delay.
        time.sleep(max(DELAYS_S) + 1.0)
        after = service.status("p002")
        assert after is not None and after.attempts == 1 + len(DELAYS_S)
        assert released(service.db_url)["p002"] == when

        # Staff grade it (`ukm grade`, on a sound grader): the service releases that grade, without grading it.
        report = grade_assignment(course, ASSIGNMENT, workers=1)
        assert report.by_student()["p002"].status is Status.GRADED
        when = wait_changed(service, "p002", when)
        with ResultStore(service.db_url) as results:
            result = results.get(ASSIGNMENT, "p002")
        assert result is not None and (result.status, result.score, result.max_score) == ("graded", 8.0, 12.0)
        after = service.status("p002")
        assert after is not None and after.attempts == 2 + len(DELAYS_S)  # the staff's grading only

        # A new submission starts afresh: its first failure is held back for a retry again.
        submit(course, "p002", fob_wrong=False, when=utcnow() + timedelta(milliseconds=1))
        first = service.wait_status("p002", attempts=3 + len(DELAYS_S))  # after the service's and the staff's
        assert first.status is Status.INFRA_ERROR
        assert released(service.db_url)["p002"] == when
        service.break_machine(False)
        wait_changed(service, "p002", when)
        row = service.status("p002")
        assert row is not None and row.status is Status.GRADED
        with ResultStore(service.db_url) as results:
            result = results.get(ASSIGNMENT, "p002")
        assert result is not None and (result.status, result.score, result.max_score) == ("graded", 8.0, 12.0)
    finally:
        service.close()
