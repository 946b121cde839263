"""Quotation and pro-forma invoice PDF for a priced case (reportlab).

A document writer, not domain core: every figure comes from a
:class:`~ukm_tools.pricing.PriceBuildUp` already computed by :meth:`Case.quote`; this
module only lays it out — seller, buyer, product, Incoterm and named place, unit and
total price, payment terms, validity date and the exchange rate the price used.
"""

from __future__ import annotations

import datetime as dt
import io
from functools import partial
from typing import Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ukm_tools.case import Case
from ukm_tools.dated import format_date, stale_warning
from ukm_tools.fx import DEFAULT_MAX_RATE_AGE_DAYS, RATE_SHEET_NAME
from ukm_tools.incoterms import rule as incoterm_rule
from ukm_tools.money import format_money, format_number
from ukm_tools.pricing import PriceBuildUp

Kind = Literal["quotation", "proforma"]

_TEXT = {
    "id": {
        "quotation": "PENAWARAN HARGA (QUOTATION)",
        "proforma": "FAKTUR PROFORMA (PRO-FORMA INVOICE)",
        "number": "Nomor",
        "date": "Tanggal",
        "valid": "Berlaku sampai",
        "seller": "Penjual / Eksportir",
        "buyer": "Pembeli / Importir",
        "desc": "Uraian barang",
        "hs": "Kode HS",
        "qty": "Jumlah",
        "unit_price": "Harga satuan",
        "total": "Jumlah harga",
        "terms": "Syarat penyerahan",
        "payment": "Syarat pembayaran",
        "rate": "Kurs yang dipakai",
        "rate_sheet": "Lembar kurs",
        "rate_sheet_line": "tanggal {date}, sumber: {source}",
        "insurance": "Asuransi",
        "origin": "Negara asal barang: Indonesia",
        "note_q": "Harga di atas adalah penawaran dan berlaku sampai tanggal di atas.",
        "note_p": "Faktur proforma ini bukan tagihan final; dipakai untuk membuka L/C atau izin impor.",
        "signature": "Hormat kami,",
        "risk": "Risiko berpindah",
        "grand_total": "Total",
    },
    "en": {
        "quotation": "QUOTATION",
        "proforma": "PRO-FORMA INVOICE",
        "number": "Number",
        "date": "Date",
        "valid": "Valid until",
        "seller": "Seller / Exporter",
        "buyer": "Buyer / Importer",
        "desc": "Description of goods",
        "hs": "HS code",
        "qty": "Quantity",
        "unit_price": "Unit price",
        "total": "Amount",
        "terms": "Delivery terms",
        "payment": "Payment terms",
        "rate": "Exchange rate used",
        "rate_sheet": "Rate sheet",
        "rate_sheet_line": "dated {date}, source: {source}",
        "insurance": "Insurance",
        "origin": "Country of origin: Indonesia",
        "note_q": "The prices above are an offer valid until the date shown.",
        "note_p": "This pro-forma invoice is not a final invoice; it serves to open an L/C or obtain an import licence.",
        "signature": "Yours faithfully,",
        "risk": "Risk passes",
        "grand_total": "Total",
    },
}


def _party(p) -> str:
    if p is None:
        return "-"
    lines = [f"<b>{escape(p.name)}</b>"] + [escape(x) for x in (p.address, p.city, p.country, p.contact) if x]
    return "<br/>".join(lines)


def document_number(case: Case, kind: Kind, today: dt.date) -> str:
    prefix = "Q" if kind == "quotation" else "PI"
    return f"{prefix}-{today:%Y%m%d}-{case.case.upper()[:24]}"


def quotation_pdf(
    case: Case,
    result: PriceBuildUp,
    *,
    today: dt.date,
    kind: Kind = "quotation",
    lang: str = "id",
    max_rate_age_days: int = DEFAULT_MAX_RATE_AGE_DAYS,
    compress: bool = True,
) -> bytes:
    """The PDF as bytes. ``compress=False`` keeps page text readable (used by tests).

    The rate sheet's date and source are always printed; when the sheet is older than
    ``max_rate_age_days`` the page's staleness warning is printed too, in a box above
    the prices, so a quotation never carries an old rate silently.
    """
    lang = lang if lang in _TEXT else "id"
    t = _TEXT[lang]
    styles = getSampleStyleSheet()
    normal, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    final = result.final
    date_fmt = partial(format_date, lang=lang)
    sheet = case.rate_sheet()
    stale = stale_warning(sheet, RATE_SHEET_NAME, today, max_rate_age_days, lang)
    terms = f"{result.rule} {case.named_place}, Incoterms® 2020".replace("  ", " ")

    story = [
        Paragraph(escape(t[kind]), styles["Title"]),
        Table(
            [
                [t["number"], document_number(case, kind, today)],
                [t["date"], date_fmt(today)],
                [t["valid"], date_fmt(case.valid_until(today))],
            ],
            colWidths=[40 * mm, 80 * mm],
            style=[("FONTSIZE", (0, 0), (-1, -1), 9)],
            hAlign="LEFT",
        ),
        Spacer(1, 4 * mm),
        Table(
            [
                [Paragraph(f"<b>{t['seller']}</b>", normal), Paragraph(f"<b>{t['buyer']}</b>", normal)],
                [Paragraph(_party(case.seller), normal), Paragraph(_party(case.buyer), normal)],
            ],
            colWidths=[85 * mm, 85 * mm],
            style=[
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BOX", (0, 1), (0, 1), 0.5, colors.grey),
                ("BOX", (1, 1), (1, 1), 0.5, colors.grey),
            ],
        ),
        Spacer(1, 5 * mm),
    ]
    if stale:
        story += [
            Table(
                [[Paragraph(f"<b>{escape(stale)}</b>", normal)]],
                colWidths=[170 * mm],
                style=[
                    ("BACKGROUND", (0, 0), (-1, -1), colors.HexColor("#fff4d6")),
                    ("BOX", (0, 0), (-1, -1), 1, colors.HexColor("#e0a800")),
                ],
            ),
            Spacer(1, 4 * mm),
        ]
    desc = case.product.description or case.product.name
    goods = [
        [t["desc"], t["hs"], t["qty"], t["unit_price"], t["total"]],
        [
            Paragraph(escape(desc), small),
            case.product.hs_code or "-",
            f"{format_number(result.quantity, lang)} {case.product.unit}",
            format_money(final.unit_quote, lang),
            format_money(final.shipment_quote, lang),
        ],
        [
            "",
            "",
            "",
            Paragraph(f"<b>{escape(t['grand_total'])} {escape(result.rule)}</b>", small),
            Paragraph(f"<b>{escape(format_money(final.shipment_quote, lang))}</b>", small),
        ],
    ]
    story.append(
        Table(
            goods,
            colWidths=[62 * mm, 22 * mm, 28 * mm, 28 * mm, 30 * mm],
            repeatRows=1,
            style=TableStyle(
                [
                    ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#e8eef7")),
                    ("GRID", (0, 0), (-1, 1), 0.5, colors.grey),
                    ("FONTSIZE", (0, 0), (-1, -1), 8),
                    ("ALIGN", (2, 0), (-1, -1), "RIGHT"),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            ),
        )
    )
    story.append(Spacer(1, 5 * mm))
    facts = [[t["terms"], terms], [t["payment"], case.payment_terms or "-"]]
    if result.price_rate is not None:
        facts.append([t["rate"], result.price_rate.describe(lang)])
    facts.append([t["rate_sheet"], t["rate_sheet_line"].format(date=date_fmt(sheet.date), source=sheet.source)])
    if result.insurance is not None:
        ins = result.insurance
        facts.append([t["insurance"], f"ICC ({ins.clause}), 110% CIF = {format_money(ins.insured_amount, lang)}"])
    story.append(
        Table(
            [[a, Paragraph(escape(b), small)] for a, b in facts],
            colWidths=[45 * mm, 125 * mm],
            style=[("FONTSIZE", (0, 0), (-1, -1), 8), ("VALIGN", (0, 0), (-1, -1), "TOP")],
            hAlign="LEFT",
        )
    )
    story += [
        Spacer(1, 4 * mm),
        Paragraph(escape(t["origin"]), small),
        Paragraph(escape(t["note_q"] if kind == "quotation" else t["note_p"]), small),
        Paragraph(f"{escape(t['risk'])}: {escape(incoterm_rule(result.rule).risk[lang])}", small),
        Spacer(1, 10 * mm),
        Paragraph(escape(t["signature"]), normal),
        Spacer(1, 14 * mm),
        Paragraph(f"<b>{escape(case.seller.name)}</b>", normal),
    ]
    buf = io.BytesIO()
    doc = SimpleDocTemplate(
        buf,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
        title=f"{t[kind]} {case.case}",
        author=case.seller.name,
        invariant=1,
        pageCompression=1 if compress else 0,
    )
    doc.build(story)
    return buf.getvalue()
