"""The worked figures in the built HTML equal the domain core's results for the same inputs."""

from __future__ import annotations

import pytest

from tests.book.conftest import tables
from ukm_tools import incoterms
from ukm_tools.case import packaged_case
from ukm_tools.insurance import insure
from ukm_tools.money import format_money

pytestmark = pytest.mark.slow


def test_price_ladder_matches_build_up(built_book):
    case = packaged_case("kasturi-syrup")
    quote = case.quote("CIF")
    rows = tables(built_book / "modul" / "harga-incoterms.html")["harga-tangga"]
    assert rows[0][0] == "Incoterm"
    shown = {r[0]: r for r in rows[1:]}
    assert list(shown) == ["EXW", "FAS", "FOB", "CFR", "CIF"]
    for s in quote.steps:
        r = shown[s.rule]
        # unit prices as the invoice states them: x 200 cartons = the shipment total shown
        assert r[2:] == [
            quote.unit_text(s, "id", idr=True),
            quote.unit_text(s, "id"),
            format_money(s.shipment_quote, "id"),
        ], s.rule
    assert shown["CIF"][3] == "US$ 21,52015" and shown["CIF"][4] == "US$ 4.304,03"  # 21.52015 x 200 = 4,304.03


def test_insurance_table_matches_insure(built_book):
    case = packaged_case("kasturi-syrup")
    quote = case.quote("CIF")
    rows = tables(built_book / "modul" / "harga-incoterms.html")["harga-asuransi"]
    cfr = quote.step("CFR").shipment_quote
    assert quote.insurance is not None
    inclusive = insure(cfr, quote.insurance.rate_pct, clause=quote.insurance.clause, method="inclusive")
    simple = insure(cfr, quote.insurance.rate_pct, clause=quote.insurance.clause, method="simple")
    by_label = {r[0]: r[1:] for r in rows[1:]}
    assert by_label["Premi"] == [format_money(inclusive.premium, "id"), format_money(simple.premium, "id")]
    assert by_label["Nilai pertanggungan"] == [
        format_money(inclusive.insured_amount, "id"),
        format_money(simple.insured_amount, "id"),
    ]


def test_responsibility_matrix_matches_incoterms_data(built_book):
    rows = tables(built_book / "modul" / "harga-incoterms.html")["incoterms-biaya"]
    expected = incoterms.responsibility_table(lang="id")
    assert rows[0][1:] == list(expected.columns)
    assert [r[0] for r in rows[1:]] == list(expected.index)
    for r in rows[1:]:
        assert r[1:] == list(expected.loc[r[0]]), r[0]


def test_readiness_plan_matches_assess(built_book):
    from ukm_tools import readiness

    plan = readiness.assess({"nib": True, "npwp": True}, "processed_food", "MY")
    rows = tables(built_book / "modul" / "syarat-ekspor.html")["syarat-rencana"]
    assert len(rows) - 1 == len(plan.plan)
    for shown, action in zip(rows[1:], plan.plan, strict=True):
        assert shown[1] == action.requirement.text("label", "id")
        assert shown[3] == action.requirement.cost_text("id")
        assert shown[5] == str(action.finish_day)


def test_payment_comparison_matches_compare_methods(built_book):
    from ukm_tools import payments

    quote = packaged_case("kasturi-syrup").quote("CIF")
    invoice = quote.final.shipment_quote
    schedule = payments.load_fee_schedule()
    cmp = payments.compare_methods(invoice, schedule, 60, annual_rate_pct=9)
    page = tables(built_book / "modul" / "pembayaran.html")
    rows = page["bayar-banding"][1:]
    assert [r[1] for r in rows] == [r.method.label["id"] for r in cmp.rows]
    assert [r[4] for r in rows] == [format_money(r.total, "id") for r in cmp.rows]
    lc = payments.lc_cost(invoice, schedule, amendments=1)
    assert page["bayar-lc"][-1][-1] == format_money(lc.total, "id")
    draft = payments.discount_draft(invoice, 9, 60)
    assert page["bayar-diskonto"][-1][1] == format_money(draft.net, "id")


def test_case_study_quotes_match_build_up(built_book):
    case = packaged_case("kasturi-syrup")
    rows = tables(built_book / "studi-kasus.html")["kasus-harga"][1:]
    for row, rule in zip(rows, ("FOB", "CIF"), strict=True):
        q = case.quote(rule)
        assert row[0].startswith(rule)
        assert row[1:] == [
            q.unit_text(q.final, "id", idr=True),
            q.unit_text(q.final, "id"),
            format_money(q.final.shipment_quote, "id"),
        ]


def test_every_module_has_its_exercise_and_calculator(built_book):
    from bs4 import BeautifulSoup

    from tests.book.conftest import MODULES

    for name in MODULES:
        soup = BeautifulSoup((built_book / "modul" / f"{name}.html").read_text(encoding="utf-8"), "html.parser")
        assert soup.select_one(f'.ukm-exercise[data-assignment="{name}"]'), name
        assert soup.select_one("a.ukm-calculator-link[href*='/kalkulator/']"), name
        assert soup.select(".admonition.ukm-mistake"), name


def test_katalog_price_matches_government_price(built_book):
    """The e-Katalog table is the government price of the case file's own sale (katalog:)."""
    import datetime as dt

    from ukm_tools import katalog
    from ukm_tools.money import Money

    case = packaged_case("kasturi-syrup")
    # the case file's sale: HPP 216.000 x 1,3 = 280.800 at the seller's, Rp60.000 a trip, 5 cartons an order
    assert case.katalog is not None and (case.katalog.delivery_per_order, case.katalog.min_order) == (60_000, 5)
    price = (Money(case.unit_costs.hpp, "IDR") * (1 + case.unit_costs.markup_pct / 100)).rounded()
    assert price == Money.of(280_800, "IDR")
    rows = {r[0]: r[1:] for r in tables(built_book / "modul" / "ekatalog.html")["ekatalog-harga"][1:]}
    shown = rows["Harga di e-Katalog"]
    for pkp, cell in zip((False, True), shown, strict=True):
        offer = katalog.government_price(
            katalog.PriceInput(
                price_before_ppn=price,
                min_order=5,
                pkp=pkp,
                valid_from=dt.date(2026, 1, 1),
                valid_until=dt.date(2026, 6, 30),
                delivery_per_order=Money.of(60_000, "IDR"),
            )
        )
        assert cell == format_money(offer.unit_price, "id")
        assert rows["Keterangan di katalog"][int(pkp)] == offer.statement("id")
    # 280.800 + 60.000 / 5 = 292.800 without PPN
    assert shown[0] == "Rp292.800"


def test_working_capital_matches_financing(built_book):
    """Each method's order is worth the invoice less that method's bank fees, at the buying rate."""
    from ukm_tools import financing, fx, payments

    case = packaged_case("kasturi-syrup")
    quote = case.quote("CIF")
    invoice = quote.final.shipment_quote
    schedule = payments.load_fee_schedule()
    rows = tables(built_book / "modul" / "pembiayaan.html")["biaya-modal"][1:]
    methods = financing.payment_methods()
    assert [r[0] for r in rows] == [m.name["id"] for m in methods]
    for row, m in zip(rows, methods, strict=True):
        fees = payments.method_cost(m.method_code, invoice, schedule, tenor_days=m.tenor_days).total
        received = fx.proceeds_to_idr(invoice - fees, case.rate_sheet()).money
        t = financing.cash_flow(
            financing.order_from_quote(
                quote,
                case.pricing_input(),
                materials_share_pct=60,
                production_days=14,
                method=m.key,
                order_value=received,
            )
        )
        loan = financing.finance_order(t, scheme="kur_kecil")
        assert row[1:] == [
            str(t.receipt_day),
            format_money(t.peak_working_capital, "id"),
            str(t.days_tied_up),
            str(loan.months),
            format_money(loan.cost, "id"),
            format_money(loan.margin_after_financing, "id"),
        ], m.key


def test_case_study_landed_cost_and_proceeds_match_the_core(built_book):
    from ukm_tools import fx, landed, payments
    from ukm_tools.money import Money

    case = packaged_case("kasturi-syrup")
    cif = case.quote("CIF")
    dest = Money.zero("USD")
    for c in case.costs:
        if c.item in ("destination_thc", "unloading_at_destination", "delivery_to_buyer"):
            dest = dest + Money(c.amount, c.currency)
    expected = landed.landed_cost(
        cif.final.shipment_quote, case.quantity, duty_pct=5, vat_pct=10, destination_charges=dest
    )
    page = tables(built_book / "studi-kasus.html")
    total_row = page["kasus-landed"][-1]
    assert total_row[2] == format_money(expected.standard.per_unit, "id")
    assert total_row[4] == format_money(expected.preferential.per_unit, "id")

    lc = payments.lc_cost(cif.final.shipment_quote, payments.load_fee_schedule())
    idr = fx.proceeds_to_idr(cif.final.shipment_quote - lc.total, case.rate_sheet()).money
    # the rupiah actually paid out: HPP and packing x quantity + every seller-paid shipment cost
    pricing = case.pricing_input()
    paid = (pricing.hpp + pricing.packing) * case.quantity + sum(
        (a.per_shipment for s in cif.steps for a in s.added), Money.zero("IDR")
    )
    profit = (idr.rounded() - paid.rounded()).rounded()
    rows = {r[0]: r[1] for r in page["kasus-hasil"][1:]}
    assert rows["Laba kiriman setelah biaya bank"] == format_money(profit, "id")
    # the cash flow of part 6 ends on the same profit: the L/C fees are in it too
    kas = page["kasus-kas"]
    assert kas[-1][-1] == format_money(profit, "id")
