"""The printed case worksheet: questions on the case study a group answers on paper, and their answers.

For participants without a device (or a battery), the book has a worksheet page (printed as a
handout) with the case's data and one question per part of the case study; the trainer kit
prints the same questions with their answers. Both are built here from one
:class:`~ukm_tools.case_study.CaseStudy`, so the figures a question gives and the answer the
facilitator reads out are the case file's, and the same as the case study page shows.

Questions ask for arithmetic a phone calculator or paper can do: every input is printed.
Pure: returns text (``messages/case_worksheet.yaml``), money formatted the reader's way.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from ukm_tools.case_study import CaseStudy, pieces
from ukm_tools.messages import section
from ukm_tools.money import Money, format_money, format_number, format_percent

T = section("case_worksheet")


@dataclass(frozen=True)
class WorksheetItem:
    """One question of the worksheet, with the lines left to answer it and the model answer."""

    part: str  # the case study's part it belongs to
    question: str
    answer: str
    lines: int = 3  # ruled lines left blank on paper


def case_facts(study: CaseStudy, lang: str = "id") -> list[tuple[str, str]]:
    """The data every question needs, as (what, value) rows printed above the questions."""
    case = study.case
    p, uc = case.product, case.unit_costs
    usd = study.sheet.rate(case.quote_currency)

    def m(amount: Decimal) -> str:
        return format_money(Money(amount, "IDR"), lang)

    quantity = T(
        "fact_quantity_value",
        lang,
        quantity=format_number(case.quantity, lang),
        unit=p.unit,
        pieces=format_number(pieces(case, case.quantity), lang),
        piece=p.piece_name,
    )
    return [
        (T("fact_seller", lang), f"{case.seller.name}, {case.seller.city}"),
        (T("fact_buyer", lang), f"{case.buyer.name}, {case.buyer.city}" if case.buyer else "-"),
        (T("fact_product", lang), p.description or p.name),
        (T("fact_quantity", lang), quantity),
        (T("fact_hpp", lang, unit=p.unit), m(uc.hpp)),
        (T("fact_packing", lang, unit=p.unit), m(uc.packing)),
        (T("fact_markup", lang), format_percent(uc.markup_pct, lang)),
        (T("fact_terms", lang), T("fact_terms_value", lang, rule=case.incoterm, place=case.named_place)),
        (T("fact_payment", lang), case.payment_terms),
        (
            T("fact_rate", lang, currency=case.quote_currency, date=study.sheet.date),
            T("fact_rate_value", lang, buy=m(usd.buy), mid=m(usd.mid), sell=m(usd.sell)),
        ),
        (T("fact_bank_fees", lang), format_money(study.bank_fees().total, lang)),
    ]


def cost_rows(study: CaseStudy, lang: str = "id") -> list[tuple[str, str]]:
    """The shipment's costs as the case file lists them (name, amount)."""
    return [(c.name, format_money(Money(c.amount, c.currency), lang)) for c in study.case.costs]


def items(study: CaseStudy, lang: str = "id") -> list[WorksheetItem]:
    """The worksheet's questions and answers, in the order of the case study's parts."""
    case = study.case
    unit = case.product.unit
    uc = case.unit_costs

    def m(value: Money) -> str:
        return format_money(value, lang)

    def item(part: str, key: str, q: dict[str, object], a: dict[str, object], lines: int = 3) -> WorksheetItem:
        return WorksheetItem(T(f"part_{part}", lang), T(f"q_{key}", lang, **q), T(f"a_{key}", lang, **a), lines)

    now = study.readiness("now")
    steps = [a.requirement.text("label", lang) for a in now.plan]
    first = [f"{a.requirement.text('label', lang)} ({a.requirement.text('where', lang)})" for a in now.plan[:3]]
    hpp, packing = Money(uc.hpp, "IDR"), Money(uc.packing, "IDR")
    fees, received = study.bank_fees().total, study.received()
    rate = m(Money(received.rate.value, "IDR"))
    be, t, loan = study.break_even, study.cash_flow(), study.loan()
    out = [
        item(
            "readiness",
            "readiness",
            {},
            {"first": "; ".join(first), "count": len(steps), "steps": "; ".join(steps), "days": now.ready_in_days},
        ),
        item(
            "price",
            "exw",
            {"unit": unit},
            {
                "hpp": m(hpp),
                "packing": m(packing),
                "factor": format_number(1 + uc.markup_pct / 100, lang),
                "exw": m(study.quote().step("EXW").unit_idr),
                "unit": unit,
            },
            lines=2,
        ),
    ]
    truck = next((c for c in case.costs if c.item == "inland_to_port"), None)
    if truck is not None:
        cost = Money(truck.amount, truck.currency)
        out.append(
            item(
                "price",
                "truck",
                {"truck": m(cost), "unit": unit},
                {
                    "truck": m(cost),
                    "quantity": format_number(case.quantity, lang),
                    "unit": unit,
                    "per_unit": m((cost / case.quantity).rounded()),
                },
                lines=2,
            )
        )
    out += [
        item(
            "landed",
            "landed",
            {
                "rule": study.quote().rule,
                "invoice": m(study.invoice),
                "mfn": format_percent(case.import_.normal_duty_pct, lang),
                "pref": format_percent(case.import_.duty_pct, lang),
            },
            {"saving": m(study.landed.saving)},
        ),
        item(
            "payment",
            "received",
            {"invoice": m(study.invoice), "fees": m(fees), "rate": rate},
            {"invoice": m(study.invoice), "fees": m(fees), "rate": rate, "received": m(received.money.rounded())},
            lines=2,
        ),
        item(
            "payment",
            "profit",
            {"costs": m(study.shipment_costs), "planned": m(study.planned_profit.rounded())},
            {
                "received": m(received.money.rounded()),
                "costs": m(study.shipment_costs),
                "profit": m(study.profit.rounded()),
            },
        ),
        item(
            "break_even",
            "break_even",
            {"fixed": m(be.fixed_costs), "contribution": m(be.contribution_per_unit), "unit": unit},
            {
                "fixed": m(be.fixed_costs),
                "contribution": m(be.contribution_per_unit),
                "exact": format_number(be.units_exact, lang, 1),
                "units": format_number(be.units, lang),
                "unit": unit,
                "pieces": format_number(pieces(case, be.units), lang),
                "piece": case.product.piece_name,
            },
            lines=2,
        ),
        item(
            "financing",
            "financing",
            {
                "method": t.method.name,
                "receipt_day": t.receipt_day,
                "peak": m(t.peak_working_capital),
                "scheme": study.loan_scheme.name,
                "rate": format_percent(study.loan_scheme.rate_pct, lang),
            },
            {
                "days": t.days_tied_up,
                "months": loan.months,
                "cost": m(loan.cost),
                "after": m(loan.margin_after_financing),
            },
        ),
        item("follow_up", "follow_up", {}, {}, lines=4),
    ]
    return out


__all__ = ["WorksheetItem", "case_facts", "cost_rows", "items"]
