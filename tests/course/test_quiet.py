"""nbgrader's internal warnings are silenced where the course calls it; nothing else is."""

import os
import subprocess
import sys
import warnings

import pytest

from ukm_tools.course.quiet import quiet_nbgrader, warning_options

SA = (
    "Object of type <SubmittedAssignment> not in session, add operation along 'Assignment.submissions' will not proceed"
)
IDS = "Cell is missing an id field, this will become a hard error in future nbformat versions."


def _emit(message, category, module):
    warnings.warn_explicit(message, category, f"/x/{module.replace('.', '/')}.py", 1, module=module)


@pytest.mark.timeout(10)
def test_only_the_known_noise_from_its_module_is_ignored():
    from nbformat.warnings import MissingIDFieldWarning
    from sqlalchemy.exc import SAWarning

    before = os.environ.get("PYTHONWARNINGS")
    with warnings.catch_warnings(record=True) as seen:
        warnings.simplefilter("always")
        with quiet_nbgrader():
            _emit(SA, SAWarning, "nbgrader.api")
            _emit(IDS, MissingIDFieldWarning, "nbformat.validator")
            _emit(SA, SAWarning, "ukm_tools.course.reports")  # same text from our code: shown
            _emit("Something else went wrong", SAWarning, "nbgrader.api")  # other nbgrader warnings: shown
            _emit("Rate sheet is 40 days old", UserWarning, "ukm_tools.fx")
            assert all(o in os.environ["PYTHONWARNINGS"] for o in warning_options())
        _emit(SA, SAWarning, "nbgrader.api")  # outside the block: shown again
    assert [(str(w.message)[:20], w.filename.split("/x/")[1]) for w in seen] == [
        (SA[:20], "ukm_tools/course/reports.py"),
        ("Something else went ", "nbgrader/api.py"),
        ("Rate sheet is 40 day", "ukm_tools/fx.py"),
        (SA[:20], "nbgrader/api.py"),
    ]
    assert os.environ.get("PYTHONWARNINGS") == before


@pytest.mark.timeout(30)
def test_child_processes_inherit_the_filters():
    code = (
        "import warnings\n"
        f"warnings.warn_explicit({SA!r}, UserWarning, 'api.py', 1, module='nbgrader.api')\n"
        "warnings.warn_explicit('ours', UserWarning, 'fx.py', 1, module='ukm_tools.fx')\n"
    )
    with quiet_nbgrader():
        r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=20)
    assert "ours" in r.stderr and "Object of type" not in r.stderr, r.stderr
    assert "Invalid -W option" not in r.stderr
