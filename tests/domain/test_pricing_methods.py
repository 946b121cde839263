"""Incremental floor and reverse pricing: worked figures, properties, bad input."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.domain.test_pricing import SHEET, idr, make
from ukm_tools.errors import UkmError
from ukm_tools.landed import landed_scenario
from ukm_tools.money import Money
from ukm_tools.pricing_methods import incremental_price, reverse_price


def myr(x):
    return Money.of(x, "MYR")


def test_extra_order_with_overhead_already_paid_worked_cif():
    # The test_pricing case: HPP 100,000 + packing 10,000, markup 20 %, 1,000 units, CIF with
    # per-unit costs FAS 4,500 (truck + broker + THC), loading 500, freight USD 1,000 at the
    # selling rate 16,200 = 16,200; insurance 0.5 % inclusive: CIF = CFR / 0.9945.
    # 40 % of HPP is overhead the domestic sales already pay: 40,000 per unit.
    p = incremental_price(make(), "CIF", SHEET, 40)
    assert p.fixed_per_unit == idr(40_000)
    # Per shipment of 1,000 units, USD at the buying rate 16,000 (test_pricing's worked case):
    # floor:     EXW 70,000 x 1,000 = Rp70,000,000 -> USD 4,375.00; + FAS 281.25 + loading 31.25
    #            + freight 1,012.50 = CFR 5,700.00; premium 5,700 x 0.0055 / 0.9945 = 31.52
    #            -> CIF 5,731.52 -> USD 5.73152 a unit (5 decimals for 1,000 units)
    #            (rupiah: 91,200,000 + premium 504,374 = 91,704,374 -> 91,704.374 a unit)
    # full cost: CFR 8,200.00 + premium 45.35 = 8,245.35 -> USD 8.24535 (Rp131,925.591)
    # cost-plus: CFR 9,575.00 + premium 52.95 = 9,627.95 -> USD 9.62795 (Rp154,047.26)
    assert p.floor_idr.rounded() == idr(91_704)
    assert p.full_cost_idr.rounded() == idr(131_926)
    assert p.cost_plus_idr.rounded() == idr(154_047)
    assert (p.floor_quote, p.full_cost_quote, p.cost_plus_quote) == (
        Money.of("5.73152", "USD"),
        Money.of("8.24535", "USD"),
        Money.of("9.62795", "USD"),
    )
    # a buyer offers USD 7.00 for another 1,000 units: (7.00 - 5.73152) x 1,000 = USD 1,268.48 over the floor
    assert p.contribution(Money.of("7.00", "USD"), 1000) == Money.of("1268.48", "USD")
    # at USD 5.00 the order loses (5.00 - 5.73152) x 1,000 = USD 731.52
    assert p.contribution(Money.of("5.00", "USD"), 1000) == Money.of("-731.52", "USD")


def test_no_overhead_share_means_floor_is_full_cost():
    p = incremental_price(make(), "FOB", SHEET, 0)
    assert p.floor_idr == p.full_cost_idr
    assert p.rule == "FOB"


def test_shelf_price_in_kuala_lumpur_back_to_cif_worked():
    # RM 286.00 on the shelf incl. 10 % consumer tax -> 260.00; the shop marks up 30 % on its
    # cost -> it buys at 200.00; the distributor marks up 25 % -> its landed cost is 160.00;
    # less RM 6.00 of port and delivery charges -> 154.00 duty- and tax-paid; 0 % duty (Form D),
    # 10 % import tax on CIF + duty -> CIF = 154.00 / 1.10 = 140.00.
    r = reverse_price(
        myr("286.00"),
        consumer_tax_pct=10,
        retailer_markup_pct=30,
        distributor_markup_pct=25,
        duty_pct=0,
        import_tax_pct=10,
        destination_charges_per_unit=myr("6.00"),
    )
    assert [m for _, m in r.rows("id")] == [
        myr("286.00"),
        myr("260.00"),
        myr("200.00"),
        myr("160.00"),
        myr("154.00"),
        myr("140.00"),
    ]
    assert r.rows("en")[-1][0] == "Highest CIF price"


def test_duty_applies_before_the_import_tax():
    # CIF x 1.05 duty x 1.10 tax = 115.50 -> CIF 100.00 (the order landed.py charges them in)
    r = reverse_price(myr("115.50"), retailer_markup_pct=0, distributor_markup_pct=0, duty_pct=5, import_tax_pct=10)
    assert r.max_cif == myr("100.00")


@settings(max_examples=120, deadline=None)
@given(
    cif_cents=st.integers(min_value=100, max_value=10_000_000),
    qty=st.integers(min_value=1, max_value=5000),
    duty=st.decimals(min_value=0, max_value=40, places=1),
    tax=st.decimals(min_value=0, max_value=20, places=1),
    charges_cents=st.integers(min_value=0, max_value=50_000),
    retail=st.decimals(min_value=0, max_value=100, places=1),
    dist=st.decimals(min_value=0, max_value=100, places=1),
)
def test_reverse_pricing_inverts_the_landed_cost(cif_cents, qty, duty, tax, charges_cents, retail, dist):
    """Price a shipment forward with landed.py and the chain's markups; reversing the shelf price
    gives the CIF back (to the cent, the forward side rounds each tax line)."""
    cif_unit = Money(Decimal(cif_cents) / 100, "MYR")
    charges = Money(Decimal(charges_cents) / 100, "MYR")
    forward = landed_scenario(cif_unit * qty, qty, duty_pct=duty, vat_pct=tax, destination_charges=charges * qty)
    shelf = forward.total / qty * (1 + dist / 100) * (1 + retail / 100)
    back = reverse_price(
        shelf,
        retailer_markup_pct=retail,
        distributor_markup_pct=dist,
        duty_pct=duty,
        import_tax_pct=tax,
        destination_charges_per_unit=charges,
    )
    # each of the two rounded tax lines of the shipment is off by at most half a cent
    assert abs(back.max_cif.amount - cif_unit.amount) <= Decimal("0.01") / qty + Decimal("1e-20")


@settings(max_examples=60, deadline=None)
@given(share=st.decimals(min_value=0, max_value=99, places=1), markup=st.decimals(min_value=0, max_value=200, places=1))
def test_floor_never_above_full_cost_never_above_cost_plus(share, markup):
    p = incremental_price(make(markup_pct=markup), "CIF", SHEET, share)
    assert p.floor_idr <= p.full_cost_idr <= p.cost_plus_idr
    assert p.floor_quote <= p.full_cost_quote <= p.cost_plus_quote


def test_bad_inputs_are_all_reported_at_once():
    with pytest.raises(UkmError) as e:
        reverse_price(
            myr("0"),
            retailer_markup_pct=-5,
            distributor_markup_pct=10,
            import_tax_pct=120,
            destination_charges_per_unit=Money.of(1, "USD"),
        )
    assert {(p.code, p.field) for p in e.value.problems} == {
        ("not_positive", "shelf_price"),
        ("negative", "retailer_markup_pct"),
        ("out_of_range", "import_tax_pct"),
        ("currency_mismatch", "destination_charges_per_unit"),
    }


def test_charges_that_eat_the_whole_price_are_refused():
    with pytest.raises(UkmError) as e:
        reverse_price(
            myr("10.00"), retailer_markup_pct=0, distributor_markup_pct=0, destination_charges_per_unit=myr(12)
        )
    assert (e.value.code, e.value.field) == ("not_positive", "max_cif")


@pytest.mark.parametrize("share", [100, -1, "abc"])
def test_overhead_share_must_leave_a_production_cost(share):
    with pytest.raises(UkmError) as e:
        incremental_price(make(), "CIF", SHEET, share)
    assert e.value.field == "fixed_share_pct"


def test_contribution_refuses_another_currency():
    p = incremental_price(make(), "CIF", SHEET, 30)
    with pytest.raises(UkmError) as e:
        p.contribution(idr(100_000), 10)
    assert e.value.code == "currency_mismatch"
