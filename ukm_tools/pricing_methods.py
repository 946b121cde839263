"""Costing beyond cost-plus: the incremental-cost floor of an extra order, and reverse pricing.

Cost-plus (:mod:`ukm_tools.pricing`) adds a markup to the full production cost. Two other
methods answer questions cost-plus cannot:

Incremental (marginal-cost) pricing — "may I accept a lower price for an extra order?"
When the domestic business already pays the fixed overhead inside HPP (rent, salaries,
equipment), an extra export order only has to cover what it adds::

    incremental HPP = HPP x (1 - fixed share %)
    floor price     = the rule's price with the incremental HPP and no markup
    full cost       = the rule's price with the full HPP and no markup
    cost-plus       = the rule's price with the full HPP and the markup

Any price above the floor adds profit to the business as a whole; below it the order loses
money. The floor is a limit for a one-off order with spare capacity, not a list price.

Reverse pricing ("harga mundur") — "what can I charge, given the shelf price abroad?"
Start from what the consumer pays at the destination and strip each layer the chain adds::

    shelf price (incl. consumer tax)
      / (1 + consumer tax %)            -> retailer's selling price before tax
      / (1 + retailer markup %)         -> retailer's buying price
      / (1 + distributor markup %)      -> distributor's landed cost per unit
      - destination charges per unit    -> duty- and tax-paid CIF per unit
      / ((1 + duty %) x (1 + tax %))    -> the highest CIF price per unit

A markup is on the buyer's own cost (30 % on 100 gives 130). The import taxes mirror
:func:`ukm_tools.landed.landed_cost` (duty on CIF, import tax on CIF + duty), so the highest
CIF fed back into ``landed_cost`` gives the distributor's landed cost again. All amounts of
one reverse calculation are in the shelf price's currency; layers are exact and rounded only
for display.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from ukm_tools import checks
from ukm_tools.errors import UkmError, owned
from ukm_tools.fx import RateSheet
from ukm_tools.messages import section
from ukm_tools.money import Money, RateValue
from ukm_tools.pricing import PricingInput, build_up

__all__ = ["IncrementalPrice", "incremental_price", "ReversePrice", "reverse_price"]

HUNDRED = Decimal(100)
T = section("pricing_methods")


@dataclass(frozen=True)
class IncrementalPrice:
    """Three unit prices of one Incoterms rule: incremental floor <= full cost <= cost-plus."""

    rule: str
    quote_currency: str
    fixed_share_pct: Decimal
    fixed_per_unit: Money  # IDR: the overhead the domestic business already pays
    floor_idr: Money  # exact, no markup, incremental HPP
    full_cost_idr: Money  # exact, no markup, full HPP
    cost_plus_idr: Money  # exact, full HPP and the markup
    floor_quote: Money  # the unit price in the quote currency, as the invoice would write it
    full_cost_quote: Money
    cost_plus_quote: Money

    def contribution(self, unit_price_quote: Money, quantity: int) -> Money:
        """What an order at ``unit_price_quote`` adds over the floor (negative: it loses money)."""
        checks.money(unit_price_quote, "unit_price", currency=self.quote_currency)
        qty = checks.whole_number(quantity, "quantity")
        return (unit_price_quote - self.floor_quote) * qty


@owned("pricing_methods")
def incremental_price(
    inp: PricingInput, rule: str, sheet: RateSheet | None, fixed_share_pct: RateValue
) -> IncrementalPrice:
    """The incremental floor, full cost and cost-plus price of ``inp`` under ``rule``.

    Args:
        inp: the case's costs (HPP per unit includes the fixed overhead share).
        rule: an Incoterms 2020 code, as for :func:`ukm_tools.pricing.build_up`.
        sheet: rates for the quote currency and foreign costs.
        fixed_share_pct: the part of HPP that is fixed overhead already paid by other sales (0-100).

    Raises:
        UkmError: a share outside 0-100, or anything :func:`build_up` refuses.
    """
    share = checks.percent(fixed_share_pct, "fixed_share_pct", maximum=100)
    if share == HUNDRED:  # no production cost left to cover: not a product, a mistake in the input
        raise UkmError("out_of_range", "fixed_share_pct", fixed_share_pct, "0-99")
    fixed = inp.hpp * share / HUNDRED
    floor = build_up(replace(inp, hpp=inp.hpp - fixed, markup_pct=Decimal(0)), rule, sheet).final
    full = build_up(replace(inp, markup_pct=Decimal(0)), rule, sheet).final
    plus = build_up(inp, rule, sheet).final
    return IncrementalPrice(
        rule=plus.rule,
        quote_currency=inp.quote_currency,
        fixed_share_pct=share,
        fixed_per_unit=fixed,
        floor_idr=floor.unit_idr_exact,
        full_cost_idr=full.unit_idr_exact,
        cost_plus_idr=plus.unit_idr_exact,
        floor_quote=floor.unit_quote,
        full_cost_quote=full.unit_quote,
        cost_plus_quote=plus.unit_quote,
    )


@dataclass(frozen=True)
class ReversePrice:
    """Each layer of the destination chain, from the shelf back to the highest CIF price."""

    shelf_price: Money
    consumer_tax_pct: Decimal
    retailer_markup_pct: Decimal
    distributor_markup_pct: Decimal
    duty_pct: Decimal
    import_tax_pct: Decimal
    destination_charges_per_unit: Money
    before_consumer_tax: Money  # exact
    retailer_buys_at: Money
    landed_per_unit: Money  # the distributor's cost of one unit in its store
    duty_and_tax_paid_cif: Money
    max_cif: Money  # exact; round where shown

    def rows(self, lang: str = "id") -> list[tuple[str, Money]]:
        """(label, amount rounded to the currency's minor unit) from the shelf down to CIF."""
        return [
            (T("row_shelf", lang), self.shelf_price),
            (T("row_before_tax", lang), self.before_consumer_tax.rounded()),
            (T("row_retailer", lang), self.retailer_buys_at.rounded()),
            (T("row_landed", lang), self.landed_per_unit.rounded()),
            (T("row_duty_paid", lang), self.duty_and_tax_paid_cif.rounded()),
            (T("row_max_cif", lang), self.max_cif.rounded()),
        ]


@owned("pricing_methods")
def reverse_price(
    shelf_price: Money,
    *,
    retailer_markup_pct: RateValue,
    distributor_markup_pct: RateValue,
    consumer_tax_pct: RateValue = 0,
    duty_pct: RateValue = 0,
    import_tax_pct: RateValue = 0,
    destination_charges_per_unit: Money | None = None,
) -> ReversePrice:
    """Work back from a destination shelf price to the highest CIF price per unit.

    Raises:
        UkmError: every bad input at once (negative or non-positive amounts, rates out of
            range, charges in another currency), or ``out_of_range`` on ``max_cif`` when the
            destination charges alone exceed what the chain leaves for the goods.
    """
    cur = shelf_price.currency if isinstance(shelf_price, Money) else None
    charges = destination_charges_per_unit if destination_charges_per_unit is not None else None
    (shelf, dest), (tax, retail, dist, duty, imp) = checks.gather(
        lambda: checks.gather(
            lambda: checks.money(shelf_price, "shelf_price", positive=True),
            lambda: (
                Money.zero(cur or "IDR")
                if charges is None
                else checks.money(charges, "destination_charges_per_unit", currency=cur)
            ),
        ),
        lambda: checks.gather(
            lambda: checks.percent(consumer_tax_pct, "consumer_tax_pct", maximum=100),
            lambda: checks.percent(retailer_markup_pct, "retailer_markup_pct", maximum=1000),
            lambda: checks.percent(distributor_markup_pct, "distributor_markup_pct", maximum=1000),
            lambda: checks.percent(duty_pct, "duty_pct", maximum=1000),
            lambda: checks.percent(import_tax_pct, "import_tax_pct", maximum=100),
        ),
    )

    def up(pct: Decimal) -> Decimal:
        return 1 + pct / HUNDRED

    before_tax = shelf / up(tax)
    retailer_buys = before_tax / up(retail)
    landed = retailer_buys / up(dist)
    paid_cif = landed - dest
    max_cif = paid_cif / (up(duty) * up(imp))
    if max_cif.amount <= 0:
        raise UkmError("not_positive", "max_cif", max_cif.rounded().amount)
    return ReversePrice(
        shelf_price=shelf,
        consumer_tax_pct=tax,
        retailer_markup_pct=retail,
        distributor_markup_pct=dist,
        duty_pct=duty,
        import_tax_pct=imp,
        destination_charges_per_unit=dest,
        before_consumer_tax=before_tax,
        retailer_buys_at=retailer_buys,
        landed_per_unit=landed,
        duty_and_tax_paid_cif=paid_cif,
        max_cif=max_cif,
    )
