"""Break-even calculator: units, cartons and margin equal break_even()'s."""

from decimal import Decimal

import pytest

from ukm_tools.breakeven import break_even
from ukm_tools.case import packaged_case
from ukm_tools.case_study import CaseStudy
from ukm_tools.money import Money, format_money, format_number, format_percent
from ukm_tools.widgets.breakeven import BreakEvenCalculator

pytestmark = pytest.mark.timeout(60)


def idr(x):
    return Money.of(x, "IDR")


@pytest.fixture
def calc(kw):
    c = BreakEvenCalculator(**kw)
    assert c.widget.children  # built: the page shows its fields and first result
    return c


def expected(fixed, price, cost, cur="IDR", per_carton=1, target=None, lang="id"):
    b = break_even(
        Money.of(fixed, cur),
        Money.of(price, cur),
        Money.of(cost, cur),
        units_per_carton=per_carton,
        target_profit=None if target is None else Money.of(target, cur),
    )
    return {
        "units": format_number(b.units, lang),
        "cartons": format_number(b.cartons, lang),
        "margin": format_percent(b.margin_pct, lang),
        "contribution": format_money(b.contribution_per_unit, lang),
        "revenue": format_money(b.revenue, lang),
    }


def test_starts_from_the_case_studys_break_even(calc):
    # The book's break-even: Rp346.793 a carton received after the L/C's bank fees
    # (69.358.573 / 200), every cost of the shipment Rp283.160 a carton (56.632.079 / 200),
    # start-up budget Rp3.000.000 -> 3.000.000 / 63.633 = 47,1 -> 48 cartons.
    b = CaseStudy(packaged_case()).break_even
    assert (b.unit_price, b.unit_variable_cost, b.fixed_costs) == (idr(346_793), idr(283_160), idr(3_000_000))
    assert calc.f_price.raw == "346.793" and calc.f_cost.raw == "283.160" and calc.f_fixed.raw == "3.000.000"
    assert calc.shown == expected(3000000, 346793, 283160) and calc.shown["units"] == "48"
    # the case prices a carton (1 unit per carton): no "48 unit (48 karton)"
    assert calc.f_carton.raw == "1" and "ukm-cartons" not in calc.summary.value
    # the chart: profit at quantities from 0 to twice the break-even, the break-even one marked
    units = int(calc.result.units)
    assert f">{format_number(units, 'id')} unit terjual<" in calc.chart.value
    assert calc.chart.value.count("ukm-bar-strong") == 1


def test_typed_values_cartons_and_target(calc):
    calc.f_price.input.value = "25.000"
    calc.f_cost.input.value = "19.500"
    calc.f_fixed.input.value = "7.500.000"
    calc.f_carton.input.value = "12"
    calc.f_target.input.value = "1.000.000"
    assert calc.shown == expected(7500000, 25000, 19500, per_carton=12, target=1000000)
    assert calc.shown["cartons"] == format_number(-(-1546 // 12), "id")  # 8.500.000 / 5.500 = 1.545,4 -> 1.546 units
    assert f"<b class='ukm-cartons'>{calc.shown['cartons']}</b> karton" in calc.summary.value


@pytest.mark.parametrize(
    "field, text, fragment",
    [
        ("f_price", "", "belum diisi"),
        ("f_cost", "-1", "tidak boleh negatif"),
        ("f_carton", "0", "lebih dari 0"),
        ("f_cost", "999.999.999", "harus lebih besar dari biaya variabel"),
        ("f_fixed", "lima juta", "bukan angka"),
    ],
)
def test_bad_input_message_keeps_result(calc, field, text, fragment):
    before = dict(calc.shown)
    getattr(calc, field).input.value = text
    assert fragment in calc.errors_shown(), calc.errors_shown()
    assert calc.shown == before


def test_usd_and_english_and_save(calc, kw):
    calc.set_lang("en")
    calc.f_currency.input.value = "USD"
    calc.f_price.input.value = "21.50"
    calc.f_cost.input.value = "17.25"
    calc.f_fixed.input.value = "1,200"
    assert calc.shown == expected(1200, Decimal("21.50"), Decimal("17.25"), "USD", lang="en")
    path = calc.store.folder / calc.case_panel.save()
    again = BreakEvenCalculator.from_case_file(path, **kw)
    assert again.widget.children  # built: the page shows its fields and first result
    assert again.shown == expected(1200, Decimal("21.50"), Decimal("17.25"), "USD")
