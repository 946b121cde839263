"""Parallel, sandboxed, resumable grading over nbgrader's own autograde pipeline.

    from ukm_tools.course.grading import grade_assignment, StatusStore
    report = grade_assignment(course_dir, "ps1", cell_timeout=30)
    report.counts()            # {Status.GRADED: 180, Status.TIMEOUT: 3, ...}
    StatusStore(db_url).all("ps1")

Modules: :mod:`.status` (status table), :mod:`.checks` (missing/corrupt/tampered notebooks),
:mod:`.sandbox` (bubblewrap kernelspec), :mod:`.worker` (one nbgrader Autograde per
submission), :mod:`.engine` (scheduling, resume, backup), :mod:`.progress` (progress display).
"""

from ukm_tools.course.grading.engine import GradingReport, ProgressEvent, grade_assignment
from ukm_tools.course.grading.progress import progress_reporter
from ukm_tools.course.grading.sandbox import SandboxLimits
from ukm_tools.course.grading.status import Status, StatusStore, SubmissionStatus

__all__ = [
    "GradingReport",
    "ProgressEvent",
    "SandboxLimits",
    "Status",
    "StatusStore",
    "SubmissionStatus",
    "grade_assignment",
    "progress_reporter",
]
