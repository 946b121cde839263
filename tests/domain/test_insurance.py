from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from ukm_tools.errors import UkmError
from ukm_tools.insurance import Method, insure
from ukm_tools.money import Money


def test_public_check_exportmontana():
    # C 17,050 + F 2,500 = CFR 19,550; rate 0.55%: CIF = 19,550 / (1 - 1.1 x 0.0055) = 19,669.00
    q = insure(Money.of(19550, "USD"), "0.55", clause="C")
    assert q.premium == Money.of("119.00", "USD")
    assert q.insured_amount == Money.of("21635.90", "USD")
    assert q.cif == Money.of("19669.00", "USD")
    assert q.method is Method.INCLUSIVE


def test_simple_method_is_available_and_labelled_and_lower():
    q = insure(Money.of(19550, "USD"), "0.55", method="simple")
    # 1.1 x 19,550 x 0.55% = 118.2775 -> 118.28
    assert q.premium == Money.of("118.28", "USD")
    assert q.method is Method.SIMPLE
    assert "sederhana" in dict(q.rows("id"))["Metode"]


@pytest.mark.parametrize(
    "rate,code", [("0", "not_positive"), ("-1", "not_positive"), ("90.91", "implausible"), ("6", "implausible")]
)
def test_bad_rates(rate, code):
    with pytest.raises(UkmError) as e:
        insure(Money.of(100, "USD"), rate)
    assert e.value.code == code


def test_unknown_clause():
    with pytest.raises(UkmError) as e:
        insure(Money.of(100, "USD"), "0.5", clause="D")
    assert e.value.code == "unknown_choice" and e.value.field == "clause"


@given(
    cfr=st.decimals(min_value=1, max_value=10_000_000, places=2),
    rate=st.decimals(min_value=Decimal("0.01"), max_value=5, places=2),
)
def test_insured_amount_is_at_least_110_percent_of_cif(cfr, rate):
    q = insure(Money(cfr, "USD"), rate)
    assert q.insured_amount.amount >= (q.cif.amount * Decimal("1.1"))
    assert q.cif == q.cfr + q.premium
