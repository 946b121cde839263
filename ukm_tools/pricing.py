"""Export price build-up over Incoterms 2020 (cost-plus from the works), as an invoice states it.

EXW = (HPP + export packing) x (1 + markup%): the markup applies to those two only.
Each later rule adds the shipment costs the seller pays under it (from :mod:`ukm_tools.incoterms`).
A cost in a foreign currency is paid in rupiah at the bank's selling rate, unless it is paid
from an account in its own currency (``paid_in``); IDR figures become the quote currency at the
bank's buying rate, and the result names every rate it used.

The figures are built per shipment and kept exact; each step's total is rounded once, half-up
to the cent (whole rupiah in IDR), as a running total, so that every step's total is the
previous one plus the costs it adds, to the cent. Insurance is the insurer's premium on the
CFR/CPT total (:func:`ukm_tools.insurance.insure`), so CIF - CFR is the premium printed. A unit
price is the step's total / quantity, stated with as many decimals as the quantity needs
(:func:`unit_decimals`: at least the currency's two) for quantity x unit price, rounded to the
cent, to give the total back exactly: a price per bottle of 2,400 bottles has 6 decimals.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ukm_tools import checks, incoterms
from ukm_tools.errors import Problem, UkmError
from ukm_tools.fx import AppliedRate, RateKind, RateSheet, cost_to_idr
from ukm_tools.incoterms import Conditions, Payer
from ukm_tools.insurance import InsuranceQuote, Method, check_clause, check_rate, insure
from ukm_tools.messages import Bilingual, Msg, local, section
from ukm_tools.money import IDR, Money, format_money, minor_units, round_half_up
from ukm_tools.plausibility import Bands, Written, default_bands

if TYPE_CHECKING:  # pandas is imported where a table is made, not with the module
    import pandas as pd

T = section("pricing")
# Cost items that only arise after the main carriage: not part of the insurable CFR/CPT value.
DESTINATION_ITEMS = ("destination_thc", "unloading_at_destination", "import_clearance_duty", "delivery_to_buyer")
PRICED_ITEMS = tuple(i for i in incoterms.cost_items() if i not in ("packing", "insurance"))
MAX_UNIT_DECIMALS = 12  # a unit price of 10^12 units needs 14 decimals: past any SME shipment


def unit_decimals(quantity: int, currency: str) -> int:
    """Decimals of a unit price such that quantity x unit price, rounded to the currency's minor
    unit, gives the shipment total back exactly.

    Rounding the unit price moves it by at most half a unit in its last place; times the
    quantity that must stay under half a cent, so 10^(p - minor) must exceed the quantity
    (or equal it: a total divided by a power of ten is exact). 2,400 bottles: 2 + 4 = 6.
    """
    return minor_units(currency) + (len(str(quantity - 1)) if quantity > 1 else 0)


@dataclass(frozen=True)
class CostLine:
    """A cost of the shipment (or of each unit when ``per_unit``) booked against an Incoterms item.

    ``paid_in``: how the exporter pays a foreign cost — in rupiah (IDR, bought at the bank's
    selling rate: the default) or from an account in the cost's own currency (no exchange).
    """

    name: str
    item: str
    amount: Money
    per_unit: bool = False
    paid_in: str = IDR


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
    unit_price_decimals: int | None = None  # None: what the quantity needs (unit_decimals)
    bands: Bands | None = None  # usual ranges of markup and premium rates (None: the packaged ones)


@dataclass(frozen=True)
class AddedCost:
    """A cost a step adds, in the case's terms and as both running totals (IDR and the quote
    currency) carry it: ``idr`` and ``quote`` are what the totals grew by, to the minor unit."""

    name: str | Msg  # the case file's name for its own costs; a catalogue text for those the build-up adds
    item: str
    per_shipment: Money  # IDR, exact
    per_unit: Money  # IDR, exact
    rate: AppliedRate | None = None  # the rate a foreign cost was valued at
    code: str = ""  # what the build-up added itself: "insurance", "import_duty", "import_vat"
    idr: Money | None = None  # what the IDR total grew by (whole rupiah)
    quote: Money | None = None  # what the quote-currency total grew by (cents)
    written: Money | None = None  # the amount as the case wrote it (USD 270), per shipment
    paid_in: str = IDR

    def label(self, lang: str = "id") -> str:
        return local(self.name, lang)


@dataclass(frozen=True)
class StepPrice:
    rule: str
    added: tuple[AddedCost, ...]
    unit_idr_exact: Money  # the IDR total / quantity, unrounded
    unit_idr: Money  # at the IDR unit decimals
    unit_quote: Money  # at the quote's unit decimals (PriceBuildUp.unit_decimals)
    shipment_idr: Money  # whole rupiah
    shipment_quote: Money  # to the cent: what the invoice totals


@dataclass(frozen=True)
class PriceBuildUp:
    rule: str
    quantity: int
    quote_currency: str
    steps: tuple[StepPrice, ...]
    markup_per_unit: Money
    price_rate: AppliedRate | None  # buying rate used to turn IDR into the quote currency
    cost_rates: tuple[AppliedRate, ...]  # rates foreign costs were valued at
    insurance: InsuranceQuote | None  # the policy, in the quote currency, on the CFR/CPT total
    notes: tuple[Bilingual, ...]
    conditions: Conditions
    unit_decimals: int = 2  # of unit_quote
    unit_decimals_idr: int = 0  # of unit_idr
    spread: Money | None = None  # what paying the included foreign costs in rupiah adds (quote currency)

    @property
    def final(self) -> StepPrice:
        return self.steps[-1]

    def unit_text(self, step: StepPrice, lang: str = "id", *, idr: bool = False) -> str:
        """A step's unit price as the invoice states it (all its decimals)."""
        if idr:
            return format_money(step.unit_idr, lang, self.unit_decimals_idr)
        return format_money(step.unit_quote, lang, self.unit_decimals)

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
        """One row per step: what it adds and the unit prices (all their decimals) and shipment
        totals in IDR and the quote currency."""
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

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        """Every figure printed with the quote, as text: unit prices with all their decimals,
        totals to the minor unit, the costs each step adds in both currencies, the policy; the
        names of costs and the notes in ``lang`` (so a note names a cost as the list does)."""

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

        def added(a: AddedCost) -> dict[str, Any]:
            out: dict[str, Any] = {
                "name": a.label(lang),
                "item": a.item,
                "per_shipment_idr": str(a.idr.amount if a.idr else a.per_shipment.rounded().amount),
                "per_shipment_quote": None if a.quote is None else str(a.quote.amount),
            }
            if a.code:
                out["code"] = a.code
            if a.written is not None:
                out["amount"] = a.written.to_json()
                if a.written.currency != IDR:
                    out["paid_in"] = a.paid_in
            return out

        ins = self.insurance
        return {
            "incoterm": self.rule,
            "quantity": self.quantity,
            "quote_currency": self.quote_currency,
            "unit_price_decimals": self.unit_decimals,
            "unit_price_decimals_idr": self.unit_decimals_idr,
            "price_rate": rate(self.price_rate),
            "cost_rates": [rate(r) for r in self.cost_rates],
            "steps": [
                {
                    "incoterm": s.rule,
                    "added": [added(a) for a in s.added],
                    "unit_idr": s.unit_idr.to_json(self.unit_decimals_idr),
                    "unit_quote": s.unit_quote.to_json(self.unit_decimals),
                    "shipment_idr": s.shipment_idr.to_json(),
                    "shipment_quote": s.shipment_quote.to_json(),
                }
                for s in self.steps
            ],
            "insurance": None
            if ins is None
            else {
                "clause": ins.clause,
                "method": ins.method.value,
                "rate_pct": str(ins.rate_pct),
                "cover_pct": str(ins.cover_pct),
                "cfr": ins.cfr.to_json(),
                "premium": ins.premium.to_json(),
                "cif": ins.cif.to_json(),
                "insured_amount": ins.insured_amount.to_json(),
                "insured_rounding": "up",
            },
            "spread": None if self.spread is None else self.spread.to_json(),
            "notes": [local(n, lang) for n in self.notes],
        }


def validate(inp: PricingInput) -> int:
    """Every problem with the inputs at once (UkmError), before any arithmetic; returns the
    unit price decimals of the quote currency."""
    problems: list[Problem] = []
    bands = inp.bands or default_bands()
    decimals = 2
    if not isinstance(inp.quantity, int) or isinstance(inp.quantity, bool):
        problems.append(Problem("not_integer", "quantity", inp.quantity))
    elif inp.quantity <= 0:
        problems.append(Problem("not_positive", "quantity", inp.quantity))
    else:
        decimals = unit_decimals(inp.quantity, inp.quote_currency)
        wanted = inp.unit_price_decimals
        if wanted is not None and not decimals <= wanted <= MAX_UNIT_DECIMALS:
            allowed = f"{decimals}-{MAX_UNIT_DECIMALS}"
            problems.append(
                Problem(
                    "unit_decimals_too_few",
                    "unit_price_decimals",
                    wanted,
                    allowed,
                    {"quantity": inp.quantity, "least": decimals},
                )
            )
        elif wanted is not None:
            decimals = wanted
        if decimals > MAX_UNIT_DECIMALS:
            problems.append(Problem("out_of_range", "quantity", inp.quantity, f"1-{10 ** (MAX_UNIT_DECIMALS - 2)}"))
    checks.rupiah_amounts(inp, ("hpp", "packing"), problems)
    if inp.hpp.amount == 0:
        problems.append(Problem("not_positive", "hpp", inp.hpp.amount))
    if inp.markup_pct < 0:
        problems.append(Problem("negative", "markup_pct", inp.markup_pct))
    else:
        checks.collect(problems, bands.check, inp.markup_pct, "markup_pct", "markup_pct")
    for i, c in enumerate(inp.costs):
        if c.item not in PRICED_ITEMS:
            problems.append(Problem("unknown_choice", f"costs[{i}].item", c.item, list(PRICED_ITEMS)))
        if c.amount.amount < 0:
            problems.append(Problem("negative", f"costs[{i}].amount", c.amount.amount))
        if c.paid_in not in (IDR, c.amount.currency):
            problems.append(
                Problem("unknown_choice", f"costs[{i}].paid_in", c.paid_in, sorted({IDR, c.amount.currency}))
            )
    for name in ("duty_pct", "import_vat_pct"):
        v = getattr(inp, name)
        if v < 0:
            problems.append(Problem("negative", name, v))
    rates = dict(inp.insurance_rates_pct)
    if inp.insurance_rate_pct is not None:
        rates["*"] = inp.insurance_rate_pct
    for clause, rate in rates.items():
        where = "insurance_rate_pct" if clause == "*" else f"insurance_rates_pct.{clause}"
        checks.collect(problems, check_rate, rate, field=where, bands=bands)
    if problems:
        raise UkmError(problems=problems)
    return decimals


class _Ledger:
    """A running shipment total in one currency: exact underneath, rounded once per addition.

    Each addition's printed figure is what the rounded total grew by, so the printed figures
    always add up to the printed totals; no total is ever more than half a minor unit from
    the exact sum.
    """

    def __init__(self, currency: str) -> None:
        self.currency = currency
        self.exact = Decimal(0)
        self.total = Decimal(0)  # rounded
        self.places = minor_units(currency)

    def add(self, amount: Decimal) -> Money:
        self.exact += amount
        before, self.total = self.total, round_half_up(self.exact, self.places)
        return Money(self.total - before, self.currency)

    @property
    def money(self) -> Money:
        return Money(self.total, self.currency)


@dataclass(frozen=True)
class _Cost:
    """A cost line valued in both currencies, per shipment and exact."""

    line: CostLine
    idr: Decimal
    quote: Decimal
    rate: AppliedRate | None
    spread: Decimal  # in the quote currency: what paying it in rupiah adds (0 when paid in its currency)


def _value_costs(inp: PricingInput, sheet: RateSheet | None, price_rate: AppliedRate | None) -> list[_Cost]:
    qty = Decimal(inp.quantity)
    out = []
    for c in inp.costs:
        amount = c.amount.amount * (qty if c.per_unit else 1)
        applied: AppliedRate | None = None
        spread = Decimal(0)
        if c.amount.currency == IDR:
            idr = amount
        else:
            if sheet is None:
                raise UkmError("missing_rate", "currency", c.amount.currency, [], source="-")
            if c.paid_in == IDR:  # the exporter buys the currency from the bank: selling rate
                applied = cost_to_idr(Money(amount, c.amount.currency), sheet).rate
            else:  # paid from a foreign-currency account: worth what the bank would have paid for it
                applied = sheet.applied(c.amount.currency, RateKind.BUY)
            idr = amount * applied.value
            if c.paid_in == IDR:
                spread_idr = amount * (applied.value - sheet.rate(c.amount.currency).buy)
                spread = spread_idr if price_rate is None else spread_idr / price_rate.value
        if inp.quote_currency == IDR:
            quote = idr
        elif c.amount.currency == inp.quote_currency and c.paid_in != IDR:
            quote = amount  # the same currency, never exchanged
        else:
            assert price_rate is not None  # a foreign quote currency always has its buying rate
            quote = idr / price_rate.value
        out.append(_Cost(c, idr, quote, applied, spread))
    return out


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
    decimals = validate(inp)
    decimals_idr = unit_decimals(inp.quantity, IDR)
    if inp.quote_currency == IDR:
        decimals_idr = decimals
    qty = Decimal(inp.quantity)
    notes: list[Bilingual] = []

    price_rate = None
    if inp.quote_currency != IDR:
        if sheet is None:
            raise UkmError("missing_rate", "quote_currency", inp.quote_currency, [], source="-")
        price_rate = sheet.applied(inp.quote_currency, RateKind.BUY)
        notes.append(T.msg("price_rate_note", currency=inp.quote_currency, rate=price_rate))
    costs = _value_costs(inp, sheet, price_rate)
    if not _has_insurance(inp) and r.insurance_clause:
        raise UkmError("missing_field", "insurance_rate_pct", rule=r.code)

    def to_quote(idr: Decimal) -> Decimal:
        return idr if price_rate is None else idr / price_rate.value

    markup = (inp.hpp + inp.packing) * inp.markup_pct / 100
    exw_unit = inp.hpp + inp.packing + markup
    ledger_idr, ledger_q = _Ledger(IDR), _Ledger(inp.quote_currency)
    ledger_idr.add(exw_unit.amount * qty)
    ledger_q.add(to_quote(exw_unit.amount * qty))

    steps: list[StepPrice] = []
    seen_items: set[str] = {"packing"}
    policy: InsuranceQuote | None = None
    premium_idr = Decimal(0)  # the policy's premium in IDR, once a step carries it
    included: list[_Cost] = []
    for code in incoterms.ladder(r.code):
        step_rule = incoterms.rule(code)
        seller = set(step_rule.seller_items(inp.conditions))
        base_idr, base_q = ledger_idr.money, ledger_q.money  # the previous step: CFR/CPT before insurance
        added: list[AddedCost] = []
        for cost in costs:
            if cost.line.item in seller and cost.line.item not in seen_items:
                included.append(cost)
                added.append(
                    AddedCost(
                        cost.line.name,
                        cost.line.item,
                        Money(cost.idr, IDR),
                        Money(cost.idr / qty, IDR),
                        cost.rate,
                        idr=ledger_idr.add(cost.idr),
                        quote=ledger_q.add(cost.quote),
                        written=Money(
                            cost.line.amount.amount * (qty if cost.line.per_unit else 1), cost.line.amount.currency
                        ),
                        paid_in=cost.line.paid_in,
                    )
                )
        seen_items |= seller
        if policy is None and _includes_insurance(step_rule, inp):
            clause = check_clause(
                inp.insurance_clause or step_rule.insurance_clause or "C",
                step_rule.insurance_clause,
                step_rule.code,
            )
            rate_pct = _rate_for(inp, clause)
            bands = inp.bands or default_bands()
            # The insurer's premium on the CFR/CPT total of each currency: the same policy, twice.
            policy = insure(base_q, rate_pct, clause=clause, method=inp.insurance_method, bands=bands)
            premium_idr = insure(
                base_idr, rate_pct, clause=clause, method=inp.insurance_method, bands=bands
            ).premium.amount
            added.append(
                AddedCost(
                    T.msg("cost_insurance", clause=clause),
                    "insurance",
                    Money(premium_idr, IDR),
                    Money(premium_idr / qty, IDR),
                    code="insurance",
                    idr=ledger_idr.add(premium_idr),
                    quote=ledger_q.add(policy.premium.amount),
                )
            )
            if step_rule.is_d_rule:
                notes.append(T.msg("d_rule_insured_note"))
        if step_rule.payer("import_clearance_duty", inp.conditions) is Payer.SELLER and (
            inp.duty_pct or inp.import_vat_pct
        ):
            # Duty on the CIF/CIP value (insurable value + premium), VAT on CIF + duty: exact in IDR.
            cif_idr = _insurable(costs, seller, exw_unit.amount * qty) + premium_idr
            duty = cif_idr * inp.duty_pct / 100
            vat = (cif_idr + duty) * inp.import_vat_pct / 100
            for value, key, code_ in (
                (duty, "cost_import_duty", "import_duty"),
                (vat, "cost_import_vat", "import_vat"),
            ):
                if value:
                    added.append(
                        AddedCost(
                            T.msg(key),
                            "import_clearance_duty",
                            Money(value, IDR),
                            Money(value / qty, IDR),
                            code=code_,
                            idr=ledger_idr.add(value),
                            quote=ledger_q.add(to_quote(value)),
                        )
                    )
        total_idr, total_q = ledger_idr.money, ledger_q.money
        if steps and (total_idr < steps[-1].shipment_idr or total_q < steps[-1].shipment_quote):
            raise AssertionError(f"{code} price fell below the previous step")  # costs >= 0 on a nested ladder
        unit_q = Money(total_q.amount / qty, inp.quote_currency).rounded(decimals)
        unit_idr = Money(total_idr.amount / qty, IDR).rounded(decimals_idr)
        # The decimals were chosen so the invoice line gives its total back exactly.
        assert (unit_q * inp.quantity).rounded() == total_q and (unit_idr * inp.quantity).rounded() == total_idr
        steps.append(
            StepPrice(code, tuple(added), Money(ledger_idr.exact / qty, IDR), unit_idr, unit_q, total_idr, total_q)
        )

    notes.extend(_cost_notes(inp, costs, included, price_rate))
    notes.extend(_vanished(steps, inp.quote_currency))
    if decimals > minor_units(inp.quote_currency):
        count = Written(Decimal(inp.quantity))
        notes.append(T.msg("unit_decimals_note", decimals=decimals, quantity=count, currency=inp.quote_currency))
    if r.code in ("FAS", "FCA") and inp.conditions.origin_thc_by_seller is None:
        notes.append(incoterms.note("5"))
    spread = sum((c.spread for c in included), Decimal(0))
    return PriceBuildUp(
        rule=r.code,
        quantity=inp.quantity,
        quote_currency=inp.quote_currency,
        steps=tuple(steps),
        markup_per_unit=markup,
        price_rate=price_rate,
        cost_rates=tuple({c.rate.currency + c.rate.kind.value: c.rate for c in costs if c.rate is not None}.values()),
        insurance=policy,
        notes=tuple(notes),
        conditions=inp.conditions,
        unit_decimals=decimals,
        unit_decimals_idr=decimals_idr,
        spread=Money(spread, inp.quote_currency).rounded() if spread else None,
    )


def _insurable(costs: list[_Cost], seller: set[str], exw_total: Decimal) -> Decimal:
    """The CFR/CPT value in IDR: EXW and the seller's costs up to the main carriage."""
    return exw_total + sum((c.idr for c in costs if c.line.item in seller - set(DESTINATION_ITEMS)), Decimal(0))


def _cost_notes(
    inp: PricingInput, costs: list[_Cost], included: list[_Cost], price_rate: AppliedRate | None
) -> list[Bilingual]:
    """How the foreign costs in the price were paid, and what paying them in rupiah costs."""
    notes: list[Bilingual] = []
    for currency in sorted({c.line.amount.currency for c in costs if c.line.amount.currency != IDR}):
        mine = [c for c in included if c.line.amount.currency == currency]
        in_idr = [c for c in mine if c.line.paid_in == IDR]
        in_own = [c for c in mine if c.line.paid_in != IDR]
        if in_idr:
            assert in_idr[0].rate is not None
            spread = Money(sum((c.spread for c in in_idr), Decimal(0)), inp.quote_currency).rounded()
            names = ", ".join(c.line.name for c in in_idr)
            notes.append(T.msg("paid_in_idr_note", currency=currency, rate=in_idr[0].rate, names=names, spread=spread))
        if in_own:
            names = ", ".join(c.line.name for c in in_own)
            notes.append(T.msg("paid_in_own_note", currency=currency, names=names))
    return notes


def _vanished(steps: list[StepPrice], currency: str) -> list[Bilingual]:
    """Costs too small to move a rounded total: said, not silently lost."""
    notes: list[Bilingual] = []
    for s in steps:
        for a in s.added:
            if a.per_shipment.amount > 0 and a.quote is not None and a.quote.amount == 0:
                notes.append(
                    T.msg("cost_below_minor_unit", name=a.name, amount=a.per_shipment.rounded(), currency=currency)
                )
    return notes


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
