"""Everything `ukm report` shows, computed once: completion, learning gain, analytics, office summary.

:func:`build_report` reads the course (:mod:`ukm_tools.course.course_data`) and computes; the
writers (:mod:`ukm_tools.course.report_workbook`, :mod:`ukm_tools.course.dashboard`) only lay
the results out. :func:`write_report` writes both into a folder.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ukm_tools.course import analytics
from ukm_tools.course.completion import CompletionResult, evaluate
from ukm_tools.course.course_data import CourseData, load_course_data
from ukm_tools.course.learning_gain import LearningGain, learning_gain
from ukm_tools.course.office_summary import OfficeSummary, office_summary
from ukm_tools.errors import UkmError


@dataclass
class WorkshopReport:
    data: CourseData
    completion: CompletionResult
    gain: LearningGain | None
    questions: pd.DataFrame
    assignments: pd.DataFrame
    modules: pd.DataFrame
    funnel: list[analytics.FunnelStage]
    office: OfficeSummary
    include_personal: bool


def build_report(course_dir: str | Path, *, include_personal: bool = False) -> WorkshopReport:
    data = load_course_data(course_dir, include_personal=include_personal)
    if data.scores.students.empty:  # `ukm init` made the gradebook; nobody is in it yet
        raise UkmError("report_no_participants", "gradebook", str(data.course_dir))
    return compute_report(data, include_personal=include_personal)


def compute_report(data: CourseData, *, include_personal: bool = False) -> WorkshopReport:
    result = evaluate(data)
    return WorkshopReport(
        data=data,
        completion=result,
        gain=learning_gain(data),
        questions=analytics.question_stats(data),
        assignments=analytics.assignment_stats(data),
        modules=analytics.module_states(result),
        funnel=analytics.funnel(data, result),
        office=office_summary(data, result),
        include_personal=include_personal,
    )


def write_report(course_dir: str | Path, out_dir: str | Path, *, include_personal: bool = False) -> dict[str, Path]:
    """``laporan-<course>.xlsx`` and ``dasbor-<course>.html`` in ``out_dir``; returns their paths."""
    from ukm_tools.course.dashboard import write_dashboard
    from ukm_tools.course.report_workbook import write_workbook

    report = build_report(course_dir, include_personal=include_personal)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    cid = report.data.spec.course_id
    return {
        "xlsx": write_workbook(report, out / f"laporan-{cid}.xlsx"),
        "html": write_dashboard(report, out / f"dasbor-{cid}.html"),
    }
