"""Garbage fed to the public domain API: always UkmError naming the field, never a bare
TypeError / KeyError / decimal.InvalidOperation / OverflowError."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukm_tools.case import case_from_mapping, packaged_case
from ukm_tools.errors import Problem, UkmError
from ukm_tools.money import MAX_DIGITS, Money
from ukm_tools.numbers import parse_number
from ukm_tools.plausibility import bands_for

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
    # 10^30 units would need unit prices with 32 decimals: refused, naming the quantity
    with pytest.raises(UkmError) as e:
        kasturi(quantity=10**30).quote()
    assert (e.value.code, e.value.field) == ("out_of_range", "quantity")


def test_validity_beyond_ten_years_is_out_of_range():
    with pytest.raises(UkmError) as e:
        kasturi(validity_days=10**9)
    p = e.value.problems[0]
    assert (p.code, p.field, p.allowed) == ("out_of_range", "validity_days", "1-3660")
    assert kasturi(validity_days=3660).valid_until(dt.date(2025, 1, 1)) == dt.date(2035, 1, 9)


# --------------------------------------------------------------------------- choices and types

from ukm_tools import financing, incoterms, insurance, katalog, payments  # noqa: E402
from ukm_tools.fx import convert, load_rate_sheet, make_rate  # noqa: E402

USD = Money.of(1000, "USD")


def _sheet():
    return load_rate_sheet()


def _order():
    idr = lambda n: Money.of(n, "IDR")  # noqa: E731
    return financing.OrderInput(idr(10_000_000), idr(3_000_000), idr(2_000_000), idr(1_000_000), 20, "da")


BAD_CALLS = {
    "insure: unknown method": (lambda: insurance.insure(USD, "0.5", method="bogus"), "unknown_choice", "method"),
    "insure: clause not text": (
        lambda: insurance.insure(USD, "0.5", clause=1),  # type: ignore[arg-type]  # the wrong type on purpose
        "unknown_choice",
        "clause",
    ),
    "insure: CFR not money": (lambda: insurance.insure(100, "0.5"), "wrong_type", "cfr"),  # type: ignore[arg-type]  # the wrong type on purpose
    "insure: rate 90.9%, a slip": (lambda: insurance.insure(USD, "90.9"), "implausible", "insurance_rate_pct"),
    "insure: rate 1/1.1 in a widened range": (
        lambda: insurance.insure(
            USD, Decimal(100) / Decimal("1.1"), bands=bands_for({"insurance_rate_pct": {"max": 100}})
        ),
        "insurance_rate_too_high",
        "insurance_rate_pct",
    ),
    "incoterm not text": (lambda: incoterms.rule(5), "unknown_choice", "incoterm"),  # type: ignore[arg-type]  # the wrong type on purpose
    "rate of a number": (lambda: _sheet().rate(5), "missing_rate", "currency"),
    "convert: unknown rate kind": (
        lambda: convert(Money.of(1, "IDR"), "USD", _sheet(), "bogus"),  # type: ignore[arg-type]  # the wrong type on purpose
        "unknown_choice",
        "rate_kind",
    ),
    "fee line not charged": (
        lambda: payments.method_cost("dp", USD, payments.load_fee_schedule()).line("zzz"),
        "unknown_choice",
        "fee",
    ),
    "comparison row unknown": (
        lambda: payments.compare_methods(USD, payments.load_fee_schedule()).row("zzz"),
        "unknown_choice",
        "method",
    ),
    "listing not a mapping": (lambda: katalog.validate_listing([1, 2]), "wrong_type", "sheet"),  # type: ignore[arg-type]  # the wrong type on purpose
    "checklist item a list": (
        lambda: katalog.checklist([["nib"]]),  # type: ignore[list-item]  # the wrong type on purpose
        "unknown_choice",
        "have",
    ),
    "cash flow start not a date": (
        lambda: financing.cash_flow(financing.OrderInput(**{**_order().__dict__, "start": "2025-01-01"})),
        "wrong_type",
        "start",
    ),
    "schedule start not a date": (
        lambda: financing.instalment_schedule(Money.of(1000, "IDR"), 6, 12, start="x"),  # type: ignore[arg-type]  # the wrong type on purpose
        "wrong_type",
        "start",
    ),
    "parse_number NaN": (lambda: parse_number(Decimal("NaN")), "not_a_number", "amount"),
}


@pytest.mark.parametrize("name", BAD_CALLS)
def test_bad_call_is_a_ukm_error_naming_the_field(name):
    call, code, field = BAD_CALLS[name]
    with pytest.raises(UkmError) as e:
        call()
    assert (e.value.code, e.value.field) == (code, field)


def test_rates_may_be_floats_but_money_may_not():
    """A rate typed in a notebook as 0.55 is read as exactly 0.55; money as a float is refused."""
    assert (
        insurance.insure(Money.of("19550", "USD"), 0.55).premium
        == insurance.insure(Money.of("19550", "USD"), "0.55").premium
    )
    assert (
        payments.discount_interest(USD, 5.5, 90)
        == payments.discount_interest(USD, "5.5", 90)
        == Money.of("13.75", "USD")
    )
    assert make_rate("USD", 16420.5, 16580.5).mid == Decimal("16500.5")
    s = financing.instalment_schedule(Money.of(12_000_000, "IDR"), 6.5, 12)
    assert s.rate_pct == Decimal("6.5") and s.total_paid == s.principal + s.total_interest
    with pytest.raises(UkmError) as e:
        insurance.insure(Money.of(19550, "USD"), "0.55", cover_pct=110.0) and Money.of(0.1, "USD")  # type: ignore[arg-type]  # the wrong type on purpose
    assert e.value.code == "float_money"


def test_a_broken_rates_section_is_reported_when_the_case_is_read():
    rates = {"date": "kemarin", "source": "papan kurs", "rates": {"USD": {"buy": 16000, "sell": "abc"}}}
    with pytest.raises(UkmError) as e:
        kasturi(rates=rates)
    # every problem at once, each at its path in the case file
    assert {p.field for p in e.value.problems} == {"rates.date", "rates.rates.USD.sell"}
    rates["date"] = "2025-12-01"
    with pytest.raises(UkmError) as e:
        kasturi(rates=rates)
    assert [(p.code, p.field) for p in e.value.problems] == [
        ("not_a_number", "rates.rates.USD.sell")
    ]  # the path in the case file


@pytest.mark.parametrize(
    "value, minimum, code",
    [
        ("5", 0, "not_integer"),
        (5.0, 0, "not_integer"),
        (True, 0, "not_integer"),
        (None, 0, "not_integer"),
        (-1, 0, "negative"),
        (0, 1, "not_positive"),
    ],
)
def test_exact_int_reports_through_collect(value, minimum, code):
    from ukm_tools import checks

    problems: list[Problem] = []
    assert checks.collect(problems, checks.exact_int, value, "days", minimum=minimum, default=-9) == -9
    assert [(p.code, p.field) for p in problems] == [(code, "days")]
    assert checks.collect(problems, checks.exact_int, 7, "days", minimum=minimum) == 7 and len(problems) == 1


def test_order_days_and_min_order_and_weights_use_the_shared_check():
    import dataclasses

    from ukm_tools.readiness import load_requirements, parse_catalog

    with pytest.raises(UkmError) as e:
        financing.cash_flow(dataclasses.replace(_order(), production_days="30", days_to_ship=-1))
    assert [(p.code, p.field) for p in e.value.problems] == [
        ("not_integer", "production_days"),
        ("negative", "days_to_ship"),
    ]
    with pytest.raises(UkmError) as e:
        katalog.government_price(
            katalog.PriceInput(Money.of(1000, "IDR"), 0, False, dt.date(2025, 6, 1), dt.date(2025, 12, 31))
        )
    assert [(p.code, p.field) for p in e.value.problems] == [("not_positive", "min_order")]
    from importlib import resources

    import yaml

    data = yaml.safe_load(
        resources.files("ukm_tools.data").joinpath("export_requirements.yaml").read_text(encoding="utf-8")
    )
    data["requirements"][0]["weight"] = 0
    data["requirements"][1]["lead_time_days"] = "3"
    with pytest.raises(UkmError) as e:
        parse_catalog(data)
    assert [(p.code, p.field) for p in e.value.problems] == [
        ("not_positive", "requirements[0].weight"),
        ("not_integer", "requirements[1].lead_time_days"),
    ]
    assert load_requirements().requirements
