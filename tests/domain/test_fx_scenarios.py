"""FX sensitivity: exact shifted rates and proceeds, bounded scenario lists."""

from decimal import Decimal

import pytest

from ukm_tools.errors import UkmError
from ukm_tools.fx import load_rate_sheet
from ukm_tools.fx_scenarios import changes, proceeds_sensitivity
from ukm_tools.money import Money

SHEET = load_rate_sheet()


def test_changes_are_symmetric_and_include_zero():
    assert changes(5, "2.5") == [Decimal("-5.0"), Decimal("-2.5"), Decimal("0"), Decimal("2.5"), Decimal("5.0")]
    assert changes(0, 1) == [Decimal(0)]


@pytest.mark.parametrize(
    "rng, step, code",
    [(-1, 1, "negative"), (95, 5, "out_of_range"), (10, 0, "not_positive"), (50, 1, "too_many_scenarios")],
)
def test_changes_refuse_bad_ranges(rng, step, code):
    with pytest.raises(UkmError) as e:
        changes(rng, step)
    assert e.value.code == code


def test_proceeds_move_with_the_buying_rate():
    usd = Money.of(10000, "USD")
    buy = SHEET.rate("USD").buy
    rows = proceeds_sensitivity(usd, SHEET, [Decimal(-10), 0, Decimal(5)])
    assert [r.buy_rate for r in rows] == [buy * Decimal("0.9"), buy, buy * Decimal("1.05")]
    assert rows[1].proceeds == Money.of(10000 * buy, "IDR") and rows[1].difference.is_zero
    assert rows[0].proceeds == Money.of(10000 * buy * Decimal("0.9"), "IDR").rounded()
    assert rows[2].difference == Money.of(10000 * buy * Decimal("0.05"), "IDR").rounded()


def test_proceeds_need_a_positive_foreign_amount():
    with pytest.raises(UkmError):
        proceeds_sensitivity(Money.of(0, "USD"), SHEET, [0])
