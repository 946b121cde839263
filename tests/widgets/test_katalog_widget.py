"""e-Katalog calculator: drive the widget from Python and compare with the domain."""

import datetime as dt

import pytest

from ukm_tools import katalog as kt
from ukm_tools.case import packaged_case
from ukm_tools.money import Money
from ukm_tools.widgets import case_io
from ukm_tools.widgets.katalog import KatalogCalculator, app

pytestmark = pytest.mark.timeout(60)
DAY = dt.date(2026, 3, 1)


def idr(x):
    return Money.of(x, "IDR")


@pytest.fixture
def opened(kw):
    """The calculator as a participant opens it: the case study's e-Katalog sale."""
    calc = KatalogCalculator(**{**kw, "today": DAY})
    assert calc.widget.children  # built: the page shows its fields and first result
    return calc


@pytest.fixture
def calc(opened):
    """The workshop's bottle listing typed in: Rp25.000 a bottle, Rp150.000 delivery per 50."""
    with opened.holding():
        opened.f_text["sale_unit"].raw = "botol"
        opened.f_price.raw = "25.000"
        opened.f_delivery.raw = "150.000"
        opened.f_min.raw = "50"
        opened.f_from.raw = dt.date(2025, 3, 1)
        opened.f_until.raw = dt.date(2025, 12, 31)
    opened.refresh()
    return opened


def fill_identity(calc):
    with calc.holding():
        calc.f_text["brand"].raw = "Kasturi Deli"
        calc.f_text["nib"].raw = "1234567890123"
        calc.f_text["kbli"].raw = "11040"
        calc.f_text["npwp"].raw = "01.234.567.8-901.000"
    calc.f_kswp.input.value = "valid"


def test_opens_with_the_case_studys_katalog_sale(opened):
    # HPP 216.000 + 30% markup = 280.800 a carton at the seller's; delivery 60.000 per order of 5
    # cartons = 12.000 a carton -> 292.800 without PPN. PKP: PPN 12% on 11/12 of it = 32.208 -> 325.008.
    case = packaged_case()
    assert case.katalog is not None and case.katalog.price_before_ppn is None and case.katalog.min_order == 5
    assert opened.f_price.raw == "280.800" and opened.f_delivery.raw == "60.000" and opened.f_min.raw == "5"
    assert opened.f_text["product_name"].raw == case.product.name and opened.f_text["sale_unit"].raw == "karton"
    assert opened.f_from.raw == dt.date(2026, 1, 1) and opened.f_until.raw == dt.date(2026, 6, 30)
    expected = kt.government_price(
        kt.PriceInput(idr(280_800), 5, False, dt.date(2026, 1, 1), dt.date(2026, 6, 30), idr(60_000))
    )
    assert opened.price == expected and opened.result.prices[True].unit_price == idr(325_008)
    assert opened.shown == {"unit_price": "Rp292.800", "not_pkp": "Rp292.800", "pkp": "Rp325.008"}
    # the participant's own identity starts empty, each gap named above its box in amber
    assert all(opened.f_text[k].raw == "" for k in ("brand", "nib", "kbli", "npwp"))
    assert [f.name for f in opened._fields if f.warnings] == ["brand", "nib", "kbli", "npwp", "kswp_status"]
    assert opened.f_text["nib"].warnings == ["NIB: wajib diisi."] and not opened.f_text["nib"].errors
    assert "ukm-invalid" not in opened.f_text["nib"].input._dom_classes  # a gap, not a wrong input
    assert "5 isian" in opened.listing_box.value and opened.message.value == ""


def test_price_with_and_without_ppn_matches_domain(calc):
    # 25,000 + 150,000 / 50 = 28,000 without PPN; PKP: + 12% x 11/12 x 28,000 = 3,080 -> 31,080
    expected = kt.government_price(
        kt.PriceInput(idr(25000), 50, False, dt.date(2025, 3, 1), dt.date(2025, 12, 31), idr(150000))
    )
    assert calc.price == expected
    assert calc.result.prices[True].unit_price == idr(31080) and calc.result.prices[True].ppn == idr(3080)
    assert "Rp28.000" in calc.price_box.value and "Rp31.080" in calc.price_box.value
    assert "tidak termasuk PPN" in calc.price_box.value
    calc.f_pkp.raw = True
    assert calc.price.unit_price == idr(31080) and calc.price.ppn_included
    assert "sudah termasuk PPN 12%" in calc.price_box.value
    assert "Rp1.554.000" in calc.price_box.value  # one minimum order of 50


def test_listing_gaps_are_named_at_their_boxes_and_clear_when_fixed(calc):
    assert calc.check.listing is None
    assert [p.field for p in calc.check.problems] == ["brand", "nib", "kbli", "npwp", "kswp_status"]
    calc.f_text["nib"].raw = "123"
    assert calc.f_text["nib"].warnings == ["NIB: '123' harus terdiri dari 13 digit angka (terbaca 3 digit)."]
    fill_identity(calc)
    assert calc.check.listing is not None and calc.check.listing.price == calc.price
    assert not any(f.warnings for f in calc._fields)
    assert "Data produk lengkap dan valid" in calc.listing_box.value


def test_checklist_follows_inputs_and_ticks(calc):
    assert calc.checklist.next_step.key == "spse_account" and not calc.checklist.steps[0].ready
    fill_identity(calc)
    calc.f_have["ktp"].raw = True
    calc.f_have["email"].raw = True
    assert calc.checklist.steps[0].ready
    expected = kt.checklist({"nib", "kbli", "npwp", "kswp_valid", "product_data", "ktp", "email"})
    assert calc.checklist == expected
    calc.f_have["spse_account"].raw = True
    calc.f_have["sikap_complete"].raw = True
    assert calc.checklist.next_step.key == "etalase"
    assert "☑ Akun SPSE" in calc.checklist_box.value
    assert "Langkah berikutnya:</b> Temukan etalase produk yang dibuka" in calc.checklist_box.value


def test_a_bad_price_is_shown_at_its_box_and_the_last_good_price_stays(calc):
    good = calc.price
    calc.f_price.raw = "25.000,5,0"
    assert calc.price is good
    assert "bukan angka" in calc.f_price.errors[0] and "ukm-invalid" in calc.f_price.input._dom_classes
    assert "Hasil di bawah masih dari isian benar yang terakhir" in calc.message.value
    assert "Rp28.000" in calc.price_box.value
    assert "bukan angka" not in calc.listing_box.value  # not repeated under the listing
    calc.f_price.raw = "30.000"
    assert calc.price.unit_price == idr(33000) and calc.message.value == "" and not calc.f_price.errors


def test_validity_dates(calc):
    calc.f_until.raw = dt.date(2025, 1, 1)
    assert "tidak boleh sebelum tanggal mulai berlaku" in calc.f_until.errors[0]
    with calc.holding():
        calc.f_from.raw = dt.date(2024, 11, 1)
        calc.f_until.raw = dt.date(2025, 6, 30)
    calc.f_pkp.raw = True
    assert calc.price.rule.rate_pct == 11 and calc.price.ppn == idr(3080)
    assert "2025-01-01" in calc.price_box.value  # the rule change inside the validity is noted
    calc.f_from.raw = None
    assert calc.f_from.errors == ["Harga berlaku mulai: wajib diisi."]


def test_english_switch(calc):
    calc.set_lang("en")
    assert calc.f_price.raw == "25,000"
    assert ">NIB<" in calc.f_text["nib"].label.value and ">Product name<" in calc.f_text["product_name"].label.value
    assert calc.price.unit_price == idr(28000) and calc.message.value == ""
    assert "excludes PPN" in calc.price_box.value and "Rp28,000" in calc.price_box.value
    assert calc.f_text["nib"].warnings == ["NIB: required."]
    assert "Open an SPSE account" in calc.checklist_box.value


def test_app_returns_widget(kw):
    assert app(lang="en", **kw).children


def test_a_program_error_is_a_message_and_the_last_price_stays(calc, monkeypatch):
    before = calc.price

    def broken(inp: kt.PriceInput) -> kt.GovernmentPrice:
        raise KeyError("boom")

    monkeypatch.setattr(kt, "government_price", broken)
    calc.f_price.raw = "30.000"
    assert "kesalahan program (KeyError)" in calc.message.value
    assert calc.price is before


def test_starts_from_the_example_product_of_the_sheet_template(opened):
    # One example product for the sheet template's example row, this page and the book: the case
    # file's e-Katalog sale (a carton of 12 bottles at Rp280.800).
    from ukm_tools.case_study import CaseStudy
    from ukm_tools.io.katalog_sheet import EXAMPLE_ROW

    case = packaged_case("kasturi-syrup")
    assert opened.f_text["product_name"].raw == EXAMPLE_ROW["product_name"] == case.product.name
    assert opened.f_text["specification"].raw == EXAMPLE_ROW["specification"] == case.product.description
    assert EXAMPLE_ROW["sale_unit"] == opened.f_text["sale_unit"].raw == "karton"
    price = CaseStudy(case).katalog_price_before_ppn
    assert opened.f_price.raw == "280.800" and EXAMPLE_ROW["price_before_ppn"] == price.amount


def test_saved_listing_opens_again_exactly_and_the_sale_joins_the_case(calc, kw):
    fill_identity(calc)
    calc.f_pkp.raw = True
    calc.f_have["ktp"].raw = True
    case, extras = case_io.read_case_text(calc.saved_text())
    # the sale's figures go into the case's katalog section, the listing's words and identity beside it
    assert case.katalog is not None and case.katalog.price_before_ppn == 25000 and case.katalog.min_order == 50
    assert extras["katalog"]["nib"] == "1234567890123" and extras["katalog"]["have"] == ["ktp"]
    again = KatalogCalculator(case, extras=extras, **{**kw, "today": DAY})
    assert again.widget.children
    assert [f.raw for f in again._fields] == [f.raw for f in calc._fields]
    assert again.result == calc.result
