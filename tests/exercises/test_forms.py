"""Exercise forms: the five source notebooks declare their answers; typed answers are read the
Indonesian way with the visible check's verdict; only numbers and listed options reach code."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from ukm_tools.errors import UkmError
from ukm_tools.exercises import case_lines
from ukm_tools.exercises.forms import Kind, fill_notebook, read_answer, read_answers, read_form
from ukm_tools.exercises.params import product_for

pytestmark = pytest.mark.timeout(60)

SOURCE = Path(__file__).resolve().parents[2] / "assignments" / "source"
FIVE = ["ekatalog", "harga-incoterms", "pembayaran", "pembiayaan", "syarat-ekspor"]


def notebook(name: str) -> dict:
    return json.loads((SOURCE / name / f"{name}.ipynb").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def harga():
    nb = notebook("harga-incoterms")
    return nb, read_form(nb, "harga-incoterms")


@pytest.mark.parametrize("name", FIVE)
def test_each_assignment_is_a_form_with_its_case_and_every_answer_graded(name):
    form = read_form(notebook(name), name)
    assert len(form.cases) == 1 and form.fields
    for f in form.fields.values():
        assert f.graded_by in form.points, f  # every answer's score comes from a graded cell
    lines = case_lines(form.cases[0], "p007", product_for("p007"))
    assert lines and "None" not in "\n".join(lines)
    assert any(f.manual for f in form.fields.values())  # one written reflection per assignment


def test_numbers_are_read_the_indonesian_way(harga):
    _, form = harga
    exw, fob = form.fields["harga_exw"], form.fields["harga_fob"]
    assert read_answer(exw, "76.300").value == Decimal("76300")
    assert read_answer(exw, "Rp 76.300").value == Decimal("76300")
    assert read_answer(fob, "4,22").value == Decimal("4.22")
    assert read_answer(exw, "").problem == ""  # empty while typing is no problem yet


@pytest.mark.parametrize(
    ("typed", "says"),
    [
        ("12,5,5", ""),
        ("-5", "lebih dari 0"),
        ("4,225", "bisa berarti 4225"),  # ambiguous: both readings named
        ("x" * 50, "Terlalu panjang"),
    ],
)
def test_unusable_numbers_say_why_in_indonesian(harga, typed, says):
    _, form = harga
    reading = read_answer(form.fields["harga_fob"], typed)
    assert not reading.usable and reading.problem and says in reading.problem


def test_a_unit_price_with_the_invoices_decimals_is_taken_as_typed(harga):
    # The calculators and the invoice show a unit price with the decimals its quantity needs
    # (issue 11: 21,52015 for 200 cartons); copied from there it is an answer, judged to the cent.
    _, form = harga
    reading = read_answer(form.fields["harga_fob"], "4,97793")
    assert reading.usable and reading.value == Decimal("4.97793")


def test_only_numbers_and_listed_options_reach_the_notebook_code():
    nb = notebook("ekatalog")
    form = read_form(nb, "ekatalog")
    choice = next(f for f in form.fields.values() if f.kind is Kind.CHOICE)
    text = next(f for f in form.fields.values() if f.kind is Kind.TEXT)
    typed = {choice.name: "'); import os; ('", text.name: "<script>alert(1)</script> bagus"}
    readings = read_answers(form, typed)
    assert not readings[choice.name].usable
    filled = fill_notebook(nb, form, readings)
    sources = ["".join(c["source"]) if isinstance(c["source"], list) else c["source"] for c in filled["cells"]]
    assert not any("import os" in s for s in sources)
    assert any("&lt;script&gt;alert(1)&lt;/script&gt; bagus" in s for s in sources)
    assert not any("<script>" in s for s in sources)


def test_written_answers_are_filled_and_keep_the_cells_nbgrader_grades(harga):
    nb, form = harga
    readings = read_answers(form, {"harga_exw": "76.300", "harga_fob": "4,22"})
    filled = fill_notebook(nb, form, readings)
    by_id = {c["metadata"].get("nbgrader", {}).get("grade_id"): c for c in filled["cells"]}
    assert 'harga_exw = Decimal("76300")' in by_id["jawab_exw"]["source"]
    assert 'harga_fob = Decimal("4.22")' in by_id["jawab_fob"]["source"]
    assert by_id["jawab_cif"]["source"] == next(
        c["source"] for c in nb["cells"] if c["metadata"].get("nbgrader", {}).get("grade_id") == "jawab_cif"
    )  # nothing usable typed: the cell stays as released
    assert [c["metadata"] for c in filled["cells"]] == [c["metadata"] for c in nb["cells"]]


def test_bad_metadata_is_reported_all_at_once():
    nb = notebook("harga-incoterms")
    for cell in nb["cells"]:
        answers = cell["metadata"].get("ukm", {}).get("answers")
        if answers:
            answers[0]["type"] = "money"
    with pytest.raises(UkmError) as e:
        read_form(nb, "harga-incoterms")
    assert len(e.value.problems) == 4
