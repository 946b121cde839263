"""Shared fixtures for course tests (session-scoped: one graded course for many tests)."""

import pytest
from course_helpers import build_anticheat_course

from tests.postgres import postgres  # noqa: F401 (the throw-away PostgreSQL server, started only when asked for)
from ukm_tools.course.environment import ensure_tools_on_path

ensure_tools_on_path()


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    """A course where harga-incoterms was released, handed in by six participants (one
    honest owner, five tricks), collected and graded by the grading engine (sandboxed kernels, the course's
    preprocessors); one more participant on the roster never submitted."""
    course, _ = build_anticheat_course(tmp_path_factory.mktemp("anticheat"), workers=2)
    return course


@pytest.fixture(scope="session")
def synthetic_template(tmp_path_factory):
    """A course from the template with nbgrader's gradebook schema and grade cells, no participants
    (built once: creating a gradebook costs seconds)."""
    from synthetic_gradebook import SyntheticCourse

    from ukm_tools.course import ops

    return SyntheticCourse(ops.init_course(tmp_path_factory.mktemp("synthetic") / "template"))


@pytest.fixture
def synthetic(synthetic_template, tmp_path):
    """A fresh copy of the synthetic course for one test to fill."""
    return synthetic_template.copy(tmp_path / "course")
