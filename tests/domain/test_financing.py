"""Export financing: cash-flow timeline, peak working capital, loan schedules, order financing."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukm_tools.errors import UkmError
from ukm_tools.financing import (
    OrderInput,
    add_months,
    cash_flow,
    discount_order,
    equivalent_flat_rate,
    finance_order,
    instalment_schedule,
    loan_months,
    loan_scheme,
    loan_schemes,
    order_from_quote,
    payment_method,
    payment_methods,
    programmes,
)
from ukm_tools.money import Money

pytestmark = pytest.mark.timeout(120)


def idr(x):
    return Money.of(x, "IDR")


def order(method="da", **kw):
    base = dict(
        order_value=idr(60_000_000),
        materials=idr(20_000_000),
        production_costs=idr(10_000_000),
        export_costs=idr(5_000_000),
        production_days=30,
        method=method,
        days_to_ship=5,
    )
    base.update(kw)
    return OrderInput(**base)


def test_payment_methods_data():
    keys = [m.key for m in payment_methods()]
    assert keys == ["cash_in_advance", "lc_sight", "lc_usance", "dp", "da", "open_account"]
    assert payment_method("da").tenor_days == 60 and payment_method("open_account").tenor_days == 90
    with pytest.raises(UkmError) as e:
        payment_method("barter")
    assert e.value.code == "unknown_choice"


def test_da_60_timeline_exact():
    # Day 0 materials -20m; day 30 production -10m (bal -30m); day 35 shipment -5m (-35m);
    # D/A 60: receipt = 35 + 60 tenor + 14 lag = day 109, +60m -> +25m.
    t = cash_flow(order(start=dt.date(2025, 3, 3)))
    assert [(e.day, e.kind, e.balance.amount) for e in t.events] == [
        (0, "materials", -20_000_000),
        (30, "production", -30_000_000),
        (35, "export", -35_000_000),
        (109, "receipt", 25_000_000),
    ]
    assert t.peak_working_capital == idr(35_000_000) and t.peak_day == 35
    assert t.days_tied_up == 109 and t.receipt_day == 109 and t.shipment_day == 35
    assert t.events[-1].date == dt.date(2025, 6, 20)
    assert t.margin == idr(25_000_000)
    assert t.balance_on(34) == idr(-30_000_000)
    assert t.steps()[:3] == [(0, 0), (0, 0), (0, -20_000_000)]
    df = t.to_dataframe("en")
    assert list(df.columns) == ["Day", "Date", "Event", "Amount", "Balance"]
    assert df["Balance"].tolist() == [-20_000_000, -30_000_000, -35_000_000, 25_000_000]
    assert df["Event"].iloc[-1] == "Buyer's payment (D/A (documents against acceptance))"


@pytest.mark.parametrize(
    "method,tenor,receipt",
    [
        ("lc_sight", None, 47),  # 35 + 12
        ("dp", None, 49),  # 35 + 14
        ("lc_usance", 90, 137),  # 35 + 90 + 12
        ("open_account", None, 128),  # 35 + 90 + 3
        ("open_account", 30, 68),  # 35 + 30 + 3
    ],
)
def test_receipt_day_by_method(method, tenor, receipt):
    t = cash_flow(order(method, tenor_days=tenor))
    assert t.receipt_day == receipt and t.days_tied_up == receipt
    assert t.peak_working_capital == idr(35_000_000)


def test_cash_in_advance_ties_up_nothing():
    # +60m with the order, before the materials: balance never goes below zero.
    t = cash_flow(order("cash_in_advance"))
    assert t.events[0].kind == "receipt"
    assert t.peak_working_capital == idr(0) and t.days_tied_up == 0
    f = finance_order(t, scheme="kur_mikro")
    assert f.schedule is None and f.cost == idr(0)


def test_bad_order_lists_every_problem():
    with pytest.raises(UkmError) as e:
        cash_flow(order("lc_sight", materials=idr(-1), production_days=-3, tenor_days=30, days_to_ship=1.5))
    assert [(p.code, p.field) for p in e.value.problems] == [
        ("negative", "materials"),
        ("negative", "production_days"),
        ("not_integer", "days_to_ship"),
        ("tenor_fixed", "tenor_days"),
    ]
    assert "Lama produksi (hari) tidak boleh negatif" in e.value.message("id")
    assert "has no adjustable tenor" in e.value.message("en")


def test_loss_making_order_noted():
    t = cash_flow(order(order_value=idr(30_000_000)))
    assert t.margin == idr(-5_000_000)
    assert "rugi Rp5.000.000" in t.notes[0]["id"]
    assert t.days_tied_up == 109  # counted to the receipt, not forever


def test_annuity_schedule_exact():
    # P = 35,000,000, 6% effective -> i = 0.5%/month, n = 4
    # A = P i / (1 - 1.005^-4) = 8,859,647.75 -> 8,859,648
    # m1: int 175,000 (35m x .005), princ 8,684,648, bal 26,315,352
    # m2: int 131,576.76 -> 131,577, princ 8,728,071, bal 17,587,281
    # m3: int  87,936.405 -> 87,936, princ 8,771,712, bal 8,815,569
    # m4: int  44,077.845 -> 44,078, princ 8,815,569 -> instalment 8,859,647 (absorbs rounding)
    s = instalment_schedule(idr(35_000_000), 6, 4, "effective", start=dt.date(2025, 1, 31))
    assert [r.instalment.amount for r in s.rows] == [8_859_648, 8_859_648, 8_859_648, 8_859_647]
    assert [r.interest.amount for r in s.rows] == [175_000, 131_577, 87_936, 44_078]
    assert [r.balance.amount for r in s.rows] == [26_315_352, 17_587_281, 8_815_569, 0]
    assert s.total_interest == idr(438_591)
    assert s.total_paid == idr(35_438_591)
    assert [r.date for r in s.rows] == [
        dt.date(2025, 2, 28),
        dt.date(2025, 3, 31),
        dt.date(2025, 4, 30),
        dt.date(2025, 5, 31),
    ]


def test_flat_schedule_exact():
    # 35m x 6% x 4/12 = 700,000 interest; 175,000 + 8,750,000 = 8,925,000 a month
    s = instalment_schedule(idr(35_000_000), 6, 4, "flat")
    assert {r.instalment.amount for r in s.rows} == {8_925_000}
    assert s.total_interest == idr(700_000)
    # 10,000,000 at 3% flat over 3 months: interest 75,000 -> 25,000 each;
    # principal 3,333,333.33 -> 3,333,333 twice, last 3,333,334
    s = instalment_schedule(idr(10_000_000), 3, 3, "flat")
    assert [r.instalment.amount for r in s.rows] == [3_358_333, 3_358_333, 3_358_334]
    assert s.total_paid == idr(10_075_000)


def test_zero_rate_and_bad_loans():
    s = instalment_schedule(idr(1_000_000), 0, 3)
    assert [r.instalment.amount for r in s.rows] == [333_333, 333_333, 333_334]
    with pytest.raises(UkmError) as e:
        instalment_schedule(idr(0), -1, 0, "bunga-berbunga")
    assert [p.field for p in e.value.problems] == ["principal", "rate_pct", "months", "basis"]


def test_equivalent_flat_rate_is_lower_than_effective():
    # 6% effective over 4 months = 438,591 interest = flat 438,591 x 1200 / (35m x 4) = 3.759% -> 3.76
    assert equivalent_flat_rate(idr(35_000_000), 6, 4) == Decimal("3.76")
    assert equivalent_flat_rate(idr(100_000_000), 6, 36) == Decimal("3.17")


def test_kur_data_has_sources_and_bases():
    schemes = loan_schemes()
    assert {s.basis for s in schemes} == {"effective", "flat"}
    assert all(s.source for s in schemes)
    mikro = loan_scheme("kur_mikro")
    assert mikro.rate_pct == 6 and "Permenko 1/2023" in mikro.source
    assert [mikro.rate_for_access(k) for k in (1, 2, 3, 4, 7)] == [6, 7, 8, 9, 9]
    assert loan_scheme("kur_super_mikro").rate_pct == 3
    assert loan_scheme("kur_super_mikro").plafond_max == idr(10_000_000)
    assert {p["key"] for p in programmes()} == {"lpei_desa_devisa", "lpei_cpne"}


def test_finance_order_with_kur():
    t = cash_flow(order())
    f = finance_order(t, scheme="kur_mikro")
    assert loan_months(109) == 4 and f.months == 4
    assert f.principal == idr(35_000_000) and f.basis == "effective" and f.rate_pct == 6
    assert f.cost == idr(438_591)
    assert f.margin_after_financing == idr(25_000_000 - 438_591)
    assert f.notes == ()
    j = f.to_json()
    assert j["cost"] == {"amount": "438591", "currency": "IDR"} and j["schedule"]["rows"][-1]["instalment"] == "8859647"
    assert t.to_json()["days_tied_up"] == 109 and t.to_json()["events"][-1]["balance"]["amount"] == "25000000"
    # Second KUR loan: 7%; super micro plafond Rp10m is exceeded -> noted
    assert finance_order(t, scheme="kur_mikro", access=2).rate_pct == 7
    small = finance_order(t, scheme="kur_super_mikro")
    assert any("plafon" in n["id"] for n in small.notes)
    flat = finance_order(t, rate_pct=6, basis="flat")
    assert flat.cost == idr(700_000)
    assert any("perkiraan" in n["id"] for n in finance_order(t, scheme="lpei_kmk_ukm").notes)


def test_add_months_clamps():
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 15), 3) == dt.date(2026, 2, 15)


money_st = st.integers(0, 500_000_000)


@settings(max_examples=200, deadline=None)
@given(
    method=st.sampled_from(["lc_usance", "da", "open_account"]),
    t1=st.integers(0, 360),
    t2=st.integers(0, 360),
    value=st.integers(1, 1_000_000_000),
    mat=money_st,
    prod=money_st,
    exp=money_st,
    days=st.integers(0, 120),
    ship=st.integers(0, 30),
)
def test_longer_tenor_never_lowers_working_capital(method, t1, t2, value, mat, prod, exp, days, ship):
    short, long_ = sorted((t1, t2))
    kw = dict(
        order_value=idr(value),
        materials=idr(mat),
        production_costs=idr(prod),
        export_costs=idr(exp),
        production_days=days,
        days_to_ship=ship,
    )
    a = cash_flow(order(method, tenor_days=short, **kw))
    b = cash_flow(order(method, tenor_days=long_, **kw))
    assert b.peak_working_capital >= a.peak_working_capital
    assert b.days_tied_up >= a.days_tied_up
    # ...and so never lowers the cost of borrowing it under the same scheme
    assert finance_order(b, scheme="kur_mikro").cost >= finance_order(a, scheme="kur_mikro").cost


@settings(max_examples=300, deadline=None)
@given(
    principal=st.integers(100_000, 2_000_000_000),
    rate=st.decimals("0", "30", places=2),
    months=st.integers(1, 60),
    basis=st.sampled_from(["effective", "flat"]),
)
def test_instalments_sum_exactly_to_principal_plus_interest(principal, rate, months, basis):
    s = instalment_schedule(idr(principal), rate, months, basis)
    assert len(s.rows) == months
    assert s.total_paid == idr(principal) + s.total_interest
    assert sum((r.principal for r in s.rows), idr(0)) == idr(principal)
    assert s.rows[-1].balance == idr(0)
    assert all(r.instalment.amount == r.instalment.amount.to_integral_value() for r in s.rows)
    # The last instalment differs from the others only by accumulated rounding: each month the
    # balance is off by at most 1 rupiah (0.5 from the instalment, 0.5 from the interest), and
    # that error compounds at i, so the gap is at most sum((1 + i)^k, k < n).
    if months > 1 and basis == "effective":
        i = rate / 1200
        bound = sum((1 + i) ** k for k in range(months))
        assert abs(s.rows[-1].instalment.amount - s.rows[0].instalment.amount) <= bound


def test_discount_da_draft_exact():
    # D/A 60: accepted at shipment 35 + 14 = day 49; interest 60m x 8% x 60/360 = 800,000;
    # fees 250,000 -> net 58,950,000 on day 49 instead of 60m on day 109.
    d = discount_order(order(), 8, fees=idr(250_000))
    assert d.acceptance_day == 49
    assert d.discount.interest == idr(800_000) and d.discount.net == idr(58_950_000)
    assert d.cost == idr(1_050_000)
    assert [(e.day, e.kind) for e in d.timeline.events][-1] == (49, "receipt")
    assert d.timeline.peak_working_capital == idr(35_000_000) and d.timeline.days_tied_up == 49
    assert d.undiscounted.days_tied_up == 109
    assert d.margin_after_financing == idr(25_000_000 - 1_050_000) == d.timeline.margin
    # The remaining 49 days can be bridged with KUR: 2 months at 6% effective.
    f = finance_order(d.timeline, scheme="kur_mikro")
    assert f.months == 2 and f.principal == idr(35_000_000)


def test_discount_needs_a_time_draft():
    with pytest.raises(UkmError) as e:
        discount_order(order("open_account"), 8)
    assert e.value.code == "not_discountable"
    assert "lc_usance, da" in e.value.message("en")
    assert discount_order(order("lc_usance", tenor_days=90), 8).discount.days == 90


@settings(max_examples=100, deadline=None)
@given(tenor=st.integers(0, 360), rate=st.decimals("0.5", "20", places=2), method=st.sampled_from(["da", "lc_usance"]))
def test_discounting_never_ties_money_up_longer(tenor, rate, method):
    d = discount_order(order(method, tenor_days=tenor), rate)
    assert d.timeline.days_tied_up <= d.undiscounted.days_tied_up
    assert d.timeline.peak_working_capital == d.undiscounted.peak_working_capital
    assert d.cost == d.discount.interest


def test_order_from_the_kasturi_case_quote():
    from ukm_tools.case import packaged_case

    case = packaged_case("kasturi-syrup")
    quote = case.quote("CIF", None)
    o = order_from_quote(
        quote, case.pricing_input(), materials_share_pct=60, production_days=21, method="lc_sight", days_to_ship=4
    )
    # 200 cartons x HPP 216,000 = 43,200,000: 60% materials 25,920,000, 40% other 17,280,000.
    assert (o.materials, o.production_costs) == (idr(25_920_000), idr(17_280_000))
    # Export: packing 200 x 18,000 = 3,600,000 + FAS items 5,200,000 + freight USD 270 x 16,580
    # = 4,476,600 + CIF premium 155,478.57 -> 13,432,078.57 -> 13,432,079.
    assert o.export_costs == idr(13_432_079)
    # The invoice, USD 4,304.03, sold to the bank at the buying rate 16,420 the price was built
    # with: 70,672,172.60 -> Rp70,672,173 (not the rupiah build-up's own total, Rp70,672,079).
    assert quote.final.shipment_quote == Money.of("4304.03", "USD")
    assert o.order_value == idr(70_672_173) and quote.final.shipment_idr == idr(70_672_079)
    t = cash_flow(o)
    # L/C at sight: paid day 21 + 4 + 12 = 37; peak = all costs 56,632,079
    assert t.receipt_day == 37 and t.peak_working_capital == idr(56_632_079)
    assert t.margin == idr(14_040_094)
    with pytest.raises(UkmError):
        order_from_quote(quote, case.pricing_input(), materials_share_pct=120, production_days=21, method="da")


def test_financing_methods_are_the_terms_of_the_payments_list():
    """One data file and one PaymentMethod: an order's payment terms hang under their method."""
    from ukm_tools.payments import load_payment_methods

    methods = payment_methods()
    assert methods == tuple(t for m in load_payment_methods().values() for t in m.terms)
    for m in methods:
        assert m in m.method.terms and m.exporter_risk == m.method.exporter_risk
    ranks = [m.exporter_risk for m in methods]
    assert ranks == sorted(ranks)  # listed from safest to riskiest for the exporter
    assert payment_method("lc_sight").method.code == payment_method("lc_usance").method.code == "lc_unconfirmed"


@settings(max_examples=300, deadline=None)
@given(
    principal=st.integers(1, 300_000),
    rate=st.decimals("0", "30", places=2),
    months=st.integers(1, 600),
    basis=st.sampled_from(["effective", "flat"]),
)
def test_no_instalment_line_goes_negative_even_for_tiny_loans(principal, rate, months, basis):
    """Rounded equal shares of Rp100.000 over 600 months overshoot; the schedule must still
    never show a negative principal, interest or balance, and still add up exactly."""
    s = instalment_schedule(idr(principal), rate, months, basis)
    assert all(r.principal.amount >= 0 and r.interest.amount >= 0 and r.balance.amount >= 0 for r in s.rows)
    assert sum((r.principal for r in s.rows), idr(0)) == idr(principal)
    assert s.total_paid == idr(principal) + s.total_interest and s.rows[-1].balance == idr(0)
    if basis == "flat":
        assert s.total_interest == (idr(principal) * rate * months / 1200).rounded()
