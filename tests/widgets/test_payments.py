"""Payment comparator: every total, the fee breakdown and D/A discounting equal the domain's."""

import datetime as dt
from decimal import Decimal

import pytest

from ukm_tools.case import packaged_case
from ukm_tools.case_study import CaseStudy
from ukm_tools.money import Money, format_money
from ukm_tools.payments import (
    collection_cost,
    compare_methods,
    discount_draft,
    gross_up_face,
    lc_cost,
    load_fee_schedule,
)
from ukm_tools.widgets.payments import PaymentsCalculator

pytestmark = pytest.mark.timeout(60)
SCHEDULE = load_fee_schedule()
# The case study's payment: the buyer asks for 60 days, money costs 9% a year, no amendment.
PLAN = packaged_case().payment
assert PLAN is not None
TENOR, RATE, AMEND = PLAN.tenor_days_asked, PLAN.funding_rate_pct, PLAN.amendments


@pytest.fixture
def calc(kw):
    c = PaymentsCalculator(**kw)
    assert c.widget.children  # built: the page shows its fields and first result
    return c


def totals(invoice, tenor, rate, amendments=AMEND, discrepancies=0, validity=90, lang="id"):
    comp = compare_methods(
        invoice,
        SCHEDULE,
        tenor,
        annual_rate_pct=rate,
        amendments=amendments,
        discrepancies=discrepancies,
        validity_days=validity,
    )
    return {r.method.code: format_money(r.total, lang) for r in comp.rows}


def test_starts_from_case_invoice_and_matches_compare_methods(calc):
    invoice = packaged_case().quote().final.shipment_quote
    assert (calc.f_tenor.raw, calc.f_rate.raw, calc.f_amend.raw) == ("60", "9", "0")
    shown = {k: v for k, v in calc.shown.items() if k in totals(invoice, TENOR, RATE)}
    assert shown == totals(invoice, TENOR, RATE)
    # table rows in exporter-risk order, chart drawn
    rows = compare_methods(invoice, SCHEDULE, TENOR, annual_rate_pct=RATE, amendments=AMEND).rows
    positions = [calc.table.value.index(r.method.label["id"]) for r in rows]
    assert positions == sorted(positions) and rows[0].method.exporter_risk == 1
    # the chart: one bar per method, labelled and valued as in the table
    for r in rows:
        assert r.method.label["id"] in calc.chart.value and format_money(r.total, "id") in calc.chart.value
    # the fee breakdown opens on the L/C the case agreed: the case study's USD 80 of bank fees
    assert calc.f_method.read() == "lc_unconfirmed"
    assert calc.shown["breakdown_total"] == format_money(CaseStudy(packaged_case()).bank_fees().total, "id")


def test_lc_breakdown_and_da_discount(calc):
    calc.f_invoice.input.value = "10.000"
    calc.f_tenor.input.value = "90"
    calc.f_rate.input.value = "7,5"
    calc.f_amend.input.value = "2"
    calc.f_method.input.value = "lc_confirmed"
    inv = Money.of(10000, "USD")
    lc = lc_cost(inv, SCHEDULE, confirmed=True, amendments=2, tenor_days=90)
    assert calc.shown["breakdown_total"] == format_money(lc.total, "id")
    for line in lc.lines:
        assert format_money(line.amount, "id") in calc.breakdown.value
    fees = collection_cost(inv, SCHEDULE, acceptance=True, tenor_days=90).total
    d = discount_draft(inv, Decimal("7.5"), 90, fees)
    assert calc.shown["discount_net"] == format_money(d.net, "id")
    assert calc.shown["gross_up"] == format_money(gross_up_face(inv, Decimal("7.5"), 90, fees), "id")
    assert {k: calc.shown[k] for k in totals(inv, 90, 7)} == totals(inv, 90, Decimal("7.5"), amendments=2)


def test_blank_rate_means_no_financing_and_no_discount(calc):
    calc.f_rate.input.value = ""
    assert calc.error is None
    assert "discount_net" not in calc.shown
    assert "suku bunga kosong" in calc.table.value


@pytest.mark.parametrize(
    "field, text, fragment",
    [
        ("f_invoice", "", "belum diisi"),
        ("f_invoice", "0", "lebih dari 0"),
        ("f_tenor", "-5", "tidak boleh negatif"),
        ("f_tenor", "30,5", "bilangan bulat"),
        ("f_rate", "-2", "lebih dari 0"),
        ("f_amend", "dua", "bukan angka"),
        ("f_tenor", "5000", "menghabiskan seluruh nilai wesel"),
    ],
)
def test_bad_input_message_keeps_result(calc, field, text, fragment):
    before = dict(calc.shown)
    getattr(calc, field).input.value = text
    assert fragment in calc.errors_shown(), calc.errors_shown()
    assert calc.shown == before


def test_fee_schedule_source_and_staleness(kw):
    c = PaymentsCalculator(**kw)
    assert c.widget.children  # built: the page shows its fields and first result
    assert "Bank Jatim" in c.source_info.value and "01-12-2025" in c.source_info.value
    assert "ukm-stale" not in c.source_info.value
    old = PaymentsCalculator(**{**kw, "today": dt.date(2026, 9, 1)})
    assert old.widget.children  # built: the page shows its fields and first result
    assert "ukm-stale" in old.source_info.value
    strict = PaymentsCalculator(**kw, max_fee_age_days=1)
    assert strict.widget.children  # built: the page shows its fields and first result
    assert "ukm-stale" in strict.source_info.value


def test_save_and_reopen_in_english(calc, kw):
    calc.f_invoice.input.value = "12.345,67"
    calc.f_tenor.input.value = "120"
    calc.f_sort.input.value = "cost"
    path = calc.store.folder / calc.case_panel.save()
    again = PaymentsCalculator.from_case_file(path, **{**kw, "lang": "en"})
    assert again.widget.children  # built: the page shows its fields and first result
    assert again.f_invoice.raw == "12,345.67" and again.f_tenor.raw == "120"
    inv = Money.of("12345.67", "USD")
    assert {k: again.shown[k] for k in totals(inv, 120, RATE)} == totals(inv, 120, RATE, lang="en")


def test_trainer_fee_schedule_from_environment(kw, tmp_path, monkeypatch):
    from importlib import resources

    import yaml

    data = yaml.safe_load(
        resources.files("ukm_tools.data").joinpath("fees/bank_jatim.yaml").read_text(encoding="utf-8")
    )
    data["bank"] = "Bank Contoh Medan"
    data["fees"][0]["amount"] = 30  # advising doubled
    path = tmp_path / "bank.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("UKM_FEES", str(path))
    c = PaymentsCalculator(**kw)
    assert c.widget.children  # built: the page shows its fields and first result
    assert "Bank Contoh Medan" in c.source_info.value
    inv = Money.of(c.f_invoice.read("id"), "USD")
    mine = load_fee_schedule(str(path))
    want = compare_methods(inv, mine, TENOR, annual_rate_pct=RATE, amendments=AMEND)
    assert c.shown["lc_confirmed"] == format_money(want.row("lc_confirmed").total, "id")
    assert c.shown["lc_confirmed"] != totals(inv, TENOR, RATE)["lc_confirmed"]
