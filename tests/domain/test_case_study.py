"""The case study's figures, computed once from the case file (ukm_tools.case_study).

Worked example: the kasturi-syrup case (200 cartons of 12 bottles, CIF Port Klang, L/C at sight).
Arithmetic in the comments; rates of the packaged sheet: USD buy 16.420, sell 16.580.
"""

from __future__ import annotations

import csv
from decimal import Decimal
from importlib import resources

import pytest

from ukm_tools import financing, fx
from ukm_tools.case import case_from_mapping, packaged_case
from ukm_tools.case_study import CaseStudy, pieces
from ukm_tools.errors import UkmError
from ukm_tools.money import Money


@pytest.fixture(scope="module")
def kasturi() -> CaseStudy:
    return CaseStudy(packaged_case("kasturi-syrup"))


def usd(x) -> Money:
    return Money(Decimal(str(x)), "USD")


def idr(x) -> Money:
    return Money(Decimal(str(x)), "IDR")


def test_bank_fees_of_the_agreed_sight_lc(kasturi):
    # invoice: 200 cartons x US$ 21,52015 (the unit price with the decimals 200 cartons need) = US$ 4.304,03
    assert kasturi.invoice == usd("4304.03")
    fees = kasturi.bank_fees()
    # advising 15 + negotiation 1/8% of 4.304,03 = 5,38 -> minimum 25 + courier 40 = US$ 80
    assert {ln.code: ln.amount for ln in fees.lines} == {
        "advising": usd(15),
        "negotiation": usd(25),
        "courier": usd(40),
    }
    assert fees.total == usd(80)


def test_rupiah_received_and_profit_after_bank_fees(kasturi):
    # (4.304,03 - 80) x 16.420 = 4.224,03 x 16.420 = Rp69.358.572,60 (Rp69.358.573 to the rupiah)
    assert kasturi.received().money == idr("69358572.60") and kasturi.received().money.rounded() == idr(69_358_573)
    # costs paid: 200 x (216.000 + 18.000) = 46.800.000 plus the shipment's own costs in rupiah
    assert kasturi.shipment_costs == idr(56_632_079)
    # 69.358.573 - 56.632.079 = 12.726.494, below the 30% markup planned: 200 x 70.200 = 14.040.000
    assert kasturi.profit == idr(12_726_494)
    assert kasturi.planned_profit == idr(14_040_000)


def test_the_cash_flow_ends_on_the_profit_and_the_loan_is_on_its_peak(kasturi):
    """The financing module's order is the case study's: its margin is the profit after fees."""
    t = kasturi.cash_flow()
    assert t.method.key == "lc_sight"
    assert t.margin == kasturi.profit
    assert t.events[-1].amount == kasturi.received().money.rounded()
    assert t.peak_working_capital == kasturi.shipment_costs  # every cost is out before the L/C pays
    loan = kasturi.loan()
    assert loan.scheme.key == "kur_kecil"
    assert loan.margin_after_financing == kasturi.profit - loan.cost


def test_each_payment_method_is_worth_the_invoice_less_its_own_fees(kasturi):
    for m in financing.payment_methods():
        got = kasturi.cash_flow(m.key).events
        receipt = next(e for e in got if e.kind == "receipt")
        expected = fx.proceeds_to_idr(kasturi.invoice - kasturi.bank_fees(m.key).total, kasturi.sheet).money
        assert receipt.amount == expected.rounded(), m.key


def test_break_even_in_cartons_and_bottles(kasturi):
    be = kasturi.break_even
    # start-up budget: upper end of each known cost of the plan from NIB + NPWP = Rp3.000.000
    assert be.fixed_costs == idr(3_000_000)
    # per carton: received 69.358.573 / 200 = 346.793; costs 56.632.079 / 200 = 283.160 (rounded)
    assert (be.unit_price, be.unit_variable_cost) == (idr(346_793), idr(283_160))
    # 3.000.000 / 63.633 = 47,15 -> 48 cartons = 576 bottles
    assert be.units == 48
    assert pieces(kasturi.case, be.units) == 576


def test_katalog_sale_from_the_case_file(kasturi):
    # price at the seller's: 216.000 x 1,3 = 280.800; delivery 60.000 / 5 cartons = 12.000
    plain, taxed = kasturi.katalog_offer(False), kasturi.katalog_offer(True)
    assert plain.unit_price == idr(292_800)
    # PKP: PPN 12% of the tax base 11/12 of 292.800 = 32.208 -> 325.008
    assert taxed.unit_price == idr(325_008)


def test_reverse_price_uses_the_bottles_a_carton_holds(kasturi):
    rp = kasturi.reverse
    # shelf: RM 15,90 a bottle x 12 bottles = RM 190,80 a carton
    assert rp.shelf_price == Money(Decimal("190.80"), "MYR")


def test_landed_cost_uses_the_case_files_duties(kasturi):
    imp = kasturi.case.import_
    assert (imp.normal_duty_pct, imp.duty_pct, imp.vat_pct) == (5, 0, 10)
    assert kasturi.landed.saving > usd(0)


def test_key_figures_name_every_headline_number(kasturi):
    figures = kasturi.key_figures()
    assert figures["profit"].value == kasturi.profit.rounded()
    assert figures["break_even_units"].value == 48
    assert figures["katalog_price"].value == idr(292_800)
    assert all(f.label for f in figures.values())


def test_a_trainers_case_without_the_workshop_sections_still_computes():
    """Sections a trainer leaves out fall back to the workshop's defaults."""
    m = packaged_case().to_mapping()
    for key in ("payment", "order", "readiness", "katalog", "second_order", "destination_shelf"):
        m.pop(key, None)
    study = CaseStudy(case_from_mapping(m))
    assert study.reverse is None
    assert study.cash_flow().method.key == "lc_sight"
    offer = study.katalog_offer(False)
    assert offer.unit_price == study.katalog_price_before_ppn  # no delivery charge declared
    # valid from the rate sheet's day for the quotation's validity (30 days)
    assert (offer.valid_until - offer.valid_from).days == 30


def test_the_case_file_refuses_impossible_workshop_figures_all_at_once():
    m = packaged_case().to_mapping()
    m["order"] = {"materials_share_pct": 120, "production_days": -1}
    m["katalog"] = {"min_order": 0}
    m["destination_shelf"] = {"price_per_piece": "15,90", "currency": "XYZ"}
    with pytest.raises(UkmError) as e:
        case_from_mapping(m)
    fields = {p.field for p in e.value.problems}
    assert {"order.materials_share_pct", "order.production_days", "katalog.min_order"} <= fields
    assert any((f or "").startswith("destination_shelf") for f in fields)
    by_field = {p.field: p for p in e.value.problems}
    assert by_field["order.materials_share_pct"].allowed == "0-100"


def test_the_exercises_sample_participant_prices_the_same_syrup():
    """The demo roster's kasturi-syrup participant (the exercises' sample case) is the case file's
    product per bottle: HPP 216.000 / 12 = 18.000, packing 18.000 / 12 = 1.500, 200 x 12 = 2.400."""
    case = packaged_case()
    per = case.product.pieces_per_unit
    text = resources.files("ukm_tools.data").joinpath("demo/peserta-demo.csv").read_text(encoding="utf-8")
    rows = [r for r in csv.reader(text.splitlines(), delimiter=";") if r and r[0] == "siti-aminah"]
    assert len(rows) == 1
    name, hpp, packing, qty = rows[0][4:8]
    assert name == case.product.name
    assert Decimal(hpp.replace(".", "")) * per == case.unit_costs.hpp
    assert Decimal(packing.replace(".", "")) * per == case.unit_costs.packing
    assert int(qty.replace(".", "")) == pieces(case, case.quantity)


def test_nothing_a_participant_reads_in_the_case_file_is_english():
    case = packaged_case()
    assert case.payment_terms == "L/C atas unjuk, tidak dapat dibatalkan"
    assert "at sight" not in case.payment_terms and "irrevocable" not in case.payment_terms
    assert financing.payment_method("lc_sight").name["id"] == "L/C atas unjuk"
