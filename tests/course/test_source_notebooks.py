"""Each source notebook, solutions in place, passes its own visible tests and the course's answer key."""

import nbformat
import pytest
from nbclient import NotebookClient

from ukm_tools.course.ops import template_dir
from ukm_tools.course.verify_answers import expected_answers, judge_cell, load_answer_keys, pick
from ukm_tools.exercises.params import seeded_product
from ukm_tools.exercises.tugas import ASSIGNMENTS

NAMES = ["ekatalog", "syarat-ekspor", "harga-incoterms", "pembayaran", "pembiayaan"]


@pytest.mark.slow
@pytest.mark.timeout(120)
@pytest.mark.parametrize("name", NAMES)
def test_solutions_pass_their_tests(name, tmp_path, monkeypatch):
    monkeypatch.setenv("UKM_STUDENT_ID", "siti-aminah")
    nb = nbformat.read(template_dir() / "source" / name / f"{name}.ipynb", as_version=4)
    NotebookClient(nb, timeout=60, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
    tests = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade") and c.cell_type == "code"]
    assert tests
    # The hidden tests only record; the grader decides with the answer key, outside the kernel.
    keys = load_answer_keys(template_dir() / "answer_keys.py")
    expected = expected_answers(keys, name, "siti-aminah", seeded_product("siti-aminah"))
    for cell in tests:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
        gid = cell.metadata["nbgrader"]["grade_id"]
        assert gid in ASSIGNMENTS[name].questions
        assert judge_cell(cell, pick(expected, name, gid), name) == [], cell.source


def test_ekatalog_exercise_names_the_city_as_the_catalogue_owner():
    """The local e-Katalog is run by the city government (Pemko Medan), not by LKPP, which only
    sets the rules and runs the shared system (book: Sumber, e-Katalog lokal Pemerintah Kota Medan)."""
    nb = nbformat.read(template_dir() / "source" / "ekatalog" / "ekatalog.ipynb", as_version=4)
    intro = nb.cells[0].source
    assert "e-katalog lokal milik Pemerintah Kota Medan" in intro
    assert "pemerintah kota (LKPP)" not in intro
    for cell in nb.cells:
        assert "LKPP)" not in cell.source or "LKPP hanya membuat aturan" in cell.source, cell.source
