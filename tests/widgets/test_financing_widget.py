"""Financing calculator: drive the widget from Python and compare with the domain."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest

from ukm_tools import financing as fin
from ukm_tools.case import packaged_case
from ukm_tools.case_study import CaseStudy
from ukm_tools.errors import UkmError
from ukm_tools.money import Money, format_money
from ukm_tools.widgets import case_io
from ukm_tools.widgets.base import NumberField
from ukm_tools.widgets.financing import FinancingCalculator, app, case_order, per_unit, upgrade_saved

pytestmark = pytest.mark.timeout(120)


def idr(x):
    return Money.of(x, "IDR")


# A workshop order typed in by hand: 2,400 bottles at Rp27,000, paid D/A 60 days.
HAND_ORDER = fin.OrderInput(idr(64_800_000), idr(21_600_000), idr(9_600_000), idr(5_000_000), 30, "da", days_to_ship=5)


@pytest.fixture
def opened(kw):
    """The calculator as a participant opens it: the case study's order."""
    calc = FinancingCalculator(**kw)
    assert calc.widget.children  # built: the page shows its fields and first result
    return calc


@pytest.fixture
def calc(opened):
    """The calculator with the hand-typed order and a KUR Mikro loan."""
    opened.set_order(HAND_ORDER, quantity=2400)
    opened.f_scheme.input.value = "kur_mikro"
    return opened


def test_opens_with_the_case_studys_order_per_carton(opened):
    # The CIF quote's 200 cartons (US$ 4.304,03) bring Rp69.358.573 after the L/C's bank fees (the
    # case study's figure, typed as the whole order's value: 346.792,865 a carton, shown as about
    # Rp346.793). HPP 216.000 x 200 = 43.200.000: 60% materials on day 0
    # (25.920.000, 129.600 a carton), the rest after 14 days of production (17.280.000); packing
    # and shipment costs 13.432.079 at shipment (day 14). L/C at sight: no tenor, the money about
    # 12 days after shipment. Peak = all costs = 56.632.079; margin 69.358.573 - 56.632.079 = 12.726.494.
    case = packaged_case()
    order = case_order(case)
    assert order == CaseStudy(case).order()
    assert order.order_value == idr(69_358_573) and order.materials == idr(25_920_000)
    assert opened.f_qty.raw == "200" and opened.f_value.raw == "69.358.573" and opened.f_material.raw == "129.600"
    assert "<small class='ukm-hint'>≈ Rp346.793 per unit</small>" in opened.f_value.label.value
    assert opened.f_method.read() == "lc_sight" and opened.f_tenor.raw == "0" and opened.f_tenor.disabled
    assert case.order is not None and opened.f_scheme.read() == case.order.loan_scheme == "kur_kecil"
    t = opened.result.timeline
    assert t == fin.cash_flow(order) and t.peak_working_capital == idr(56_632_079) and t.peak_day == 14
    assert t.margin == CaseStudy(case).profit == idr(12_726_494)
    assert opened.result.financing == fin.finance_order(t, scheme="kur_kecil")
    assert "Rp56.632.079 (hari ke-14)" in opened.summary.value
    # the chart: the order's balance after each of its four events, the deepest one marked
    for e in t.events:
        assert format_money(e.balance, "id") in opened.chart.value
    assert opened.chart.value.count("<li class='ukm-bar") == 4 and opened.chart.value.count("ukm-bar-strong") == 1
    assert opened.message.value == "" and opened.discount_row.layout.display == "none"
    assert "studi kasus" in opened.source_info.value


def test_a_typed_order_matches_the_domain(calc):
    # 2,400 x 27,000 = 64.8m; materials 2,400 x 9,000 = 21.6m day 0; production 9.6m day 30;
    # export 5m day 35 -> peak 36.2m; D/A 60 receipt day 109; KUR Mikro 6% effective, 4 months.
    t, f = calc.result.timeline, calc.result.financing
    assert calc.f_value.raw == "64.800.000" and calc.f_tenor.raw == "60" and not calc.f_tenor.disabled
    assert t == fin.cash_flow(HAND_ORDER)
    assert t.peak_working_capital == idr(36_200_000) and t.days_tied_up == 109
    assert f == fin.finance_order(t, scheme="kur_mikro")
    assert "Rp36.200.000" in calc.summary.value and "109 hari" in calc.summary.value
    assert calc.table.value.count("<tr>") == 1 + 4 + 1  # header, 4 instalments, total


def test_the_method_sets_its_tenor(calc):
    calc.f_method.input.value = "open_account"
    assert calc.f_tenor.raw == "90" and not calc.f_tenor.disabled
    assert calc.result.timeline.receipt_day == 35 + 90 + 3
    calc.f_tenor.raw = "120"
    assert calc.result.timeline.receipt_day == 35 + 120 + 3
    assert calc.result.financing.months == 6  # 158 days -> 6 banking months
    calc.f_method.input.value = "cash_in_advance"
    assert calc.f_tenor.disabled
    t, f = calc.result.timeline, calc.result.financing
    assert t.peak_working_capital == idr(0) and f.schedule is None
    assert "Tidak perlu pinjaman" in calc.summary.value and calc.table.value == ""


def test_flat_rate_override_and_months(calc):
    with calc.holding():
        for f, v in (
            (calc.f_qty, "1.000"),
            (calc.f_value, "60.000.000"),
            (calc.f_material, "20.000"),
            (calc.f_production, "10.000"),
            (calc.f_export, "5.000.000"),
            (calc.f_rate, "6"),
            (calc.f_months, "4"),
        ):
            f.raw = v
    calc.f_basis.input.value = "flat"
    t, f = calc.result.timeline, calc.result.financing
    # peak = 20m + 10m + 5m = 35m; flat 6% over 4 months = 700,000
    assert t.peak_working_capital == idr(35_000_000)
    assert f.cost == idr(700_000) and f.basis == "flat"
    assert "Rp700.000" in calc.summary.value
    calc.f_basis.input.value = "effective"
    assert calc.result.financing.cost == idr(438_591)  # the annuity figure from the domain tests
    assert "3,76%" in calc.summary.value  # its flat equivalent


def test_bad_input_is_shown_at_its_box_and_the_last_result_stays(calc):
    good = calc.result
    calc.f_qty.raw = "dua ribu"
    assert calc.result is good
    assert calc.f_qty.errors == [
        # the example in the box's own convention (Indonesian: point for thousands, comma for decimals)
        "Jumlah pesanan (unit): 'dua ribu' bukan angka. Tulis angka seperti 1.234.567,50."
    ]
    assert "ukm-invalid" in calc.f_qty.input._dom_classes
    assert "Hasil di bawah masih dari isian benar yang terakhir" in calc.message.value
    assert "Rp36.200.000" in calc.summary.value  # still shown
    calc.f_prod_days.raw = "-3"
    assert calc.f_qty.errors and not calc.f_prod_days.errors  # numbers are read before the domain checks
    calc.f_qty.raw = "2.400"
    assert not calc.f_qty.errors and calc.f_prod_days.errors == [
        "Lama produksi (hari) tidak boleh negatif (diisi: -3)."
    ]
    calc.f_prod_days.raw = "30"
    assert calc.error is None and calc.message.value == "" and not calc.f_prod_days.errors


def test_a_problem_with_an_order_total_is_shown_at_its_box(calc):
    # the domain refuses an order value of 0 as "order_value": the box typed as that total
    calc.f_value.raw = "0"
    assert calc.error.problems[0].field == "order_value"
    assert calc.f_value.errors == ["Nilai pesanan yang diterima (Rp, seluruh pesanan) harus lebih dari 0 (diisi: 0)."]
    assert "≈" not in calc.f_value.label.value  # no price per unit for an order of nothing
    # a materials total the domain refuses goes to the per-unit box it comes from
    calc.f_value.raw = "64.800.000"
    calc.f_material.raw = "-1"
    assert calc.error.problems[0].field == "materials" and calc.f_material.errors


def test_english_switch_converts_numbers_and_labels(calc):
    calc.set_lang("en")
    assert calc.f_value.raw == "64,800,000" and "≈ Rp27,000 per unit" in calc.f_value.label.value
    assert "Order value received (IDR, whole order)" in calc.f_value.label.value
    assert "Order quantity (units)" in calc.f_qty.label.value
    assert calc.f_method.input.options[0][0] == "Cash in advance (T/T)"
    assert calc.message.value == "" and "Peak working capital" in calc.summary.value
    assert "Rp36,200,000" in calc.summary.value and "Day 0" in calc.chart.value
    calc.f_export.raw = "5.000.000"
    assert "written the Indonesian way" in calc.f_export.errors[0]


def test_dated_schedule(calc):
    calc.f_start.raw = dt.date(2025, 3, 3)
    t, f = calc.result.timeline, calc.result.financing
    assert t.events[-1].date == dt.date(2025, 6, 20)
    assert f.schedule.rows[0].date == dt.date(2025, 4, 3)
    assert "2025-04-03" in calc.table.value


def test_app_returns_widget(kw):
    assert app(lang="en", **kw).children


def test_draft_discounting_route(calc):
    calc.f_route.input.value = "discount"
    assert calc.discount_row.layout.display == "flex"
    calc.f_disc_rate.raw = "8"
    calc.f_disc_fees.raw = "250.000"
    r = calc.result
    d = r.discounting
    assert d == fin.discount_order(HAND_ORDER, 8, idr(250_000))
    # 64.8m x 8% x 60/360 = 864,000 interest; net 64,800,000 - 864,000 - 250,000 = 63,686,000 on day 49
    assert d.discount.interest == idr(864_000) and d.discount.net == idr(63_686_000)
    assert r.timeline == d.timeline and r.timeline.days_tied_up == 49
    assert r.financing == fin.finance_order(d.timeline, scheme="kur_mikro") and r.financing.months == 2
    html = calc.summary.value
    assert "Rp64.800.000" in html and "Rp63.686.000" in html and "hari ke-49" in html
    assert f"Rp{r.financing.cost.amount + 1_114_000:,}".replace(",", ".") in html  # total = loan + discount
    calc.f_method.input.value = "open_account"
    assert "tidak memakai wesel berjangka" in calc.errors_shown()
    assert calc.discounting is d  # last good result kept
    calc.f_route.input.value = "loan"
    assert calc.discount_row.layout.display == "none" and calc.error is None


def test_a_wrong_discount_rate_does_not_block_a_plain_loan(calc):
    calc.f_disc_rate.raw = "delapan"
    assert calc.error is None  # the loan route does not use it
    calc.f_route.input.value = "discount"
    assert calc.f_disc_rate.errors and "bukan angka" in calc.f_disc_rate.errors[0]


def test_saved_inputs_open_again_exactly(calc, kw):
    calc.f_route.input.value = "discount"
    calc.f_start.raw = dt.date(2026, 2, 2)
    calc.f_rate.raw = "7,5"
    text = calc.saved_text()
    case, extras = case_io.read_case_text(text)
    # the case's own sections follow the calculator: how the order is paid and financed
    assert case.payment is not None and case.order is not None
    assert case.payment.method == "da" and case.order.loan_scheme == "kur_mikro" and case.order.production_days == 30
    again = FinancingCalculator(case, extras=extras, **kw)
    assert again.widget.children
    assert [f.raw for f in again._fields] == [f.raw for f in calc._fields]
    assert again.result == calc.result


def test_a_case_saved_by_another_calculator_gives_its_order(kw):
    # the price calculator saved a case with HPP 250.000: the financing page opens with that order
    m = case_io.case_to_mapping(packaged_case())
    m["unit_costs"]["hpp"] = 250000
    case, extras = case_io.read_case_text(case_io.dump(m, {"price": {"x": 1}}))
    calc = FinancingCalculator(case, extras=extras, **kw)
    assert calc.widget.children
    assert calc.result.timeline == fin.cash_flow(case_order(case))
    assert calc.f_material.raw == "150.000"  # 60% of 250.000


def test_a_program_error_is_a_message_and_the_last_result_stays(calc, monkeypatch):
    before, summary = calc.result, calc.summary.value
    monkeypatch.setattr(fin, "cash_flow", lambda order: 1 / 0)
    calc.f_qty.raw = "1.500"
    assert "kesalahan program (ZeroDivisionError)" in calc.message.value
    assert calc.result is before and calc.summary.value == summary


def test_phone_friendly_labels_and_a_stacking_schedule(calc):
    """Short labels (the 'blank = ...' hint is a placeholder) and an instalment table whose rows
    stack into cards on a phone, so neither squeezes nor cuts off on a 360 px screen."""
    assert "Suku bunga (% per tahun)" in calc.f_rate.label.value
    assert calc.f_rate.input.placeholder == "kosong = menurut skema"
    assert "ukm-cards" in calc.table.value and "data-label='Bunga'" in calc.table.value
    assert ">Tanggal<" not in calc.table.value  # no start date: no empty date column
    assert calc.table.value.count("<tr>") == 1 + len(calc.result.financing.schedule.rows) + 1
    calc.f_start.raw = dt.date(2026, 1, 15)
    assert ">Tanggal<" in calc.table.value and "2026-02-15" in calc.table.value
    calc.set_lang("en")
    assert calc.f_months.input.placeholder == "blank = automatic"


def page_values(widget) -> list[str]:
    """Every text the page shows (labels, boxes, result areas), widget by widget."""
    out = [widget.value] if isinstance(getattr(widget, "value", None), str) else []
    for child in getattr(widget, "children", ()) or ():
        out += page_values(child)
    return out


def test_the_shipped_case_shows_no_rupiah_amount_with_a_decimal_part(opened):
    # Rupiah have no sen: neither a box in rupiah nor a figure on the page shows a decimal part
    # (the order value as a price per unit showed 346.792,865).
    boxes = [f for f in opened._fields if isinstance(f, NumberField) and "(Rp" in f.label.value]
    assert len(boxes) >= 5
    assert [(f.name, f.raw) for f in boxes if "," in f.raw] == []
    shown = "\n".join(page_values(opened.widget))
    assert "Rp56.632.079" in shown and "Rp346.793" in shown
    assert re.findall(r"Rp ?\d[\d.]*,\d+", shown) == []


def test_the_price_per_unit_under_the_order_value_is_rounded_half_up(calc):
    with calc.holding():
        calc.f_qty.raw = "200"
    calc.f_value.raw = "69.358.500"  # 346.792,5 a unit: half-up, not to the even 346.792
    assert "<small class='ukm-hint'>≈ Rp346.793 per unit</small>" in calc.f_value.label.value
    calc.f_value.raw = "69.358.499"  # 346.792,495
    assert "≈ Rp346.792 per unit" in calc.f_value.label.value
    calc.f_qty.raw = "banyak"
    assert "≈" not in calc.f_value.label.value  # nothing while the quantity cannot be read


def test_costs_per_unit_are_exact_to_the_cent_or_else_whole_rupiah():
    assert per_unit(idr(25_920_000), 200) == 129_600  # the shipped case: whole rupiah, exact
    assert per_unit(idr(1_000_100), 200) == Decimal("5000.5")  # exact, so the total is kept
    assert per_unit(idr(1_000_001), 200) == 5000  # 5.000,005: no long tail, half-up to the rupiah
    assert per_unit(idr(1_000_101), 200) == 5001  # 5.000,505


SAVED_BY_C237A01 = Path(__file__).parents[1] / "domain" / "files" / "saved-by-c237a01" / "financing.yaml"


def test_a_file_saved_with_the_unit_price_opens_with_the_same_order(kw):
    # c237a01 saved the order value as a price per unit (353.360 x 200 units), multiplied by the
    # quantity when computing: the box now holds that total and every figure is as it was then.
    calc = FinancingCalculator.from_case_file(SAVED_BY_C237A01, **kw)
    assert calc.widget.children and calc.message.value == ""
    assert calc.f_qty.raw == "200" and calc.f_value.raw == "70.672.000" and calc.f_material.raw == "129.600"
    then = fin.OrderInput(
        idr(353_360) * 200, idr(129_600) * 200, idr(86_400) * 200, idr(13_432_079), 14, "lc_sight", days_to_ship=0
    )
    assert calc.result.timeline == fin.cash_flow(then)
    assert calc.result.financing == fin.finance_order(fin.cash_flow(then), scheme="kur_kecil")
    # saved again: the new key only, and it opens the same
    text = calc.saved_text()
    assert "order_value: 70672000" in text and "order_unit_price" not in text
    case, extras = case_io.read_case_text(text)
    again = FinancingCalculator(case, extras=extras, **kw)
    assert again.widget.children and again.result == calc.result


def test_an_old_unit_price_uses_the_saved_quantity_else_the_cases():
    assert upgrade_saved({"order_unit_price": 27_000, "order_quantity": 2400}, 200) == {
        "order_value": 64_800_000,
        "order_quantity": 2400,
    }
    assert upgrade_saved({"order_unit_price": "27000.5"}, 2) == {"order_value": 54_001}
    with pytest.raises(UkmError) as e:
        upgrade_saved({"order_unit_price": "mahal"}, 200)
    assert e.value.problems[0].field == "calculators.financing.order_unit_price"


def test_a_file_with_the_old_and_the_new_key_keeps_the_new_order_value():
    # saved by this version over an older file: order_value is what the participant typed last
    saved = {"order_unit_price": "mahal", "order_value": 70_000_000, "order_quantity": 200}
    assert upgrade_saved(saved, 200) == {"order_value": 70_000_000, "order_quantity": 200}
