"""The calculators open with the case study's key figures: the numbers a participant sees on
first opening a calculator are the ones the book, the slides, the handouts and the trainer kit
show (all read ukm_tools.case_study; tests/book/test_one_case.py checks the printed side)."""

from __future__ import annotations

import pytest

from ukm_tools.case import packaged_case
from ukm_tools.case_study import CaseStudy
from ukm_tools.money import Money, format_money
from ukm_tools.widgets.breakeven import BreakEvenCalculator
from ukm_tools.widgets.financing import FinancingCalculator
from ukm_tools.widgets.katalog import KatalogCalculator
from ukm_tools.widgets.landed import LandedCostCalculator
from ukm_tools.widgets.payments import PaymentsCalculator
from ukm_tools.widgets.price import PriceBuildUpCalculator

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def figures() -> dict[str, str]:
    """The case study's key figures as materials print them (id)."""
    return {k: f.text("id") for k, f in CaseStudy(packaged_case()).key_figures().items()}


def opened(cls, kw):
    calc = cls(**kw)
    assert calc.widget.children and calc.message.value == ""  # built, no problem shown
    return calc


def test_each_calculator_opens_with_the_case_studys_figures(kw, figures):
    price = opened(PriceBuildUpCalculator, kw)
    assert price.shown["unit_quote"] == figures["cif_unit"]
    assert price.shown["shipment_quote"] == figures["invoice"]

    pay = opened(PaymentsCalculator, kw)
    assert pay.shown["breakdown_total"] == figures["bank_fees"]

    fin = opened(FinancingCalculator, kw)
    assert fin.shown["peak"] == figures["peak_working_capital"]
    assert format_money(fin.result.timeline.margin, "id") == figures["profit"]
    assert fin.shown["cost"] == figures["loan_cost"]

    be = opened(BreakEvenCalculator, kw)
    assert be.shown["units"] == figures["break_even_units"]

    kat = opened(KatalogCalculator, kw)
    assert kat.shown["not_pkp"] == figures["katalog_price"] and kat.shown["pkp"] == figures["katalog_price_pkp"]

    landed = opened(LandedCostCalculator, kw)
    assert landed.shown["saving"] == figures["landed_saving"]


def test_a_trainers_bank_tariff_is_the_one_the_starting_order_pays(kw, tmp_path, monkeypatch):
    # UKM_FEES: the trainer's bank charges USD 15 more to advise the L/C. The payment comparator
    # and the financing calculator's starting order (the rupiah received after the bank's fees)
    # use the same tariff.
    from importlib import resources

    import yaml

    from ukm_tools.payments import load_fee_schedule

    data = yaml.safe_load(
        resources.files("ukm_tools.data").joinpath("fees/bank_jatim.yaml").read_text(encoding="utf-8")
    )
    data["bank"] = "Bank Contoh Medan"
    data["fees"][0]["amount"] += 15
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("UKM_FEES", str(path))
    packaged = CaseStudy(packaged_case())
    mine = CaseStudy(packaged_case(), schedule=load_fee_schedule(str(path)))
    assert mine.bank_fees().total == packaged.bank_fees().total + Money.of(15, packaged.invoice.currency)
    pay = opened(PaymentsCalculator, kw)
    assert pay.shown["breakdown_total"] == format_money(mine.bank_fees().total, "id")
    fin = opened(FinancingCalculator, kw)
    assert fin.result.timeline.margin == mine.profit < packaged.profit
