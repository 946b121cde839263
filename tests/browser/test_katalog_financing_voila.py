"""The e-Katalog and financing calculators in the Voila gallery, driven in headless Chromium.

They use the session's one Voila server and browser (tests/browser/conftest.py): the
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


def test_katalog_widget_in_voila(voila_url, page):
    page.goto(f"{voila_url}/voila/render/10-e-katalog.ipynb")
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


def test_financing_widget_in_voila(voila_url, page):
    page.goto(f"{voila_url}/voila/render/09-pembiayaan.ipynb")
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
