"""Price build-up: exact figures for a constructed case, properties, bad input."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukm_tools.errors import UkmError
from ukm_tools.fx import RateSheet
from ukm_tools.incoterms import Conditions
from ukm_tools.money import Money
from ukm_tools.plausibility import bands_for
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
    # Per shipment of 1,000 units, in rupiah and in USD at the buying rate 16,000:
    # EXW = (100,000 + 10,000) x 1.2 x 1,000 = Rp132,000,000 -> USD 8,250.00
    # FAS = + truck 2,000,000 + broker 1,000,000 + THC 1,500,000 = Rp136,500,000
    #       -> USD 8,250.00 + 125.00 + 62.50 + 93.75 = 8,531.25
    # FOB = + loading 500,000 (USD 31.25) = Rp137,000,000 -> USD 8,562.50
    # CFR = + freight USD 1,000 paid in rupiah at the selling rate 16,200 = Rp16,200,000
    #       (USD 1,012.50 at the buying rate) = Rp153,200,000 -> USD 9,575.00
    # CIF = + premium on the CFR total: 9,575.00 x 1.1 x 0.5% / (1 - 1.1 x 0.5%) = 52.9537 -> USD 52.95
    #       (in rupiah: 153,200,000 x the same factor = 847,259.93 -> Rp847,260) -> USD 9,627.95
    # Unit prices: total / 1,000 with 2 + 3 = 5 decimals (1,000 units): 9.62795 x 1,000 = 9,627.95 exactly.
    expected = {
        "EXW": ("132000000", "8250.00", "8.25000", "132000.000"),
        "FAS": ("136500000", "8531.25", "8.53125", "136500.000"),
        "FOB": ("137000000", "8562.50", "8.56250", "137000.000"),
        "CFR": ("153200000", "9575.00", "9.57500", "153200.000"),
        "CIF": ("154047260", "9627.95", "9.62795", "154047.260"),
    }
    for s in q.steps:
        total_idr, total_usd, unit_usd, unit_idr = expected[s.rule]
        assert s.shipment_idr == idr(total_idr) and s.shipment_quote == Money.of(total_usd, "USD"), s.rule
        assert str(s.unit_quote.amount) == unit_usd and str(s.unit_idr.amount) == unit_idr, s.rule
    assert q.unit_decimals == 5 and q.unit_decimals_idr == 3
    assert q.markup_per_unit == idr(22_000)
    assert q.price_rate is not None and q.insurance is not None
    assert q.price_rate.value == 16000 and q.price_rate.kind.value == "buy"
    assert [r.kind.value for r in q.cost_rates] == ["sell"]
    # the policy is the one on the invoice: CIF - CFR = premium; insured = 110% x 9,627.95 = 10,590.745 -> up
    assert q.insurance.cfr == Money.of("9575.00", "USD") and q.insurance.premium == Money.of("52.95", "USD")
    assert q.insurance.cif == q.final.shipment_quote
    assert q.insurance.insured_amount == Money.of("10590.75", "USD")
    assert q.insurance.clause == "C"
    # paying the USD freight in rupiah: 1,000 x (16,200 - 16,000) / 16,000 = USD 12.50 in the price
    assert q.spread == Money.of("12.50", "USD")


def test_per_bottle_and_per_carton_quotes_agree_to_the_cent():
    # The same 2,400 bottles priced per bottle and per carton of 12: the same totals, because
    # totals are built per shipment and unit prices carry the decimals their quantity needs.
    bottle = make(hpp=idr(18_000), packing=idr(1_500), markup_pct=Decimal(30), quantity=2400)
    carton = make(hpp=idr(216_000), packing=idr(18_000), markup_pct=Decimal(30), quantity=200)
    qb, qc = build_up(bottle, "CIF", SHEET), build_up(carton, "CIF", SHEET)
    for sb, sc in zip(qb.steps, qc.steps, strict=True):
        assert sb.shipment_quote == sc.shipment_quote and sb.shipment_idr == sc.shipment_idr
    assert qb.unit_decimals == 6 and qc.unit_decimals == 5  # 2 + digits of 2,399 / of 199
    # the invoice line: unit price x quantity, rounded to the cent, is the total
    assert (qb.final.unit_quote * 2400).rounded() == qb.final.shipment_quote
    assert (qc.final.unit_quote * 200).rounded() == qc.final.shipment_quote


def test_a_usd_cost_paid_from_a_usd_account_stays_usd():
    paid_idr = build_up(make(), "CFR", SHEET)
    own = make(costs=(CostLine("freight", "main_carriage", Money.of(1000, "USD"), paid_in="USD"),))
    in_idr = make(costs=(CostLine("freight", "main_carriage", Money.of(1000, "USD")),))
    q_own, q_idr = build_up(own, "CFR", SHEET), build_up(in_idr, "CFR", SHEET)
    freight_own = q_own.step("CFR").added[0]
    # USD 1,000 from a USD account: exactly USD 1,000.00 in the price (worth Rp16,000,000 at the buying rate)
    assert freight_own.quote == Money.of("1000.00", "USD") and freight_own.idr == idr(16_000_000)
    # bought with rupiah: 1,000 x 16,200 / 16,000 = USD 1,012.50; the note says what the spread costs
    assert q_idr.step("CFR").added[0].quote == Money.of("1012.50", "USD") and q_idr.spread == Money.of("12.50", "USD")
    assert q_own.spread is None and any("from a USD account" in n["en"] for n in q_own.notes)
    assert any("adds $12.50" in n["en"] for n in paid_idr.notes)


def test_costs_never_vanish_at_a_billion_units():
    # Rp4,500,000 of origin costs over 10^9 units is Rp0.0045 a unit: unit prices carry 11 decimals
    # (USD) and 9 (IDR), so FOB stays above EXW in both.
    q = build_up(make(quantity=10**9, costs=make().costs[:4], insurance_rate_pct=None), "FOB", SHEET)
    exw, fob = q.step("EXW"), q.step("FOB")
    assert q.unit_decimals == 11 and fob.unit_quote > exw.unit_quote and fob.unit_idr > exw.unit_idr
    assert fob.shipment_quote - exw.shipment_quote == Money.of("312.50", "USD")  # 5,000,000 / 16,000


def test_a_cost_below_one_cent_is_said_not_lost():
    q = build_up(
        make(quantity=1, costs=(CostLine("stamp", "export_clearance", idr(10)),), insurance_rate_pct=None), "FOB", SHEET
    )
    # Rp10 is USD 0.000625: the USD total cannot show it, the rupiah total does
    assert q.step("FOB").shipment_quote == q.step("EXW").shipment_quote
    assert q.step("FOB").shipment_idr == q.step("EXW").shipment_idr + idr(10)
    assert any("stamp (Rp10 a shipment) is less than one USD cent" in n["en"] for n in q.notes)


def test_unit_price_decimals_set_in_the_case_must_be_enough():
    assert build_up(make(unit_price_decimals=7), "FOB", SHEET).final.unit_quote == Money.of("8.5625000", "USD")
    with pytest.raises(UkmError) as e:
        build_up(make(unit_price_decimals=2), "FOB", SHEET)
    assert e.value.code == "unit_decimals_too_few" and e.value.field == "unit_price_decimals"
    assert "2 desimal terlalu sedikit untuk 1000 unit" in e.value.message("id")


def test_destination_costs_only_under_d_rules_and_ddp_adds_duty():
    q = build_up(make(duty_pct=Decimal(5), mode="sea"), "DDP", SHEET)
    assert [s.rule for s in q.steps] == ["EXW", "FCA", "CPT", "DAP", "DDP"]
    dap, ddp = q.step("DAP"), q.step("DDP")
    assert any(a.item == "destination_thc" for a in dap.added)
    duty = next(a for a in ddp.added if a.code == "import_duty")
    # CIF value for duty = CPT value + premium (destination THC excluded):
    # (153,200,000 + 847,260) x 5% = Rp7,702,363
    cpt = q.step("CPT").shipment_idr
    premium = next(a for a in dap.added if a.item == "insurance").idr
    assert premium is not None and duty.per_shipment == (cpt + premium) * Decimal("0.05") == idr(7_702_363)
    assert ddp.shipment_idr == dap.shipment_idr + idr(7_702_363)


def test_fca_at_seller_premises_leaves_inland_to_buyer():
    at_premises = build_up(make(), "FCA", SHEET).final.shipment_idr
    elsewhere = build_up(make(conditions=Conditions(fca_place="elsewhere")), "FCA", SHEET).final.shipment_idr
    # premises: 132,000,000 + export clearance 1,000,000; elsewhere adds the truck: 135,000,000
    assert at_premises == idr(133_000_000)
    assert elsewhere == idr(135_000_000)


def test_idr_quote_needs_no_rates():
    q = build_up(make(quote_currency="IDR", costs=(CostLine("truck", "inland_to_port", idr(1_000_000)),)), "FOB", None)
    assert q.final.unit_quote == idr(133_000) and q.price_rate is None and q.unit_decimals == 3


def test_per_shipment_costs_are_spread_before_unit_prices():
    q = build_up(
        make(quantity=3, costs=(CostLine("truck", "inland_to_port", idr(100)),), insurance_rate_pct=None), "FOB", SHEET
    )
    # the shipment: 132,000 x 3 + 100 = Rp396,100; a unit: 396,100 / 3 = 132,033.3 (1 decimal for 3 units),
    # and 132,033.3 x 3 = 396,099.9 -> Rp396,100: the total back, the truck not shaved off
    assert q.final.unit_idr == Money.of("132033.3", "IDR")
    assert q.final.shipment_idr == idr(396_100)


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
        (
            {"insurance_rate_pct": Decimal(91), "bands": bands_for({"insurance_rate_pct": {"max": 100}})},
            "insurance_rate_too_high",
            "insurance_rate_pct",
        ),
        ({"insurance_rate_pct": Decimal("90.9")}, "implausible", "insurance_rate_pct"),
        ({"markup_pct": Decimal(3000)}, "implausible", "markup_pct"),
        ({"costs": (CostLine("x", "main_carriage", idr(1), paid_in="USD"),)}, "unknown_choice", "costs[0].paid_in"),
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
        build_up(make(), "XYZ", SHEET)
    assert e.value.code == "unknown_choice"
    with pytest.raises(UkmError) as e:
        build_up(make(), "FOT", SHEET)  # Incoterms 1990: the rule meant is named
    assert e.value.code == "incoterm_alias" and "FCA" in e.value.message("en")
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
    assert df.iloc[-1]["Harga/unit (USD)"] == Decimal("9.62795")
    j = q.to_json()
    assert j["steps"][-1]["shipment_quote"] == {"amount": "9627.95", "currency": "USD"}
    assert j["steps"][-1]["unit_quote"] == {"amount": "9.62795", "currency": "USD"}
    assert j["insurance"]["premium"] == {"amount": "52.95", "currency": "USD"}
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
    assert p["CIF"].shipment_quote - p["CFR"].shipment_quote == q.insurance.premium
