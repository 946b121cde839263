"""Grade-on-submit: a service that grades each new submission and releases the participant's result.

Runs as the course user in the course folder (a hub-managed service, started by the hub like
the staff pages). It keeps no queue of its own: the queue is the difference between what is
stored in ``submitted/`` and what was released. Every round it compares, per assignment,
the fingerprint of each stored submission (:func:`~ukm_tools.course.grading.checks.fingerprint`)
with the fingerprint of the participant's released result (:class:`~ukm_tools.course.results.ResultStore`)
and grades the ones that differ with the same sandboxed engine as ``ukm grade``, then releases
their results. The engine's workers are kept warm for as long as the service runs (one
:class:`~ukm_tools.course.grading.engine.GradingPool`, started with the service and fed every
round, of every assignment), so a submission waits for its own grading only, not for workers,
sandboxes and kernels to start; a worker that dies is replaced.

Each result is released as soon as its grading ends. Restart-safe by construction: a stop
(SIGTERM from the hub, taken after the next grading that finishes) or a crash leaves every
submission either released with the fingerprint it was graded at, or waiting. A waiting one
that the engine had already graded (settled and unchanged) is not graded again, only released;
one whose grading was cut short is graded from the start. A newer submission replaces the
stored folder (the intake's atomic rename), so the queue only ever holds each participant's
latest submission; one superseded while being graded differs from the released fingerprint
and is graded again in the next round.

A grading the machine failed (``infra_error``, never the participant's fault) is not released
at once: the submission stays waiting and is graded again after a short delay (and after the
grading it failed in has ended), a bounded number of times (:mod:`~ukm_tools.course.grading.retry`,
whose count survives a restart); only when every grading failed is the ``infra_error`` released,
for staff to see.

    python -m ukm_tools.course.grading.on_submit      (the hub sets UKM_HUB_COURSE_DIR)
"""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from ukm_tools.course.grading.checks import fingerprint
from ukm_tools.course.grading.engine import GradingPool, ProgressEvent, submission_folders
from ukm_tools.course.grading.retry import RETRY_DELAYS_S, RetryStore
from ukm_tools.course.grading.status import SETTLED, Status, StatusStore, SubmissionStatus, utcnow
from ukm_tools.course.results import ResultStore, build_result
from ukm_tools.regular_files import read_regular

log = logging.getLogger("ukm.on_submit")

#: Seconds between two looks at ``submitted/`` when nothing was waiting.
POLL_S = 1.0
#: Seconds between two looks at the intake's doorbell (one small read), which starts a look at once.
DOORBELL_S = 0.1
#: Seconds before the next round after a round that failed (a full disk, an unusable gradebook), doubled
#: after each further failure up to the maximum, and back to the first after a round that worked: a
#: broken machine is not hammered with a gradebook backup every second.
FAILED_ROUND_WAIT_S = 1.0
FAILED_ROUND_WAIT_MAX_S = 60.0


class Doorbell:
    """The intake writes a fresh token to a file after each stored submission
    (:func:`~ukm_tools.course.intake.ring_doorbell`): reading it every ``DOORBELL_S`` tells the
    service to look at ``submitted/`` now rather than at its next poll. Polling stays the
    guarantee (a missed ring costs at most ``POLL_S``)."""

    def __init__(self, course_dir: Path) -> None:
        from ukm_tools.course.intake import DOORBELL_FILE

        self.path = Path(course_dir) / DOORBELL_FILE
        self._seen = self._stamp()

    def _stamp(self) -> bytes | None:
        return read_regular(self.path, 64)

    def rang(self) -> bool:
        """True once for every change of the file since the last call."""
        now = self._stamp()
        changed, self._seen = now != self._seen, now
        return changed

    def wait(self, stop: threading.Event, timeout: float) -> None:
        """Return after ``timeout`` seconds, or earlier when it rings or ``stop`` is set."""
        deadline = time.monotonic() + timeout
        while not stop.is_set() and not self.rang():
            left = deadline - time.monotonic()
            if left <= 0:
                return
            stop.wait(min(DOORBELL_S, left))


@dataclass(frozen=True)
class Round:
    """What one round graded and released: (assignment, student) pairs."""

    graded: list[tuple[str, str]]


def waiting(
    course_dir: Path,
    assignment: str,
    results: ResultStore,
    retries: RetryStore,
    statuses: Mapping[str, SubmissionStatus],
) -> list[str]:
    """Participants of ``assignment`` to grade or release now:

    * a stored submission with no released result (not one held for its delay after a machine failure);
    * a released ``infra_error`` that staff have graded since (``ukm grade``): its grade is released.

    ``statuses``: the engine's status rows of ``assignment`` by student, read once per round."""
    released = results.released_states(assignment)
    retried = retries.all(assignment)
    now = utcnow()
    todo = []
    for student, folder in submission_folders(course_dir, assignment).items():
        stamp = fingerprint(folder)
        if student in released and released[student].fingerprint == stamp:
            row = statuses.get(student)
            regraded = row is not None and row.status in SETTLED and row.fingerprint == stamp
            if released[student].status == Status.INFRA_ERROR and regraded:
                todo.append(student)  # settled and unchanged: the engine skips it, the round releases it
            continue
        retry = retried.get(student)
        if retry is not None and retry.held(stamp, now):
            continue
        todo.append(student)
    return sorted(todo)


class Stopped(Exception):
    """Raised between two gradings when the service was asked to stop."""


def grade_round(
    course_dir: Path,
    db_url: str,
    assignments: list[str],
    *,
    stop: threading.Event | None = None,
    cell_timeout: int | None = None,
    sandbox: bool = True,
    workers: int | None = None,
    pool: GradingPool | None = None,
    poll_s: float = POLL_S,
    doorbell: Doorbell | None = None,
    retry_delays_s: tuple[float, ...] = RETRY_DELAYS_S,
) -> Round:
    """Grade every waiting submission of ``assignments`` once, releasing each result as soon as
    its grading ends. With ``stop`` set, the round ends after the next grading that finishes
    (:class:`Stopped`); what was released stays released, the rest waits for the next start.

    Grades on ``pool`` (made with the same course, gradebook and settings) when given, else on a
    pool started for this round and stopped at its end. Submissions that arrive while an
    assignment is being graded join that grading when a worker is free (looked for every
    ``poll_s``, or as soon as ``doorbell`` rings), so they need not wait for the round to end.

    A grading that ends in ``infra_error`` is not released while ``retry_delays_s`` leaves another
    grading of that submission: a later round grades it once its delay has passed. Not earlier than
    the end of the grading it failed in (an assignment's running grading admits each participant once),
    so during a burst the retry waits for that grading to end, however short its delay."""
    if pool is None:
        with GradingPool(course_dir, db_url=db_url, cell_timeout=cell_timeout, sandbox=sandbox, workers=workers) as own:
            return grade_round(
                course_dir,
                db_url,
                assignments,
                stop=stop,
                pool=own,
                poll_s=poll_s,
                doorbell=doorbell,
                retry_delays_s=retry_delays_s,
            )
    graded: list[tuple[str, str]] = []
    with ResultStore(db_url) as results, RetryStore(db_url) as retries, StatusStore(db_url) as status_store:

        def finished(assignment: str, status: SubmissionStatus) -> None:
            if not status.fingerprint:
                # Names no submission (a row from before the engine recorded one): released, it would
                # never match the folder and be graded again every round; left waiting, it is graded again.
                log.warning("%s/%s: %s without a fingerprint; not released", status.student, assignment, status.status)
                return
            if status.status is Status.INFRA_ERROR:
                retry = retries.failed(status, utcnow(), retry_delays_s)
                if retry.retry_at is not None:
                    log.warning(
                        "%s/%s: %s (%s), graded again after %s UTC; not released",
                        status.student,
                        assignment,
                        status.status,
                        status.reason,
                        retry.retry_at.isoformat(timespec="seconds"),
                    )
                    return
            release(assignment, status)
            if status.status is not Status.INFRA_ERROR:
                # After the release: were it to fail, the count of failures so far is kept.
                retries.forget(assignment, status.student)

        def release(assignment: str, status: SubmissionStatus) -> None:
            result = build_result(
                course_dir, db_url, assignment, status.student, str(status.status), status.fingerprint
            )
            results.put(result, utcnow())
            graded.append((assignment, status.student))
            log.info("%s/%s: %s, result released", status.student, assignment, status.status)

        for assignment in assignments:
            statuses = {row.student: row for row in status_store.all(assignment)}
            todo = waiting(course_dir, assignment, results, retries, statuses)
            if not todo:
                continue
            log.info("%s: grading %d submission(s)", assignment, len(todo))

            def on_progress(event: ProgressEvent, assignment: str = assignment) -> None:
                if event.last is not None and not event.last.status.in_progress:
                    finished(assignment, event.last)
                if stop is not None and stop.is_set():
                    raise Stopped

            looked = [time.monotonic()]

            def arrivals(
                assignment: str = assignment,
                looked: list[float] = looked,
                statuses: dict[str, SubmissionStatus] = statuses,
            ) -> list[str]:
                if stop is not None and stop.is_set():
                    return []
                rang = doorbell is not None and doorbell.rang()
                if not rang and time.monotonic() - looked[0] < poll_s:
                    return []
                looked[0] = time.monotonic()
                return waiting(course_dir, assignment, results, retries, statuses)

            report = pool.grade(
                assignment,
                students=todo,
                on_progress=on_progress,
                more=arrivals,
                more_every=DOORBELL_S if doorbell is not None else poll_s,
            )
            # Graded before a stop (or by staff) but not released then: settled and unchanged, so not
            # graded again.
            for status in report.results:
                if status.student in report.skipped:
                    finished(assignment, status)
    return Round(graded)


def released_assignments(course_dir: Path) -> list[str]:
    """Assignments of course.yml that have a release (the only ones a participant can submit)."""
    from ukm_tools.course.config import load_course

    return [a.name for a in load_course(course_dir).assignments() if (course_dir / "release" / a.name).is_dir()]


def serve(
    course_dir: Path,
    db_url: str,
    stop: threading.Event,
    *,
    poll_s: float = POLL_S,
    on_round: Callable[[Round], None] | None = None,
    sandbox: bool = True,
    workers: int | None = None,
    on_pool: Callable[[GradingPool], None] | None = None,
    retry_delays_s: tuple[float, ...] = RETRY_DELAYS_S,
) -> None:
    """Grade rounds until ``stop`` is set (checked between rounds and between gradings), on one
    warm pool started before the first round (``on_pool`` is told of it) and stopped on return."""
    pool: GradingPool | None = None
    doorbell = Doorbell(course_dir)
    backoff = FAILED_ROUND_WAIT_S
    try:
        while not stop.is_set():
            try:
                if pool is None:
                    pool = GradingPool(course_dir, db_url=db_url, sandbox=sandbox, workers=workers)
                    pool.start()
                    log.info("grading pool ready: %d worker(s)", len(pool.pids()))
                    if on_pool:
                        on_pool(pool)
                done = grade_round(
                    course_dir,
                    db_url,
                    released_assignments(course_dir),
                    stop=stop,
                    pool=pool,
                    poll_s=poll_s,
                    doorbell=doorbell,
                    retry_delays_s=retry_delays_s,
                )
            except Stopped:
                return
            except Exception:  # a broken round is logged; a later round retries what is still waiting
                log.exception("grading round failed; next round in %g s", backoff)
                if on_round:
                    on_round(Round([]))
                stop.wait(backoff)
                backoff = min(2 * backoff, FAILED_ROUND_WAIT_MAX_S)
                continue
            backoff = FAILED_ROUND_WAIT_S
            if on_round:
                on_round(done)
            if not done.graded:
                doorbell.wait(stop, poll_s)
    finally:
        if pool is not None:
            pool.close()


def main() -> None:
    from ukm_tools.course.environment import ensure_tools_on_path
    from ukm_tools.course.ops import check_course_dir, db_url
    from ukm_tools.course.quiet import quiet_nbgrader

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    ensure_tools_on_path()
    course_dir = check_course_dir(Path(os.environ.get("UKM_HUB_COURSE_DIR") or os.getcwd()))
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    with quiet_nbgrader():
        serve(course_dir, db_url(course_dir), stop)


if __name__ == "__main__":
    main()
