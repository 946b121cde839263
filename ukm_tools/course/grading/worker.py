"""One grader: runs nbgrader's own Autograde converter for one submission at a time.

A worker process imports nbgrader once, loads the course's ``nbgrader_config.py`` (so the
course's preprocessors and options apply), points Jupyter at the sandboxed ``python3``
kernelspec and a private runtime folder, then grades submissions sent by the coordinator.
Scores therefore come from nbgrader's pipeline unchanged; this module only adds the checks
and the log reading that turn nbgrader's silent failures into a named status.
"""

from __future__ import annotations

import logging
import os
import signal
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from ukm_tools.course.grading.checks import Findings, fingerprint, inspect_submission
from ukm_tools.course.grading.sandbox import SandboxLimits, write_kernelspec
from ukm_tools.course.grading.status import Status

# Importing nbgrader's converters is the slow part of a grader (~5 CPU-s); done at import so
# a fork server can preload it once for all workers.
os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")
import nbformat  # noqa: E402
from nbgrader.api import Gradebook, MissingEntry  # noqa: E402
from nbgrader.converters import Autograde  # noqa: E402
from nbgrader.coursedir import CourseDirectory  # noqa: E402
from traitlets.config import Config  # noqa: E402
from traitlets.config.loader import PyFileConfigLoader  # noqa: E402


@dataclass(frozen=True)
class WorkerSettings:
    """Everything a worker needs; picklable so it can be sent to a fresh process."""

    course_dir: str
    db_url: str
    cell_timeout: int = 30
    sandbox: bool = True
    limits: SandboxLimits = field(default_factory=SandboxLimits)
    runtime_root: str = "/tmp"
    warm: bool = True
    """Fork kernels from a sandboxed zygote (sandbox only); else start each kernel afresh."""
    preload: tuple[str, ...] = ("numpy", "pandas")
    """Modules the zygote imports once for all kernels."""


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


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def text(self, level: int = logging.WARNING) -> str:
        lines = []
        for rec in self.records:
            if rec.levelno >= level:
                try:
                    lines.append(rec.getMessage())
                except Exception:  # a malformed log call must not lose the outcome
                    lines.append(str(rec.msg))
        return "\n".join(lines)


def load_course_config(course_dir: Path, db_url: str, cell_timeout: int) -> Config:
    """The course's ``nbgrader_config.py`` plus the settings the engine depends on."""
    config = Config()
    if (course_dir / "nbgrader_config.py").is_file():
        config.merge(PyFileConfigLoader("nbgrader_config.py", path=str(course_dir)).load_config())
    overrides = Config()
    overrides.CourseDirectory.root = str(course_dir)
    overrides.CourseDirectory.db_url = db_url
    # A deleted test cell must be put back, not scored 0 silently.
    overrides.OverwriteCells.add_missing_cells = True
    overrides.Execute.timeout = int(cell_timeout)
    overrides.Execute.interrupt_on_timeout = True
    # The kernel's state is thrown away after grading: kill it instead of a polite shutdown.
    overrides.Execute.shutdown_kernel = "immediate"
    # Always the engine's kernelspec, whatever the notebook's metadata names.
    overrides.Execute.kernel_name = "python3"
    overrides.Autograde.create_student = True
    config.merge(overrides)
    return config


class _SchemaCheckedOnce:
    """Stands in for the ``jsonschema`` module inside nbgrader's metadata validator.

    nbgrader validates every cell's metadata with ``jsonschema.validate``, which re-checks the
    (fixed) schema itself on each call: about a fifth of a grader's CPU per submission. This
    keeps one validator per schema; the checks and the errors raised are the same.
    """

    def __init__(self, module) -> None:
        self._module = module
        self._validators: dict[int, tuple] = {}

    def __getattr__(self, name):
        return getattr(self._module, name)

    def validate(self, instance, schema, *args, **kwargs):
        if args or kwargs:
            return self._module.validate(instance, schema, *args, **kwargs)
        cached = self._validators.get(id(schema))
        if cached is None or cached[0] is not schema:
            cls = self._module.validators.validator_for(schema)
            cls.check_schema(schema)
            cached = self._validators[id(schema)] = (schema, cls(schema))
        error = self._module.exceptions.best_match(cached[1].iter_errors(instance))
        if error is not None:
            raise error


def _speed_up_metadata_validation() -> None:
    from nbgrader.nbgraderformat import common

    if not isinstance(common.jsonschema, _SchemaCheckedOnce):
        common.jsonschema = _SchemaCheckedOnce(common.jsonschema)


class Grader:
    """Grades submissions one after another inside one process."""

    def __init__(self, settings: WorkerSettings, worker_id: int) -> None:
        self.settings = settings
        _speed_up_metadata_validation()
        self.course_dir = Path(settings.course_dir).resolve()
        self.runtime = Path(settings.runtime_root) / f"worker-{worker_id}"
        self.runtime.mkdir(parents=True, exist_ok=True)
        # Connection files and ipc sockets: the only grader folder a kernel can see.
        self.kernel_run = self.runtime / "run"
        self.kernel_run.mkdir(exist_ok=True)
        self.warm = settings.sandbox and settings.warm
        kernels = write_kernelspec(
            self.runtime / "jupyter", self.kernel_run, sandbox=settings.sandbox, limits=settings.limits, warm=self.warm
        )
        os.environ["JUPYTER_PATH"] = os.pathsep.join([str(kernels), os.environ.get("JUPYTER_PATH", "")]).rstrip(
            os.pathsep
        )
        os.environ["JUPYTER_RUNTIME_DIR"] = str(self.kernel_run)
        self.config = load_course_config(self.course_dir, settings.db_url, settings.cell_timeout)
        self.config.KernelManager.transport = "ipc"
        self.config.KernelManager.ip = str(self.kernel_run / "kernel")
        self.config.AsyncKernelManager.client_class = "ukm_tools.course.grading.provisioner.PromptKernelClient"
        if self.warm:
            from ukm_tools.course.grading import provisioner

            zygote = provisioner.configure(self.runtime / "zygote", settings.limits, tuple(settings.preload))
            zygote.start()
            self.config.KernelManager.ip = str(zygote.run / "kernel")
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
            return self._grade(assignment, student)
        except Exception as exc:  # never let one submission take the worker down
            return Outcome(assignment, student, Status.ERROR, f"grader error: {exc.__class__.__name__}: {exc}"[:2000])

    def _grade(self, assignment: str, student: str) -> Outcome:
        submitted = self._path(self.coursedir.submitted_directory, student, assignment)
        release = Path(self.coursedir.format_path(self.coursedir.release_directory, ".", assignment))
        stamp = fingerprint(submitted)
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
            )
        findings = inspect_submission(submitted, release, expected)
        if findings.corrupt:
            reason = "; ".join(f"{name}: {why}" for name, why in findings.corrupt.items())
            return Outcome(assignment, student, Status.CORRUPT_NOTEBOOK, reason, fingerprint=stamp)
        if len(findings.missing) == len(expected):
            found = ", ".join(findings.found) or "no notebooks"
            reason = f"expected {', '.join(findings.missing)}; found {found}"
            return Outcome(assignment, student, Status.MISSING_NOTEBOOK, reason, fingerprint=stamp)

        handler = _ListHandler()
        log = logging.getLogger(f"ukm.grading.{os.getpid()}")
        log.handlers[:] = [handler]
        log.setLevel(logging.INFO)
        log.propagate = False
        self.coursedir.assignment_id = assignment
        self.coursedir.student_id = student
        os.environ["UKM_STUDENT_ID"] = student
        os.environ["UKM_SANDBOX_WORKDIR"] = str(
            self._path(self.coursedir.autograded_directory, student, assignment).resolve()
        )
        failure = None
        try:
            app = Autograde(coursedir=self.coursedir, config=self.config, log=log)
            app.force = True
            app.create_student = True
            app.start()
        except Exception as exc:
            failure = exc
        finally:
            os.environ.pop("UKM_STUDENT_ID", None)
            os.environ.pop("UKM_SANDBOX_WORKDIR", None)
        text = handler.text(logging.WARNING)
        return self._classify(assignment, student, stamp, findings, failure, text)

    def _failed_cells(self, assignment: str, student: str, ename: str) -> list[str]:
        """Cells of the autograded notebooks whose output shows the error ``ename``."""
        folder = self._path(self.coursedir.autograded_directory, student, assignment)
        cells = []
        for path in sorted(folder.glob("*.ipynb")):
            try:
                nb = nbformat.read(str(path), as_version=4)
            except Exception:
                continue
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

    def _classify(self, assignment, student, stamp, findings: Findings, failure, log_text: str) -> Outcome:
        if failure is not None:
            lowered = log_text.lower()
            if "deadkernelerror" in lowered or "kernel died" in lowered:
                status, reason = (
                    Status.KERNEL_DIED,
                    "the kernel died while running the notebook (crash or memory limit)",
                )
            elif "unresponsive" in lowered:
                status, reason = Status.TIMEOUT, "the kernel stopped responding and could not be interrupted"
            elif "timeout waiting" in lowered or "timed out" in lowered:
                status, reason = (
                    Status.TIMEOUT,
                    f"a cell ran longer than {self.settings.cell_timeout} s and grading failed",
                )
            else:
                last = [line for line in log_text.strip().splitlines() if line.strip()]
                detail = next((line for line in reversed(last) if "Error" in line or "Exception" in line), "")
                status, reason = Status.ERROR, f"nbgrader autograde failed: {detail or failure}"
            return Outcome(assignment, student, status, reason[:2000], fingerprint=stamp)

        score, max_score = self._score(assignment, student)
        notes = []
        status = Status.GRADED
        timeouts = (
            self._failed_cells(assignment, student, "CellTimeoutError") if "timeout waiting" in log_text.lower() else []
        )
        if timeouts:
            status = Status.TIMEOUT
            notes.append(
                f"stopped after {self.settings.cell_timeout} s in {', '.join(timeouts)}; later cells still ran"
            )
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
        conn.send(("fatal", f"{exc.__class__.__name__}: {exc}\n{traceback.format_exc()}"))
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
