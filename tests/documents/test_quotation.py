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
    return " ".join(m.decode("latin-1") for m in re.findall(rb"\((.*?)(?<!\\)\) Tj", pdf))


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
