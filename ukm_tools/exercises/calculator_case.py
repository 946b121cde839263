"""A participant's exercise figures as a calculator's case: what a linked calculator opens with.

The exercise portal links each answer a calculator computes to that calculator, filled with the
participant's own case (issue 14: every answer reachable without Python). The calculators read a
:class:`~ukm_tools.case.Case`; this module writes the participant's figures, the same ones their
exercise shows (:mod:`ukm_tools.exercises.tugas`), into the course's case (the trainer's, or the
packaged kasturi-syrup case) so the rest of that case (buyer, port, import terms) stays as taught:

* pricing: product name, HPP, packing, markup, quantity, the shipment costs, the ICC (C) premium
  rate and the rate sheet (harga-incoterms, pembayaran: the price, FX and payments calculators);
* katalog: the government price (their EXW), minimum order, delivery per order, validity;
* financing: the buyer's payment method, materials share, production days and KUR scheme;
* readiness: the requirements their (fictional) business already meets.

Business figures only: the participant's name and id are never put in the case.
"""

from __future__ import annotations

from typing import Any

from ukm_tools.case import Case, case_from_mapping, plain
from ukm_tools.exercises.params import Product
from ukm_tools.exercises.tugas import (
    READINESS_MARKET,
    READINESS_PRODUCT,
    case_for,
    financing_case,
    katalog_case,
    readiness_situation,
)


def calculator_extras(student_id: str) -> dict[str, Any]:
    """What calculators keep beside a case (``calculators:`` in a case file) for this participant:
    the readiness calculator's answers are the requirements their business meets or not."""
    return {"readiness": {"answers": dict(readiness_situation(student_id))}}


def calculator_case(student_id: str, product: Product, base: Case) -> Case:
    """``base`` with the participant's exercise figures (see the module docstring)."""
    personal = case_for(student_id, product)
    p = personal.pricing
    data: dict[str, Any] = plain(base.model_dump(mode="python", by_alias=True, exclude_none=True))
    data.pop("angka", None)
    # The participant's own product, priced per unit as the exercise does (not the course case's
    # carton of 12 bottles, nor its HS code).
    data["product"] = {"name": product.name, "unit": "unit"}
    data["quantity"] = p.quantity
    data["quote_currency"] = p.quote_currency
    data["unit_costs"] = {"hpp": p.hpp.amount, "packing": p.packing.amount, "markup_pct": p.markup_pct}
    data["costs"] = [
        {"name": c.name, "item": c.item, "amount": c.amount.amount, "currency": c.amount.currency} for c in p.costs
    ]
    data["insurance"] = {
        **(data.get("insurance") or {}),
        "rate_pct": p.insurance_rate_pct,
        "rates_pct": {},
        "clause": p.insurance_clause,
    }
    data["rates"] = personal.rates.to_mapping()

    katalog = katalog_case(student_id, product).price
    data["katalog"] = {
        **(data.get("katalog") or {}),
        "price_before_ppn": katalog.price_before_ppn.amount,
        "delivery_per_order": katalog.delivery_per_order.amount,
        "min_order": katalog.min_order,
        "valid_from": katalog.valid_from,
        "valid_until": katalog.valid_until,
    }
    financing = financing_case(student_id, product)
    data["payment"] = {**(data.get("payment") or {}), "method": financing.order.method}
    data["order"] = {
        **(data.get("order") or {}),
        "materials_share_pct": financing.materials_share_pct,
        "production_days": financing.order.production_days,
        "loan_scheme": financing.scheme,
    }
    situation = readiness_situation(student_id)
    data["readiness"] = {
        "product_type": READINESS_PRODUCT,
        "market": READINESS_MARKET,
        "at_start": [],
        "now": [code for code, met in situation.items() if met],
    }
    return case_from_mapping(data, "kasus latihan")
