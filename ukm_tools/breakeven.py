"""Break-even export quantity: how many units (and cartons) cover the fixed costs.

    contribution per unit = unit price - unit variable cost
    margin %              = contribution / unit price x 100
    break-even units      = fixed costs / contribution, rounded UP to a whole unit
    break-even cartons    = units / units per carton, rounded UP to a whole carton

Rounding is always up: one unit short of break-even is still a loss. Fixed costs here are the
costs of the export venture that do not grow with quantity (registrations, samples, a trade
fair stand, certification); all three amounts are in one currency.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ukm_tools import checks
from ukm_tools.errors import UkmError, owned
from ukm_tools.messages import section
from ukm_tools.money import Money, format_money, format_number, format_percent, round_half_up

if TYPE_CHECKING:  # pandas is imported where a table is made, not with the module
    import pandas as pd

__all__ = ["BreakEven", "break_even"]
T = section("breakeven")


@dataclass(frozen=True)
class BreakEven:
    """Break-even figures; ``units``/``cartons`` are the rounded-up counts to sell."""

    fixed_costs: Money
    unit_price: Money
    unit_variable_cost: Money
    units_per_carton: int
    target_profit: Money
    contribution_per_unit: Money  # exact
    margin_pct: Decimal  # exact; round where shown
    units_exact: Decimal  # (fixed + target profit) / contribution, before rounding up
    units: int
    cartons: int
    units_in_cartons: int  # cartons x units per carton (what is actually shipped)
    revenue: Money  # units x price, rounded
    profit_at_units: Money  # contribution x units - fixed, rounded (>= target profit)
    profit_at_cartons: Money

    def profit(self, quantity: int) -> Money:
        """Profit (negative: loss) when ``quantity`` units are sold."""
        q = checks.whole_number(quantity, "quantity", minimum=0)
        return (self.contribution_per_unit * q - self.fixed_costs).rounded()

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        import pandas as pd

        rows = [
            (T("row_fixed_costs", lang), format_money(self.fixed_costs, lang)),
            (T("row_unit_price", lang), format_money(self.unit_price, lang)),
            (T("row_unit_variable_cost", lang), format_money(self.unit_variable_cost, lang)),
            (T("row_contribution", lang), format_money(self.contribution_per_unit, lang)),
            (T("row_margin", lang), format_percent(self.margin_pct, lang)),
        ]
        if not self.target_profit.is_zero:
            rows.append((T("row_target_profit", lang), format_money(self.target_profit, lang)))
        rows.append((T("row_units", lang), format_number(self.units, lang)))
        if self.units_per_carton > 1:  # a unit that is itself the carton: "cartons of 1" says nothing
            cartons = format_number(self.cartons, lang)
            rows.append(
                (
                    T("row_cartons", lang, per_carton=self.units_per_carton),
                    T("row_cartons_value", lang, cartons=cartons, units=format_number(self.units_in_cartons, lang)),
                )
            )
        rows += [
            (T("row_revenue", lang), format_money(self.revenue, lang)),
            (T("row_profit", lang), format_money(self.profit_at_units, lang)),
        ]
        cols = [T(f"col_{k}", lang) for k in ("item", "value")]
        return pd.DataFrame([dict(zip(cols, r, strict=True)) for r in rows])

    def to_json(self) -> dict[str, Any]:
        money = (
            "fixed_costs",
            "unit_price",
            "unit_variable_cost",
            "target_profit",
            "contribution_per_unit",
            "revenue",
            "profit_at_units",
            "profit_at_cartons",
        )
        return {
            **{k: getattr(self, k).to_json() for k in money},
            "margin_pct": str(round_half_up(self.margin_pct, 2)),
            "units_per_carton": self.units_per_carton,
            "units": self.units,
            "cartons": self.cartons,
            "units_in_cartons": self.units_in_cartons,
        }


@owned("breakeven")
def break_even(
    fixed_costs: Money,
    unit_price: Money,
    unit_variable_cost: Money,
    *,
    units_per_carton: int = 1,
    target_profit: Money | None = None,
) -> BreakEven:
    """Units and cartons to sell so that contribution covers fixed costs (+ a target profit).

    Raises:
        UkmError: ``price_not_above_cost`` when the price does not exceed the variable cost;
        ``negative`` / ``not_positive`` / ``not_integer`` / ``currency_mismatch`` naming the field.
    """
    price = checks.money(unit_price, "unit_price", positive=True)
    fixed, vc, upc = checks.gather(
        lambda: checks.money(fixed_costs, "fixed_costs", currency=price.currency),
        lambda: checks.money(unit_variable_cost, "unit_variable_cost", currency=price.currency),
        lambda: checks.whole_number(units_per_carton, "units_per_carton"),
    )
    target = (
        Money.zero(price.currency)
        if target_profit is None
        else checks.money(target_profit, "target_profit", currency=price.currency)
    )
    if price <= vc:
        raise UkmError("price_not_above_cost", "unit_price", format_money(price, "id"), format_money(vc, "id"))
    contribution = price - vc
    exact = (fixed + target).amount / contribution.amount
    units = math.ceil(exact)
    cartons = math.ceil(Decimal(units) / upc)
    return BreakEven(
        fixed_costs=fixed,
        unit_price=price,
        unit_variable_cost=vc,
        units_per_carton=upc,
        target_profit=target,
        contribution_per_unit=contribution,
        margin_pct=contribution.amount / price.amount * 100,
        units_exact=exact,
        units=units,
        cartons=cartons,
        units_in_cartons=cartons * upc,
        revenue=(price * units).rounded(),
        profit_at_units=(contribution * units - fixed).rounded(),
        profit_at_cartons=(contribution * (cartons * upc) - fixed).rounded(),
    )
