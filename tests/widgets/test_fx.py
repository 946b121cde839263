"""FX calculator: conversions and sensitivity equal the domain's; typed rates replace the sheet."""

from decimal import Decimal

import pytest

from ukm_tools.case import packaged_case
from ukm_tools.fx import BASE, RateKind, convert, cost_to_idr, load_rate_sheet, make_rate, proceeds_to_idr, spread_cost
from ukm_tools.fx_scenarios import changes, proceeds_sensitivity
from ukm_tools.money import Money, format_money
from ukm_tools.widgets.fx import FxCalculator
from ukm_tools.widgets.rates import ENTERED_SOURCE

pytestmark = pytest.mark.timeout(60)
SHEET = load_rate_sheet()


@pytest.fixture
def calc(kw):
    c = FxCalculator(**kw)
    assert c.widget.children  # built: the page shows its fields and first result
    return c


def expected(amount, sheet=SHEET, rng=10, step="2.5", lang="id"):
    return {
        "at_buy": format_money(proceeds_to_idr(amount, sheet).money, lang),
        "at_mid": format_money(convert(amount, BASE, sheet, RateKind.MID).money, lang),
        "at_sell": format_money(cost_to_idr(amount, sheet).money, lang),
        "spread": format_money(spread_cost(amount, sheet).rounded(), lang),
        "scenarios": [
            format_money(s.proceeds, lang) for s in proceeds_sensitivity(amount, sheet, changes(rng, Decimal(step)))
        ],
    }


def test_starts_with_case_total_and_matches_domain(calc):
    total = packaged_case().quote().final.shipment_quote
    assert calc.shown == expected(total)
    assert len(calc.shown["scenarios"]) == 9
    # the chart: one bar per scenario, each with the proceeds as the table shows them
    assert calc.chart.value.count("<li class='ukm-bar") == 9
    assert all(s in calc.chart.value for s in calc.shown["scenarios"])
    assert calc.chart.value.count("ukm-bar-strong") == 1  # today's rate


def test_typed_amount_currency_and_range(calc):
    calc.f_currency.input.value = "SGD"
    calc.f_amount.input.value = "25.000,50"
    calc.f_range.input.value = "4"
    calc.f_step.input.value = "1"
    assert calc.shown == expected(Money.of("25000.50", "SGD"), rng=4, step="1")
    assert calc.rates.buy.raw == "12.640"


def test_bank_board_rates_replace_sheet(calc):
    calc.f_amount.input.value = "10.000"
    calc.rates.buy.input.value = "16.100"
    calc.rates.sell.input.value = "16.300"
    sheet = type(SHEET)(calc.today, ENTERED_SOURCE, {**SHEET.rates, "USD": make_rate("USD", 16100, 16300)})
    assert calc.shown == expected(Money.of(10000, "USD"), sheet)
    assert ENTERED_SOURCE in calc.source_info.value and "ukm-stale" not in calc.source_info.value


@pytest.mark.parametrize(
    "field, text, fragment",
    [
        ("f_amount", "", "belum diisi"),
        ("f_amount", "-5", "lebih dari 0"),
        ("f_range", "95", "harus di antara"),
        ("f_step", "0", "lebih dari 0"),
        ("f_step", "0,1", "terlalu banyak"),
        ("f_amount", "1.0.0", "bukan angka"),
    ],
)
def test_bad_input_message_keeps_result(calc, field, text, fragment):
    before = dict(calc.shown)
    getattr(calc, field).input.value = text
    assert fragment in calc.errors_shown(), calc.errors_shown()
    assert calc.shown == before


def test_save_reopen_keeps_typed_rates(calc, kw):
    calc.rates.buy.input.value = "16.100"
    calc.rates.sell.input.value = "16.300"
    calc.f_amount.input.value = "7.500"
    path = calc.store.folder / calc.case_panel.save()
    again = FxCalculator.from_case_file(path, **kw)
    assert again.widget.children  # built: the page shows its fields and first result
    assert again.shown == calc.shown
    assert again.rates.buy.raw == "16.100"
