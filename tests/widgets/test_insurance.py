"""Insurance calculator: both methods equal insure()'s figures; bad input keeps the result."""

from decimal import Decimal

import pytest

from ukm_tools.case import packaged_case
from ukm_tools.insurance import insure
from ukm_tools.money import Money, format_money, format_number
from ukm_tools.widgets.insurance import InsuranceCalculator, case_cfr

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def calc(kw):
    c = InsuranceCalculator(**kw)
    assert c.widget.children  # built: the page shows its fields and first result
    return c


def figures(cfr, rate, clause="C", cover=110, lang="id"):
    a = insure(cfr, rate, clause=clause, method="inclusive", cover_pct=cover)
    b = insure(cfr, rate, clause=clause, method="simple", cover_pct=cover)
    return {
        "premium_inclusive": format_money(a.premium, lang),
        "premium_simple": format_money(b.premium, lang),
        "insured_inclusive": format_money(a.insured_amount, lang),
        "insured_simple": format_money(b.insured_amount, lang),
        "cif_inclusive": format_money(a.cif, lang),
        "cif_simple": format_money(b.cif, lang),
    }


def test_starts_from_case_cfr_and_matches_domain(calc):
    cfr = case_cfr(packaged_case())
    assert calc.shown == figures(cfr, Decimal("0.2"))
    assert calc.f_cfr.raw == format_number(cfr.amount, "id")


def test_public_worked_example(calc):
    # exportmontana.com: C 17,050 + F 2,500 at 0.55% -> premium USD 119.00, insured USD 21,635.90
    calc.f_cfr.input.value = "19.550"
    calc.f_rate.input.value = "0,55"
    assert calc.shown["premium_inclusive"] == "US$ 119,00"
    assert calc.shown["insured_inclusive"] == "US$ 21.635,90"
    assert calc.shown == figures(Money.of(19550, "USD"), Decimal("0.55"))
    assert "US$ 118,28" in calc.table.value  # simple method: 1.1 x 19,550 x 0.55%


@pytest.mark.parametrize(
    "field, text, fragment",
    [
        ("f_rate", "", "belum diisi"),
        ("f_rate", "0", "lebih dari 0"),
        ("f_rate", "95", "95% jauh di luar kisaran wajar tarif premi asuransi (0,01–5%). Maksud Anda 0,95%?"),
        ("f_cfr", "-100", "tidak boleh negatif"),
        ("f_cover", "90", "harus di antara"),
        ("f_cfr", "sepuluh", "bukan angka"),
    ],
)
def test_bad_input_message_keeps_result(calc, field, text, fragment):
    before = dict(calc.shown)
    getattr(calc, field).input.value = text
    assert fragment in calc.errors_shown(), calc.errors_shown()
    assert calc.shown == before


def test_english_and_save_roundtrip(calc, kw):
    calc.set_lang("en")
    calc.f_cfr.input.value = "10,000.50"
    calc.f_clause.input.value = "A"
    assert calc.f_rate.raw == "0.35"  # the case's rate for ICC (A)
    calc.f_rate.input.value = "0.4"
    assert calc.shown == figures(Money.of("10000.50", "USD"), Decimal("0.4"), "A", lang="en")
    path = calc.store.folder / calc.case_panel.save()
    again = InsuranceCalculator.from_case_file(path, **kw)
    assert again.widget.children  # built: the page shows its fields and first result
    assert again.shown == figures(Money.of("10000.50", "USD"), Decimal("0.4"), "A")
    assert again.case.insurance is not None
    assert again.case.insurance.rates_pct == {"A": Decimal("0.4"), "C": Decimal("0.2")}


def test_by_air_the_insurable_value_is_cpt_and_landed_uses_cip(kw):
    from ukm_tools.case import case_from_mapping, packaged_case
    from ukm_tools.money import format_money
    from ukm_tools.widgets.insurance import case_cfr
    from ukm_tools.widgets.landed import case_cif

    air = case_from_mapping({**packaged_case().to_mapping(), "mode": "air", "incoterm": "CIP"})
    assert case_cfr(air) == air.quote("CPT").final.shipment_quote
    assert case_cif(air) == air.quote("CIP").final.shipment_quote
    sea = packaged_case()
    assert (
        case_cfr(sea) == sea.quote("CFR").final.shipment_quote
        and case_cif(sea) == sea.quote("CIF").final.shipment_quote
    )
    assert format_money(case_cfr(air), "id").startswith("US$ ")
