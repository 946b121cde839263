"""The e-Katalog and financing calculators of `ukm apps`, driven in headless Chromium.

They use the session's one calculator server and the module's browser (tests/calcserver/conftest.py): the
widgets render, react to typed input and keep the last good result beside an inline message.
"""

from __future__ import annotations

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]


@pytest.fixture
def page(open_page):
    return open_page(1100, 1000).page


def field(page, label: str):
    return page.locator(f".widget-text:has(label:text-is('{label}')) input")


def type_into(page, label: str, text: str) -> None:
    box = field(page, label)
    box.click()
    box.fill(text)
    box.press("Tab")


def test_katalog_page(calc_url, page):
    page.goto(f"{calc_url}/kalkulator/e-katalog")
    page.get_by_text("Harga e-Katalog untuk satu produk").wait_for()
    page.get_by_text("Harga tidak termasuk PPN: penjual bukan Pengusaha Kena Pajak (PKP).").wait_for()
    assert "Rp31.080" in page.content()  # the PKP price shown beside it
    type_into(page, "Harga satuan sebelum PPN (Rp)", "30.000")
    # 30,000 + 150,000 / 50 = 33,000; PKP: + 3,630 = 36,630
    page.get_by_text("Rp36.630").first.wait_for()
    type_into(page, "NIB", "123")
    page.get_by_text("NIB: '123' harus terdiri dari 13 digit angka (terbaca 3 digit).").wait_for()
    type_into(page, "Harga satuan sebelum PPN (Rp)", "tiga puluh ribu")
    page.get_by_text("Harga terakhir yang benar (masukan sekarang belum benar):").wait_for()
    assert "Rp36.630" in page.content()


def test_financing_page(calc_url, page):
    page.goto(f"{calc_url}/kalkulator/pembiayaan")
    page.get_by_text("Modal kerja dan pembiayaan pesanan ekspor").wait_for()
    page.get_by_text("Rp36.200.000 (hari ke-35)").wait_for()
    img = page.locator(".widget-image img, img.widget-image").first
    img.wait_for()
    assert img.evaluate("e => e.naturalWidth") > 300  # the cash-flow chart decoded
    type_into(page, "Jumlah pesanan (unit)", "1.200")
    # half the order: peak = 1,200 x 13,000 + 5,000,000 = 20,600,000
    page.get_by_text("Rp20.600.000 (hari ke-35)").wait_for()
    type_into(page, "Jumlah pesanan (unit)", "dua ribu")
    page.get_by_text("Hasil terakhir yang benar (masukan sekarang belum benar):").wait_for()
    assert "Rp20.600.000" in page.content()


@pytest.mark.parametrize(
    "slug, ready",
    [("pembiayaan", "Rp36.200.000 (hari ke-35)"), ("e-katalog", "Harga e-Katalog untuk satu produk")],
)
def test_every_input_box_is_usable_on_a_360px_phone(calc_url, open_page, slug, ready):
    p = open_page(360, 2400)
    p.page.goto(f"{calc_url}/kalkulator/{slug}")
    p.page.get_by_text(ready).first.wait_for()
    narrow = p.page.evaluate("""() => Array.from(
            document.querySelectorAll('.widget-text input, .widget-dropdown select'))
        .map(e => [e.closest('.widget-inline-hbox').querySelector('label').innerText,
                   Math.round(e.getBoundingClientRect().width)])
        .filter(([label, w]) => w < 80)""")
    assert narrow == [], f"input boxes too narrow to type in: {narrow}"
    cut = p.page.evaluate("""() => Array.from(document.querySelectorAll('.widget-checkbox span'))
        .filter(e => e.getBoundingClientRect().right > window.innerWidth).map(e => e.innerText)""")
    assert cut == [], f"checkbox texts cut off: {cut}"
    assert p.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth") <= 2
    p.screenshot(f"{slug}-360px")
