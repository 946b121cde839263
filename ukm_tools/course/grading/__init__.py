"""Parallel, sandboxed, resumable grading over nbgrader's own autograde pipeline.

    from ukm_tools.course.grading import grade_assignment, StatusStore
    report = grade_assignment(course_dir, "ps1")      # settings from the course's nbgrader_config.py
    report.counts()            # {Status.GRADED: 180, Status.TIMEOUT: 3, ...}
    StatusStore(db_url).all("ps1")

Modules: :mod:`.settings` (every runtime setting, declared once), :mod:`.status` (status table),
:mod:`.checks` (missing/corrupt/tampered notebooks), :mod:`.sandbox` (bubblewrap mount table and
kernelspec), :mod:`.provisioner` and :mod:`.zygote` (warm sandboxed kernels), :mod:`.worker` (one
nbgrader Autograde per submission), :mod:`.engine` (the worker pool, kept warm by
grade-on-submit; scheduling, resume, backup), :mod:`.integrity`
(what grading a submission may change in the gradebook), :mod:`.gradebook` (never create one),
:mod:`.lock` (one run per assignment), :mod:`.runtime` (private runtime folders),
:mod:`.progress` (progress display).
"""

from ukm_tools.course.grading.engine import GradingPool, GradingReport, ProgressEvent, grade_assignment
from ukm_tools.course.grading.progress import progress_reporter
from ukm_tools.course.grading.settings import GradingEngine, SandboxLimits
from ukm_tools.course.grading.status import Status, StatusStore, SubmissionStatus

__all__ = [
    "GradingEngine",
    "GradingPool",
    "GradingReport",
    "ProgressEvent",
    "SandboxLimits",
    "Status",
    "StatusStore",
    "SubmissionStatus",
    "grade_assignment",
    "progress_reporter",
]
