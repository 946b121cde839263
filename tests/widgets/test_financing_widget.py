"""Financing calculator: drive the widget from Python and compare with the domain."""

import datetime as dt

import pytest

from ukm_tools import financing as fin
from ukm_tools.case import packaged_case
from ukm_tools.case_study import CaseStudy
from ukm_tools.money import Money, format_money
from ukm_tools.widgets import case_io
from ukm_tools.widgets.financing import FinancingCalculator, app, case_order

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
    # case study's figure: 346.792,865 a carton). HPP 216.000 x 200 = 43.200.000: 60% materials on day 0
    # (25.920.000, 129.600 a carton), the rest after 14 days of production (17.280.000); packing
    # and shipment costs 13.432.079 at shipment (day 14). L/C at sight: no tenor, the money about
    # 12 days after shipment. Peak = all costs = 56.632.079; margin 69.358.573 - 56.632.079 = 12.726.494.
    case = packaged_case()
    order = case_order(case)
    assert order == CaseStudy(case).order()
    assert order.order_value == idr(69_358_573) and order.materials == idr(25_920_000)
    assert opened.f_qty.raw == "200" and opened.f_price.raw == "346.792,865" and opened.f_material.raw == "129.600"
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
    assert calc.f_price.raw == "27.000" and calc.f_tenor.raw == "60" and not calc.f_tenor.disabled
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
            (calc.f_price, "60.000"),
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


def test_a_problem_with_an_order_total_is_shown_at_the_per_unit_box(calc):
    # a price of 0 makes the order value 0, which the domain refuses as "order_value"
    calc.f_price.raw = "0"
    assert calc.error.problems[0].field == "order_value"
    assert calc.f_price.errors and "Nilai pesanan" in calc.f_price.errors[0]


def test_english_switch_converts_numbers_and_labels(calc):
    calc.set_lang("en")
    assert calc.f_price.raw == "27,000"
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
