"""The grader's verdicts on a test cell are the grader's own: a submitted notebook cannot plant them."""

from __future__ import annotations

import pytest
from nbformat.v4 import new_code_cell, new_notebook
from traitlets.config import Config

from ukm_tools.course.ops import REPO_TEMPLATE
from ukm_tools.course.verify_answers import VERDICTS_KEY, VerifyAnswers

pytestmark = pytest.mark.timeout(30)

#: What a participant writes into a test cell's metadata to put a message of their choice on
#: their result page (the portal reads this key from the autograded notebook).
PLANTED = [{"key": "not_right", "name": "harga_exw", "params": {"got": "1", "hint": "DITANAM"}}]


def _test_cell(grade_id: str):
    cell = new_code_cell("assert True")
    cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": grade_id, "points": 1}
    cell.metadata[VERDICTS_KEY] = PLANTED
    return cell


@pytest.mark.parametrize("assignment", ["tugas-buatan-pengajar", "harga-incoterms"])
def test_a_submitted_verdict_never_survives_grading(assignment):
    """A course's own assignment (no answer key of ukm's) and a cell ukm does not judge alike."""
    nb = new_notebook(cells=[_test_cell("cek_buatan_sendiri")])
    resources = {"nbgrader": {"assignment": assignment, "student": "peserta-1"}}
    config = Config()
    config.CourseDirectory.root = str(REPO_TEMPLATE)  # the template's answer key, as the grader loads it
    out, _ = VerifyAnswers(config=config).preprocess(nb, resources)
    assert VERDICTS_KEY not in out.cells[0].metadata
