"""Landed cost at the destination, with and without a preferential certificate (Form D)."""

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukm_tools.errors import UkmError
from ukm_tools.landed import landed_cost, landed_scenario
from ukm_tools.money import Money

pytestmark = pytest.mark.timeout(60)


def usd(x) -> Money:
    return Money.of(x, "USD")


def test_with_and_without_form_d():
    # 1,000 bottles of syrup, CIF Port Klang USD 5,000, duty 5 %, VAT 10 %, charges USD 150.
    # Without Form D: duty 5,000 x 5 % = 250.00; VAT (5,000 + 250) x 10 % = 525.00;
    #   total 5,000 + 250 + 525 + 150 = 5,925.00; per unit 5.925 -> 5.93 (half-up).
    # With Form D (0 %): duty 0; VAT 5,000 x 10 % = 500.00; total 5,650.00; per unit 5.65.
    # Saving 275.00; per unit 0.275 -> 0.28.
    r = landed_cost(usd(5_000), 1_000, duty_pct=5, vat_pct=10, destination_charges=usd(150))
    s, p = r.standard, r.preferential
    assert (s.duty, s.vat_base, s.vat, s.total, s.per_unit) == (usd(250), usd(5_250), usd(525), usd(5_925), usd("5.93"))
    assert (p.duty, p.vat, p.total, p.per_unit) == (usd(0), usd(500), usd(5_650), usd("5.65"))
    assert r.saving == usd(275) and r.saving_per_unit == usd("0.28")
    assert r.preference == "Form D (ATIGA)"


def test_dataframes_in_both_languages():
    r = landed_cost(usd(5_000), 1_000, duty_pct=5, vat_pct=10, destination_charges=usd(150))
    df = r.to_dataframe("id")
    assert list(df.columns) == ["Pos", "Tanpa preferensi", "Dengan Form D (ATIGA)", "Hemat"]
    assert df.iloc[1].tolist() == ["Bea masuk", "US$ 250,00", "US$ 0,00", "US$ 250,00"]
    assert df.iloc[-1]["Hemat"] == "US$ 0,28"
    one = r.standard.to_dataframe("en")
    assert one.iloc[2].tolist() == ["VAT", "10%", "$525.00", Decimal("525.00")]


def test_partial_preference_and_vat_on_charges():
    # Preferential 2 %: duty 100.00; VAT on (5,000 + 100 + 150 charges) x 10 % = 525.00 when the
    # destination taxes the charges too; total 5,000 + 100 + 525 + 150 = 5,775.00.
    r = landed_cost(
        usd(5_000),
        1_000,
        duty_pct=5,
        vat_pct=10,
        destination_charges=usd(150),
        preferential_duty_pct=2,
        vat_on_charges=True,
    )
    assert r.preferential.duty == usd(100)
    assert r.preferential.vat == usd(525)
    assert r.preferential.total == usd(5_775)
    # Standard with taxed charges: VAT (5,000 + 250 + 150) x 10 % = 540.00 -> total 5,940.00.
    assert r.standard.total == usd(5_940)
    assert r.saving == usd(165)


def test_rupiah_rounds_to_whole_rupiah():
    # CIF Rp12.345.678 x 7,5 % = 925.925,85 -> Rp925.926; VAT 11 % of 13.271.604 = 1.459.876,44 -> 1.459.876
    r = landed_scenario(Money.of(12_345_678, "IDR"), 3, duty_pct="7.5", vat_pct=11)
    assert r.duty == Money.of(925_926, "IDR")
    assert r.vat == Money.of(1_459_876, "IDR")
    assert r.total == Money.of(14_731_480, "IDR")
    assert r.per_unit == Money.of(4_910_493, "IDR")  # 14.731.480 / 3 = 4.910.493,33


@pytest.mark.parametrize(
    "kwargs, code, field",
    [
        ({"quantity": 0}, "not_positive", "quantity"),
        ({"quantity": -10}, "not_positive", "quantity"),
        ({"quantity": 2.5}, "not_integer", "quantity"),
        ({"duty_pct": -1}, "negative", "duty_pct"),
        ({"vat_pct": -10}, "negative", "vat_pct"),
        ({"vat_pct": 150}, "out_of_range", "vat_pct"),
        ({"cif": usd(0)}, "not_positive", "cif"),
        ({"destination_charges": usd(-1)}, "negative", "destination_charges"),
        ({"destination_charges": Money.of(100, "MYR")}, "currency_mismatch", "destination_charges"),
        ({"preferential_duty_pct": 8}, "out_of_range", "preferential_duty_pct"),
        ({"preferential_duty_pct": -1}, "negative", "preferential_duty_pct"),
    ],
)
def test_bad_input(kwargs, code, field):
    args: dict[str, Any] = {
        "cif": usd(5_000),
        "quantity": 1_000,
        "duty_pct": 5,
        "vat_pct": 10,
        "destination_charges": usd(150),
    }
    args.update(kwargs)
    with pytest.raises(UkmError) as e:
        landed_cost(args.pop("cif"), args.pop("quantity"), **args)
    assert (code, field) in [(p.code, p.field) for p in e.value.problems]
    assert e.value.message("id")


def test_all_problems_reported_at_once():
    with pytest.raises(UkmError) as e:
        landed_scenario(usd(5_000), 0, duty_pct=-1, vat_pct=-1)
    assert {p.field for p in e.value.problems} == {"quantity", "duty_pct", "vat_pct"}


pcts = st.decimals(min_value=0, max_value=200, places=2)


@settings(max_examples=200, deadline=None)
@given(
    cif=st.integers(min_value=1, max_value=10**9).map(lambda c: Money(Decimal(c).scaleb(-2), "USD")),
    qty=st.integers(min_value=1, max_value=100_000),
    d1=pcts,
    d2=pcts,
    vat=st.decimals(min_value=0, max_value=100, places=2),
    charges=st.integers(min_value=0, max_value=10**7).map(lambda c: Money(Decimal(c).scaleb(-2), "USD")),
)
def test_higher_duty_never_lowers_landed_cost(cif, qty, d1, d2, vat, charges):
    low, high = sorted((d1, d2))
    a = landed_scenario(cif, qty, duty_pct=low, vat_pct=vat, destination_charges=charges)
    b = landed_scenario(cif, qty, duty_pct=high, vat_pct=vat, destination_charges=charges)
    assert a.total <= b.total and a.per_unit <= b.per_unit
    r = landed_cost(cif, qty, duty_pct=high, vat_pct=vat, destination_charges=charges, preferential_duty_pct=low)
    assert r.saving.amount >= 0


def test_json_view():
    r = landed_cost(usd(5_000), 1_000, duty_pct=5, vat_pct=10, destination_charges=usd(150))
    j = r.to_json()
    assert j["standard"]["total"] == {"amount": "5925.00", "currency": "USD"}
    assert j["preferential"]["duty"] == {"amount": "0.00", "currency": "USD"}
    assert j["saving_per_unit"] == {"amount": "0.28", "currency": "USD"}
