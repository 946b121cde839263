"""``grade_assignment``: grade every collected submission of an assignment on all cores.

The coordinating process (this module) takes the assignment's grading lock, finds the
submissions, skips the unchanged ones already settled, backs up the gradebook, and hands
submissions one at a time to long-lived worker processes (:mod:`.worker`, forked from a fork
server that imported nbgrader once). Only the coordinator writes the status table, so a
``kill -9`` leaves at most the in-flight submissions ``running``; the next run grades them
again from scratch (nbgrader's ``--force`` path replaces their autograded folder and updates
their grade rows in place). After every submission the coordinator checks what its grading
changed in the gradebook (:mod:`.integrity`) and rolls back a submission that changed what it
may not.
"""

from __future__ import annotations

import multiprocessing as mp
import sqlite3
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait
from pathlib import Path

import sqlalchemy.exc
from traitlets.config import Config

from ukm_tools.course.grading import runtime
from ukm_tools.course.grading.backup import backup_gradebook
from ukm_tools.course.grading.checks import fingerprint
from ukm_tools.course.grading.gradebook import check_gradebook, guarded_url
from ukm_tools.course.grading.integrity import Guard, Snapshot
from ukm_tools.course.grading.lock import Holder, assignment_lock
from ukm_tools.course.grading.sandbox import sandbox_available
from ukm_tools.course.grading.settings import GradingEngine, SandboxLimits, course_config, overrides
from ukm_tools.course.grading.status import SETTLED, Status, StatusStore, SubmissionStatus, utcnow
from ukm_tools.errors import UkmError
from ukm_tools.messages import section

T = section("course.grading.engine")


#: Seconds to wait for a worker process to exit politely, then after SIGKILL.
WORKER_EXIT_WAIT = 10
#: Outcomes after which nbgrader may have written grades for the submission.
_WROTE_GRADES = {Status.GRADED, Status.TIMEOUT, Status.TAMPERED_TEST_CELL, Status.MISSING_NOTEBOOK}


@dataclass(frozen=True)
class ProgressEvent:
    """Passed to ``on_progress`` at the start and after every finished submission."""

    total: int
    done: int
    counts: dict[Status, int]
    last: SubmissionStatus | None = None
    running: tuple[str, ...] = ()


@dataclass
class GradingReport:
    """Result of one :func:`grade_assignment` run."""

    assignment: str
    results: list[SubmissionStatus]
    elapsed_s: float
    backup_path: Path | None = None
    skipped: list[str] = field(default_factory=list)
    """Students whose unchanged, settled submission was not graded again (``force=False``)."""
    stale_lock: Holder | None = None
    """The holder of a lock left by a killed run, taken over by this one."""

    def counts(self) -> dict[Status, int]:
        return dict(Counter(r.status for r in self.results))

    def by_student(self) -> dict[str, SubmissionStatus]:
        return {r.student: r for r in self.results}

    def graded_now(self) -> list[SubmissionStatus]:
        """The submissions this run graded (not the skipped ones)."""
        skipped = set(self.skipped)
        return [r for r in self.results if r.student not in skipped]

    def infrastructure(self) -> dict[str, list[str]]:
        """Reason -> students of this run's submissions that failed because of the grading machine."""
        found: dict[str, list[str]] = {}
        for r in self.graded_now():
            if r.status is Status.INFRA_ERROR:
                found.setdefault(r.reason, []).append(r.student)
        return found


@dataclass(frozen=True)
class GradingRequest:
    """One run of the engine, as the coordinator's scheduling loop carries it."""

    course_dir: Path
    assignment: str
    db_url: str
    """The gradebook as workers and checks open it (SQLite: never creates the file)."""
    sandbox: bool
    workers: int
    max_attempts: int


def submission_folders(course_dir: Path, assignment: str, students: Iterable[str] | None = None) -> dict[str, Path]:
    """``student -> submitted/<student>/<assignment>`` for every collected submission.

    With ``students`` given, exactly those students (a missing folder is still listed, and
    graded as ``missing_notebook``).
    """
    root = course_dir / "submitted"
    if students is not None:
        return {s: root / s / assignment for s in sorted(set(students))}
    if not root.is_dir():
        return {}
    return {p.parent.name: p for p in sorted(root.glob(f"*/{assignment}")) if p.is_dir()}


def _schedule(todo: list[str], previous: dict[str, SubmissionStatus], folders: dict[str, Path]) -> list[str]:
    """Longest first: earlier timeouts, then by last duration, then by submitted size.

    A timeout is a floor on the run time, so starting those first keeps the tail short.
    """

    def size(student: str) -> int:
        return sum(p.stat().st_size for p in folders[student].glob("*.ipynb")) if folders[student].is_dir() else 0

    def key(student: str):
        prev = previous.get(student)
        timed_out = prev is not None and prev.status is Status.TIMEOUT
        duration = (prev.duration_s or 0.0) if prev else 0.0
        return (not timed_out, -duration, -size(student), student)

    return sorted(todo, key=key)


def default_workers(sandbox: bool = True) -> int:
    """Worker processes when nothing is configured (see ``GradingEngine.workers``)."""
    return GradingEngine().worker_count(sandbox)


def _context():
    from ukm_tools.course.grading import worker

    ctx = mp.get_context("forkserver")
    # The fork server imports nbgrader once; every worker forked from it starts warm.
    ctx.set_forkserver_preload([worker.__name__])
    return ctx


class _Pool:
    """Long-lived worker processes driven over pipes; replaces a worker that dies."""

    def __init__(self, ctx, settings, start_timeout: float) -> None:
        from ukm_tools.course.grading.worker import worker_main

        self._ctx, self._settings, self._target = ctx, settings, worker_main
        self._start_timeout = start_timeout
        self._next_id = 0
        self.workers: dict[int, tuple] = {}

    def grow(self, size: int) -> None:
        """Replace workers that died while idle, then start workers until there are ``size`` (all at
        once, then wait: each spends seconds starting its sandboxed zygote)."""
        for wid, (proc, _conn) in list(self.workers.items()):
            if not proc.is_alive():
                self.discard(wid)
        started = [self._start() for _ in range(size - len(self.workers))]
        for wid in started:
            self._wait_ready(wid)

    def pids(self) -> dict[int, int]:
        return {wid: proc.pid for wid, (proc, _conn) in self.workers.items()}

    def _start(self) -> int:
        wid = self._next_id
        self._next_id += 1
        parent_conn, child_conn = self._ctx.Pipe()
        proc = self._ctx.Process(
            target=self._target, args=(child_conn, self._settings, wid), daemon=True, name=f"ukm-grader-{wid}"
        )
        proc.start()
        child_conn.close()
        self.workers[wid] = (proc, parent_conn)
        return wid

    def _wait_ready(self, wid: int) -> None:
        proc, conn = self.workers[wid]
        try:
            if conn.poll(self._start_timeout):
                kind, detail = conn.recv()
            else:
                kind, detail = "fatal", (True, f"no answer within {self._start_timeout:g} s", "")
        except EOFError:
            kind, detail = "fatal", (True, f"exited with code {proc.exitcode}", "")
        if kind != "ready":
            self.close()
            _infra, message, _trace = detail
            raise UkmError("grading_worker_failed", value=str(message).strip().splitlines()[-1][:300])

    def discard(self, wid: int, wait: bool = True) -> None:
        """Stop worker ``wid`` (SIGKILL if it has not exited, after ``WORKER_EXIT_WAIT`` with ``wait``)
        and remove its private folder, which holds copies of the submissions it graded."""
        proc, conn = self.workers.pop(wid)
        conn.close()
        if wait:
            proc.join(timeout=WORKER_EXIT_WAIT)
        if proc.is_alive():
            proc.kill()
            proc.join(timeout=WORKER_EXIT_WAIT)
        runtime.remove(Path(self._settings.runtime_root) / f"worker-{wid}")

    def replace(self, wid: int) -> None:
        self.discard(wid)
        self._wait_ready(self._start())

    def close(self) -> None:
        for _proc, conn in self.workers.values():
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        for proc, conn in self.workers.values():
            proc.join(timeout=WORKER_EXIT_WAIT)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=WORKER_EXIT_WAIT)
            conn.close()
        self.workers.clear()


def _check_course_setup(course_dir: Path, assignment: str, config: Config) -> None:
    """An assignment whose hidden tests only record answers needs VerifyAnswers and an answer key.

    Without them every recorded answer would pass: refuse to grade instead.
    """
    from ukm_tools.course.verify_answers import AnswerKeyError, VerifyAnswers, answer_keys_path, load_answer_keys
    from ukm_tools.exercises.tugas import ASSIGNMENTS

    if assignment not in ASSIGNMENTS:
        return
    configured = config.Autograde.get("autograde_preprocessors", None) or []
    names = [p if isinstance(p, str) else f"{p.__module__}.{p.__qualname__}" for p in configured]
    if not any(n.rsplit(".", 1)[-1] == VerifyAnswers.__name__ for n in names):
        raise UkmError(
            "grading_course_setup",
            "assignment",
            assignment,
            detail=T.msg("setup_no_verify_answers"),
        )
    try:
        keys = load_answer_keys(answer_keys_path(course_dir, VerifyAnswers(config=config).answer_keys))
        if assignment not in keys:
            raise AnswerKeyError(f"the answer key has no entry for {assignment!r}")
    except AnswerKeyError as exc:
        raise UkmError(
            "grading_course_setup", "assignment", assignment, detail=T.msg("setup_answer_key", error=str(exc))
        ) from None


class GradingPool:
    """Sandboxed grading workers for one course and one set of settings, kept warm between gradings.

    The workers (each with its sandboxed zygote of warm kernels) start on the first grading that
    needs them, or with :meth:`start`, and serve every later :meth:`grade` of any assignment of the
    course: grade-on-submit keeps one for as long as it runs, :func:`grade_assignment` one per
    call. A worker that dies is replaced; one left busy by a grading that ended abnormally (an
    exception from ``on_progress``) is stopped, and replaced by the next grading. Settings are
    read once, when the pool is made: a changed ``nbgrader_config.py`` needs a new pool.

    Use as a context manager, or call :meth:`close`: it stops the workers and removes the pool's
    private runtime folder.
    """

    def __init__(
        self,
        course_dir,
        *,
        workers: int | None = None,
        cell_timeout: int | None = None,
        sandbox: bool = True,
        db_url: str | None = None,
        config: Config | None = None,
        confirm_unsandboxed: bool = False,
    ) -> None:
        from ukm_tools.course.environment import ensure_tools_on_path

        self.course_dir = Path(course_dir).resolve()
        if not db_url:
            from ukm_tools.course.ops import db_url as configured_db_url

            db_url = configured_db_url(self.course_dir)  # the course's gradebook, as nbgrader's autograde writes it
        check_gradebook(db_url)
        if not sandbox and not confirm_unsandboxed:
            raise UkmError("grading_unsandboxed_refused")
        if sandbox and not sandbox_available():
            raise UkmError("grading_no_sandbox")
        ensure_tools_on_path()
        self.db_url, self.sandbox = db_url, sandbox
        run_overrides = overrides(workers=workers, cell_timeout=cell_timeout, extra=config)
        self.config = course_config(self.course_dir, run_overrides)
        self.engine = GradingEngine(config=self.config)
        if sandbox:
            SandboxLimits(config=self.config).check()
        self.size = self.engine.worker_count(sandbox)
        self.runtime_root = runtime.new_runtime_root()
        from ukm_tools.course.grading.worker import WorkerSettings

        settings = WorkerSettings(
            course_dir=str(self.course_dir),
            db_url=guarded_url(db_url),
            overrides=run_overrides,
            sandbox=sandbox,
            runtime_root=str(self.runtime_root),
        )
        self._workers = _Pool(_context(), settings, self.engine.worker_start_timeout)

    def __enter__(self) -> GradingPool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def start(self) -> None:
        """Start every worker now (the first grading need not wait for them)."""
        self._workers.grow(self.size)

    def pids(self) -> dict[int, int]:
        """Worker id -> process id of the running workers."""
        return self._workers.pids()

    def close(self) -> None:
        try:
            self._workers.close()
        finally:
            runtime.remove(self.runtime_root)

    def grade(
        self,
        assignment: str,
        *,
        students: Iterable[str] | None = None,
        force: bool = False,
        on_progress: Callable[[ProgressEvent], None] | None = None,
        more: Callable[[], Iterable[str]] | None = None,
        more_every: float = 1.0,
    ) -> GradingReport:
        """Grade ``assignment`` on this pool's workers, as :func:`grade_assignment` describes.

        With ``more``, submissions that arrive while this grading runs join it: whenever a worker
        is free (at most every ``more_every`` seconds, and once more before the grading ends),
        ``more()`` names students whose submission should be graded; those not yet part of this
        grading, and not settled and unchanged, are added (grade-on-submit's arrivals).
        """
        started = time.monotonic()
        check_gradebook(self.db_url)
        _check_course_setup(self.course_dir, assignment, self.config)
        with assignment_lock(self.course_dir, assignment) as stale:
            request = GradingRequest(
                course_dir=self.course_dir,
                assignment=assignment,
                db_url=guarded_url(self.db_url),
                sandbox=self.sandbox,
                workers=self.size,
                max_attempts=self.engine.max_attempts,
            )
            try:
                report = _grade(request, self._workers, students, force, on_progress, more, more_every)
            except (OSError, sqlite3.Error, sqlalchemy.exc.SQLAlchemyError) as exc:
                check_gradebook(self.db_url)  # the gradebook's own message when it is the gradebook
                raise UkmError("grading_machine_failed", "assignment", assignment, detail=_describe(exc)) from None
        report.elapsed_s = time.monotonic() - started
        report.stale_lock = stale
        return report


def grade_assignment(
    course_dir,
    assignment: str,
    *,
    workers: int | None = None,
    cell_timeout: int | None = None,
    sandbox: bool = True,
    db_url: str | None = None,
    students: Iterable[str] | None = None,
    force: bool = False,
    on_progress: Callable[[ProgressEvent], None] | None = None,
    config: Config | None = None,
    confirm_unsandboxed: bool = False,
) -> GradingReport:
    """Autograde every collected submission of ``assignment`` with nbgrader, in parallel.

    Args:
        course_dir: nbgrader course folder (``nbgrader_config.py``, ``source/``, ``release/``,
            ``submitted/``...). Its ``nbgrader_config.py`` is loaded, so course preprocessors and
            the engine's settings (:mod:`.settings`) apply.
        assignment: assignment id.
        workers: grader processes for this run (default: ``GradingEngine.workers``).
        cell_timeout: seconds a cell may run in this run (default: the course's ``Execute.timeout``).
        sandbox: run kernels in bubblewrap. Without it a notebook runs with the grader's rights;
            refused unless ``confirm_unsandboxed`` (trusted notebooks only, graded one at a time).
        db_url: gradebook SQLAlchemy URL (default: the one the course's nbgrader_config.py names, as for
            nbgrader's autograde; ``sqlite:///<course_dir>/gradebook.db`` when it names none); it
            must exist (only ``ukm init`` creates one).
        students: only these students (default: everyone with a submitted folder).
        force: grade again even unchanged submissions whose status is settled.
        on_progress: called with a :class:`ProgressEvent` at the start and after each submission.
        config: further configuration for this run, merged over the course's (traitlets Config).
        confirm_unsandboxed: the caller accepts the risk of ``sandbox=False``.

    Returns:
        A :class:`GradingReport`; every submission considered has a final status in it and in
        the ``ukm_grading_status`` table.

    Raises:
        UkmError: the gradebook is missing or unwritable, the assignment is being graded by
            another run, the course cannot be graded safely, or the grading machine failed
            (each said once, Indonesian first).

    Runs on a :class:`GradingPool` started for this call and stopped at its end (grade-on-submit
    keeps one pool across gradings instead). Workers come from a multiprocessing fork server, so a
    script calling this needs the usual ``if __name__ == "__main__":`` guard (console scripts and
    pytest have it).
    """
    started = time.monotonic()
    with GradingPool(
        course_dir,
        workers=workers,
        cell_timeout=cell_timeout,
        sandbox=sandbox,
        db_url=db_url,
        config=config,
        confirm_unsandboxed=confirm_unsandboxed,
    ) as pool:
        report = pool.grade(assignment, students=students, force=force, on_progress=on_progress)
    report.elapsed_s = time.monotonic() - started
    return report


def _describe(exc: BaseException) -> str:
    from ukm_tools.course.grading.worker import describe_infrastructure

    return describe_infrastructure(exc)


def _grade(
    request: GradingRequest, pool: _Pool, students, force: bool, on_progress, more=None, more_every: float = 1.0
) -> GradingReport:
    folders = submission_folders(request.course_dir, request.assignment, students)
    store = StatusStore(request.db_url)
    try:
        previous = {s.student: s for s in store.all(request.assignment)}
        todo, skipped = [], []
        for student, folder in folders.items():
            prev = previous.get(student)
            if not force and prev and prev.status in SETTLED and prev.fingerprint == fingerprint(folder):
                skipped.append(student)
            else:
                todo.append(student)
        backup = backup_gradebook(request.db_url) if todo else None
        todo = _schedule(todo, previous, folders)
        results: dict[str, SubmissionStatus] = {s: previous[s] for s in skipped}
        pending = []
        for student in todo:
            prev = previous.get(student)
            pending.append(
                SubmissionStatus(request.assignment, student, Status.PENDING, attempts=prev.attempts if prev else 0)
            )
        for row in store.mark_pending(pending):
            results[row.student] = row
        if todo:
            _run(
                request,
                pool,
                store,
                todo,
                results,
                on_progress,
                _Arrivals(request, store, results, force, more, more_every),
            )
        elif on_progress:
            on_progress(ProgressEvent(0, 0, {}, None))
    finally:
        store.close()
    ordered = [results[s] for s in sorted(results)]
    return GradingReport(request.assignment, ordered, 0.0, backup, sorted(skipped))


class _Arrivals:
    """Submissions that join a running grading (``more``), admitted as the grading's first ones were."""

    def __init__(self, request, store, results, force, more, every: float) -> None:
        self.request, self.store, self.results, self.force = request, store, results, force
        self.more, self.every = more, every
        self._last = time.monotonic()

    def due(self) -> bool:
        return self.more is not None and time.monotonic() - self._last >= self.every

    def timeout(self) -> float | None:
        """How long the scheduler may wait for a worker before asking for arrivals again."""
        if self.more is None:
            return None
        return max(0.0, self.every - (time.monotonic() - self._last))

    def take(self) -> list[str]:
        """Students to add to the queue now (marked pending in the status table)."""
        if self.more is None:
            return []
        self._last = time.monotonic()
        assignment = self.request.assignment
        admitted = []
        for student in sorted(set(self.more()) - set(self.results)):
            folder = submission_folders(self.request.course_dir, assignment, [student])[student]
            prev = self.store.get(assignment, student)
            if not self.force and prev and prev.status in SETTLED and prev.fingerprint == fingerprint(folder):
                continue  # graded already; the caller's next grading reports it as skipped
            row = SubmissionStatus(assignment, student, Status.PENDING, attempts=prev.attempts if prev else 0)
            (self.results[student],) = self.store.mark_pending([row])
            admitted.append(student)
        return admitted


def _run(
    request: GradingRequest,
    pool: _Pool,
    store: StatusStore,
    todo: list[str],
    results: dict[str, SubmissionStatus],
    on_progress: Callable[[ProgressEvent], None] | None,
    arrivals: _Arrivals,
) -> None:
    # A warm pool uses every worker it has; a cold one starts no more than this run needs.
    size = max(1, min(request.workers, len(todo)), len(pool.workers))
    # Without the sandbox a kernel can write the gradebook: compare all of it around each submission.
    guard = Guard(request.db_url, whole=not request.sandbox)
    queue = deque(todo)
    total, done = len(todo), 0
    busy: dict[int, SubmissionStatus] = {}
    before: dict[str, Snapshot] = {}
    counts: Counter = Counter()
    # Hand-outs per submission in this run: the bound on a dying grader process (``attempts`` on the
    # status row counts every grading the submission ever had, resubmissions and retries included).
    handed: Counter = Counter()
    unusable: str | None = None

    def emit(last=None):
        if on_progress:
            running = tuple(sorted(s.student for s in busy.values()))
            on_progress(ProgressEvent(total, done, dict(counts), last, running))

    emit()
    pool.grow(size)
    try:
        while True:
            idle = len(pool.workers) - len(busy)
            if unusable is None and not queue and idle and (arrivals.due() or not busy):
                fresh = arrivals.take()
                queue.extend(fresh)
                total += len(fresh)
            if not ((queue and unusable is None) or busy):
                break
            for wid, (_proc, conn) in list(pool.workers.items()):
                if wid not in busy and queue and unusable is None:
                    student = queue.popleft()
                    folder = submission_folders(request.course_dir, request.assignment, [student])[student]
                    row = replace(
                        results[student],
                        status=Status.RUNNING,
                        reason="",
                        started_at=utcnow(),
                        finished_at=None,
                        attempts=results[student].attempts + 1,
                        # the submission handed out, so every final status names one (even a dead grader's)
                        fingerprint=fingerprint(folder),
                    )
                    store.put(row)
                    handed[student] += 1
                    before[student] = guard.take(request.assignment, student)
                    results[student] = busy[wid] = row
                    try:
                        conn.send((request.assignment, student))
                    except OSError:
                        pass  # the worker is gone: its sentinel is ready and the loop below retries
            by_handle = {}
            for wid in busy:
                proc, conn = pool.workers[wid]
                by_handle[conn] = by_handle[proc.sentinel] = wid
            # With a free worker, wake up in time to ask for arrivals; else only when a worker answers.
            free = len(pool.workers) > len(busy) and unusable is None
            for handle in wait(list(by_handle), timeout=arrivals.timeout() if free else None):
                wid = by_handle[handle]
                if wid not in busy:
                    continue  # conn and sentinel of the same worker both ready
                row = busy[wid]
                proc, conn = pool.workers[wid]
                outcome = None
                try:
                    if conn.poll():
                        kind, outcome = conn.recv()
                except (EOFError, OSError):
                    outcome = None
                del busy[wid]
                if outcome is None:
                    # The grader process itself died (not the kernel): retry on a fresh worker.
                    code = proc.exitcode
                    pool.replace(wid)
                    if handed[row.student] < request.max_attempts:
                        queue.appendleft(row.student)
                        continue
                    final = replace(
                        row, status=Status.ERROR, reason=f"grader process died (exit code {code})", finished_at=utcnow()
                    )
                elif outcome.gradebook_unusable:
                    # No submission can be graded: stop handing out more; this one stays pending.
                    unusable = outcome.reason
                    results[row.student] = replace(row, status=Status.PENDING, reason="waiting for a grader")
                    continue
                else:
                    final = replace(
                        row,
                        status=outcome.status,
                        reason=outcome.reason,
                        score=outcome.score,
                        max_score=outcome.max_score,
                        fingerprint=outcome.fingerprint or row.fingerprint,
                        finished_at=utcnow(),
                    )
                    final = _verified(guard, before.pop(row.student), final, request.sandbox)
                store.put(final)
                results[row.student] = final
                done += 1
                counts[final.status] += 1
                emit(final)
    finally:
        # Workers still busy when the run ended abnormally would answer into the next run: stop them.
        for wid in list(busy):
            if wid in pool.workers:  # not already stopped by a failed replacement (pool.close)
                pool.discard(wid, wait=False)
    if unusable is not None:
        raise OSError(unusable)


def _verified(guard: Guard, before: Snapshot, final: SubmissionStatus, sandbox: bool) -> SubmissionStatus:
    """``final``, or an ``attack`` status when grading it changed what it may not (then rolled back)."""
    if sandbox and final.status not in _WROTE_GRADES:
        return final  # nbgrader wrote nothing, and no kernel can reach the gradebook
    problems = guard.check(before, final.assignment, final.student)
    if not problems:
        return final
    reason = "rolled back: " + "; ".join(problems)
    return replace(final, status=Status.ATTACK, reason=reason[:2000], score=None, max_score=None)
