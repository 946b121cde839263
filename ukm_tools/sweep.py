"""Sensitivity sweeps: the price of a case over many exchange rates x quantities x freights.

Sensitivity tables need 10^5 scenarios in well under a second, which the exact Decimal
path cannot give. This module evaluates the same build-up in float64 with NumPy and is
**approximate**: use it for tables and charts, never for a price a participant quotes.
It does not restate the cost rules: which costs the seller bears under the rule and the
premium factor come from the case through :func:`ukm_tools.pricing.build_up`'s own data,
and it follows the same ledger: the CFR/CPT shipment total in each currency rounded to its
minor unit, the insurer's premium on it rounded, and unit prices with as many decimals as
the quantity needs (:func:`ukm_tools.pricing.unit_decimals`). Tests compare sampled rows
with the exact path (shipment totals to the cent and rupiah; unit prices within one unit
of their last decimal).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING

import numpy as np

from ukm_tools import incoterms
from ukm_tools.errors import UkmError
from ukm_tools.fx import RateSheet, make_rate
from ukm_tools.insurance import MIN_COVER_PCT, premium_factor
from ukm_tools.money import IDR, Money, minor_units
from ukm_tools.pricing import DESTINATION_ITEMS, PricingInput, StepPrice, build_up

if TYPE_CHECKING:  # pandas is imported where the table is made
    import pandas as pd


@dataclass(frozen=True)
class SweepModel:
    """Coefficients of the price model, taken from one exact build-up of the case."""

    rule: str
    currency: str
    exw_unit: float  # IDR per unit
    per_unit_idr: float  # IDR per unit costs the seller bears beyond EXW
    shipment_idr: float  # IDR per shipment costs (IDR-denominated)
    shipment_foreign: float  # per-shipment costs in the quote currency other than freight, bought with rupiah
    freight_base: float  # the case's freight in the quote currency
    freight_paid_in_idr: bool  # freight bought with rupiah at the selling rate (else paid from a USD account)
    own_foreign: float  # per-shipment costs in the quote currency paid from an account in it (no exchange)
    premium_factor: float  # k: premium as a fraction of the CFR/CPT total (0 without insurance)
    sell_over_buy: float  # the sheet's selling/buying ratio, kept as the buying rate moves


def model(inp: PricingInput, rule: str, sheet: RateSheet) -> SweepModel:
    """Read the coefficients of ``inp`` under ``rule`` (checked by one exact build-up)."""
    exact = build_up(inp, rule, sheet)
    added = [a for s in exact.steps for a in s.added]
    if any(a.item in DESTINATION_ITEMS for a in added):
        raise UkmError(
            "unknown_choice", "incoterm", exact.rule, [c for c in incoterms.RULE_ORDER if not c.startswith("D")]
        )
    cur = inp.quote_currency
    seller = set(incoterms.rule(exact.rule).seller_items(inp.conditions))
    per_unit = shipment = foreign = freight = own = 0.0
    freight_in_idr = True
    for line in inp.costs:
        if line.item not in seller:
            continue
        amt = float(line.amount.amount)
        if line.amount.currency == IDR:
            if line.per_unit:
                per_unit += amt
            else:
                shipment += amt
        elif line.amount.currency == cur and line.item == "main_carriage" and not line.per_unit:
            freight += amt
            freight_in_idr = line.paid_in == IDR
        elif line.amount.currency == cur and not line.per_unit:
            if line.paid_in == IDR:
                foreign += amt
            else:
                own += amt
        else:
            raise UkmError("unknown_choice", "currency", line.amount.currency, [cur, "IDR"])
    k = 0.0
    if exact.insurance is not None:
        ins = exact.insurance
        k = float(premium_factor(ins.rate_pct, MIN_COVER_PCT, ins.method))
    r = sheet.rate(cur)
    return SweepModel(
        rule=exact.rule,
        currency=cur,
        exw_unit=float(exact.steps[0].unit_idr_exact.amount),
        per_unit_idr=per_unit,
        shipment_idr=shipment,
        shipment_foreign=foreign,
        freight_base=freight,
        freight_paid_in_idr=freight_in_idr,
        own_foreign=own,
        premium_factor=k,
        sell_over_buy=float(r.sell / r.buy),
    )


def _round_half_up(x: np.ndarray, places: int) -> np.ndarray:
    scale = np.asarray(10.0**places, dtype=x.dtype)
    v = x * scale
    # The nudge (a few units in the last place of v) keeps decimal halves that float stores as
    # x.xx4999... going up; exact values this close to a half are halves.
    rounded: np.ndarray = np.floor(v + 0.5 + np.abs(v) * (8 * np.finfo(x.dtype).eps)) / scale
    return rounded


def _unit_price(total: np.ndarray, q: np.ndarray, currency: str) -> np.ndarray:
    """total / q, half-up at :func:`ukm_tools.pricing.unit_decimals` — in integers, since float64
    cannot tell which side of a half 25,449,233 / 40 = 636,230.825 lies."""
    minor = minor_units(currency)
    t = np.rint(total * 10.0**minor).astype(np.int64)  # the total in minor units: an exact integer
    qi = q.astype(np.int64)
    k = np.where(qi > 1, np.floor(np.log10(np.maximum(qi - 1, 1))).astype(np.int64) + 1, 0)
    scale = np.power(np.int64(10), k)
    whole, rest = np.divmod(t, qi)
    scaled = whole * scale + (2 * rest * scale + qi) // (2 * qi)  # half-up on an exact fraction
    unit: np.ndarray = scaled / np.power(10.0, minor + k)
    return unit


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
    freight_idr = f * sell if m.freight_paid_in_idr else f * b
    own = m.own_foreign + (0.0 if m.freight_paid_in_idr else f)
    idr_costs = (m.exw_unit + m.per_unit_idr) * q + m.shipment_idr + m.shipment_foreign * sell
    k = m.premium_factor
    # CFR/CPT totals, each rounded once; the premium on them; CIF = CFR + premium.
    cfr_q = _round_half_up((idr_costs + (freight_idr if m.freight_paid_in_idr else 0.0)) / b + own, 2)
    total_q = cfr_q + _round_half_up(cfr_q * k, 2)
    # The rupiah total as whole rupiah (int64, exact) plus a small remainder (float64): 10^7 units make
    # about Rp3 x 10^12, where a float64 sum cannot tell .4995 from .5005.
    per_unit = m.exw_unit + m.per_unit_idr
    whole_unit, whole_shipment = math.floor(per_unit), math.floor(m.shipment_idr)
    whole = np.int64(whole_unit) * q.astype(np.int64) + np.int64(whole_shipment)
    rest = (per_unit - whole_unit) * q + (m.shipment_idr - whole_shipment) + m.shipment_foreign * sell
    rest = rest + freight_idr + m.own_foreign * b
    cfr_idr = whole + _round_half_up(rest, 0).astype(np.int64)
    total_idr = (cfr_idr + _round_half_up(cfr_idr.astype(np.float64) * k, 0).astype(np.int64)).astype(np.float64)
    return pd.DataFrame(
        {
            "buy_rate": b,
            "quantity": q.astype(np.int64),
            "freight": f,
            "unit_idr": _unit_price(total_idr, q, IDR),
            "unit_quote": _unit_price(total_q, q, m.currency),
            "shipment_idr": total_idr,
            "shipment_quote": total_q,
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
