"""Export price build-up over Incoterms 2020 (cost-plus from the works).

EXW = (HPP + export packing) x (1 + markup%): the markup applies to those two only.
Each later rule adds the per-shipment costs the seller pays under it (from
:mod:`ukm_tools.incoterms`), spread over the units *before* they enter a unit price.
Foreign costs are paid at the bank's selling rate; the IDR unit price becomes a
foreign price at the bank's buying rate, and the result names both rates.
Unit prices are rounded half-up (whole rupiah, cents); a shipment total is the
rounded unit price x quantity, exactly — what goes on the invoice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ukm_tools import checks, incoterms
from ukm_tools.errors import Problem, UkmError
from ukm_tools.fx import AppliedRate, RateKind, RateSheet, cost_to_idr
from ukm_tools.incoterms import Conditions, Payer
from ukm_tools.insurance import (
    MIN_COVER_PCT,
    InsuranceQuote,
    Method,
    check_clause,
    check_rate,
    insure,
    premium_factor,
)
from ukm_tools.messages import Bilingual, Msg, local, section
from ukm_tools.money import IDR, Money

if TYPE_CHECKING:  # pandas is imported where a table is made, not with the module
    import pandas as pd

T = section("pricing")
# Cost items that only arise after the main carriage: not part of the insurable CFR/CPT value.
DESTINATION_ITEMS = ("destination_thc", "unloading_at_destination", "import_clearance_duty", "delivery_to_buyer")
PRICED_ITEMS = tuple(i for i in incoterms.cost_items() if i not in ("packing", "insurance"))


@dataclass(frozen=True)
class CostLine:
    """A cost of the shipment (or of each unit when ``per_unit``) booked against an Incoterms item."""

    name: str
    item: str
    amount: Money
    per_unit: bool = False


@dataclass(frozen=True)
class PricingInput:
    hpp: Money  # production cost per unit (HPP), IDR
    packing: Money  # export packing per unit, IDR
    markup_pct: Decimal
    quantity: int
    quote_currency: str
    costs: tuple[CostLine, ...] = ()
    insurance_rate_pct: Decimal | None = None  # premium rate for any clause not in insurance_rates_pct
    insurance_rates_pct: Mapping[str, Decimal] = field(default_factory=dict)  # per clause: {"A": .., "C": ..}
    insurance_clause: str | None = None  # None: the rule's minimum (C for CIF, A for CIP, C under D rules)
    insurance_method: Method = Method.INCLUSIVE
    insure_under_d_rules: bool = True
    duty_pct: Decimal = Decimal(0)  # DDP only: % of the CIF/CIP value
    import_vat_pct: Decimal = Decimal(0)  # DDP only: % of (CIF + duty)
    conditions: Conditions = field(default_factory=Conditions)
    mode: str = "sea"


@dataclass(frozen=True)
class AddedCost:
    name: str | Msg  # the case file's name for its own costs; a catalogue text for those the build-up adds
    item: str
    per_shipment: Money  # IDR, exact
    per_unit: Money  # IDR, exact
    rate: AppliedRate | None = None  # the selling rate when the cost was in a foreign currency
    code: str = ""  # what the build-up added itself: "insurance", "import_duty", "import_vat"

    def label(self, lang: str = "id") -> str:
        return local(self.name, lang)


@dataclass(frozen=True)
class StepPrice:
    rule: str
    added: tuple[AddedCost, ...]
    unit_idr_exact: Money
    unit_idr: Money
    unit_quote: Money
    shipment_idr: Money
    shipment_quote: Money


@dataclass(frozen=True)
class PriceBuildUp:
    rule: str
    quantity: int
    quote_currency: str
    steps: tuple[StepPrice, ...]
    markup_per_unit: Money
    price_rate: AppliedRate | None  # buying rate used to turn IDR into the quote currency
    cost_rates: tuple[AppliedRate, ...]  # selling rates used for foreign costs
    insurance: InsuranceQuote | None
    notes: tuple[Bilingual, ...]
    conditions: Conditions

    @property
    def final(self) -> StepPrice:
        return self.steps[-1]

    def added_text(self, step: StepPrice, lang: str = "id") -> str:
        """What ``step`` adds to the price, in words: EXW's own make-up, the names of the costs
        it adds, or that it adds none."""
        if step is self.steps[0]:
            return T("exw_added", lang)
        return ", ".join(a.label(lang) for a in step.added) or T("no_new_costs", lang)

    def step(self, rule: str) -> StepPrice:
        for s in self.steps:
            if s.rule == rule.upper():
                return s
        raise UkmError("unknown_choice", "incoterm", rule, [s.rule for s in self.steps])

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        """One row per step: what it adds and the unit / shipment prices (rounded) in IDR and the quote currency."""
        import pandas as pd

        cur = self.quote_currency
        keys = ("incoterm", "added", "unit_idr", "unit_quote", "shipment_idr", "shipment_quote")
        cols = [T(f"col_{k}", lang, currency=cur) for k in keys]
        rows = []
        for s in self.steps:
            rows.append(
                [
                    s.rule,
                    ", ".join(a.label(lang) for a in s.added),
                    s.unit_idr.amount,
                    s.unit_quote.amount,
                    s.shipment_idr.amount,
                    s.shipment_quote.amount,
                ]
            )
        return pd.DataFrame(rows, columns=cols)

    def to_json(self) -> dict[str, Any]:
        def rate(r: AppliedRate | None) -> dict[str, str] | None:
            if r is None:
                return None
            return {
                "currency": r.currency,
                "kind": r.kind.value,
                "value": str(r.value),
                "date": r.date.isoformat(),
                "source": r.source,
            }

        return {
            "incoterm": self.rule,
            "quantity": self.quantity,
            "quote_currency": self.quote_currency,
            "price_rate": rate(self.price_rate),
            "cost_rates": [rate(r) for r in self.cost_rates],
            "steps": [
                {
                    "incoterm": s.rule,
                    "added": [
                        {
                            "name": a.label("id"),
                            "item": a.item,
                            "per_shipment_idr": str(a.per_shipment.rounded().amount),
                        }
                        for a in s.added
                    ],
                    "unit_idr": s.unit_idr.to_json(),
                    "unit_quote": s.unit_quote.to_json(),
                    "shipment_idr": s.shipment_idr.to_json(),
                    "shipment_quote": s.shipment_quote.to_json(),
                }
                for s in self.steps
            ],
            "insurance": None
            if self.insurance is None
            else {
                "clause": self.insurance.clause,
                "method": self.insurance.method.value,
                "rate_pct": str(self.insurance.rate_pct),
                "premium": self.insurance.premium.to_json(),
                "insured_amount": self.insurance.insured_amount.to_json(),
            },
            "notes": [local(n, "en") for n in self.notes],
        }


def validate(inp: PricingInput) -> None:
    """Every problem with the inputs at once (UkmError), before any arithmetic."""
    problems: list[Problem] = []
    if not isinstance(inp.quantity, int) or isinstance(inp.quantity, bool):
        problems.append(Problem("not_integer", "quantity", inp.quantity))
    elif inp.quantity <= 0:
        problems.append(Problem("not_positive", "quantity", inp.quantity))
    checks.rupiah_amounts(inp, ("hpp", "packing"), problems)
    if inp.hpp.amount == 0:
        problems.append(Problem("not_positive", "hpp", inp.hpp.amount))
    if inp.markup_pct < 0:
        problems.append(Problem("negative", "markup_pct", inp.markup_pct))
    for i, c in enumerate(inp.costs):
        if c.item not in PRICED_ITEMS:
            problems.append(Problem("unknown_choice", f"costs[{i}].item", c.item, list(PRICED_ITEMS)))
        if c.amount.amount < 0:
            problems.append(Problem("negative", f"costs[{i}].amount", c.amount.amount))
    for name in ("duty_pct", "import_vat_pct"):
        v = getattr(inp, name)
        if v < 0:
            problems.append(Problem("negative", name, v))
    rates = dict(inp.insurance_rates_pct)
    if inp.insurance_rate_pct is not None:
        rates["*"] = inp.insurance_rate_pct
    for clause, rate in rates.items():
        try:
            check_rate(rate, field="insurance_rate_pct" if clause == "*" else f"insurance_rates_pct.{clause}")
        except UkmError as e:
            problems.extend(e.problems)
    if problems:
        raise UkmError(problems=problems)


def build_up(inp: PricingInput, rule: str, sheet: RateSheet | None) -> PriceBuildUp:
    """The price of ``inp`` under Incoterm ``rule``, step by step from EXW.

    Args:
        inp: the case's costs and terms.
        rule: one of the 11 Incoterms 2020 codes.
        sheet: rates for the quote currency and every foreign cost (None only when all is IDR).

    Raises:
        UkmError: unknown rule, rule not allowed for the mode, missing rate, bad inputs.
    """
    r = incoterms.rule(rule)
    incoterms.check_mode(r.code, inp.mode)
    validate(inp)
    qty = Decimal(inp.quantity)
    notes: list[Bilingual] = []

    # 1. Every cost in IDR; foreign costs at the selling rate (the exporter buys that currency).
    cost_rates: dict[str, AppliedRate] = {}
    idr_costs: list[AddedCost] = []
    for c in inp.costs:
        amount, applied = c.amount, None
        if amount.currency != IDR:
            if sheet is None:
                raise UkmError("missing_rate", "currency", amount.currency, [], source="-")
            conv = cost_to_idr(amount, sheet)
            amount, applied = conv.money, conv.rate
            cost_rates[applied.currency] = applied
        per_unit = amount if c.per_unit else amount / qty
        per_shipment = amount * qty if c.per_unit else amount
        idr_costs.append(AddedCost(c.name, c.item, per_shipment, per_unit, applied))

    # 2. The quote currency's buying rate.
    price_rate = None
    if inp.quote_currency != IDR:
        if sheet is None:
            raise UkmError("missing_rate", "quote_currency", inp.quote_currency, [], source="-")
        price_rate = sheet.applied(inp.quote_currency, RateKind.BUY)
        notes.append(T.msg("price_rate_note", currency=inp.quote_currency, rate=price_rate))
    for applied in cost_rates.values():
        notes.append(T.msg("cost_rate_note", currency=applied.currency, rate=applied))

    markup = (inp.hpp + inp.packing) * inp.markup_pct / 100
    exw_unit = inp.hpp + inp.packing + markup

    def to_quote(unit_idr: Money) -> Money:
        if price_rate is None:
            return unit_idr.rounded()
        return Money(unit_idr.rounded().amount / price_rate.value, inp.quote_currency).rounded()

    steps: list[StepPrice] = []
    premium_unit: Money | None = None  # per unit, once a step carries insurance
    seen_items: set[str] = {"packing"}
    prev_unit = exw_unit
    ladder = incoterms.ladder(r.code)
    if not _has_insurance(inp) and r.insurance_clause:
        raise UkmError("missing_field", "insurance_rate_pct", rule=r.code)
    clause_used: str | None = None
    for code in ladder:
        step_rule = incoterms.rule(code)
        seller = set(step_rule.seller_items(inp.conditions))
        added: list[AddedCost] = []
        unit = exw_unit
        for cost in idr_costs:
            if cost.item in seller:
                unit = unit + cost.per_unit
                if cost.item not in seen_items:
                    added.append(cost)
        seen_items |= seller
        # The CFR/CPT value of this step: the base for the premium and, under DDP, for duty.
        insurable = exw_unit + _sum_units(idr_costs, seller - set(DESTINATION_ITEMS))
        insured = _includes_insurance(step_rule, inp)
        if insured:
            clause = check_clause(
                inp.insurance_clause or step_rule.insurance_clause or "C",
                step_rule.insurance_clause,
                step_rule.code,
            )
            rate_pct = _rate_for(inp, clause)
            step_premium = insurable * premium_factor(rate_pct, MIN_COVER_PCT, inp.insurance_method)
            unit = unit + step_premium
            if premium_unit is None:
                premium_unit = step_premium
                clause_used = clause
                name = T.msg("cost_insurance", clause=clause)
                added.append(AddedCost(name, "insurance", premium_unit * qty, premium_unit, code="insurance"))
                if step_rule.is_d_rule:
                    notes.append(T.msg("d_rule_insured_note"))
        if step_rule.payer("import_clearance_duty", inp.conditions) is Payer.SELLER and (
            inp.duty_pct or inp.import_vat_pct
        ):
            cif_value = insurable if premium_unit is None else insurable + premium_unit
            duty = cif_value * inp.duty_pct / 100
            vat = (cif_value + duty) * inp.import_vat_pct / 100
            unit = unit + duty + vat
            if duty.amount:
                name = T.msg("cost_import_duty")
                added.append(AddedCost(name, "import_clearance_duty", duty * qty, duty, code="import_duty"))
            if vat.amount:
                name = T.msg("cost_import_vat")
                added.append(AddedCost(name, "import_clearance_duty", vat * qty, vat, code="import_vat"))
        if unit < prev_unit:  # cannot happen with costs >= 0 on a nested ladder; guard the invariant
            raise AssertionError(f"{code} price fell below the previous step")
        prev_unit = unit
        unit_r = unit.rounded()
        unit_q = to_quote(unit)
        steps.append(StepPrice(code, tuple(added), unit, unit_r, unit_q, unit_r * inp.quantity, unit_q * inp.quantity))

    insurance = None
    if premium_unit is not None and clause_used is not None:
        insurance = _insurance_panel(steps, inp, clause_used)
    if r.code in ("FAS", "FCA") and inp.conditions.origin_thc_by_seller is None:
        notes.append(incoterms.note("5"))
    return PriceBuildUp(
        rule=r.code,
        quantity=inp.quantity,
        quote_currency=inp.quote_currency,
        steps=tuple(steps),
        markup_per_unit=markup,
        price_rate=price_rate,
        cost_rates=tuple(cost_rates.values()),
        insurance=insurance,
        notes=tuple(notes),
        conditions=inp.conditions,
    )


def _sum_units(costs: list[AddedCost], items: set[str]) -> Money:
    total = Money.zero(IDR)
    for c in costs:
        if c.item in items:
            total = total + c.per_unit
    return total


def _has_insurance(inp: PricingInput) -> bool:
    return inp.insurance_rate_pct is not None or bool(inp.insurance_rates_pct)


def _rate_for(inp: PricingInput, clause: str) -> Decimal:
    rate = inp.insurance_rates_pct.get(clause, inp.insurance_rate_pct)
    if rate is None:
        raise UkmError("missing_field", f"insurance_rates_pct.{clause}", allowed=sorted(inp.insurance_rates_pct))
    return rate


def _includes_insurance(step_rule: incoterms.Rule, inp: PricingInput) -> bool:
    if not _has_insurance(inp):
        return False
    if step_rule.payer("insurance") is Payer.SELLER:
        return True
    return step_rule.is_d_rule and inp.insure_under_d_rules


def _insurance_panel(steps: list[StepPrice], inp: PricingInput, clause: str) -> InsuranceQuote:
    """The policy in the quote currency: premium on the CFR/CPT invoice value, cover on the invoice.

    The premium is the insurer's figure on the shipment; the unit prices carry the same
    premium spread per unit and rounded, so invoice CIF - CFR may differ by a few cents.
    The insured amount is the minimum cover (110%) of the invoice CIF total, rounded up: never under-insured.
    """
    ins_index = next(i for i, s in enumerate(steps) if any(a.item == "insurance" for a in s.added))
    before = steps[ins_index - 1]  # CFR, CPT (or CPT under a D rule): the insurable value
    policy = insure(before.shipment_quote, _rate_for(inp, clause), clause=clause, method=inp.insurance_method)
    insured_step = steps[ins_index]
    if insured_step.rule not in ("CIF", "CIP"):
        return policy  # D rules: the step also holds destination costs, so the policy stands alone
    invoice_cif = insured_step.shipment_quote
    cover = max(policy.insured_amount, (invoice_cif * MIN_COVER_PCT / 100).rounded_up())
    return replace(policy, cif=invoice_cif, insured_amount=cover)
