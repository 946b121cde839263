"""e-Katalog domain: government price with/without PPN, listing validation, checklist."""

import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ukm_tools.errors import UkmError
from ukm_tools.katalog import (
    PriceInput,
    check_listing,
    checklist,
    government_price,
    have_from_listings,
    pkp_threshold,
    ppn_rule,
    validate_listing,
)
from ukm_tools.money import Money

pytestmark = pytest.mark.timeout(60)


def idr(x):
    return Money.of(x, "IDR")


def price_input(**kw):
    base = dict(
        price_before_ppn=idr(25000),
        min_order=50,
        pkp=True,
        valid_from=dt.date(2025, 3, 1),
        valid_until=dt.date(2025, 12, 31),
        delivery_per_order=idr(150000),
    )
    base.update(kw)
    return PriceInput(**base)


GOOD_ROW = {
    "product_name": "Sirup Jeruk Kasturi",
    "specification": "Botol kaca 620 ml, tanpa pengawet",
    "sale_unit": "botol",
    "brand": "Kasturi Deli",
    "origin": "Medan, Sumatera Utara",
    "price_before_ppn": "25.000",
    "delivery_per_order": "150.000",
    "min_order": "50",
    "delivery_area": "Kota Medan",
    "valid_from": "01-03-2025",
    "valid_until": "2025-12-31",
    "nib": "1234567890123",
    "kbli": "11040",
    "npwp": "01.234.567.8-901.000",
    "kswp_status": "Valid",
    "pkp": "tidak",
}


def test_ppn_rule_2025_is_12_pct_on_11_12_base():
    r = ppn_rule(dt.date(2025, 1, 1))
    assert r.rate_pct == 12 and r.tax_base.numerator == 11 and r.tax_base.denominator == 12
    assert r.effective_pct == 11
    assert "131" in r.source
    # Before 2025: 11% on the full price; luxury goods from 2025: 12% on the full price.
    old = ppn_rule(dt.date(2024, 12, 31))
    assert (old.rate_pct, old.effective_pct) == (11, 11)
    assert ppn_rule(dt.date(2025, 6, 1), luxury=True).effective_pct == 12


def test_pkp_threshold_is_4_8_billion():
    assert pkp_threshold() == idr(4_800_000_000)


def test_pkp_price_includes_ppn_exact():
    # 25,000 + 150,000 / 50 delivery = 28,000 before PPN
    # DPP = 28,000 x 11/12 = 25,666.67; PPN = 12% of that = 3,080 (= 11% of 28,000)
    p = government_price(price_input())
    assert p.delivery_per_unit == idr(3000)
    assert p.unit_before_ppn == idr(28000)
    assert p.tax_base.rounded() == idr(25667)
    assert p.ppn == idr(3080)
    assert p.unit_price == idr(31080)
    assert p.ppn_included
    assert p.order_total(50) == idr(1_554_000)
    assert "termasuk PPN 12%" in p.statement("id") and "11/12" in p.statement("id")
    assert "includes PPN" in p.statement("en")
    j = p.to_json()
    assert (j["unit_price"]["amount"], j["ppn"]["amount"], j["tax_base"], j["ppn_rate_pct"]) == (
        "31080",
        "3080",
        "11/12",
        "12",
    )


def test_non_pkp_price_has_no_ppn_and_says_so():
    p = government_price(price_input(pkp=False))
    assert p.ppn == idr(0) and p.unit_price == idr(28000)
    assert not p.ppn_included
    assert "tidak termasuk PPN" in p.statement("id")
    assert "excludes PPN" in p.statement("en")


def test_rounding_half_up_then_ppn_on_rounded_price():
    # 10,000 + 100,000 / 3 = 43,333.33... -> 43,333; PPN 11% of 43,333 = 4,766.63 -> 4,767
    p = government_price(price_input(price_before_ppn=idr(10000), delivery_per_order=idr(100000), min_order=3))
    assert p.unit_before_ppn == idr(43333)
    assert p.ppn == idr(4767)
    assert p.unit_price == idr(48100)


def test_price_validity_and_rule_change_note():
    p = government_price(price_input(valid_from=dt.date(2024, 10, 1), valid_until=dt.date(2025, 3, 31)))
    assert p.rule.rate_pct == 11 and p.ppn == idr(3080)  # 11% of 28,000 on the full base
    assert p.is_valid_on(dt.date(2025, 1, 15)) and not p.is_valid_on(dt.date(2025, 4, 1))
    assert any("2025-01-01" in n["id"] for n in p.notes)


def test_non_pkp_above_threshold_is_warned():
    p = government_price(price_input(pkp=False, annual_turnover=idr(5_000_000_000)))
    assert any("PKP" in n["id"] for n in p.notes)
    assert government_price(price_input(pkp=False, annual_turnover=idr(900_000_000))).notes == ()


def test_price_input_problems_all_reported():
    with pytest.raises(UkmError) as e:
        government_price(price_input(price_before_ppn=idr(-1), min_order=0, valid_until=dt.date(2025, 1, 1)))
    codes = {(p.code, p.field) for p in e.value.problems}
    assert codes == {("negative", "price_before_ppn"), ("not_positive", "min_order"), ("date_order", "valid_until")}
    assert "Harga berlaku sampai" in e.value.message("id")


def test_valid_listing_parsed():
    lst = validate_listing(GOOD_ROW, "id")
    assert lst.identity.nib == "1234567890123"
    assert lst.identity.npwp == "012345678901000"
    assert lst.identity.kswp_valid and not lst.identity.pkp
    assert lst.price.unit_price == idr(28000)
    row = lst.as_row("id")
    assert row["Harga satuan termasuk PPN (Rp)"] == Decimal(28000)
    assert row["PPN termasuk"] == "Tidak"
    assert list(lst.as_row("en"))[0] == "Product name"


def test_valid_from_defaults_to_today_given():
    row = dict(GOOD_ROW, valid_from="")
    lst = validate_listing(row, "id", today=dt.date(2025, 6, 1))
    assert lst.price.valid_from == dt.date(2025, 6, 1)
    with pytest.raises(UkmError) as e:
        validate_listing(row, "id")
    assert e.value.field == "valid_from"


def test_spreadsheet_cell_types_accepted():
    row = dict(
        GOOD_ROW,
        price_before_ppn=25000.0,
        min_order=50,
        nib=1234567890123,
        valid_until=dt.datetime(2025, 12, 31),
        npwp="0123456789010000",
    )
    lst = validate_listing(row, "id")
    assert lst.price.unit_before_ppn == idr(28000) and lst.identity.npwp == "0123456789010000"


def test_bad_listing_names_every_field_bilingual():
    bad = dict(
        GOOD_ROW,
        product_name="",
        nib="12345",
        kbli="1104",
        npwp="12.345",
        kswp_status="entah",
        price_before_ppn="25,000.50",
        min_order="2,5",
        valid_until="besok",
        pkp="mungkin",
    )
    with pytest.raises(UkmError) as e:
        validate_listing(bad, "id")
    fields = [p.field for p in e.value.problems]
    assert fields == [
        "product_name",
        "price_before_ppn",
        "min_order",
        "valid_until",
        "nib",
        "kbli",
        "npwp",
        "kswp_status",
        "pkp",
    ]
    msg_id, msg_en = e.value.message("id"), e.value.message("en")
    assert "NIB: '12345' harus terdiri dari 13 digit angka (terbaca 5 digit)." in msg_id
    assert "NPWP: '12.345' must have 15 / 16 digits (found 5)." in msg_en
    assert "Nama produk: wajib diisi." in msg_id
    assert "Pesanan minimum harus bilangan bulat" in msg_id
    assert "format Inggris" in msg_id  # 25,000.50 typed the English way


def test_unknown_key_reported():
    with pytest.raises(UkmError) as e:
        validate_listing(dict(GOOD_ROW, colour="merah"), "id")
    assert e.value.code == "unknown_field" and e.value.field == "colour"


def test_checklist_ticks_what_participant_has():
    lst = validate_listing(GOOD_ROW, "id")
    have = have_from_listings([lst])
    assert have == {"nib", "kbli", "npwp", "kswp_valid", "product_data"}
    c = checklist(have | {"ktp", "email"})
    assert [s.key for s in c.steps] == ["spse_account", "sikap", "etalase", "upload"]
    assert c.steps[0].ready and not c.steps[0].done
    assert [n.key for n in c.steps[1].missing] == ["spse_account"]
    assert c.next_step is not None and c.next_step.key == "spse_account"
    c2 = checklist(have | {"ktp", "email", "spse_account", "sikap_complete"})
    assert c2.steps[0].done and c2.steps[1].done and c2.next_step is not None and c2.next_step.key == "etalase"
    assert c2.to_json()["next_step"] == "etalase"
    assert c2.to_json()["steps"][3]["needs"]["product_photos"] is False
    md = c2.to_markdown("en")
    assert "- [x] Valid tax-compliance status (KSWP)" in md and "- [ ] Product photos" in md


def test_checklist_rejects_unknown_key():
    with pytest.raises(UkmError) as e:
        checklist({"nib", "sertifikat_sni"})
    assert e.value.code == "unknown_choice"


@settings(max_examples=200, deadline=None)
@given(price=st.integers(1, 10_000_000), delivery=st.integers(0, 5_000_000), moq=st.integers(1, 1000))
def test_ppn_burden_is_11_pct_of_rounded_price(price, delivery, moq):
    p = government_price(price_input(price_before_ppn=idr(price), delivery_per_order=idr(delivery), min_order=moq))
    assert p.ppn == (p.unit_before_ppn * Decimal("0.11")).rounded()
    assert p.unit_price == p.unit_before_ppn + p.ppn
    q = government_price(
        price_input(price_before_ppn=idr(price), delivery_per_order=idr(delivery), min_order=moq, pkp=False)
    )
    assert q.unit_price == p.unit_before_ppn


def test_check_listing_reports_partial_haves():
    c = check_listing(dict(GOOD_ROW, price_before_ppn="", kbli="12"), "id")
    assert c.listing is None
    assert [p.field for p in c.problems] == ["price_before_ppn", "kbli"]
    assert c.have == {"nib", "npwp", "kswp_valid"}
    ok = check_listing(GOOD_ROW, "id")
    assert ok.listing is not None and ok.problems == () and "product_data" in ok.have


def test_sixteen_digit_npwp_typed_as_excel_number_is_refused():
    with pytest.raises(UkmError) as e:
        validate_listing(dict(GOOD_ROW, npwp=1234567890123456.0), "id")
    assert e.value.code == "digits_as_number"
    assert "format sel menjadi Teks" in e.value.message("id")
    assert validate_listing(dict(GOOD_ROW, npwp=123456789012345), "id").identity.npwp == "123456789012345"


def test_a_text_over_the_limit_is_a_message_not_a_crash():
    # Found by the type checker: the problem was built with an unknown keyword and raised TypeError.
    with pytest.raises(UkmError) as e:
        validate_listing({**GOOD_ROW, "specification": "x" * 501})
    assert [(p.code, p.field, p.params) for p in e.value.problems] == [
        ("text_too_long", "specification", {"length": 501})
    ]
    assert e.value.message("id") == "Spesifikasi: terlalu panjang (501 karakter); paling banyak 500."
