"""How an exporter's rupiah proceeds move with the exchange rate (FX sensitivity).

Each scenario shifts the whole board of one currency (buying, middle and selling rate) by
the same percentage and sells the foreign proceeds at the shifted buying rate through
:func:`ukm_tools.fx.proceeds_to_idr`, so the table uses the same conversion as a quote.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from ukm_tools import checks
from ukm_tools.errors import UkmError, owned
from ukm_tools.fx import RateSheet, make_rate, proceeds_to_idr
from ukm_tools.money import Money, RateValue

MAX_SCENARIOS = 41


@dataclass(frozen=True)
class RateScenario:
    change_pct: Decimal
    buy_rate: Decimal  # IDR per unit, exact
    proceeds: Money  # IDR, rounded to whole rupiah
    difference: Money  # against today's buying rate, rounded


@owned("fx_scenarios")
def changes(range_pct: RateValue, step_pct: RateValue) -> list[Decimal]:
    """-range .. +range in steps of ``step_pct`` (always including 0)."""
    r, s = checks.gather(
        lambda: checks.percent(range_pct, "range_pct", maximum=90),
        lambda: checks.percent(step_pct, "step_pct", positive=True),
    )
    n = int(r // s)
    if 2 * n + 1 > MAX_SCENARIOS:
        raise UkmError("too_many_scenarios", "step_pct", 2 * n + 1, MAX_SCENARIOS)
    return [s * k for k in range(-n, n + 1)]


@owned("fx_scenarios")
def proceeds_sensitivity(amount: Money, sheet: RateSheet, changes_pct: Sequence[RateValue]) -> list[RateScenario]:
    """IDR proceeds of ``amount`` when the rate moves by each of ``changes_pct`` percent."""
    checks.money(amount, "amount", positive=True)
    base = proceeds_to_idr(amount, sheet).money.rounded()
    r = sheet.rate(amount.currency)
    out = []
    for c in changes_pct:
        change = checks.number(c, "change_pct")
        factor = 1 + change / 100
        shifted = make_rate(r.currency, r.buy * factor, r.sell * factor, r.mid * factor)
        scenario_sheet = RateSheet(sheet.date, sheet.source, {**sheet.rates, r.currency: shifted}, sheet.note)
        proceeds = proceeds_to_idr(amount, scenario_sheet).money.rounded()
        out.append(RateScenario(change, shifted.buy, proceeds, proceeds - base))
    return out
