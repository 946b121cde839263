"""The price build-up served by `ukm apps` in headless Chromium on a laptop screen: typing, the
quotation PDF and saving, offline. (Every calculator on a phone: test_every_calculator.py.)"""

from __future__ import annotations

import pytest

from tests.calcserver.conftest import type_into
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
    result = case_from_mapping(m).quote()
    # the unit price with the decimals its quantity needs (x quantity = the shipment total shown)
    return result.unit_text(result.final, "id"), format_money(result.final.shipment_quote, "id")


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
