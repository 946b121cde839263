"""Malformed trainer data files (rate sheets, fee schedules, requirement lists) give UkmError
naming the field — never an AttributeError/TypeError from deep inside — and YAML datetimes
are read as dates so the staleness check works."""

import datetime as dt

import pytest

from ukm_tools.dated import as_date
from ukm_tools.errors import UkmError
from ukm_tools.fx import RateSheet
from ukm_tools.payments import parse_fee_schedule
from ukm_tools.readiness import parse_catalog

pytestmark = pytest.mark.timeout(30)

GOOD_RATES = {"USD": {"buy": 16000, "sell": 16100}}


@pytest.mark.parametrize(
    "data,field",
    [
        ([1, 2], "rate_sheet"),
        ("USD 16000", "rate_sheet"),
        ({"date": "2025-01-01", "source": "x", "rates": [1, 2]}, "rates"),
        ({"date": "2025-01-01", "source": "x", "rates": "USD"}, "rates"),
        ({"date": "2025-01-01", "source": "x", "rates": {"USD": 16000}}, "rates.USD"),
        ({"date": "2025-01-01", "source": "x", "rates": {"USD": {"buy": [1], "sell": 2}}}, "rates.USD.buy"),
        ({"date": "2025-13-01", "source": "x", "rates": GOOD_RATES}, "date"),
        ({"date": None, "source": "x", "rates": GOOD_RATES}, "date"),
        ({"date": "2025-01-01", "source": "", "rates": GOOD_RATES}, "source"),
        ({"date": "2025-01-01", "source": "x", "rates": {"USD": {"buy": 0, "sell": 1}}}, "rates.USD.buy"),
    ],
)
def test_malformed_rate_sheet_names_the_field(data, field):
    with pytest.raises(UkmError) as e:
        RateSheet.from_mapping(data)
    assert e.value.field == field


def test_rate_sheet_reads_float_rates_exactly():
    sheet = RateSheet.from_mapping(
        {"date": "2025-01-01", "source": "x", "rates": {"USD": {"buy": 16420.5, "sell": 16580.5}}}
    )
    assert str(sheet.rate("USD").buy) == "16420.5" and str(sheet.rate("USD").mid) == "16500.5"


@pytest.mark.parametrize("raw", [dt.datetime(2025, 1, 1, 10, 30), dt.date(2025, 1, 1), "2025-01-01", " 2025-01-01 "])
def test_as_date_gives_a_plain_date(raw):
    d = as_date(raw)
    assert type(d) is dt.date and d == dt.date(2025, 1, 1)


@pytest.mark.parametrize("raw", [None, "", "01-01-2025", "2025-02-30", [2025]])
def test_as_date_refuses_non_dates(raw):
    with pytest.raises(UkmError) as e:
        as_date(raw, "date")
    assert e.value.code == "wrong_type" and e.value.field == "date"


def test_datetime_in_a_rate_sheet_still_ages():
    sheet = RateSheet.from_mapping({"date": dt.datetime(2025, 1, 1, 10), "source": "x", "rates": GOOD_RATES})
    assert sheet.age_days(dt.date(2025, 1, 31)) == 30 and sheet.is_stale(7, dt.date(2025, 1, 31))


def test_datetime_in_a_fee_schedule_still_ages():
    data = {
        "bank": "b",
        "currency": "USD",
        "date": dt.datetime(2025, 1, 1, 9),
        "source": "s",
        "fees": [
            {
                "code": "a",
                "label": {"id": "a", "en": "a"},
                "applies_to": ["lc"],
                "per": "once",
                "kind": "fixed",
                "amount": 1,
                "source": "s",
                "date": dt.datetime(2025, 1, 1, 9),
            }
        ],
    }
    sched = parse_fee_schedule(data)
    assert sched.age_days(dt.date(2025, 1, 11)) == 10
    assert type(sched.fees[0].date) is dt.date


@pytest.mark.parametrize(
    "data,field",
    [
        ({"product_types": ["food"], "markets": {}, "requirements": [], "date": "2025-01-01"}, "product_types"),
        (
            {
                "product_types": {"food": {"id": "a", "en": "a"}},
                "markets": "MY",
                "requirements": [],
                "date": "2025-01-01",
            },
            "markets",
        ),
        (
            {
                "product_types": {"food": {"id": "a", "en": "a"}},
                "markets": {"MY": {"label": {"id": "a", "en": "a"}}},
                "requirements": [],
                "date": dt.datetime(2025, 1, 1, 8),
            },
            "requirements",
        ),
    ],
)
def test_malformed_requirements_file_names_the_field(data, field):
    with pytest.raises(UkmError) as e:
        parse_catalog(data)
    assert field in {p.field for p in e.value.problems}
