"""Landed-cost calculator: both scenarios and the saving equal landed_cost()'s."""

from decimal import Decimal

import pytest

from ukm_tools.case import packaged_case
from ukm_tools.case_study import CaseStudy
from ukm_tools.landed import landed_cost
from ukm_tools.money import Money, format_money
from ukm_tools.widgets.landed import LandedCostCalculator, case_cif

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def calc(kw):
    c = LandedCostCalculator(**kw)
    assert c.widget.children  # built: the page shows its fields and first result
    return c


def expected(cif, qty, duty, vat, charges=0, pref=0, vat_on_charges=False, lang="id"):
    lc = landed_cost(
        cif,
        qty,
        duty_pct=duty,
        vat_pct=vat,
        destination_charges=Money.of(charges, cif.currency),
        preferential_duty_pct=pref,
        vat_on_charges=vat_on_charges,
    )
    return {
        "standard": format_money(lc.standard.total, lang),
        "preferential": format_money(lc.preferential.total, lang),
        "saving": format_money(lc.saving, lang),
        "saving_per_unit": format_money(lc.saving_per_unit, lang),
    }


def test_starts_from_the_case_studys_landed_cost(calc):
    # The book's landed cost: CIF USD 4.304 for 200 cartons, USD 250 of charges after arrival
    # (THC, unloading, delivery), duty 5% without Form D, 0% with it, tax 10%.
    case = packaged_case()
    study = CaseStudy(case)
    assert case_cif(case) == study.cif_value and study.destination_charges == Money.of(250, "USD")
    assert calc.f_charges.raw == "250"
    assert calc.shown == expected(study.cif_value, case.quantity, 5, 10, charges=250)
    assert calc.result == study.landed
    assert "Form D (ATIGA)" in calc.table.value


def test_typed_rates_and_charges(calc):
    calc.f_cif.input.value = "12.500"
    calc.f_qty.input.value = "500"
    calc.f_duty.input.value = "20"
    calc.f_pref.input.value = "5"
    calc.f_vat.input.value = "10"
    calc.f_charges.input.value = "350,75"
    calc.vat_on_charges.value = True
    assert calc.shown == expected(Money.of(12500, "USD"), 500, 20, 10, Decimal("350.75"), 5, True)


@pytest.mark.parametrize(
    "field, text, fragment",
    [
        ("f_cif", "", "belum diisi"),
        ("f_cif", "0", "lebih dari 0"),
        ("f_vat", "120", "harus di antara"),
        ("f_pref", "50", "harus di antara"),
        ("f_qty", "2,5", "bilangan bulat"),
        ("f_charges", "-3", "tidak boleh negatif"),
    ],
)
def test_bad_input_message_keeps_result(calc, field, text, fragment):
    before = dict(calc.shown)
    getattr(calc, field).input.value = text
    assert fragment in calc.errors_shown(), calc.errors_shown()
    assert calc.shown == before


def test_save_and_reopen(calc, kw):
    calc.f_duty.input.value = "15"
    calc.f_preference.input.value = "Form E"
    path = calc.store.folder / calc.case_panel.save()
    again = LandedCostCalculator.from_case_file(path, **kw)
    assert again.widget.children  # built: the page shows its fields and first result
    assert again.shown == calc.shown and again.f_preference.raw == "Form E"
