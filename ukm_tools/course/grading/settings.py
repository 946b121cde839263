"""Runtime settings of the grading engine, each declared once as a traitlets trait with its help text.

They live where nbgrader users look for settings, the course's ``nbgrader_config.py``::

    c.Execute.timeout = 30                      # seconds a cell may run: nbgrader's own setting
    c.GradingEngine.workers = 4                 # grader processes (0: automatic)
    c.SandboxLimits.memory_bytes = 2 * 1024**3  # a kernel's whole memory, RAM scratch included

The cell timeout is nbgrader's ``Execute.timeout``, not a copy of it. ``ukm grade --timeout``
and ``--workers`` (and the matching arguments of ``grade_assignment``) override the course's
values for one run: :func:`course_config` merges them last.
"""

from __future__ import annotations

import os
from pathlib import Path

from traitlets import Float, Integer, List, Unicode, validate
from traitlets.config import Config, Configurable
from traitlets.config.loader import PyFileConfigLoader

from ukm_tools.errors import UkmError
from ukm_tools.messages import Msg, section

T = section("course.grading.settings")

CONFIG_FILE = "nbgrader_config.py"
MiB = 1024**2


class GradingEngine(Configurable):
    """How ``ukm grade`` schedules a run (the coordinator and its worker processes)."""

    workers = Integer(
        0,
        help="Grader processes. 0 chooses: two per core with the sandbox's warm kernels (each spends about "
        "half its time waiting on its kernel), one per core without. Grading without the sandbox always "
        "uses one, so every change to the gradebook is attributable to the submission being graded.",
    ).tag(config=True)

    max_attempts = Integer(
        2,
        help="A grader process that dies mid-submission (the grader itself, not the kernel) is replaced and "
        "the submission retried until this run has handed it out this many times; then it is recorded as error.",
    ).tag(config=True)

    worker_start_timeout = Float(
        300.0,
        help="Seconds a new grader process may take to import nbgrader and start its sandbox before the run "
        "gives up with an error.",
    ).tag(config=True)

    @validate("workers", "max_attempts")
    def _not_negative(self, proposal):
        if proposal["value"] < 0:
            raise _bad(f"GradingEngine.{proposal['trait'].name}", proposal["value"], T.msg("at_least_zero"))
        return proposal["value"]

    def worker_count(self, sandbox: bool) -> int:
        if not sandbox:
            return 1
        if self.workers:
            return self.workers
        return 2 * (os.cpu_count() or 1)


class SandboxLimits(Configurable):
    """Resources of one grading kernel inside bubblewrap (every limit is per kernel).

    ``memory_bytes`` is the kernel's whole memory: its address space gets what the RAM-backed
    scratch (/tmp, HOME, the working folder) and /dev/shm do not, so writing files cannot add
    memory beyond it.
    """

    memory_bytes = Integer(
        2 * 1024**3,
        help="Whole memory of one kernel: address space (prlimit --as) plus scratch_bytes plus shm_bytes. "
        "A memory bomb gets MemoryError or dies; nothing outside its sandbox does.",
    ).tag(config=True)

    scratch_bytes = Integer(
        256 * MiB,
        help="Size of the kernel's RAM scratch (a tmpfs holding /tmp, HOME and the working folder with its "
        "copy of the submission); counted in memory_bytes.",
    ).tag(config=True)

    shm_bytes = Integer(
        32 * MiB,
        help="Size of the kernel's /dev/shm (a tmpfs, for POSIX semaphores); counted in memory_bytes.",
    ).tag(config=True)

    cpu_seconds = Integer(
        600,
        help="Total CPU seconds of one kernel (RLIMIT_CPU), a backstop behind the cell timeout.",
    ).tag(config=True)

    extra_processes = Integer(
        256,
        help="Tasks a kernel may start above the grading user's current count (RLIMIT_NPROC is per real uid).",
    ).tag(config=True)

    file_bytes = Integer(
        200 * MiB,
        help="Largest file a kernel may write (RLIMIT_FSIZE).",
    ).tag(config=True)

    preload = List(
        Unicode(),
        ["numpy", "pandas"],
        help="Modules the sandboxed zygote imports once so every kernel forked from it starts with them loaded.",
    ).tag(config=True)

    start_timeout = Float(
        120.0,
        help="Seconds a worker's sandboxed zygote may take to start (import the kernel and the preloaded modules).",
    ).tag(config=True)

    exit_timeout = Float(
        10.0,
        help="Seconds to wait for the zygote to confirm a finished kernel and its sandbox were swept; without "
        "that confirmation the whole sandbox is torn down and started afresh.",
    ).tag(config=True)

    @property
    def address_space_bytes(self) -> int:
        return self.memory_bytes - self.scratch_bytes - self.shm_bytes

    def check(self) -> None:
        """Raise UkmError when the limits leave a kernel too little to start (every problem at once)."""
        problems = []
        for name in ("memory_bytes", "scratch_bytes", "shm_bytes", "cpu_seconds", "file_bytes"):
            if getattr(self, name) <= 0:
                problems += _bad(f"SandboxLimits.{name}", getattr(self, name), T.msg("above_zero")).problems
        if self.address_space_bytes < 512 * MiB:
            problems += _bad(
                "SandboxLimits.memory_bytes",
                self.memory_bytes,
                T.msg("kernel_needs_memory"),
            ).problems
        if problems:
            raise UkmError(problems=problems)


class Intake(Configurable):
    """What collect accepts from a participant's submission folder.

    Sizes are nbgrader's own ``CourseDirectory.max_file_size`` and ``max_dir_size`` (kilobytes);
    this class adds the count.
    """

    max_files = Integer(
        50,
        help="Most files one submission may hold; the rest are skipped and reported.",
    ).tag(config=True)

    max_depth = Integer(
        4,
        help="Deepest sub-folder level copied from a submission; deeper entries are skipped and reported.",
    ).tag(config=True)


def _bad(field: str, value, reason: Msg) -> UkmError:
    return UkmError("grading_bad_setting", field, value, reason=reason)


def overrides(*, workers: int | None = None, cell_timeout: int | None = None, extra: Config | None = None) -> Config:
    """A config fragment for one run: what the CLI flags or API arguments set (None: keep the course's)."""
    cfg = Config()
    if workers is not None:
        cfg.GradingEngine.workers = int(workers)
    if cell_timeout is not None:
        cfg.Execute.timeout = int(cell_timeout)
    if extra:
        cfg.merge(extra)
    return cfg


def course_config(course_dir: Path, run_overrides: Config | None = None) -> Config:
    """The course's ``nbgrader_config.py`` with this run's overrides merged last."""
    config = Config()
    if (Path(course_dir) / CONFIG_FILE).is_file():
        config.merge(PyFileConfigLoader(CONFIG_FILE, path=str(course_dir)).load_config())
    if run_overrides:
        config.merge(run_overrides)
    return config


def cell_timeout(config: Config) -> int:
    """nbgrader's ``Execute.timeout`` as configured (nbgrader's own default when unset)."""
    from nbgrader.preprocessors import Execute

    return int(Execute(config=config).timeout)
