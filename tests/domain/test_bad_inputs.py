"""Garbage fed to the public domain API: always UkmError naming the field, never a bare
TypeError / KeyError / decimal.InvalidOperation / OverflowError."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukm_tools.case import case_from_mapping, packaged_case
from ukm_tools.errors import UkmError
from ukm_tools.money import MAX_DIGITS, Money
from ukm_tools.numbers import parse_number

pytestmark = pytest.mark.timeout(60)


def kasturi(**changes):
    return case_from_mapping({**packaged_case().to_mapping(), **changes})


@given(st.text(max_size=40))
@settings(max_examples=300, deadline=None)
def test_parse_number_gives_a_decimal_or_a_ukm_error(text):
    for lang in ("id", "en"):
        try:
            d = parse_number(text, lang, "hpp")
        except UkmError as e:
            assert e.field == "hpp"
        else:
            assert d.is_finite() and len(str(abs(d).to_integral_value())) <= MAX_DIGITS


@pytest.mark.parametrize("text", ["1.000.000.000.000.000", "9" * 16, "-" + "9" * 30 + ",5"])
def test_numbers_beyond_fifteen_whole_digits_are_refused(text):
    with pytest.raises(UkmError) as e:
        parse_number(text, "id", "hpp")
    assert e.value.code == "too_large" and e.value.field == "hpp"
    assert parse_number("999.999.999.999.999", "id") == Decimal("999999999999999")


def test_rounding_a_figure_beyond_decimal_precision_is_a_ukm_error():
    huge = Money(Decimal("999999999999999") * Decimal("999999999999999"), "IDR")
    with pytest.raises(UkmError) as e:
        huge.rounded()
    assert e.value.code == "too_large"


def test_absurd_quantity_in_a_case_file_is_a_ukm_error():
    with pytest.raises(UkmError) as e:
        kasturi(quantity=10**30).quote()
    assert e.value.code == "too_large"


def test_validity_beyond_ten_years_is_out_of_range():
    with pytest.raises(UkmError) as e:
        kasturi(validity_days=10**9)
    p = e.value.problems[0]
    assert (p.code, p.field, p.allowed) == ("out_of_range", "validity_days", "1-3660")
    assert kasturi(validity_days=3660).valid_until(dt.date(2025, 1, 1)) == dt.date(2035, 1, 9)
