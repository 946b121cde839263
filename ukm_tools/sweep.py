"""Sensitivity sweeps: the price of a case over many exchange rates x quantities x freights.

Sensitivity tables need 10^5 scenarios in well under a second, which the exact Decimal
path cannot give. This module evaluates the same build-up in float64 with NumPy and is
**approximate**: use it for tables and charts, never for a price a participant quotes.
It does not restate the cost rules: the coefficients come from one exact
:func:`ukm_tools.pricing.build_up` (which costs the seller bears, the premium factor), and
the price is affine in them: ``unit = (exw + per_unit + shipment_costs / qty) x (1 + k)``.
Tests compare sampled rows with the exact path (within Rp1 / 1 cent).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from ukm_tools import incoterms
from ukm_tools.errors import UkmError
from ukm_tools.fx import RateSheet, make_rate
from ukm_tools.money import Money
from ukm_tools.pricing import DESTINATION_ITEMS, PricingInput, StepPrice, build_up

if TYPE_CHECKING:  # pandas is imported where the table is made
    import pandas as pd


@dataclass(frozen=True)
class SweepModel:
    """Coefficients of the affine price model, taken from one exact build-up."""

    rule: str
    currency: str
    exw_unit: float  # IDR
    per_unit_idr: float  # IDR per unit costs the seller bears beyond EXW
    shipment_idr: float  # IDR per shipment costs (IDR-denominated)
    shipment_foreign: float  # per-shipment foreign costs other than freight, in quote currency, paid at sell
    freight_base: float  # the case's freight in the quote currency
    premium_factor: float  # k: premium as a fraction of the insurable value (0 without insurance)
    sell_over_buy: float  # the sheet's selling/buying ratio, kept as the buying rate moves


def model(inp: PricingInput, rule: str, sheet: RateSheet) -> SweepModel:
    """Read the affine coefficients of ``inp`` under ``rule`` from the exact engine."""
    exact = build_up(inp, rule, sheet)
    final = exact.final
    added = [a for s in exact.steps for a in s.added]
    if any(a.item in DESTINATION_ITEMS for a in added):
        raise UkmError(
            "unknown_choice", "incoterm", exact.rule, [c for c in incoterms.RULE_ORDER if not c.startswith("D")]
        )
    cur = inp.quote_currency
    seller = set(incoterms.rule(exact.rule).seller_items(inp.conditions))
    per_unit = shipment = foreign = freight = 0.0
    for line in inp.costs:
        if line.item not in seller:
            continue
        amt = float(line.amount.amount)
        if line.amount.currency == "IDR":
            if line.per_unit:
                per_unit += amt
            else:
                shipment += amt
        elif line.amount.currency == cur and line.item == "main_carriage" and not line.per_unit:
            freight += amt
        elif line.amount.currency == cur and not line.per_unit:
            foreign += amt
        else:
            raise UkmError("unknown_choice", "currency", line.amount.currency, [cur, "IDR"])
    ins = [a for a in added if a.item == "insurance"]
    k = 0.0
    if ins:
        before_ins = final.unit_idr_exact.amount - ins[0].per_unit.amount
        k = float(ins[0].per_unit.amount / before_ins)
    r = sheet.rate(cur)
    return SweepModel(
        rule=exact.rule,
        currency=cur,
        exw_unit=float(exact.steps[0].unit_idr_exact.amount),
        per_unit_idr=per_unit,
        shipment_idr=shipment,
        shipment_foreign=foreign,
        freight_base=freight,
        premium_factor=k,
        sell_over_buy=float(r.sell / r.buy),
    )


def _round_half_up(x: np.ndarray, places: int) -> np.ndarray:
    scale = 10.0**places
    # The tiny nudge keeps decimal halves (x.xx5) that float stores as x.xx4999... going up.
    return np.floor(x * scale + 0.5 + 1e-9) / scale


def sweep(
    m: SweepModel, buy_rates: Sequence[float], quantities: Sequence[float], freights: Sequence[float]
) -> pd.DataFrame:
    """Every combination (rates x quantities x freights) as a pandas DataFrame (approximate)."""
    import pandas as pd

    grid = np.meshgrid(
        np.asarray(buy_rates, dtype=np.float64),
        np.asarray(quantities, dtype=np.float64),
        np.asarray(freights, dtype=np.float64),
        indexing="ij",
    )
    b, q, f = (axis.ravel() for axis in grid)
    sell = b * m.sell_over_buy
    unit_idr = (m.exw_unit + m.per_unit_idr + (m.shipment_idr + (m.shipment_foreign + f) * sell) / q) * (
        1 + m.premium_factor
    )
    unit_idr_r = _round_half_up(unit_idr, 0)
    unit_q = _round_half_up(unit_idr_r / b, 2)
    return pd.DataFrame(
        {
            "buy_rate": b,
            "quantity": q.astype(np.int64),
            "freight": f,
            "unit_idr": unit_idr_r,
            "unit_quote": unit_q,
            "shipment_quote": unit_q * q,
        }
    )


def exact_row(
    inp: PricingInput, rule: str, sheet: RateSheet, buy_rate: Decimal, quantity: int, freight: Decimal
) -> StepPrice:
    """The exact price for one sweep row (for checking the approximation)."""
    r = sheet.rate(inp.quote_currency)
    ratio = r.sell / r.buy
    rate = make_rate(inp.quote_currency, buy_rate, buy_rate * ratio, buy_rate * (1 + ratio) / 2)
    new_sheet = replace(sheet, rates={**sheet.rates, inp.quote_currency: rate})
    costs = tuple(
        replace(c, amount=Money(freight, c.amount.currency)) if c.item == "main_carriage" else c for c in inp.costs
    )
    return build_up(replace(inp, quantity=quantity, costs=costs), rule, new_sheet).final
