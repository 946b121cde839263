"""``grade_assignment``: grade every collected submission of an assignment on all cores.

The coordinating process (this module) finds the submissions, skips the unchanged ones already
settled, backs up the gradebook, and hands submissions one at a time to long-lived worker
processes (:mod:`.worker`, forked from a fork server that imported nbgrader once). Only the
coordinator writes the status table, so a ``kill -9`` leaves at most the in-flight
submissions ``running``; the next run grades them again from scratch (nbgrader's
``--force`` path replaces their autograded folder and updates their grade rows in place).
"""

from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from multiprocessing.connection import wait
from pathlib import Path

from ukm_tools.course.grading.backup import backup_gradebook, sqlite_path
from ukm_tools.course.grading.checks import fingerprint
from ukm_tools.course.grading.sandbox import SandboxLimits, clean_runtime, sandbox_available
from ukm_tools.course.grading.status import SETTLED, Status, StatusStore, SubmissionStatus, default_db_url, utcnow
from ukm_tools.errors import UkmError

#: A worker process that dies mid-submission (not the kernel: the grader itself) is retried
#: this many times in total before the submission is recorded as ``error``.
MAX_ATTEMPTS = 2


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

    def counts(self) -> dict[Status, int]:
        return dict(Counter(r.status for r in self.results))

    def by_student(self) -> dict[str, SubmissionStatus]:
        return {r.student: r for r in self.results}


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
    """Two graders per core with warm sandboxed kernels, else one per core.

    A warm-kernel grader spends about half of each submission waiting on its kernel (start-up
    handshake, message round trips), so two per core keep the cores busy; measured on 2 cores:
    4 workers beat 2 in every back-to-back run of 60 submissions.
    """
    cores = os.cpu_count() or 1
    return 2 * cores if sandbox else cores


def _tools_on_path() -> None:
    """nbgrader shells out to ``alembic`` (from this venv's bin) when it touches a new gradebook."""
    import sys

    bindir = os.path.dirname(sys.executable)
    if bindir not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = os.pathsep.join([bindir, os.environ.get("PATH", "")])
    os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")


def _runtime_root() -> str:
    # ipc socket paths must stay under the 107-byte AF_UNIX limit.
    base = tempfile.gettempdir()
    if len(base) > 40:
        base = "/tmp"
    return tempfile.mkdtemp(prefix="ukm-grade-", dir=base)


def _context():
    from ukm_tools.course.grading import worker

    ctx = mp.get_context("forkserver")
    # The fork server imports nbgrader once; every worker forked from it starts warm.
    ctx.set_forkserver_preload([worker.__name__])
    return ctx


class _Pool:
    """Long-lived worker processes driven over pipes; replaces a worker that dies."""

    def __init__(self, ctx, settings, size: int) -> None:
        from ukm_tools.course.grading.worker import worker_main

        self._ctx, self._settings, self._target = ctx, settings, worker_main
        self._next_id = 0
        self.workers: dict[int, tuple] = {}
        # Start them all, then wait: each spends seconds starting its sandboxed zygote.
        started = [self._start() for _ in range(size)]
        for wid in started:
            self._wait_ready(wid)

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
            kind, detail = conn.recv() if conn.poll(300) else ("fatal", "no answer within 300 s")
        except EOFError:
            kind, detail = "fatal", f"exited with code {proc.exitcode}"
        if kind != "ready":
            self.close()
            raise UkmError("grading_worker_failed", value=str(detail).strip().splitlines()[-1][:300])

    def replace(self, wid: int) -> None:
        proc, conn = self.workers.pop(wid)
        conn.close()
        proc.join(timeout=5)
        self._wait_ready(self._start())

    def close(self) -> None:
        for _proc, conn in self.workers.values():
            try:
                conn.send(None)
            except (OSError, ValueError):
                pass
        for proc, conn in self.workers.values():
            proc.join(timeout=10)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
            conn.close()
        self.workers.clear()


def grade_assignment(
    course_dir,
    assignment: str,
    *,
    workers: int | None = None,
    cell_timeout: int = 30,
    sandbox: bool = True,
    db_url: str | None = None,
    students: Iterable[str] | None = None,
    force: bool = False,
    on_progress: Callable[[ProgressEvent], None] | None = None,
    limits: SandboxLimits | None = None,
) -> GradingReport:
    """Autograde every collected submission of ``assignment`` with nbgrader, in parallel.

    Args:
        course_dir: nbgrader course folder (``nbgrader_config.py``, ``source/``, ``release/``,
            ``submitted/``...). Its ``nbgrader_config.py`` is loaded, so course preprocessors apply.
        assignment: assignment id.
        workers: grader processes (default :func:`default_workers`: two per core with the
            sandbox's warm kernels, one per core without).
        cell_timeout: seconds a cell may run (nbgrader's ``Execute.timeout``).
        sandbox: run kernels in bubblewrap (leave on except to compare against plain nbgrader).
        db_url: gradebook SQLAlchemy URL (default ``sqlite:///<course_dir>/gradebook.db``).
        students: only these students (default: everyone with a submitted folder).
        force: grade again even unchanged submissions whose status is settled.
        on_progress: called with a :class:`ProgressEvent` at the start and after each submission.
        limits: kernel resource limits (sandbox only).

    Returns:
        A :class:`GradingReport`; every submission considered has a final status in it and in
        the ``ukm_grading_status`` table.

    Workers come from a multiprocessing fork server, so a script calling this needs the usual
    ``if __name__ == "__main__":`` guard (console scripts and pytest have it).
    With the sandbox's warm kernels a notebook's working folder is a per-worker scratch copy of
    its autograded folder: files a notebook writes while being graded are discarded.
    """
    started = time.monotonic()
    course_dir = Path(course_dir).resolve()
    db_url = db_url or default_db_url(course_dir)
    db_file = sqlite_path(db_url)
    if db_file is not None and not db_file.is_file():
        raise UkmError("grading_no_gradebook", value=str(db_file))
    if sandbox and not sandbox_available():
        raise UkmError("grading_no_sandbox")
    _tools_on_path()

    folders = submission_folders(course_dir, assignment, students)
    store = StatusStore(db_url)
    try:
        previous = {s.student: s for s in store.all(assignment)}
        todo, skipped = [], []
        for student, folder in folders.items():
            prev = previous.get(student)
            if not force and prev and prev.status in SETTLED and prev.fingerprint == fingerprint(folder):
                skipped.append(student)
            else:
                todo.append(student)
        backup = backup_gradebook(db_url) if todo else None
        todo = _schedule(todo, previous, folders)
        results: dict[str, SubmissionStatus] = {s: previous[s] for s in skipped}
        pending = {}
        for student in todo:
            prev = previous.get(student)
            base = SubmissionStatus(assignment, student, Status.PENDING, attempts=prev.attempts if prev else 0)
            pending[student] = base
        for row in store.mark_pending(list(pending.values())):
            results[row.student] = row
        if todo:
            _run(
                store,
                course_dir,
                db_url,
                assignment,
                todo,
                results,
                workers,
                cell_timeout,
                sandbox,
                limits,
                on_progress,
            )
        elif on_progress:
            on_progress(ProgressEvent(0, 0, {}, None))
    finally:
        store.close()
    ordered = [results[s] for s in sorted(results)]
    return GradingReport(assignment, ordered, time.monotonic() - started, backup, sorted(skipped))


def _run(store, course_dir, db_url, assignment, todo, results, workers, cell_timeout, sandbox, limits, on_progress):
    from ukm_tools.course.grading.worker import WorkerSettings

    size = max(1, min(workers or default_workers(sandbox), len(todo)))
    runtime_root = _runtime_root()
    settings = WorkerSettings(
        course_dir=str(course_dir),
        db_url=db_url,
        cell_timeout=int(cell_timeout),
        sandbox=sandbox,
        limits=limits or SandboxLimits(),
        runtime_root=runtime_root,
    )
    queue = deque(todo)
    total, done = len(todo), 0
    busy: dict[int, SubmissionStatus] = {}
    counts: Counter = Counter()

    def emit(last=None):
        if on_progress:
            running = tuple(sorted(s.student for s in busy.values()))
            on_progress(ProgressEvent(total, done, dict(counts), last, running))

    emit()
    pool = _Pool(_context(), settings, size)
    try:
        while queue or busy:
            for wid, (_proc, conn) in list(pool.workers.items()):
                if wid not in busy and queue:
                    student = queue.popleft()
                    row = replace(
                        results[student],
                        status=Status.RUNNING,
                        reason="",
                        started_at=utcnow(),
                        finished_at=None,
                        attempts=results[student].attempts + 1,
                    )
                    store.put(row)
                    results[student] = busy[wid] = row
                    conn.send((assignment, student))
            by_handle = {}
            for wid in busy:
                proc, conn = pool.workers[wid]
                by_handle[conn] = by_handle[proc.sentinel] = wid
            for handle in wait(list(by_handle)):
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
                    if row.attempts < MAX_ATTEMPTS:
                        queue.appendleft(row.student)
                        continue
                    final = replace(
                        row, status=Status.ERROR, reason=f"grader process died (exit code {code})", finished_at=utcnow()
                    )
                else:
                    final = replace(
                        row,
                        status=outcome.status,
                        reason=outcome.reason,
                        score=outcome.score,
                        max_score=outcome.max_score,
                        fingerprint=outcome.fingerprint,
                        finished_at=utcnow(),
                    )
                store.put(final)
                results[row.student] = final
                done += 1
                counts[final.status] += 1
                emit(final)
    finally:
        pool.close()
        clean_runtime(Path(runtime_root))
