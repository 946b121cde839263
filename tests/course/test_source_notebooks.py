"""Each source notebook, solutions in place, passes its own visible and hidden tests."""

import nbformat
import pytest
from nbclient import NotebookClient

from ukm_tools.course.ops import template_dir

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
    for cell in tests:
        assert not [o for o in cell.outputs if o.output_type == "error"], cell.source
        assert any("Jawaban benar" in o.get("text", "") for o in cell.outputs), cell.outputs
