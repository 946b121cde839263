"""The grading engine on the fixture course: every case ends with its status and nbgrader's score."""

from __future__ import annotations

import sqlite3

import nbformat
import pytest
from grading_course import ASSIGNMENT, CASES, fresh_copy, session_course, session_graded

from ukm_tools.course.grading import Status, StatusStore, grade_assignment
from ukm_tools.course.grading.status import default_db_url

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def graded(tmp_path_factory):
    return session_graded(tmp_path_factory)


@pytest.mark.timeout(400)
@pytest.mark.parametrize("case", sorted(CASES))
def test_case_ends_with_expected_status_and_score(graded, case):
    course, report = graded
    status, score, max_score = CASES[case]
    result = report.by_student()[case]
    assert (result.status.value, result.score, result.max_score) == (status, score, max_score), result.reason
    if status != "graded":
        assert result.reason, "a non-graded status always says why"
    assert result.attempts == 1
    assert result.started_at <= result.finished_at


def test_reasons_name_the_problem(graded):
    results = graded[1].by_student()
    assert "ps1-Copy1.ipynb" in results["wrong-notebook-name"].reason
    assert "empty" in results["empty-file"].reason
    assert "'test_total'" in results["deleted-test-cell"].reason and "deleted" in results["deleted-test-cell"].reason
    assert "edited" in results["edited-test-cell"].reason
    assert "cell total" in results["infinite-loop"].reason
    assert "MemoryError" in results["memory-bomb"].reason


def test_statuses_persisted_in_gradebook(graded):
    course, report = graded
    with StatusStore(default_db_url(course)) as store:
        stored = store.all(ASSIGNMENT)
    assert [(s.student, s.status, s.score) for s in stored] == [(r.student, r.status, r.score) for r in report.results]
    assert len({s.student for s in stored}) == len(CASES)
    assert not any(s.status.in_progress for s in stored)


def test_scores_match_nbgrader_gradebook(graded):
    course, report = graded
    con = sqlite3.connect(course / "gradebook.db")
    rows = con.execute(
        "SELECT s.student_id, SUM(COALESCE(g.manual_score, g.auto_score, 0)) FROM submitted_assignment s "
        "JOIN submitted_notebook n ON n.assignment_id = s.id JOIN grade g ON g.notebook_id = n.id GROUP BY s.student_id"
    ).fetchall()
    in_db = dict(rows)
    for result in report.results:
        if result.score is not None:
            assert in_db[result.student] == result.score


def test_backup_taken_before_grading(graded):
    course, report = graded
    assert report.backup_path is not None and report.backup_path.parent == course / "backups"
    con = sqlite3.connect(report.backup_path)
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # Taken before any grade was written: no submission rows yet.
    assert con.execute("SELECT COUNT(*) FROM submitted_assignment").fetchone() == (0,)


def test_student_id_reaches_kernel(graded):
    course, _ = graded
    nb = nbformat.read(course / "autograded" / "passes-all" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    texts = [o.get("text", "") for c in nb.cells for o in c.get("outputs", [])]
    assert "ID passes-all\n" in texts


@pytest.mark.timeout(200)
def test_rerun_skips_unchanged_and_regrades_changed(tmp_path_factory, tmp_path):
    course = fresh_copy(
        session_course(tmp_path_factory), tmp_path / "course", students=["passes-all", "fails-one", "empty-file"]
    )
    first = grade_assignment(course, ASSIGNMENT, cell_timeout=5, workers=2)
    assert first.skipped == []
    again = grade_assignment(course, ASSIGNMENT, cell_timeout=5)
    assert again.skipped == ["empty-file", "fails-one", "passes-all"]
    assert again.backup_path is None  # nothing to write, nothing backed up
    assert [(r.student, r.status, r.score, r.attempts) for r in again.results] == [
        (r.student, r.status, r.score, r.attempts) for r in first.results
    ]
    # A resubmission (new timestamp) is graded again; force regrades everything.
    (course / "submitted" / "fails-one" / ASSIGNMENT / "timestamp.txt").write_text("2026-11-21 09:00:00.000000 UTC")
    third = grade_assignment(course, ASSIGNMENT, cell_timeout=5)
    assert third.skipped == ["empty-file", "passes-all"]
    assert third.by_student()["fails-one"].attempts == 2
    forced = grade_assignment(course, ASSIGNMENT, cell_timeout=5, force=True, students=["passes-all"])
    assert forced.skipped == [] and forced.by_student()["passes-all"].status is Status.GRADED
    assert forced.by_student()["passes-all"].score == 5.0


@pytest.mark.timeout(200)
def test_course_config_preprocessors_run_in_the_grader(tmp_path_factory, tmp_path):
    """A preprocessor added in the course's nbgrader_config.py runs (outside the kernel)."""
    course = fresh_copy(session_course(tmp_path_factory), tmp_path / "course", students=["passes-all"])
    config = course / "nbgrader_config.py"
    config.write_text(
        config.read_text() + "from nbgrader.preprocessors import NbGraderPreprocessor\n"
        "from nbgrader.converters import Autograde\n"
        "class MarkChecked(NbGraderPreprocessor):\n"
        "    def preprocess(self, nb, resources):\n"
        "        nb.metadata['ukm_checked_for'] = resources['nbgrader']['student']\n"
        "        return nb, resources\n"
        "c.Autograde.autograde_preprocessors = list(Autograde.autograde_preprocessors.default()) + [MarkChecked]\n"
    )
    report = grade_assignment(course, ASSIGNMENT, cell_timeout=5, workers=1)
    assert report.by_student()["passes-all"].status is Status.GRADED
    nb = nbformat.read(course / "autograded" / "passes-all" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    assert nb.metadata["ukm_checked_for"] == "passes-all"
