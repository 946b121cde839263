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
