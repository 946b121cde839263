"""Shared fixtures for course tests (session-scoped: one graded course for many tests)."""

import pytest
from course_helpers import participant_notebook, submit

from ukm_tools.course import ops
from ukm_tools.course.environment import ensure_tools_on_path
from ukm_tools.course.participants import store_participants
from ukm_tools.course.roster import Participant

ensure_tools_on_path()


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """A course where harga-incoterms was released, handed in by six participants (one
    honest owner, five tricks), collected and graded by the grading engine (sandboxed kernels, the course's
    preprocessors); one more participant on the roster never submitted."""
    from course_helpers import CASES, OWNER, A, _literal_answers, _owner_values

    root = tmp_path_factory.mktemp("anticheat")
    course = ops.init_course(root / "course")
    others = [
        Participant(s, s.title(), phone="0812 0000 0000", email=f"{s}@contoh.id") for s in CASES if s != "pemilik"
    ]
    store_participants(ops.db_url(course), [OWNER, *others, Participant("absen", "Tidak Hadir")])
    ops.release(course, A)
    literal = _literal_answers(_owner_values())
    for student, (answers, prelude) in CASES.items():
        submit(course, A, student, participant_notebook(course, A, answers or literal, prelude), root / "work")
    assert set(ops.collect(course, A)) == set(CASES)
    from ukm_tools.course.grade_run import run_grading

    report = run_grading(course, A, workers=2, cell_timeout=20, sandbox=True, plain=True)
    assert {r.student: r.status.value for r in report.results} == {s: "graded" for s in CASES}
    return course


@pytest.fixture(scope="session")
def synthetic_template(tmp_path_factory):
    """A course from the template with nbgrader's gradebook schema and grade cells, no participants
    (built once: creating a gradebook costs seconds)."""
    from synthetic_gradebook import SyntheticCourse

    return SyntheticCourse(ops.init_course(tmp_path_factory.mktemp("synthetic") / "template"))


@pytest.fixture
def synthetic(synthetic_template, tmp_path):
    """A fresh copy of the synthetic course for one test to fill."""
    return synthetic_template.copy(tmp_path / "course")
