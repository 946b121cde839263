"""Garbage typed into any number box of any calculator: an inline message naming the box,
never the 'program error' fallback, and the last good result stays (object and figures)."""

from decimal import Decimal

import pytest

from ukm_tools.widgets.base import NumberField
from ukm_tools.widgets.breakeven import BreakEvenCalculator
from ukm_tools.widgets.fx import FxCalculator
from ukm_tools.widgets.insurance import InsuranceCalculator
from ukm_tools.widgets.landed import LandedCostCalculator
from ukm_tools.widgets.payments import PaymentsCalculator
from ukm_tools.widgets.price import PriceBuildUpCalculator

pytestmark = pytest.mark.timeout(120)

GARBAGE = ("abc", "-5", "1,2,3", "1.000.000.000.000.000", "9" * 40, "")
CALCULATORS = (
    PriceBuildUpCalculator,
    FxCalculator,
    InsuranceCalculator,
    LandedCostCalculator,
    BreakEvenCalculator,
    PaymentsCalculator,
)


@pytest.mark.parametrize("cls", CALCULATORS, ids=lambda c: c.__name__)
def test_garbage_in_every_number_box_is_a_message(cls, kw):
    calc = cls(**kw)
    assert calc.widget.children  # built: the page shows its fields and first result
    good, shown = calc.result, dict(calc.shown)
    assert good is not None and calc.error is None
    fields = [f for f in calc._fields if isinstance(f, NumberField)]
    assert fields
    for f in fields:
        before = f.raw
        for text in GARBAGE:
            f.raw = text
            if calc.error is None:  # e.g. "-5" is a fine change of a rate
                continue
            assert calc.error.code != "unexpected_error", (f.name, text, calc.message.value)
            assert "ukm-error" in calc.message.value
        with calc.holding():
            f.raw = before
    calc.refresh()
    assert calc.error is None and calc.shown == shown


def test_the_largest_figures_compute_exactly_and_beyond_them_the_last_result_stays(kw):
    """Rp999 trillion a unit over 9,999,999,999 units is still priced exactly (unit prices then
    carry 12 decimals); one unit more needs 13: refused, and the last good result stays."""
    calc = PriceBuildUpCalculator(**kw)
    assert calc.widget.children  # built: the page shows its fields and first result
    with calc.holding():
        calc.f_hpp.raw = "999.999.999.999.999"
        calc.f_packing.raw = "0"
    calc.f_qty.raw = "9.999.999.999"
    assert calc.error is None
    exw = calc.result.steps[0]
    # 1,299,999,999,999,998.7 x 9,999,999,999 = 12,999,999,998,699,987,000,000,001.3 -> to the rupiah
    assert exw.shipment_idr.amount == Decimal("12999999998699987000000001")
    good, shown, summary = calc.result, dict(calc.shown), calc.summary.value
    calc.f_qty.raw = "10.000.000.001"
    assert calc.error is not None and calc.error.code == "out_of_range" and calc.error.field == "quantity"
    assert calc.errors_shown()  # the refusal is on screen, above its box
    assert calc.result is good and calc.shown == shown and calc.summary.value == summary
