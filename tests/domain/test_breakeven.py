"""Break-even export quantity in units and cartons, margin and contribution."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukm_tools.breakeven import break_even
from ukm_tools.errors import UkmError
from ukm_tools.money import Money

pytestmark = pytest.mark.timeout(60)


def idr(x) -> Money:
    return Money.of(x, "IDR")


def test_syrup_break_even_rounds_up_to_units_and_cartons():
    # Fixed Rp5.000.000; price Rp25.000 a bottle; variable cost Rp15.500.
    # Contribution 9.500; margin 9.500 / 25.000 = 38 %.
    # 5.000.000 / 9.500 = 526,3.. -> 527 bottles; 527 / 12 = 43,9.. -> 44 cartons = 528 bottles.
    # Revenue 527 x 25.000 = 13.175.000; profit at 527 = 527 x 9.500 - 5.000.000 = 6.500;
    # at 528 bottles 16.000.
    b = break_even(idr(5_000_000), idr(25_000), idr(15_500), units_per_carton=12)
    assert b.contribution_per_unit == idr(9_500)
    assert b.margin_pct == Decimal(38)
    assert b.units == 527 and b.cartons == 44 and b.units_in_cartons == 528
    assert b.revenue == idr(13_175_000)
    assert b.profit_at_units == idr(6_500) and b.profit_at_cartons == idr(16_000)
    assert b.profit(526) == idr(-3_000)  # one bottle short is still a loss


def test_exact_break_even_is_not_rounded_past():
    # 950.000 / 9.500 = exactly 100 units -> 100, not 101; 100 / 25 = exactly 4 cartons.
    b = break_even(idr(950_000), idr(25_000), idr(15_500), units_per_carton=25)
    assert (b.units, b.cartons) == (100, 4)
    assert b.profit_at_units == idr(0)
    # 100 / 12 = 8,33 -> 9 cartons = 108 bottles.
    assert break_even(idr(950_000), idr(25_000), idr(15_500), units_per_carton=12).cartons == 9


def test_zero_fixed_costs_and_target_profit():
    assert break_even(idr(0), idr(25_000), idr(15_500)).units == 0
    # (950.000 + 190.000) / 9.500 = 120 units.
    b = break_even(idr(950_000), idr(25_000), idr(15_500), target_profit=idr(190_000))
    assert b.units == 120 and b.profit_at_units == idr(190_000)


def test_usd_margin_with_cents():
    # USD 2.40 price, USD 1.65 variable: contribution 0.75; margin 31.25 %;
    # fixed USD 1,000 / 0.75 = 1,333.33 -> 1,334 units; cartons of 24: 55.58 -> 56.
    b = break_even(Money.of(1000, "USD"), Money.of("2.40", "USD"), Money.of("1.65", "USD"), units_per_carton=24)
    assert b.margin_pct == Decimal("31.25")
    assert (b.units, b.cartons, b.units_in_cartons) == (1334, 56, 1344)
    df = b.to_dataframe("en")
    assert df.set_index("Item").loc["Margin", "Value"] == "31.25%"
    df_id = b.to_dataframe("id").set_index("Pos")
    assert df_id.loc["Titik impas (unit)", "Nilai"] == "1.334"
    assert df_id.loc["Karton isi 24", "Nilai"] == "56 (1.344 unit)"


@pytest.mark.parametrize("vc", [25_000, 30_000])
def test_price_not_above_cost(vc):
    with pytest.raises(UkmError) as e:
        break_even(idr(5_000_000), idr(25_000), idr(vc))
    assert (e.value.code, e.value.field) == ("price_not_above_cost", "unit_price")
    assert "Rp25.000" in e.value.message("id")


@pytest.mark.parametrize(
    "args, kwargs, code, field",
    [
        ((idr(-1), idr(25_000), idr(15_500)), {}, "negative", "fixed_costs"),
        ((idr(1), idr(0), idr(0)), {}, "not_positive", "unit_price"),
        ((idr(1), idr(25_000), idr(-5)), {}, "negative", "unit_variable_cost"),
        ((idr(1), idr(25_000), idr(15_500)), {"units_per_carton": 0}, "not_positive", "units_per_carton"),
        ((idr(1), idr(25_000), idr(15_500)), {"units_per_carton": -12}, "not_positive", "units_per_carton"),
        ((idr(1), idr(25_000), idr(15_500)), {"units_per_carton": "12,5"}, "not_a_number", "units_per_carton"),
        ((Money.of(1, "USD"), idr(25_000), idr(15_500)), {}, "currency_mismatch", "fixed_costs"),
        ((idr(1), idr(25_000), idr(15_500)), {"target_profit": idr(-1)}, "negative", "target_profit"),
    ],
)
def test_bad_input(args, kwargs, code, field):
    with pytest.raises(UkmError) as e:
        break_even(*args, **kwargs)
    assert (e.value.code, e.value.field) == (code, field)


def test_profit_rejects_negative_quantity():
    b = break_even(idr(5_000_000), idr(25_000), idr(15_500))
    with pytest.raises(UkmError) as e:
        b.profit(-1)
    assert (e.value.code, e.value.field) == ("negative", "quantity")


@settings(max_examples=300, deadline=None)
@given(
    fixed=st.integers(min_value=0, max_value=10**10),
    vc=st.integers(min_value=0, max_value=10**6),
    extra=st.integers(min_value=1, max_value=10**6),
    upc=st.integers(min_value=1, max_value=144),
)
def test_break_even_is_the_smallest_covering_quantity(fixed, vc, extra, upc):
    b = break_even(idr(fixed), idr(vc + extra), idr(vc), units_per_carton=upc)
    assert b.profit(b.units).amount >= 0
    if b.units:
        assert b.profit(b.units - 1).amount < 0
    assert b.units_in_cartons >= b.units > b.units_in_cartons - upc or b.units == 0 == b.cartons


def test_json_view():
    j = break_even(idr(5_000_000), idr(25_000), idr(15_500), units_per_carton=12).to_json()
    assert (j["units"], j["cartons"], j["units_in_cartons"], j["margin_pct"]) == (527, 44, 528, "38.00")
    assert j["profit_at_units"] == {"amount": "6500", "currency": "IDR"}


def test_a_unit_that_is_itself_the_carton_gets_no_cartons_of_one_row():
    """Issue 17: the kasturi case prices a carton (of 12 bottles); "Karton isi 1" said nothing."""
    b = break_even(idr(3_000_000), idr(346_790), idr(283_160), units_per_carton=1)
    labels = list(b.to_dataframe("id")["Pos"])
    assert "Titik impas (unit)" in labels
    assert not any(label.startswith("Karton isi") for label in labels)
    assert not any(label.startswith("Cartons of") for label in b.to_dataframe("en")["Item"])
