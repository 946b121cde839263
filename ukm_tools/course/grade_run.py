"""`ukm grade`: the grading engine with its progress display (bar with ETA on a terminal,
plain lines otherwise), against the course's own gradebook URL."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console

from ukm_tools.errors import UkmError


def run_grading(
    course_dir: Path,
    assignment: str,
    *,
    workers=None,
    cell_timeout=30,
    sandbox=True,
    force=False,
    students=None,
    console: Console | None = None,
    plain: bool = False,
):
    """Grade ``assignment`` with :func:`ukm_tools.course.grading.grade_assignment`; returns its report."""
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
            db_url=db_url(course_dir),
            students=students,
            force=force,
            on_progress=on_progress,
        )
