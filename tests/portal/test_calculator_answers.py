"""Every answer a form links to a calculator can be read off that calculator, opened with the
participant's case as the portal hands it over: the grader's expected value (the course's answer
keys, for this participant) is on the calculator's page, written the Indonesian way.

One answer is computed from two calculators' figures and is checked as such: ``dana_bersih`` (the
rupiah received after the bank's fees) is the payments calculator's fees taken off the invoice, at
the FX calculator's buying rate.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest

from ukm_tools.case import packaged_case
from ukm_tools.course.participants import load_participant
from ukm_tools.course.verify_answers import answer_keys_path, expected_for, load_answer_keys
from ukm_tools.exercises.calculator_case import calculator_case, calculator_extras
from ukm_tools.exercises.forms import read_form
from ukm_tools.exercises.params import product_for
from ukm_tools.portal.calculators import app_for

ASSIGNMENTS = ("harga-incoterms", "pembayaran", "syarat-ekspor", "pembiayaan", "ekatalog")
#: Answers read from two calculators together (see the module docstring).
COMBINED = {"dana_bersih"}


def indonesian(value: Decimal | int) -> str:
    if isinstance(value, int):
        return str(value)
    return f"{value:,}".replace(",", "_").replace(".", ",").replace("_", ".")


def amount(shown: str) -> Decimal:
    """A figure as a calculator shows it (``US$ 1.594,94``, ``Rp16.420``) as a number."""
    return Decimal("".join(c for c in shown if c.isdigit() or c == ",").replace(",", "."))


def page_text(calculator) -> str:
    """Every text the calculator's page shows (HTML, labels, outputs), as one string."""
    seen: set[int] = set()
    out: list[str] = []

    def walk(w) -> None:
        if id(w) in seen:
            return
        seen.add(id(w))
        if isinstance(getattr(w, "value", None), str):
            out.append(w.value)
        out.extend(json.dumps(o, ensure_ascii=False) for o in getattr(w, "outputs", ()) or ())
        for child in getattr(w, "children", ()) or ():
            walk(child)

    walk(calculator.widget)
    return "\n".join(out)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("student", ["ani", "budi"])
def test_every_linked_answer_is_on_its_calculator_filled_with_the_participants_case(released_course, student, tmp_path):
    from ukm_tools.course.ops import db_url

    keys = load_answer_keys(answer_keys_path(released_course))
    product = product_for(student, load_participant(db_url(released_course), student))
    case, extras = calculator_case(student, product, packaged_case()), calculator_extras(student)
    pages: dict[str, str] = {}
    calculators: dict[str, object] = {}
    combined: dict[str, Decimal] = {}
    linked = []
    for assignment in ASSIGNMENTS:
        source = released_course / "source" / assignment / f"{assignment}.ipynb"
        form = read_form(json.loads(source.read_text(encoding="utf-8")), assignment)
        for field in (f for f in form.fields.values() if f.calculator):
            (expected,) = [
                e for e in expected_for(keys, assignment, field.graded_by, student, product) if e.name == field.name
            ]
            value = getattr(expected.value, "amount", expected.value)
            module = field.calculator or ""
            if module not in pages:
                app = app_for(module)
                assert app is not None, module
                calculators[module] = app.calculator_class()(case, extras=extras, save_dir=tmp_path)
                pages[module] = page_text(calculators[module])
            linked.append(field.name)
            if field.name in COMBINED:
                combined[field.name] = value
                continue
            assert indonesian(value) in pages[module], (assignment, field.name, indonesian(value))
    assert len(linked) == 10 and set(combined) == COMBINED
    # dana_bersih = (CIF invoice - the bank's fees, both US$ on the payments page) x the FX page's buying rate.
    payments, fx = calculators["payments"].shown, calculators["fx"].shown  # type: ignore[attr-defined]
    invoice = amount(calculators["price"].shown["shipment_quote"])  # type: ignore[attr-defined]
    buying_rate = amount(fx["at_buy"]) / invoice
    net = ((invoice - amount(payments["breakdown_total"])) * buying_rate).quantize(Decimal(1), "ROUND_HALF_UP")
    assert net == combined["dana_bersih"]
