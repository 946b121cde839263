"""Price build-up: exact figures for a constructed case, properties, bad input."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukm_tools.errors import UkmError
from ukm_tools.fx import RateSheet
from ukm_tools.incoterms import Conditions
from ukm_tools.money import Money
from ukm_tools.pricing import CostLine, PricingInput, build_up

SHEET = RateSheet.from_mapping(
    {"date": "2025-12-01", "source": "test board", "rates": {"USD": {"buy": 16000, "sell": 16200, "mid": 16100}}}
)


def idr(x):
    return Money.of(x, "IDR")


def make(**over):
    base = dict(
        hpp=idr(100_000),
        packing=idr(10_000),
        markup_pct=Decimal(20),
        quantity=1000,
        quote_currency="USD",
        costs=(
            CostLine("truck", "inland_to_port", idr(2_000_000)),
            CostLine("broker + PEB", "export_clearance", idr(1_000_000)),
            CostLine("THC", "origin_thc", idr(1_500_000)),
            CostLine("loading", "loading_on_vessel", idr(500_000)),
            CostLine("freight", "main_carriage", Money.of(1000, "USD")),
            CostLine("dest THC", "destination_thc", Money.of(200, "USD")),
        ),
        insurance_rate_pct=Decimal("0.5"),
    )
    base.update(over)
    return PricingInput(**base)


def test_worked_case_cif_every_step_exact():
    q = build_up(make(), "CIF", SHEET)
    assert [s.rule for s in q.steps] == ["EXW", "FAS", "FOB", "CFR", "CIF"]
    # EXW = (100,000 + 10,000) x 1.2 = 132,000 -> USD 8.25 at the buying rate 16,000
    # FAS = + (2,000,000 + 1,000,000 + 1,500,000) / 1,000 = 136,500 -> 8.53125 -> 8.53
    # FOB = + 500 = 137,000 -> 8.5625 -> 8.56
    # CFR = + USD 1,000 x 16,200 (selling rate) / 1,000 = 153,200 -> 9.575 -> 9.58 (half-up)
    # CIF = 153,200 / (1 - 1.1 x 0.5%) = 154,047.26 -> Rp154,047 -> 9.6279 -> 9.63
    expected = {
        "EXW": (132_000, "8.25"),
        "FAS": (136_500, "8.53"),
        "FOB": (137_000, "8.56"),
        "CFR": (153_200, "9.58"),
        "CIF": (154_047, "9.63"),
    }
    for s in q.steps:
        unit_idr, unit_usd = expected[s.rule]
        assert s.unit_idr == idr(unit_idr), s.rule
        assert s.unit_quote == Money.of(unit_usd, "USD"), s.rule
        # the shipment total is the rounded unit price x quantity, exactly
        assert s.shipment_quote == Money.of(unit_usd, "USD") * 1000
        assert s.shipment_idr == idr(unit_idr * 1000)
    assert q.markup_per_unit == idr(22_000)
    assert q.price_rate is not None and q.insurance is not None
    assert q.price_rate.value == 16000 and q.price_rate.kind.value == "buy"
    assert [r.kind.value for r in q.cost_rates] == ["sell"]
    # policy: premium on the CFR invoice 9,580.00 -> 9,580 x 0.0055/0.9945 = 52.98
    assert q.insurance.premium == Money.of("52.98", "USD")
    assert q.insurance.insured_amount >= Money.of("10593.00", "USD")  # 110% of invoice CIF 9,630
    assert q.insurance.clause == "C"


def test_destination_costs_only_under_d_rules_and_ddp_adds_duty():
    q = build_up(make(duty_pct=Decimal(5), mode="sea"), "DDP", SHEET)
    assert [s.rule for s in q.steps] == ["EXW", "FCA", "CPT", "DAP", "DDP"]
    dap, ddp = q.step("DAP"), q.step("DDP")
    assert any(a.item == "destination_thc" for a in dap.added)
    duty = next(a for a in ddp.added if a.code == "import_duty")
    # CIF value for duty = CPT value + premium (destination THC excluded)
    cpt = q.step("CPT").unit_idr_exact
    premium = next(a for a in dap.added if a.item == "insurance").per_unit
    assert duty.per_unit == (cpt + premium) * Decimal("0.05")


def test_fca_at_seller_premises_leaves_inland_to_buyer():
    at_premises = build_up(make(), "FCA", SHEET).final.unit_idr
    elsewhere = build_up(make(conditions=Conditions(fca_place="elsewhere")), "FCA", SHEET).final.unit_idr
    # premises: 132,000 + export clearance 1,000 = 133,000; elsewhere adds the truck: 135,000
    assert at_premises == idr(133_000)
    assert elsewhere == idr(135_000)


def test_idr_quote_needs_no_rates():
    q = build_up(make(quote_currency="IDR", costs=(CostLine("truck", "inland_to_port", idr(1_000_000)),)), "FOB", None)
    assert q.final.unit_quote == idr(133_000) and q.price_rate is None


def test_per_shipment_costs_are_spread_before_unit_prices():
    q = build_up(
        make(quantity=3, costs=(CostLine("truck", "inland_to_port", idr(100)),), insurance_rate_pct=None), "FOB", SHEET
    )
    # 100 / 3 = 33.33.. per unit: 132,033.33 -> Rp132,033; total = 132,033 x 3 exactly
    assert q.final.unit_idr == idr(132_033)
    assert q.final.shipment_idr == idr(396_099)


def test_markup_applies_to_hpp_and_packing_only():
    q = build_up(make(markup_pct=Decimal(100)), "CFR", SHEET)
    no_markup = build_up(make(markup_pct=Decimal(0)), "CFR", SHEET)
    assert q.final.unit_idr_exact - no_markup.final.unit_idr_exact == idr(110_000)


@pytest.mark.parametrize(
    "over,code,field",
    [
        ({"quantity": 0}, "not_positive", "quantity"),
        ({"quantity": -5}, "not_positive", "quantity"),
        ({"markup_pct": Decimal(-1)}, "negative", "markup_pct"),
        ({"insurance_rate_pct": Decimal(91)}, "insurance_rate_too_high", "insurance_rate_pct"),
        ({"costs": (CostLine("x", "teleport", idr(1)),)}, "unknown_choice", "costs[0].item"),
        ({"hpp": Money.of(5, "USD")}, "unknown_choice", "hpp.currency"),
    ],
)
def test_bad_input_names_the_field(over, code, field):
    with pytest.raises(UkmError) as e:
        build_up(make(**over), "CIF", SHEET)
    assert (e.value.code, e.value.field) == (code, field)


def test_all_problems_reported_at_once():
    with pytest.raises(UkmError) as e:
        build_up(make(quantity=0, markup_pct=Decimal(-1)), "FOB", SHEET)
    assert {p.field for p in e.value.problems} == {"quantity", "markup_pct"}


def test_unknown_incoterm_missing_rate_and_cif_without_insurance():
    with pytest.raises(UkmError) as e:
        build_up(make(), "FOT", SHEET)
    assert e.value.code == "unknown_choice"
    with pytest.raises(UkmError) as e:
        build_up(make(quote_currency="SGD"), "FOB", SHEET)
    assert e.value.code == "missing_rate"
    with pytest.raises(UkmError) as e:
        build_up(make(insurance_rate_pct=None), "CIF", SHEET)
    assert e.value.code == "missing_field"


def test_cip_requires_clause_a():
    with pytest.raises(UkmError) as e:
        build_up(make(insurance_clause="C", mode="air"), "CIP", SHEET)
    assert e.value.code == "clause_below_minimum"
    q = build_up(make(insurance_rates_pct={"A": Decimal("0.35")}, insurance_rate_pct=None, mode="air"), "CIP", SHEET)
    assert q.insurance is not None and q.insurance.clause == "A" and q.insurance.rate_pct == Decimal("0.35")


def test_sea_rule_for_air_freight_is_refused():
    with pytest.raises(UkmError) as e:
        build_up(make(mode="air"), "FOB", SHEET)
    assert e.value.code == "mode_not_allowed"


def test_dataframe_and_json_views():
    q = build_up(make(), "CIF", SHEET)
    df = q.to_dataframe("id")
    assert list(df["Incoterm"]) == ["EXW", "FAS", "FOB", "CFR", "CIF"]
    assert df.iloc[-1]["Harga/unit (USD)"] == Decimal("9.63")
    j = q.to_json()
    assert j["steps"][-1]["shipment_quote"] == {"amount": "9630.00", "currency": "USD"}
    assert j["price_rate"]["kind"] == "buy"


money_idr = st.integers(min_value=0, max_value=50_000_000).map(idr)


@settings(max_examples=150, deadline=None)
@given(
    hpp=st.integers(min_value=1, max_value=2_000_000).map(idr),
    packing=st.integers(min_value=0, max_value=200_000).map(idr),
    markup=st.decimals(min_value=0, max_value=300, places=1),
    qty=st.integers(min_value=1, max_value=100_000),
    inland=money_idr,
    clearance=money_idr,
    thc=money_idr,
    loading=money_idr,
    freight=st.integers(min_value=0, max_value=20_000).map(lambda x: Money.of(x, "USD")),
    rate=st.decimals(min_value=Decimal("0.01"), max_value=3, places=2),
)
def test_exw_fob_cfr_cif_never_decrease(hpp, packing, markup, qty, inland, clearance, thc, loading, freight, rate):
    inp = PricingInput(
        hpp=hpp,
        packing=packing,
        markup_pct=markup,
        quantity=qty,
        quote_currency="USD",
        costs=(
            CostLine("a", "inland_to_port", inland),
            CostLine("b", "export_clearance", clearance),
            CostLine("c", "origin_thc", thc),
            CostLine("d", "loading_on_vessel", loading),
            CostLine("e", "main_carriage", freight),
        ),
        insurance_rate_pct=rate,
    )
    q = build_up(inp, "CIF", SHEET)
    p = {s.rule: s for s in q.steps}
    for a, b in (("EXW", "FOB"), ("FOB", "CFR"), ("CFR", "CIF")):
        assert p[a].unit_idr_exact <= p[b].unit_idr_exact
        assert p[a].unit_quote <= p[b].unit_quote
        assert p[a].shipment_quote <= p[b].shipment_quote
    assert q.insurance is not None
    assert q.insurance.insured_amount.amount >= p["CIF"].shipment_quote.amount * Decimal("1.1")
