from decimal import Decimal

import pytest

from ukm_tools.errors import UkmError
from ukm_tools.money import Money, format_money, format_percent, money_sum


def test_money_keeps_currency_and_exact_decimal():
    m = Money.of("0.1", "USD") + Money.of("0.2", "USD")
    assert m.amount == Decimal("0.3")
    assert m.currency == "USD"


def test_float_money_is_refused():
    with pytest.raises(UkmError) as e:
        Money.of(0.1, "USD")  # type: ignore[arg-type]  # the wrong type on purpose
    assert e.value.code == "float_money" and "Money.of('0.1', 'USD')" in e.value.message("id")


def test_mixing_currencies_is_an_error_with_a_code():
    with pytest.raises(UkmError) as e:
        Money.of(1, "USD") + Money.of(1, "IDR")
    assert e.value.code == "currency_mismatch"


@pytest.mark.parametrize(
    "amount,currency,expected",
    [("2.5", "IDR", "3"), ("-2.5", "IDR", "-3"), ("1.005", "USD", "1.01"), ("1.004999", "USD", "1.00")],
)
def test_rounding_is_half_up_to_the_minor_unit(amount, currency, expected):
    assert Money.of(amount, currency).rounded().amount == Decimal(expected)


def test_rounded_up_never_falls_short():
    assert Money.of("10.001", "USD").rounded_up().amount == Decimal("10.01")


def test_unknown_currency_names_the_field():
    with pytest.raises(UkmError) as e:
        Money.of(1, "XQQ")
    assert e.value.code == "unknown_currency"


def test_indonesian_and_english_display():
    assert format_money(Money.of(1234567, "IDR"), "id") == "Rp1.234.567"
    assert format_money(Money.of("9481.29", "USD"), "id") == "US$ 9.481,29"
    assert format_money(Money.of("9481.29", "USD"), "en") == "$9,481.29"
    assert format_money(Money.of("1234567.5", "IDR"), "en") == "Rp1,234,568"
    assert format_percent(Decimal("0.55"), "id") == "0,55%"


def test_money_sum():
    assert money_sum([Money.of(1, "IDR"), Money.of(2, "IDR")], "IDR") == Money.of(3, "IDR")
