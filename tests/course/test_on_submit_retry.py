"""Grade-on-submit grades again, a bounded number of times, a submission whose grading the machine
failed (``infra_error``): the participant gets the grade their answers earn, not the machine's failure;
a machine that keeps failing is released once as ``infra_error`` for staff, then left alone.

The rules are tested in milliseconds on :func:`grade_round` with a scripted pool and a clock the test
moves; one end-to-end test puts a real machine fault on the service's real grading worker.
"""

from __future__ import annotations

import errno
import os
import resource
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest

from ukm_tools.course import ops
from ukm_tools.course.grading import on_submit
from ukm_tools.course.grading.checks import fingerprint
from ukm_tools.course.grading.engine import GradingPool, GradingReport, ProgressEvent
from ukm_tools.course.grading.on_submit import Round, grade_round, serve, waiting
from ukm_tools.course.grading.retry import RetryStore
from ukm_tools.course.grading.status import SETTLED, Status, StatusStore, SubmissionStatus
from ukm_tools.course.results import Result, ResultStore

A = "tugas"
DELAYS_S = (60.0, 120.0)


class Clock:
    """grade-on-submit's clock, moved by the test."""

    def __init__(self) -> None:
        self.now = datetime(2026, 1, 1, 8, 0, 0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


class ScriptedPool:
    """A grading pool whose gradings end as the test scripted, per student (in order); like the engine,
    it skips a settled, unchanged submission and records every grading in the status table."""

    def __init__(self, db_url: str, course: Path) -> None:
        self.db_url, self.course = db_url, course
        self.script: dict[str, list[Status]] = {}
        self.graded: list[str] = []
        self.no_fingerprint: set[str] = set()

    def grade(self, assignment, *, students, on_progress=None, more=None, more_every=1.0) -> GradingReport:
        results, skipped = [], []
        with StatusStore(self.db_url) as store:
            for student in students:
                prev = store.get(assignment, student)
                stamp = fingerprint(self.course / "submitted" / student / assignment)
                if prev is not None and prev.status in SETTLED and prev.fingerprint == stamp:
                    skipped.append(student)
                    results.append(prev)
                    continue
                status = self.script[student].pop(0)
                row = SubmissionStatus(
                    assignment,
                    student,
                    status,
                    "grading machine: File too large (EFBIG)" if status is Status.INFRA_ERROR else "",
                    attempts=(prev.attempts if prev else 0) + 1,
                    fingerprint="" if student in self.no_fingerprint else stamp,
                )
                store.put(row)
                self.graded.append(student)
                results.append(row)
                if on_progress:
                    on_progress(ProgressEvent(len(students), len(results), {}, row))
        return GradingReport(assignment, results, 0.0, skipped=skipped)


class Course:
    def __init__(self, root: Path, monkeypatch) -> None:
        self.root = root
        self.db_url = f"sqlite:///{root / 'gradebook.db'}"
        self.pool = ScriptedPool(self.db_url, root)
        self.clock = Clock()
        self.broken_release = 0
        monkeypatch.setattr(on_submit, "utcnow", self.clock)
        monkeypatch.setattr(on_submit, "build_result", self._result)

    def _result(self, course_dir, db_url, assignment, student, status, stamp) -> Result:
        if self.broken_release:
            self.broken_release -= 1
            raise OSError("disk full while releasing")
        return Result(assignment, student, status, stamp, None, None)

    def submit(self, student: str, text: str = "jawaban") -> str:
        folder = self.root / "submitted" / student / A
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{A}.ipynb").write_text(text)
        (folder / "timestamp.txt").write_text(f"{text} {len(text)}")
        return fingerprint(folder)

    def round(self) -> list[tuple[str, str]]:
        pool: GradingPool = self.pool  # type: ignore[assignment]
        return grade_round(self.root, self.db_url, [A], pool=pool, retry_delays_s=DELAYS_S).graded

    def released(self, student: str) -> tuple[str, str] | None:
        with ResultStore(self.db_url) as results:
            result = results.get(A, student)
        return None if result is None else (result.status, result.fingerprint)

    def retry(self, student: str):
        with RetryStore(self.db_url) as retries:
            return retries.all(A).get(student)

    def waiting(self) -> list[str]:
        with ResultStore(self.db_url) as results, RetryStore(self.db_url) as retries, StatusStore(self.db_url) as st:
            return waiting(self.root, A, results, retries, {s.student: s for s in st.all(A)})


@pytest.fixture
def course(tmp_path, monkeypatch) -> Course:
    return Course(tmp_path, monkeypatch)


@pytest.mark.timeout(60)
def test_a_failed_grading_is_held_for_its_delay_then_graded_again_and_only_the_grade_released(course):
    stamp = course.submit("p001")
    course.pool.script["p001"] = [Status.INFRA_ERROR, Status.GRADED]
    assert course.round() == [] and course.released("p001") is None
    retry = course.retry("p001")
    assert (retry.fingerprint, retry.failures) == (stamp, 1)
    course.clock.advance(DELAYS_S[0] - 1)
    assert course.waiting() == [] and course.round() == []  # held: not graded before its delay
    course.clock.advance(1)
    assert course.round() == [(A, "p001")]
    assert course.released("p001") == ("graded", stamp) and course.retry("p001") is None
    assert course.pool.graded == ["p001", "p001"]


@pytest.mark.timeout(60)
def test_a_machine_that_keeps_failing_is_released_once_after_the_bound_then_left_alone(course):
    stamp = course.submit("p002")
    course.pool.script["p002"] = [Status.INFRA_ERROR] * 3
    for delay in DELAYS_S:
        assert course.round() == []
        course.clock.advance(delay)
    assert course.round() == [(A, "p002")]  # the 3rd failure
    assert course.released("p002") == ("infra_error", stamp)
    course.clock.advance(3600)
    assert course.waiting() == [] and course.round() == []  # no more gradings (the script is empty)
    assert course.pool.graded == ["p002"] * 3


@pytest.mark.timeout(60)
def test_a_released_infra_error_graded_by_staff_is_released_without_grading_it(course):
    stamp = course.submit("p003")
    course.pool.script["p003"] = [Status.INFRA_ERROR] * 3
    for delay in (*DELAYS_S, 0):
        course.round()
        course.clock.advance(delay)
    assert course.released("p003") == ("infra_error", stamp)
    with RetryStore(course.db_url) as retries:  # released before retries were counted: no retry row
        retries.forget(A, "p003")
    with StatusStore(course.db_url) as statuses:  # `ukm grade` on a sound machine
        statuses.put(SubmissionStatus(A, "p003", Status.GRADED, attempts=4, fingerprint=stamp))
    assert course.round() == [(A, "p003")]
    assert course.released("p003") == ("graded", stamp) and course.pool.graded == ["p003"] * 3
    assert course.waiting() == []


@pytest.mark.timeout(60)
def test_a_resubmission_while_a_retry_is_held_is_graded_at_once_and_counted_afresh(course):
    first = course.submit("p004", "lama")
    course.pool.script["p004"] = [Status.INFRA_ERROR, Status.INFRA_ERROR, Status.GRADED]
    course.round()
    assert course.retry("p004").failures == 1
    newer = course.submit("p004", "jawaban baru")
    assert newer != first and course.waiting() == ["p004"]  # not held by the older submission's delay
    assert course.round() == []
    retry = course.retry("p004")
    assert (retry.fingerprint, retry.failures) == (newer, 1)
    course.clock.advance(DELAYS_S[0])
    assert course.round() == [(A, "p004")] and course.released("p004") == ("graded", newer)


@pytest.mark.timeout(60)
def test_a_status_without_fingerprint_is_neither_released_nor_counted(course):
    stamp = course.submit("p005")
    course.pool.script["p005"] = [Status.ERROR, Status.INFRA_ERROR, Status.ERROR]
    course.pool.no_fingerprint.add("p005")
    assert course.round() == [] and course.released("p005") is None and course.retry("p005") is None
    assert course.round() == [] and course.retry("p005") is None  # an infra_error without one neither
    course.pool.no_fingerprint.clear()  # the engine names the submission it handed out
    assert course.round() == [(A, "p005")] and course.released("p005") == ("error", stamp)
    assert course.waiting() == []


@pytest.mark.timeout(60)
def test_a_release_that_fails_keeps_the_submission_waiting(course):
    stamp = course.submit("p006")
    course.pool.script["p006"] = [Status.INFRA_ERROR] * 3
    for delay in DELAYS_S:
        course.round()
        course.clock.advance(delay)
    course.round()
    assert course.released("p006") == ("infra_error", stamp)
    with StatusStore(course.db_url) as statuses:
        statuses.put(SubmissionStatus(A, "p006", Status.GRADED, attempts=4, fingerprint=stamp))
    course.broken_release = 1
    with pytest.raises(OSError):
        course.round()
    assert course.released("p006") == ("infra_error", stamp) and course.waiting() == ["p006"]
    assert course.round() == [(A, "p006")] and course.released("p006") == ("graded", stamp)


@pytest.mark.timeout(60)
def test_a_worker_failure_is_charged_to_the_submission_it_graded_not_to_a_newer_one(course, monkeypatch):
    from ukm_tools.course.grading import worker

    graded = course.submit("p007", "lama")
    grader = object.__new__(worker.Grader)
    grader.settings = SimpleNamespace(db_url=course.db_url)  # type: ignore[assignment]
    grader.coursedir = SimpleNamespace(
        submitted_directory="submitted", format_path=lambda kind, student, a: str(course.root / kind / student / a)
    )
    monkeypatch.setattr(worker, "check_gradebook", lambda url: None)

    def resubmitted_then_failed(assignment, student, *_):
        course.submit("p007", "jawaban baru")  # the participant resubmits while the machine fails
        raise OSError(errno.EFBIG, "File too large")

    grader._grade = resubmitted_then_failed  # type: ignore[method-assign]
    outcome = grader.grade(A, "p007")
    assert outcome.status is Status.INFRA_ERROR and outcome.fingerprint == graded
    assert graded != fingerprint(course.root / "submitted" / "p007" / A)


def _dies_on_its_first_job(conn, settings, worker_id) -> None:
    conn.send(("ready", None))
    conn.recv()
    os._exit(3)


class _NoGuard:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def take(self, assignment, student):
        return None


def _graded_by_dying_graders(course, monkeypatch, max_attempts: int) -> GradingReport:
    """One engine run of assignment A whose every grader process dies on its first job."""
    import multiprocessing as mp

    from ukm_tools.course.grading import engine

    monkeypatch.setattr(engine, "Guard", _NoGuard)
    pool = engine._Pool(mp.get_context("fork"), SimpleNamespace(runtime_root=str(course.root / "rt")), 30)
    pool._target = _dies_on_its_first_job
    request = engine.GradingRequest(course.root, A, course.db_url, sandbox=True, workers=1, max_attempts=max_attempts)
    try:
        return engine._grade(request, pool, None, False, None)
    finally:
        pool.close()


@pytest.mark.timeout(60)
def test_the_status_of_a_grader_process_that_died_names_the_submission(course, monkeypatch):
    stamp = course.submit("p008")
    row = _graded_by_dying_graders(course, monkeypatch, max_attempts=1).by_student()["p008"]
    assert row.status is Status.ERROR and row.reason.startswith("grader process died")
    assert row.fingerprint == stamp  # so grade-on-submit can release it once, not grade it every round


@pytest.mark.timeout(60)
def test_a_dying_grader_is_retried_in_this_run_however_often_the_submission_was_graded_before(course, monkeypatch):
    stamp = course.submit("p009")
    with StatusStore(course.db_url) as statuses:  # graded 5 times before (resubmissions, machine retries)
        statuses.put(SubmissionStatus(A, "p009", Status.INFRA_ERROR, attempts=5, fingerprint=stamp))
    row = _graded_by_dying_graders(course, monkeypatch, max_attempts=2).by_student()["p009"]
    assert row.status is Status.ERROR and row.reason.startswith("grader process died")
    # handed out twice in this run (max_attempts), on a fresh worker the second time; 5 + 2 in all
    assert row.attempts == 7


class Service:
    """grade-on-submit serving ``course`` in a thread on one worker whose file-size limit is 0 bytes
    (put on from outside with ``prlimit``, as an exhausted disk quota would: it cannot write the
    autograded copy, EFBIG, the machine's fault) until :meth:`heal`."""

    def __init__(self, course: Path) -> None:
        self.course, self.db_url = course, ops.db_url(course)
        self.stop = threading.Event()
        self.ready = threading.Event()
        self.pid: int | None = None
        self.rounds: list[Round] = []
        self.failed: list[BaseException] = []
        self.thread = threading.Thread(target=self._run, name="on-submit", daemon=True)
        self.thread.start()
        assert self.ready.wait(300) and not self.failed, self.failed

    def _run(self) -> None:
        def on_pool(pool) -> None:
            (self.pid,) = pool.pids().values()
            self._limit(0)  # broken before the first round
            self.ready.set()

        try:
            serve(
                self.course,
                self.db_url,
                self.stop,
                poll_s=0.2,
                on_pool=on_pool,
                on_round=self.rounds.append,
                workers=1,
                retry_delays_s=DELAYS_S,
            )
        except BaseException as exc:  # the test reports it instead of hanging
            self.failed.append(exc)
            self.ready.set()

    def _limit(self, size: int | None) -> None:
        assert self.pid is not None
        hard = resource.prlimit(self.pid, resource.RLIMIT_FSIZE)[1]
        resource.prlimit(self.pid, resource.RLIMIT_FSIZE, (hard if size is None else size, hard))

    def heal(self) -> None:
        self._limit(None)

    def close(self) -> None:
        self.stop.set()
        self.thread.join(120)
        assert not self.thread.is_alive() and not self.failed, self.failed

    def wait(self, what: str, ready, timeout_s: float = 300):
        deadline = time.monotonic() + timeout_s
        while not (found := ready()):
            assert time.monotonic() < deadline and not self.failed, f"{what}: not within {timeout_s} s {self.failed}"
            time.sleep(0.1)
        return found


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_a_real_machine_fault_is_graded_again_after_its_delay_and_only_the_grade_released(tmp_path, monkeypatch):
    from tests.course.test_on_submit import ASSIGNMENT, released, submit

    course = ops.init_course(tmp_path / "course")
    ops.release(course, ASSIGNMENT)
    clock = Clock()
    clock.now = on_submit.utcnow()
    monkeypatch.setattr(on_submit, "utcnow", clock)  # the retry's delay passes when the test says
    service = Service(course)
    try:
        submit(course, "p001", fob_wrong=True, when=clock.now)

        def counted() -> int:
            """0 until the failure is counted; then the number of the round it happened in, at the latest."""
            ended = len(service.rounds)
            with RetryStore(service.db_url) as retries:
                retry = retries.all(ASSIGNMENT).get("p001")
            return ended + 1 if retry is not None and retry.failures == 1 else 0

        failed_in = service.wait("the machine's failure counted", counted)
        # Only once that round has ended is "not released" the service's decision, not its being slow.
        service.wait("the round that failed ended", lambda: len(service.rounds) >= failed_in)
        with StatusStore(service.db_url) as statuses:
            first = statuses.get(ASSIGNMENT, "p001")
        assert first is not None and first.status is Status.INFRA_ERROR
        assert first.reason.startswith("grading machine: File too large")
        assert "p001" not in released(service.db_url)  # the machine's failure is not the participant's result

        service.heal()
        clock.advance(DELAYS_S[0])
        service.wait("the grade released", lambda: "p001" in released(service.db_url))
        with StatusStore(service.db_url) as statuses:
            graded = statuses.get(ASSIGNMENT, "p001")
        assert graded is not None and (graded.status, graded.attempts) == (Status.GRADED, 2)
        with ResultStore(service.db_url) as results:
            result = results.get(ASSIGNMENT, "p001")
        assert result is not None and result.status == Status.GRADED
        assert (result.score, result.max_score) == (5.0, 12.0)  # what FOB answered wrong earns
        assert result.fingerprint == graded.fingerprint == first.fingerprint  # the same submission, graded again
    finally:
        service.close()


class _RecordedStop(threading.Event):
    """A stop event whose waits return at once, recorded (serve's pauses, without waiting them)."""

    def __init__(self) -> None:
        super().__init__()
        self.waits: list[float] = []

    def wait(self, timeout: float | None = None) -> bool:
        self.waits.append(timeout or 0.0)
        return self.is_set()


class _NoPool:
    def __init__(self, *args, **kwargs) -> None:
        pass

    def start(self) -> None:
        pass

    def pids(self) -> dict[int, int]:
        return {}

    def close(self) -> None:
        pass


@pytest.mark.timeout(60)
def test_rounds_that_fail_are_retried_ever_more_slowly_and_promptly_again_after_one_that_works(tmp_path, monkeypatch):
    stop = _RecordedStop()
    failed = OSError("disk full")
    outcomes: list[Round | OSError] = [failed, failed, failed, failed, failed, failed, failed, failed]
    outcomes += [Round([(A, "p001")]), failed]

    def round_(*args, **kwargs) -> Round:
        outcome = outcomes.pop(0)
        if not outcomes:
            stop.set()
        if isinstance(outcome, OSError):
            raise outcome
        return outcome

    monkeypatch.setattr(on_submit, "GradingPool", _NoPool)
    monkeypatch.setattr(on_submit, "grade_round", round_)
    monkeypatch.setattr(on_submit, "released_assignments", lambda course_dir: [A])
    serve(tmp_path, f"sqlite:///{tmp_path / 'gradebook.db'}", stop)
    assert stop.waits == [1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 60.0, 60.0, 1.0]
