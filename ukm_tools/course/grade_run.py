"""`ukm grade`: the grading engine with its progress display (bar with ETA on a terminal,
plain lines otherwise), against the course's own gradebook URL."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from ukm_tools.errors import Problem, UkmError


def run_grading(
    course_dir: Path,
    assignment: str,
    *,
    workers: int | None = None,
    cell_timeout: int | None = None,
    sandbox: bool = True,
    confirm_unsandboxed: bool = False,
    force: bool = False,
    students=None,
    console: Console | None = None,
    plain: bool = False,
):
    """Grade ``assignment`` with :func:`ukm_tools.course.grading.grade_assignment`; returns its report.

    ``workers`` and ``cell_timeout`` override the course's settings for this run (None: keep them).
    """
    from ukm_tools.course.environment import ensure_tools_on_path
    from ukm_tools.course.ops import db_url
    from ukm_tools.course.quiet import quiet_nbgrader

    try:
        from ukm_tools.course.grading import grade_assignment, progress_reporter
    except ImportError:
        raise UkmError("grading_engine_missing") from None
    ensure_tools_on_path()
    with quiet_nbgrader(), progress_reporter(console, force_plain=plain) as on_progress:
        return grade_assignment(
            course_dir,
            assignment,
            workers=workers,
            cell_timeout=cell_timeout,
            sandbox=sandbox,
            confirm_unsandboxed=confirm_unsandboxed,
            db_url=db_url(course_dir),
            students=students,
            force=force,
            on_progress=on_progress,
        )


def infrastructure_error(report) -> UkmError | None:
    """One problem per distinct grading-machine failure of this run (None: there was none).

    When every submission of the run failed for the same reason, that is the only thing worth
    saying (once, not once per submission).
    """
    failures = report.infrastructure()
    if not failures:
        return None
    graded = report.graded_now()
    if len(failures) == 1 and len(next(iter(failures.values()))) == len(graded):
        reason = next(iter(failures))
        return UkmError("grading_machine_failed", "assignment", report.assignment, detail=_plain(reason))
    return UkmError(
        problems=[
            Problem("grading_infra_some", "assignment", len(students), params={"detail": _plain(reason)})
            for reason, students in sorted(failures.items())
        ]
    )


def _plain(reason: str) -> str:
    return reason.removeprefix("grading machine: ")
