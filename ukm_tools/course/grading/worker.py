"""One grading worker process: nbgrader's ``Autograde`` run on one submission at a time.

A worker imports nbgrader once, loads the course's ``nbgrader_config.py`` with this run's
overrides (so the course's preprocessors and settings apply), points Jupyter at the sandboxed
``python3`` kernelspec and its private runtime folder, then grades submissions sent by the
coordinator. Scores come from nbgrader's pipeline unchanged. The status comes from structured
results only: the exception that failed a submission (kept by :class:`RecordingAutograde`,
where nbgrader would only log it) and the outputs of the autograded notebook.
"""

from __future__ import annotations

import errno
import logging
import os
import signal
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from ukm_tools.course.grading.checks import Findings, fingerprint, inspect_submission
from ukm_tools.course.grading.gradebook import check_gradebook
from ukm_tools.course.grading.sandbox import write_kernelspec
from ukm_tools.course.grading.settings import SandboxLimits, cell_timeout, course_config
from ukm_tools.course.grading.status import Status
from ukm_tools.errors import UkmError

# Importing nbgrader's converters is the slow part of a grader (~5 CPU-s); done at import so
# a fork server can preload it once for all workers.
os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")
import nbformat  # noqa: E402
import sqlalchemy.exc  # noqa: E402
from jupyter_client.kernelspec import NoSuchKernel  # noqa: E402
from nbclient.exceptions import CellTimeoutError, DeadKernelError  # noqa: E402
from nbgrader.api import Gradebook, MissingEntry  # noqa: E402
from nbgrader.converters import Autograde  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402
from nbgrader.preprocessors.execute import UnresponsiveKernelError  # noqa: E402
from traitlets.config import Config  # noqa: E402

#: OS errors of the grading machine itself, never of a notebook (which runs in its sandbox).
INFRA_ERRNOS = frozenset(
    {errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EMFILE, errno.ENFILE, errno.ENOMEM, errno.EIO}
)


@dataclass(frozen=True)
class WorkerSettings:
    """Everything a worker needs; picklable so it can be sent to a fresh process."""

    course_dir: str
    db_url: str
    """The gradebook URL as workers open it (SQLite: never creates the file)."""
    overrides: Config
    """This run's settings (CLI flags / API arguments), merged over the course's nbgrader_config.py."""
    sandbox: bool
    runtime_root: str


@dataclass
class Outcome:
    """A worker's answer for one submission (the coordinator adds times and attempts)."""

    assignment: str
    student: str
    status: Status
    reason: str
    score: float | None = None
    max_score: float | None = None
    fingerprint: str = ""
    gradebook_unusable: bool = False
    """The gradebook is missing or unwritable: no submission can be graded, the run stops."""


def grading_config(course_dir: Path, db_url: str, overrides: Config) -> Config:
    """The course's configuration plus the settings the engine depends on (these always win)."""
    config = course_config(course_dir, overrides)
    engine = Config()
    engine.CourseDirectory.root = str(course_dir)
    engine.CourseDirectory.db_url = db_url
    # A deleted test cell must be put back, not scored 0 silently.
    engine.OverwriteCells.add_missing_cells = True
    engine.Execute.interrupt_on_timeout = True
    # The kernel's state is thrown away after grading: kill it instead of a polite shutdown.
    engine.Execute.shutdown_kernel = "immediate"
    # Always the engine's kernelspec, whatever the notebook's metadata names.
    engine.Execute.kernel_name = "python3"
    engine.Autograde.create_student = True
    config.merge(engine)
    return config


class RecordingAutograde(Autograde):
    """nbgrader's ``Autograde`` that keeps the exception which failed a submission.

    nbgrader catches it, logs the traceback and raises a generic ``NbGraderException``; the
    worker needs its type (dead kernel, timeout, disk full...) to name the status.
    """

    failure: BaseException | None = None

    def _keep(self, exc: BaseException) -> None:
        if self.failure is None:
            self.failure = exc

    @contextmanager
    def _keeping(self) -> Iterator[None]:
        """Keep the first exception raised inside, and let it propagate as nbgrader expects."""
        try:
            yield
        except Exception as exc:
            self._keep(exc)
            raise

    def init_assignment(self, assignment_id: str, student_id: str) -> None:
        with self._keeping():
            super().init_assignment(assignment_id, student_id)

    def convert_single_notebook(self, notebook_filename: str) -> None:
        with self._keeping():
            super().convert_single_notebook(notebook_filename)

    def set_permissions(self, assignment_id: str, student_id: str) -> None:
        with self._keeping():
            super().set_permissions(assignment_id, student_id)


def is_infrastructure(exc: BaseException) -> bool:
    """True when ``exc`` is the grading machine's failure, not the submission's."""
    from ukm_tools.course.grading.provisioner import ZygoteError
    from ukm_tools.course.verify_answers import AnswerKeyError

    if isinstance(
        exc, (ZygoteError, AnswerKeyError, NoSuchKernel, sqlalchemy.exc.OperationalError, sqlalchemy.exc.DatabaseError)
    ):
        return True
    if isinstance(exc, OSError) and exc.errno in INFRA_ERRNOS:
        return True
    # A kernel that never answered its first message: an overloaded or broken machine.
    return isinstance(exc, RuntimeError) and "didn't respond in time" in str(exc)


def describe_infrastructure(exc: BaseException) -> str:
    """A short reason without file names, so one failure shared by many submissions reads the same."""
    from ukm_tools.course.grading.provisioner import ZygoteError

    if isinstance(exc, OSError) and exc.errno is not None:
        return f"{exc.strerror} ({errno.errorcode.get(exc.errno, exc.errno)})"
    if isinstance(exc, sqlalchemy.exc.DBAPIError):
        return f"gradebook database: {str(exc.orig).splitlines()[0] if exc.orig else exc.__class__.__name__}"
    if isinstance(exc, NoSuchKernel):
        return "the grading kernelspec python3 was not found"
    if isinstance(exc, ZygoteError):
        return f"grading sandbox: {str(exc).splitlines()[0][:200]}"
    return f"{exc.__class__.__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}".rstrip(": ")


def classify_failure(exc: BaseException, timeout: int) -> tuple[Status, str]:
    """Status and reason for a submission whose autograde raised ``exc``."""
    if isinstance(exc, DeadKernelError) or (isinstance(exc, RuntimeError) and "Kernel died" in str(exc)):
        return Status.KERNEL_DIED, "the kernel died while running the notebook (crash or memory limit)"
    if isinstance(exc, (UnresponsiveKernelError, CellTimeoutError)):
        return Status.TIMEOUT, f"a cell ran longer than {timeout} s and the kernel could not be interrupted"
    if is_infrastructure(exc):
        return Status.INFRA_ERROR, f"grading machine: {describe_infrastructure(exc)}"
    return Status.ERROR, f"nbgrader autograde failed: {exc.__class__.__name__}: {exc}".strip()


class Grader:
    """Grades submissions one after another inside one process."""

    def __init__(self, settings: WorkerSettings, worker_id: int) -> None:
        self.settings = settings
        self.course_dir = Path(settings.course_dir).resolve()
        self.runtime = Path(settings.runtime_root) / f"worker-{worker_id}"
        self.runtime.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.config = grading_config(self.course_dir, settings.db_url, settings.overrides)
        self.timeout = cell_timeout(self.config)
        kernels = write_kernelspec(self.runtime / "jupyter", sandbox=settings.sandbox)
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(kernels), os.environ.get("JUPYTER_PATH", "")]).rstrip(
            os.pathsep
        )
        # jupyter_client's own connection files: host only, never visible to a kernel.
        connections = self.runtime / "connections"
        connections.mkdir(mode=0o700, exist_ok=True)
        os.environ["JUPYTER_RUNTIME_DIR"] = str(connections)
        self.config.KernelManager.transport = "ipc"
        self.config.KernelManager.ip = str(connections / "kernel")
        self.config.AsyncKernelManager.client_class = "ukm_tools.course.grading.provisioner.PromptKernelClient"
        if settings.sandbox:
            from ukm_tools.course.grading import provisioner

            limits = SandboxLimits(config=self.config)
            provisioner.configure(self.runtime / "sandbox", limits).start()
        self.coursedir = CourseDirectory(config=self.config)
        self._notebooks: dict[str, list[str]] = {}

    def expected_notebooks(self, assignment: str) -> list[str]:
        if assignment not in self._notebooks:
            with Gradebook(self.settings.db_url, self.coursedir.course_id) as gb:
                self._notebooks[assignment] = sorted(nb.name for nb in gb.find_assignment(assignment).notebooks)
        return self._notebooks[assignment]

    def _path(self, kind: str, student: str, assignment: str) -> Path:
        return Path(self.coursedir.format_path(kind, student, assignment))

    def grade(self, assignment: str, student: str) -> Outcome:
        try:
            check_gradebook(self.settings.db_url)
        except UkmError as exc:
            return Outcome(assignment, student, Status.INFRA_ERROR, exc.message("en"), gradebook_unusable=True)
        submitted = self._path(self.coursedir.submitted_directory, student, assignment)
        # Taken before grading: a failure is charged to the submission graded, not to one that replaced
        # it meanwhile (grade-on-submit's retries count per submission). "" when unreadable: the
        # coordinator then keeps the fingerprint it took when it handed the submission out.
        try:
            stamp = fingerprint(submitted)
        except Exception:
            stamp = ""
        try:
            return self._grade(assignment, student, submitted, stamp)
        except Exception as exc:  # never let one submission take the worker down
            if is_infrastructure(exc):
                reason = f"grading machine: {describe_infrastructure(exc)}"
                return Outcome(assignment, student, Status.INFRA_ERROR, reason, fingerprint=stamp)
            reason = f"grader error: {exc.__class__.__name__}: {exc}"[:2000]
            return Outcome(assignment, student, Status.ERROR, reason, fingerprint=stamp)

    def _grade(self, assignment: str, student: str, submitted: Path, stamp: str) -> Outcome:
        release = Path(self.coursedir.format_path(self.coursedir.release_directory, ".", assignment))
        if not submitted.is_dir():
            return Outcome(
                assignment, student, Status.MISSING_NOTEBOOK, f"no submitted folder {submitted}", fingerprint=stamp
            )
        try:
            expected = self.expected_notebooks(assignment)
        except MissingEntry:
            return Outcome(
                assignment,
                student,
                Status.ERROR,
                f"assignment {assignment!r} is not in the gradebook (run generate_assignment)",
                fingerprint=stamp,
            )
        findings = inspect_submission(submitted, release, expected)
        if findings.corrupt:
            reason = "; ".join(f"{name}: {why}" for name, why in findings.corrupt.items())
            return Outcome(assignment, student, Status.CORRUPT_NOTEBOOK, reason, fingerprint=stamp)
        if len(findings.missing) == len(expected):
            found = ", ".join(findings.found) or "no notebooks"
            reason = f"expected {', '.join(findings.missing)}; found {found}"
            return Outcome(assignment, student, Status.MISSING_NOTEBOOK, reason, fingerprint=stamp)

        log = logging.getLogger(f"ukm.grading.{os.getpid()}")
        log.handlers[:] = [logging.NullHandler()]
        log.propagate = False
        self.coursedir.assignment_id = assignment
        self.coursedir.student_id = student
        os.environ["UKM_STUDENT_ID"] = student
        os.environ["UKM_SANDBOX_WORKDIR"] = str(
            self._path(self.coursedir.autograded_directory, student, assignment).resolve()
        )
        app = RecordingAutograde(coursedir=self.coursedir, config=self.config, log=log)
        app.force = True
        app.create_student = True
        try:
            app.start()
        except Exception as exc:
            app._keep(exc)
        finally:
            os.environ.pop("UKM_STUDENT_ID", None)
            os.environ.pop("UKM_SANDBOX_WORKDIR", None)
        if app.failure is not None:
            status, reason = classify_failure(app.failure, self.timeout)
            return Outcome(assignment, student, status, reason[:2000], fingerprint=stamp)
        return self._graded(assignment, student, stamp, findings)

    def _failed_cells(self, assignment: str, student: str, ename: str) -> list[str]:
        """Cells of the autograded notebooks whose output shows the error ``ename``."""
        folder = self._path(self.coursedir.autograded_directory, student, assignment)
        cells = []
        for path in sorted(folder.glob("*.ipynb")):
            nb = nbformat.read(str(path), as_version=4)
            for index, cell in enumerate(nb.cells):
                for out in cell.get("outputs", []):
                    if out.get("output_type") == "error" and out.get("ename") == ename:
                        gid = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
                        cells.append(f"{path.stem} cell {gid or index + 1}")
                        break
        return cells

    def _score(self, assignment: str, student: str) -> tuple[float | None, float | None]:
        with Gradebook(self.settings.db_url, self.coursedir.course_id) as gb:
            try:
                sub = gb.find_submission(assignment, student)
            except MissingEntry:
                return None, None
            return float(sub.score), float(sub.max_score)

    def _graded(self, assignment: str, student: str, stamp: str, findings: Findings) -> Outcome:
        score, max_score = self._score(assignment, student)
        notes = []
        status = Status.GRADED
        # nbgrader's Execute puts this error output in a cell it stopped at the timeout.
        timeouts = self._failed_cells(assignment, student, "CellTimeoutError")
        if timeouts:
            status = Status.TIMEOUT
            notes.append(f"stopped after {self.timeout} s in {', '.join(timeouts)}; later cells still ran")
        if findings.tampered:
            status = Status.TIMEOUT if status is Status.TIMEOUT else Status.TAMPERED_TEST_CELL
            notes.append("; ".join(findings.tampered) + " (restored from the release before grading)")
        memory = self._failed_cells(assignment, student, "MemoryError")
        if memory:
            notes.append(f"MemoryError (memory limit) in {', '.join(memory)}")
        if findings.missing:
            status = Status.MISSING_NOTEBOOK
            notes.insert(0, f"missing {', '.join(findings.missing)} (scored 0); found {', '.join(findings.found)}")
        return Outcome(assignment, student, status, "; ".join(notes), score, max_score, stamp)


def _die_with_parent() -> None:
    """Ask Linux to SIGKILL this worker when its parent dies (kill -9 of the coordinator)."""
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except Exception:
        pass


def worker_main(conn, settings: WorkerSettings, worker_id: int) -> None:
    """Process entry point: receive (assignment, student) jobs, send back Outcomes, until None."""
    _die_with_parent()
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the coordinator's business
    try:
        grader = Grader(settings, worker_id)
    except Exception as exc:
        infra = is_infrastructure(exc) or isinstance(exc, UkmError)
        detail = exc.message("en") if isinstance(exc, UkmError) else f"{exc.__class__.__name__}: {exc}"
        conn.send(("fatal", (infra, detail, traceback.format_exc())))
        return
    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        if job is None:
            return
        assignment, student = job
        conn.send(("done", grader.grade(assignment, student)))
