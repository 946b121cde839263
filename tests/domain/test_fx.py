import datetime as dt
from decimal import Decimal

import pytest

from ukm_tools.errors import UkmError
from ukm_tools.fx import RateKind, RateSheet, cost_to_idr, load_rate_sheet, price_from_idr, proceeds_to_idr, spread_cost
from ukm_tools.money import Money

SHEET = RateSheet.from_mapping(
    {"date": "2025-12-01", "source": "test board", "rates": {"USD": {"buy": 16000, "sell": 16200, "mid": 16100}}}
)


def test_idr_cost_becomes_a_price_at_the_buying_rate_and_says_so():
    c = price_from_idr(Money.of(1_600_000, "IDR"), "USD", SHEET)
    assert c.money == Money.of(100, "USD")
    assert c.rate.kind is RateKind.BUY and c.rate.value == 16000
    assert "kurs beli" in c.rate.describe("id") and "test board" in c.rate.describe("id")


def test_foreign_cost_is_paid_at_the_selling_rate():
    c = cost_to_idr(Money.of(100, "USD"), SHEET)
    assert c.money == Money.of(1_620_000, "IDR")
    assert c.rate.kind is RateKind.SELL


def test_proceeds_and_spread():
    assert proceeds_to_idr(Money.of(100, "USD"), SHEET).money == Money.of(1_600_000, "IDR")
    assert spread_cost(Money.of(100, "USD"), SHEET) == Money.of(10_000, "IDR")


def test_missing_rate_lists_what_is_there():
    with pytest.raises(UkmError) as e:
        price_from_idr(Money.of(1, "IDR"), "SGD", SHEET)
    assert e.value.code == "missing_rate"
    assert "USD" in e.value.message("id")


@pytest.mark.parametrize(
    "rates,code",
    [
        ({"USD": {"buy": 0, "sell": 16200}}, "rate_not_positive"),
        ({"USD": {"buy": 16300, "sell": 16200, "mid": 16250}}, "rate_order"),
    ],
)
def test_bad_rates_are_refused(rates, code):
    with pytest.raises(UkmError) as e:
        RateSheet.from_mapping({"date": "2025-01-01", "source": "x", "rates": rates})
    assert e.value.code == code


def test_packaged_sheet_has_date_source_and_staleness():
    s = load_rate_sheet()
    assert s.source and s.date.year >= 2025
    assert s.rate("USD").buy < s.rate("USD").sell
    assert s.is_stale(30, today=s.date + dt.timedelta(days=31))
    assert not s.is_stale(30, today=s.date + dt.timedelta(days=30))
    assert s.rate("USD").spread_pct == (Decimal(160) / Decimal(16500)) * 100
