"""The calculators served by `ukm apps` in headless Chromium: real typing, rendered results, offline, phone width."""

from __future__ import annotations

import pytest

from tests.calcserver.conftest import choose_saved, type_into
from ukm_tools.case import case_from_mapping, packaged_case
from ukm_tools.money import format_money
from ukm_tools.widgets import case_io

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


def render(open_page, calc_url, path, ready_selector, width=1024, height=2000):
    p = open_page(width, height)
    p.page.goto(f"{calc_url}/kalkulator/{path}")
    p.page.wait_for_selector(ready_selector)
    return p


def price_texts(mutate=None):
    m = case_io.case_to_mapping(packaged_case())
    if mutate:
        mutate(m)
    final = case_from_mapping(m).quote().final
    return format_money(final.unit_quote, "id"), format_money(final.shipment_quote, "id")


def test_price_buildup_typing_pdf_and_offline(open_page, calc_url):
    p = render(open_page, calc_url, "harga-ekspor", ".ukm-unit-quote")
    page = p.page
    unit, total = price_texts()
    assert page.inner_text(".ukm-unit-quote") == unit
    assert page.inner_text(".ukm-shipment-quote") == total
    assert "Rp" in page.inner_text(".ukm-price-table")
    assert page.locator(".ukm-chart").count() == 1
    assert "01-12-2025" in page.inner_text(".ukm-sources")
    # no code is shown
    assert page.locator(".jp-InputArea, .jp-CodeMirrorEditor, .cm-editor").count() == 0

    type_into(page, ".ukm-field-hpp input", "240.000")
    unit2, total2 = price_texts(lambda m: m["unit_costs"].update(hpp=240000))
    page.wait_for_function("t => document.querySelector('.ukm-shipment-quote').innerText === t", arg=total2)
    assert page.inner_text(".ukm-unit-quote") == unit2

    type_into(page, ".ukm-field-quantity input", "banyak", key="Enter")
    # the message appears right above the quantity box, which is marked red, not far below
    page.wait_for_selector(".ukm-field-error")
    assert "bukan angka" in page.inner_text(".ukm-field-error")
    assert page.locator(".ukm-invalid.ukm-field-quantity").count() == 1
    error_box = page.locator(".ukm-field-error").bounding_box()
    field_box = page.locator(".ukm-field-quantity input").bounding_box()
    assert 0 <= field_box["y"] - (error_box["y"] + error_box["height"]) < 40
    border = page.locator(".ukm-field-quantity input").evaluate("e => getComputedStyle(e).borderTopColor")
    assert border == "rgb(198, 40, 40)"
    assert page.inner_text(".ukm-shipment-quote") == total2  # last good result stays

    type_into(page, ".ukm-field-quantity input", "1.200")
    unit3, total3 = price_texts(lambda m: (m["unit_costs"].update(hpp=240000), m.update(quantity=1200)))
    page.wait_for_function("t => document.querySelector('.ukm-shipment-quote').innerText === t", arg=total3)
    assert page.locator(".ukm-error, .ukm-field-error, .ukm-invalid").count() == 0

    page.locator(".ukm-pdf-quotation").click()
    page.wait_for_selector(".ukm-pdf-status a.ukm-download")
    assert (
        page.locator(".ukm-pdf-status a.ukm-download").get_attribute("href").startswith("data:application/pdf;base64,")
    )
    page.locator(".ukm-save").click()
    page.wait_for_selector(".ukm-case-status a.ukm-download")
    p.screenshot("harga-ekspor")
    assert p.external_requests() == [], p.external_requests()
    assert p.errors == []


def test_price_buildup_saved_case_survives_reload(open_page, calc_url):
    p = render(open_page, calc_url, "harga-ekspor", ".ukm-unit-quote")
    type_into(p.page, ".ukm-field-markup_pct input", "45")
    _, total = price_texts(lambda m: m["unit_costs"].update(markup_pct=45))
    p.page.wait_for_function("t => document.querySelector('.ukm-shipment-quote').innerText === t", arg=total)
    type_into(p.page, ".ukm-save-name input", "reload-test")
    p.page.locator(".ukm-save").click()
    p.page.wait_for_selector(".ukm-case-status a.ukm-download[download='reload-test.yaml']")
    assert "kasus-tersimpan" not in p.page.inner_text(".ukm-case-status")  # no server path shown
    # a reload starts from the trainer's case, and the saved file is there to open
    p.page.reload()
    p.page.wait_for_selector(".ukm-unit-quote")
    assert p.page.inner_text(".ukm-shipment-quote") != total
    choose_saved(p.page, "reload-test.yaml")
    p.page.locator(".ukm-open").click()
    p.page.wait_for_function("t => document.querySelector('.ukm-shipment-quote').innerText === t", arg=total)


@pytest.mark.parametrize(
    "slug, ready, field",
    [
        ("harga-ekspor", ".ukm-unit-quote", ".ukm-field-hpp input"),
        ("pembayaran", ".ukm-payments-table", ".ukm-field-invoice input"),
        ("kesiapan-ekspor", ".ukm-score", ".ukm-q-nib"),
    ],
)
def test_fits_a_360px_phone(open_page, calc_url, slug, ready, field):
    p = render(open_page, calc_url, slug, ready, width=360, height=2400)
    overflow = p.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 2, f"page is {overflow}px wider than a 360px screen"
    box = p.page.locator(field).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 360
    # No input box sticks out of its labelled column (it would be clipped: no right border).
    clipped = p.page.evaluate("""() => Array.from(document.querySelectorAll("[class*='ukm-field-']"))
        .filter(e => e.getBoundingClientRect().right > e.parentElement.getBoundingClientRect().right + 0.5)
        .map(e => e.className.match(/ukm-field-\\S+/)[0])""")
    assert clipped == [], f"input boxes wider than their column: {clipped}"
    p.screenshot(f"{slug}-360px")


def test_payment_comparator_typing(open_page, calc_url):
    from decimal import Decimal

    from ukm_tools.money import Money
    from ukm_tools.payments import compare_methods, load_fee_schedule

    p = render(open_page, calc_url, "pembayaran", ".ukm-payments-table")
    page = p.page
    type_into(page, ".ukm-field-invoice input", "10.000")
    type_into(page, ".ukm-field-tenor_days input", "90", key="Enter")
    comp = compare_methods(Money.of(10000, "USD"), load_fee_schedule(), 90, annual_rate_pct=Decimal(8), amendments=1)
    want = format_money(comp.row("lc_confirmed").total, "id")
    page.wait_for_function("t => document.querySelector('.ukm-payments-table').innerText.includes(t)", arg=want)
    text = page.inner_text(".ukm-payments-table")
    for row in comp.rows:
        assert format_money(row.total, "id") in text
    assert "Rincian biaya bank" in page.inner_text(".ukm-breakdown")
    assert "Diskonto wesel D/A" in page.inner_text(".ukm-discount")
    type_into(page, ".ukm-field-tenor_days input", "-1")
    page.wait_for_selector(".ukm-field-error")
    assert "tidak boleh negatif" in page.inner_text(".ukm-field-error")
    assert page.locator(".ukm-invalid.ukm-field-tenor_days").count() == 1
    assert want in page.inner_text(".ukm-payments-table")
    assert "Bank Jatim" in page.inner_text(".ukm-sources")
    p.screenshot("pembayaran")
    assert p.external_requests() == []
    assert p.errors == []


def test_readiness_answers_give_score_and_plan(open_page, calc_url):
    from ukm_tools.readiness import assess

    p = render(open_page, calc_url, "kesiapan-ekspor", ".ukm-score")
    page = p.page
    assert page.inner_text(".ukm-score") == str(assess({}, "processed_food", "MY").score)
    for code in ("nib", "npwp", "hs_code"):
        page.locator(f".ukm-q-{code} button", has_text="Ya, sudah").click()
    want = assess({"nib": True, "npwp": True, "hs_code": True}, "processed_food", "MY")
    page.wait_for_function("t => document.querySelector('.ukm-score').innerText === t", arg=str(want.score))
    plan = page.inner_text(".ukm-plan")
    assert want.plan[0].requirement.label["id"] in plan
    assert "NIB (Nomor Induk Berusaha)" not in plan
    page.locator(".ukm-lang button", has_text="English").click()
    page.wait_for_selector("text=Your action plan")
    p.screenshot("kesiapan-ekspor")
    assert p.external_requests() == []
    assert p.errors == []


@pytest.mark.parametrize(
    "slug, selector, wanted",
    [
        ("incoterms", ".ukm-risk", "Penjelajah Incoterms 2020"),
        ("asuransi", ".ukm-premium", "Kalkulator asuransi pengangkutan"),
        ("kurs", ".ukm-proceeds", "Kalkulator kurs valuta asing"),
        ("titik-impas", ".ukm-units", "Titik impas dan margin"),
        ("biaya-sampai-tujuan", ".ukm-saving", "Biaya sampai di tujuan"),
    ],
)
def test_other_calculators_render_offline(open_page, calc_url, slug, selector, wanted):
    p = render(open_page, calc_url, slug, selector)
    assert wanted in p.page.inner_text(".ukm-calculator")
    assert p.page.locator(".ukm-error").count() == 0
    p.screenshot(slug)
    assert p.external_requests() == []
    assert p.errors == []
