"""e-Katalog calculator: drive the widget from Python and compare with the domain."""

import datetime as dt

import pytest

from ukm_tools import katalog as kt
from ukm_tools.money import Money
from ukm_tools.widgets.katalog import KatalogCalculator, app

pytestmark = pytest.mark.timeout(60)
DAY = dt.date(2025, 3, 1)


def idr(x):
    return Money.of(x, "IDR")


@pytest.fixture
def calc():
    return KatalogCalculator(today=DAY)


def fill_identity(calc):
    calc.inputs["brand"].value = "Kasturi Deli"
    calc.inputs["nib"].value = "1234567890123"
    calc.inputs["kbli"].value = "11040"
    calc.inputs["npwp"].value = "01.234.567.8-901.000"
    calc.kswp.value = "valid"


def test_price_with_and_without_ppn_matches_domain(calc):
    # 25,000 + 150,000 / 50 = 28,000 without PPN; PKP: + 12% x 11/12 x 28,000 = 3,080 -> 31,080
    expected = kt.government_price(kt.PriceInput(idr(25000), 50, False, DAY, dt.date(2025, 12, 31), idr(150000)))
    assert calc.price == expected
    assert calc.prices[True].unit_price == idr(31080) and calc.prices[True].ppn == idr(3080)
    assert "Rp28.000" in calc.price_box.value and "Rp31.080" in calc.price_box.value
    assert "tidak termasuk PPN" in calc.price_box.value
    calc.pkp.value = True
    assert calc.price.unit_price == idr(31080) and calc.price.ppn_included
    assert "sudah termasuk PPN 12%" in calc.price_box.value
    assert "Rp1.554.000" in calc.price_box.value  # one minimum order of 50


def test_listing_messages_name_fields_and_clear_when_fixed(calc):
    assert calc.check.listing is None
    assert [p.field for p in calc.check.problems] == ["brand", "nib", "kbli", "npwp", "kswp_status"]
    assert "NIB: wajib diisi." in calc.listing_box.value
    calc.inputs["nib"].value = "123"
    assert "NIB: &#x27;123&#x27; harus terdiri dari 13 digit angka (terbaca 3 digit)." in calc.listing_box.value
    fill_identity(calc)
    assert calc.check.listing is not None
    assert calc.check.listing.price == calc.price
    assert "Data produk lengkap dan valid" in calc.listing_box.value


def test_checklist_follows_inputs_and_ticks(calc):
    assert calc.checklist.next_step.key == "spse_account" and not calc.checklist.steps[0].ready
    fill_identity(calc)
    calc.have["ktp"].value = True
    calc.have["email"].value = True
    assert calc.checklist.steps[0].ready
    expected = kt.checklist({"nib", "kbli", "npwp", "kswp_valid", "product_data", "ktp", "email"})
    assert calc.checklist == expected
    calc.have["spse_account"].value = True
    calc.have["sikap_complete"].value = True
    assert calc.checklist.next_step.key == "etalase"
    assert "☑ Akun SPSE" in calc.checklist_box.value
    assert "Langkah berikutnya:</b> Temukan etalase produk yang dibuka" in calc.checklist_box.value


def test_bad_price_keeps_last_good_price(calc):
    good = calc.price
    calc.inputs["price_before_ppn"].value = "25.000,5,0"
    assert calc.price is good
    assert "bukan angka" in calc.messages.value and "Harga terakhir yang benar" in calc.messages.value
    assert "Rp28.000" in calc.price_box.value
    # the price problem is not repeated under the listing
    assert "bukan angka" not in calc.listing_box.value
    calc.inputs["price_before_ppn"].value = "30.000"
    assert calc.price.unit_price == idr(33000) and calc.messages.value == ""


def test_validity_dates(calc):
    calc.valid_until.value = dt.date(2025, 1, 1)
    assert "tidak boleh sebelum tanggal mulai berlaku" in calc.messages.value
    calc.valid_from.value = dt.date(2024, 11, 1)
    calc.valid_until.value = dt.date(2025, 6, 30)
    calc.pkp.value = True
    assert calc.price.rule.rate_pct == 11 and calc.price.ppn == idr(3080)
    assert "2025-01-01" in calc.price_box.value  # the rule change inside the validity is noted


def test_english_switch(calc):
    calc.lang_toggle.value = "en"
    assert calc.inputs["price_before_ppn"].value == "25,000"
    assert calc.inputs["nib"].description == "NIB" and calc.inputs["product_name"].description == "Product name"
    assert calc.price.unit_price == idr(28000) and calc.messages.value == ""
    assert "excludes PPN" in calc.price_box.value and "Rp28,000" in calc.price_box.value
    assert "NIB: required." in calc.listing_box.value
    assert "Open an SPSE account" in calc.checklist_box.value


def test_app_returns_widget():
    assert app("en").children


def test_a_program_error_is_a_message_and_the_last_price_stays(calc, monkeypatch):
    before = calc.price

    def broken(inp: kt.PriceInput) -> kt.GovernmentPrice:
        raise KeyError("boom")

    monkeypatch.setattr(kt, "government_price", broken)
    calc.inputs["price_before_ppn"].value = "30.000"
    assert "kesalahan program (KeyError)" in calc.messages.value
    assert calc.price is before


def test_starts_from_the_example_product_of_the_sheet_template(calc):
    # One example product (data/katalog/example.yaml) for the template's example row and this page;
    # the participant's own identity fields start empty.
    from ukm_tools.io.katalog_sheet import EXAMPLE_ROW

    assert calc.inputs["product_name"].value == EXAMPLE_ROW["product_name"] == "Sirup Jeruk Kasturi"
    assert calc.inputs["specification"].value == EXAMPLE_ROW["specification"]
    assert calc.inputs["price_before_ppn"].value == "25.000" and EXAMPLE_ROW["price_before_ppn"] == 25000
    assert all(calc.inputs[k].value == "" for k in ("brand", "nib", "kbli", "npwp"))
