"""Financing calculator: drive the widget from Python and compare with the domain."""

import datetime as dt

import pytest

from ukm_tools import financing as fin
from ukm_tools.money import Money
from ukm_tools.widgets.financing import FinancingCalculator, app

pytestmark = pytest.mark.timeout(120)


def idr(x):
    return Money.of(x, "IDR")


@pytest.fixture
def calc():
    return FinancingCalculator()


def set_inputs(calc, **values):
    for k, v in values.items():
        calc.inputs[k].value = v


def test_defaults_match_domain(calc):
    # 2,400 units x 27,000 = 64.8m; materials 2,400 x 9,000 = 21.6m day 0; production 9.6m day 30;
    # export 5m day 35 -> peak 36.2m; D/A 60 receipt day 109; KUR Mikro 6% effective, 4 months.
    t, f = calc.result
    expected_t = fin.cash_flow(
        fin.OrderInput(idr(64_800_000), idr(21_600_000), idr(9_600_000), idr(5_000_000), 30, "da", days_to_ship=5)
    )
    assert t == expected_t
    assert t.peak_working_capital == idr(36_200_000) and t.days_tied_up == 109
    assert f == fin.finance_order(expected_t, scheme="kur_mikro")
    assert "Rp36.200.000" in calc.summary.value and "109 hari" in calc.summary.value
    assert calc.chart_png.startswith(b"\x89PNG") and calc.chart.value == calc.chart_png
    assert calc.table.value.count("<tr>") == 1 + 4 + 1  # header, 4 instalments, total
    assert calc.messages.value == ""


def test_change_payment_method_and_tenor(calc):
    calc.method.value = "open_account"
    assert calc.inputs["tenor_days"].value == "90" and not calc.inputs["tenor_days"].disabled
    assert calc.result[0].receipt_day == 35 + 90 + 3
    calc.inputs["tenor_days"].value = "120"
    assert calc.result[0].receipt_day == 35 + 120 + 3
    assert calc.result[1].months == 6  # 158 days -> 6 banking months
    calc.method.value = "cash_in_advance"
    assert calc.inputs["tenor_days"].disabled
    t, f = calc.result
    assert t.peak_working_capital == idr(0) and f.schedule is None
    assert "Tidak perlu pinjaman" in calc.summary.value and calc.table.value == ""


def test_flat_rate_override_and_months(calc):
    set_inputs(
        calc,
        order_quantity="1.000",
        order_unit_price="60.000",
        material_per_unit="20.000",
        production_per_unit="10.000",
        export_costs="5.000.000",
        rate_pct="6",
        months="4",
    )
    calc.basis.value = "flat"
    t, f = calc.result
    # peak = 20m + 10m + 5m = 35m; flat 6% over 4 months = 700,000
    assert t.peak_working_capital == idr(35_000_000)
    assert f.cost == idr(700_000) and f.basis == "flat"
    assert "Rp700.000" in calc.summary.value
    calc.basis.value = "effective"
    assert calc.result[1].cost == idr(438_591)  # the annuity figure from the domain tests
    assert "3,76%" in calc.summary.value  # its flat equivalent


def test_bad_input_shows_message_and_keeps_last_result(calc):
    good = calc.result
    calc.inputs["order_quantity"].value = "dua ribu"
    assert calc.result is good
    assert "Jumlah pesanan (unit): &#x27;dua ribu&#x27; bukan angka" in calc.messages.value
    assert "Hasil terakhir yang benar" in calc.messages.value
    assert "Rp36.200.000" in calc.summary.value  # still shown
    calc.inputs["production_days"].value = "-3"
    assert [p.field for p in calc.problems] == ["order_quantity"]  # numbers are read before the domain checks
    calc.inputs["order_quantity"].value = "2.400"
    assert [p.field for p in calc.problems] == ["production_days"]
    assert "Lama produksi (hari) tidak boleh negatif" in calc.messages.value
    calc.inputs["production_days"].value = "30"
    assert calc.problems == [] and calc.messages.value == ""


def test_english_switch_converts_numbers_and_labels(calc):
    calc.lang_toggle.value = "en"
    assert calc.inputs["order_unit_price"].value == "27,000"
    assert calc.inputs["order_quantity"].description == "Order quantity (units)"
    assert calc.method.options[0][0] == "Cash in advance (T/T)"
    assert calc.messages.value == "" and "Peak working capital" in calc.summary.value
    assert "Rp36,200,000" in calc.summary.value
    calc.inputs["export_costs"].value = "5.000.000"
    assert "written the Indonesian way" in calc.messages.value


def test_dated_schedule(calc):
    calc.start.value = dt.date(2025, 3, 3)
    t, f = calc.result
    assert t.events[-1].date == dt.date(2025, 6, 20)
    assert f.schedule.rows[0].date == dt.date(2025, 4, 3)
    assert "2025-04-03" in calc.table.value


def test_app_returns_widget():
    w = app("en")
    assert w.children


def test_draft_discounting_route(calc):
    calc.route.value = "discount"
    calc.inputs["discount_rate_pct"].value = "8"
    calc.inputs["discount_fees"].value = "250.000"
    t, f = calc.result
    d = calc.discounting
    order = fin.OrderInput(idr(64_800_000), idr(21_600_000), idr(9_600_000), idr(5_000_000), 30, "da", days_to_ship=5)
    assert d == fin.discount_order(order, 8, idr(250_000))
    # 64.8m x 8% x 60/360 = 864,000 interest; net 64,800,000 - 864,000 - 250,000 = 63,686,000 on day 49
    assert d.discount.interest == idr(864_000) and d.discount.net == idr(63_686_000)
    assert t == d.timeline and t.days_tied_up == 49
    assert f == fin.finance_order(d.timeline, scheme="kur_mikro") and f.months == 2
    html = calc.summary.value
    assert "Rp64.800.000" in html and "Rp63.686.000" in html and "hari ke-49" in html
    assert f"Rp{f.cost.amount + 1_114_000:,}".replace(",", ".") in html  # total = loan + discount
    calc.method.value = "open_account"
    assert "tidak memakai wesel berjangka" in calc.messages.value
    assert calc.discounting is d  # last good result kept


def test_set_order_from_case_reproduces_domain(calc):
    from ukm_tools.case import packaged_case

    case = packaged_case("kasturi-syrup")
    order = fin.order_from_quote(
        case.quote("CIF", None),
        case.pricing_input(),
        materials_share_pct=60,
        production_days=21,
        method="da",
        tenor_days=90,
        days_to_ship=4,
    )
    calc.set_order(order, quantity=200)
    # the USD invoice 4,304.03 at the buying rate 16,420 = Rp70,672,173, over 200 cartons
    assert calc.inputs["order_unit_price"].value == "353.360,865"
    assert calc.inputs["tenor_days"].value == "90"
    t, f = calc.result
    assert t == fin.cash_flow(order)
    assert f == fin.finance_order(fin.cash_flow(order), scheme="kur_mikro")


def test_a_program_error_is_a_message_and_the_last_result_stays(calc, monkeypatch):
    before, summary = calc.result, calc.summary.value
    monkeypatch.setattr(fin, "cash_flow", lambda order: 1 / 0)
    calc.inputs["order_quantity"].value = "1.500"
    assert "kesalahan program (ZeroDivisionError)" in calc.messages.value
    assert calc.result is before and calc.summary.value == summary


def test_phone_friendly_labels_and_a_scrolling_schedule(calc):
    """Short labels (the 'blank = ...' hint is a placeholder) and the instalment table in a
    sideways-scrolling box, so neither squeezes nor cuts off on a 360 px phone."""
    rate = calc.inputs["rate_pct"]
    assert rate.description == "Suku bunga (% per tahun)" and rate.placeholder == "kosong = menurut skema"
    assert "overflow-x:auto" in calc.table.value
    assert ">Tanggal<" not in calc.table.value  # no start date: no empty date column
    _, financing = calc.result
    assert calc.table.value.count("<tr>") == 1 + len(financing.schedule.rows) + 1
    calc.start.value = dt.date(2026, 1, 15)
    assert ">Tanggal<" in calc.table.value and "2026-02-15" in calc.table.value
    calc.lang_toggle.value = "en"
    assert calc.inputs["months"].placeholder == "blank = automatic"
