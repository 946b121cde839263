"""Quotation / pro-forma PDF: every required fact is on the page, figures from the domain quote."""

import datetime as dt
import re

import pytest

from ukm_tools.case import packaged_case
from ukm_tools.documents.quotation import document_number, quotation_pdf
from ukm_tools.money import format_money

pytestmark = pytest.mark.timeout(60)

TODAY = dt.date(2025, 12, 3)


def page_text(pdf: bytes) -> str:
    """The strings drawn on the page (uncompressed PDF: `(text) Tj` operators)."""
    text = " ".join(m.decode("latin-1") for m in re.findall(rb"\((.*?)(?<!\\)\) Tj", pdf))
    return text.replace("\\(", "(").replace("\\)", ")")


@pytest.mark.parametrize(
    "kind, lang, title", [("quotation", "id", "PENAWARAN HARGA"), ("proforma", "en", "PRO-FORMA INVOICE")]
)
def test_pdf_carries_parties_terms_prices_and_validity(kind, lang, title):
    case = packaged_case()
    result = case.quote("CIF")
    pdf = quotation_pdf(case, result, today=TODAY, kind=kind, lang=lang, compress=False)
    assert pdf.startswith(b"%PDF") and pdf.rstrip().endswith(b"%%EOF")
    text = page_text(pdf)
    valid = case.valid_until(TODAY)
    for fact in [
        title,
        case.seller.name,
        case.buyer.name if case.buyer else "",
        case.product.hs_code,
        "CIF Port Klang, Incoterms",
        case.payment_terms,
        # the unit price with the decimals 200 cartons need: 21.52015 x 200 = 4,304.03, the total shown
        "US$ 21,52015" if lang == "id" else "$21.52015",
        format_money(result.final.shipment_quote, lang),
        valid.strftime("%d-%m-%Y") if lang == "id" else valid.isoformat(),
        document_number(case, kind, TODAY),
    ]:
        assert fact in text, fact


def test_compressed_pdf_is_smaller_and_valid():
    case = packaged_case()
    result = case.quote("FOB")
    small = quotation_pdf(case, result, today=TODAY)
    big = quotation_pdf(case, result, today=TODAY, compress=False)
    assert small.startswith(b"%PDF") and len(small) < len(big)


def test_pdf_names_the_rate_sheet_date_and_warns_like_the_page_when_stale():
    from ukm_tools.dated import stale_warning
    from ukm_tools.fx import RATE_SHEET_NAME

    case = packaged_case()
    sheet = case.rate_sheet()  # the packaged sheet: 2025-12-01
    result = case.quote("CIF")
    fresh = page_text(quotation_pdf(case, result, today=TODAY, compress=False))
    assert "Lembar kurs" in fresh and "01-12-2025" in fresh
    assert "Perhatian" not in fresh
    # a year later the same quote carries the page's warning, word for word
    late = dt.date(2026, 12, 1)
    warning = stale_warning(sheet, RATE_SHEET_NAME, late, 7, "id")
    assert warning and "365 hari lalu" in warning
    text = page_text(quotation_pdf(case, result, today=late, compress=False))
    assert warning in text
    # the page's own limit applies: a trainer's 400-day limit means no warning
    assert "Perhatian" not in page_text(quotation_pdf(case, result, today=late, max_rate_age_days=400, compress=False))
    english = page_text(quotation_pdf(case, result, today=late, lang="en", compress=False))
    english_warning = stale_warning(sheet, RATE_SHEET_NAME, late, 7, "en")
    assert english_warning is not None and english_warning in english


def test_price_page_and_its_pdf_show_the_same_warning(tmp_path):
    from ukm_tools.widgets.price import PriceBuildUpCalculator

    late = dt.date(2026, 12, 1)
    calc = PriceBuildUpCalculator(today=late, save_dir=tmp_path, max_rate_age_days=7)
    assert calc.widget.children  # built: the page shows its fields and first result
    found = re.search(r"⚠ (.*?)</div>", calc.source_info.value)
    assert found is not None
    banner = found.group(1)
    import html

    text = page_text(
        quotation_pdf(
            calc.priced_case, calc.result, today=late, max_rate_age_days=calc.max_rate_age_days, compress=False
        )
    )
    assert html.unescape(banner) in text
    assert calc.pdf_bytes("quotation").startswith(b"%PDF")
