"""Quotation and pro-forma invoice PDF for a priced case (reportlab).

A document writer, not domain core: every figure comes from a
:class:`~ukm_tools.pricing.PriceBuildUp` already computed by :meth:`Case.quote`; this
module only lays it out — seller, buyer, product, Incoterm and named place, unit and
total price, payment terms, validity date and the exchange rate the price used.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any, Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from ukm_tools.case import Case
from ukm_tools.dated import stale_warning
from ukm_tools.fx import DEFAULT_MAX_RATE_AGE_DAYS, RATE_SHEET_NAME
from ukm_tools.incoterms import rule as incoterm_rule
from ukm_tools.messages import format_date, lang_or_default, section
from ukm_tools.money import format_money, format_number
from ukm_tools.pricing import PriceBuildUp

Kind = Literal["quotation", "proforma"]

T = section("documents.quotation")


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
    lang = lang_or_default(lang)
    styles = getSampleStyleSheet()
    normal, small = styles["BodyText"], styles["BodyText"].clone("small", fontSize=8, leading=10)
    final = result.final
    sheet = case.rate_sheet()
    stale = stale_warning(sheet, RATE_SHEET_NAME, today, max_rate_age_days, lang)
    terms = f"{result.rule} {case.named_place}, Incoterms® 2020".replace("  ", " ")

    story = [
        Paragraph(escape(T(kind, lang)), styles["Title"]),
        Table(
            [
                [T("number", lang), document_number(case, kind, today)],
                [T("date", lang), format_date(today, lang)],
                [T("valid", lang), format_date(case.valid_until(today), lang)],
            ],
            colWidths=[40 * mm, 80 * mm],
            style=[("FONTSIZE", (0, 0), (-1, -1), 9)],
            hAlign="LEFT",
        ),
        Spacer(1, 4 * mm),
        Table(
            [
                [Paragraph(f"<b>{T('seller', lang)}</b>", normal), Paragraph(f"<b>{T('buyer', lang)}</b>", normal)],
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
    goods: list[list[Any]] = [
        [T("desc", lang), T("hs", lang), T("qty", lang), T("unit_price", lang), T("total", lang)],
        [
            Paragraph(escape(desc), small),
            case.product.hs_code or "-",
            f"{format_number(result.quantity, lang)} {case.product.unit}",
            result.unit_text(final, lang),  # with the decimals the quantity needs: x quantity = the total
            format_money(final.shipment_quote, lang),
        ],
        [
            "",
            "",
            "",
            Paragraph(f"<b>{escape(T('grand_total', lang))} {escape(result.rule)}</b>", small),
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
    facts = [[T("terms", lang), terms], [T("payment", lang), case.payment_terms or "-"]]
    if result.price_rate is not None:
        facts.append([T("rate", lang), result.price_rate.describe(lang)])
    facts.append(
        [T("rate_sheet", lang), T("rate_sheet_line", lang, date=format_date(sheet.date, lang), source=sheet.source)]
    )
    if result.insurance is not None:
        ins = result.insurance
        facts.append([T("insurance", lang), f"ICC ({ins.clause}), 110% CIF = {format_money(ins.insured_amount, lang)}"])
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
        Paragraph(escape(T("origin", lang)), small),
        Paragraph(escape(T("note_q", lang) if kind == "quotation" else T("note_p", lang)), small),
        Paragraph(f"{escape(T('risk', lang))}: {escape(incoterm_rule(result.rule).risk[lang])}", small),
        Spacer(1, 10 * mm),
        Paragraph(escape(T("signature", lang)), normal),
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
        title=f"{T(kind, lang)} {case.case}",
        author=case.seller.name,
        invariant=1,
        pageCompression=1 if compress else 0,
    )
    doc.build(story)
    return buf.getvalue()
