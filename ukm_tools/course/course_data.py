"""Everything completion, learning gain, analytics and the reports read, loaded once per command.

One :class:`CourseData` holds course.yml, the gradebook's results for every module assignment
and test (:mod:`ukm_tools.course.scores`), the roster's reporting fields, attendance marks and
the audit log. Phone numbers are loaded only when a report asks for personal data.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from ukm_tools.course import attendance, audit, overrides
from ukm_tools.course.answer_keys import AnswerKey, load_key
from ukm_tools.course.config import CourseSpec, load_course
from ukm_tools.course.profiles import profile_frame
from ukm_tools.course.scores import GradeReader, Scores, ScoresLoad
from ukm_tools.errors import UkmError


@dataclass
class CourseData:
    """A snapshot of one course for reporting (all frames indexed or keyed by participant id)."""

    course_dir: Path
    spec: CourseSpec
    scores: Scores
    profiles: pd.DataFrame  # index student; gender, district, sector, scale (missing: "")
    marks: dict[tuple[str, str], bool]  # (session, student) -> present
    imported_sessions: set[str]
    log: list[audit.AuditEntry]
    overrides: dict[tuple[str, str], overrides.Override]
    taken_at: dt.datetime  # Asia/Jakarta
    phones: dict[str, str] = field(default_factory=dict)  # only with include_personal
    keys: dict[str, AnswerKey] = field(default_factory=dict)  # the tests' answer keys (topics per question)

    @property
    def students(self) -> list[str]:
        return list(self.scores.students.index)

    @property
    def module_assignments(self) -> list[str]:
        return [a.name for a in self.spec.assignments()]

    @property
    def test_names(self) -> list[str]:
        return [t.name for t in self.spec.test_specs()]


def _phones(db_url: str) -> dict[str, str]:
    from ukm_tools.course.participants import load_participants

    return {sid: p.phone for sid, p in load_participants(db_url).items() if p.phone}


def _require_gradebook(url: str) -> None:
    """Reports read the gradebook; they never create one (SQLite would, just by connecting)."""
    from sqlalchemy.engine import make_url

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and not Path(parsed.database).is_file():
        raise UkmError("report_no_gradebook", "gradebook", parsed.database)


def load_course_data(course_dir: str | Path, *, include_personal: bool = False) -> CourseData:
    """Read course.yml and the gradebook of ``course_dir`` (see :class:`CourseData`)."""
    from ukm_tools.course.ops import check_course_dir, db_url

    course_dir = check_course_dir(course_dir)
    url = db_url(course_dir)
    _require_gradebook(url)
    with GradeReader(url) as grades:  # the big read starts now, on the second core
        spec = load_course(course_dir)
        log = audit.entries(url)
        marks = attendance.load_marks(url)
        phones = _phones(url) if include_personal else {}
        names = [a.name for a in spec.assignments()] + [t.name for t in spec.test_specs()]
        load = ScoresLoad(url, course_dir, names, grades)
        # everything else before waiting for the grade rows
        profiles = profile_frame(url, load.students.index)
        keys = {t.name: load_key(course_dir, t.name) for t in spec.test_specs()}
        scores = load.finish()
    return CourseData(
        course_dir=course_dir,
        spec=spec,
        scores=scores,
        profiles=profiles,
        marks=marks,
        imported_sessions=attendance.imported_sessions(log),
        log=log,
        overrides=overrides.active_overrides(log),
        taken_at=audit.now_jakarta(),
        phones=phones,
        keys=keys,
    )
