"""Export financing: the working capital an order ties up, and what borrowing it costs.

* :func:`cash_flow` — day-numbered (optionally dated) events of one export order: materials
  paid on day 0, production costs when production ends, export costs on shipment, and the
  buyer's payment when the payment terms bring it (the ``terms`` of ``data/payment_methods.yaml``).
  From the running balance: the peak working capital and the days money is tied up.
* :func:`instalment_schedule` — a loan's monthly instalments on an effective (annuity, on
  the declining balance) or flat (on the original principal) basis. Every figure is whole
  rupiah, and the last instalment absorbs the rounding, so the instalments add up exactly
  to principal + interest.
* :func:`finance_order` — the peak working capital borrowed under a KUR-style scheme
  (``data/financing/kur.yaml``: rates with their basis and source) for the months it is tied up.
* :func:`discount_order` — instead, sell the accepted draft (D/A, usance L/C) to the bank at
  acceptance: :func:`ukm_tools.payments.discount_draft` (face x rate x days / 360) gives the
  net proceeds, which arrive at acceptance instead of maturity.
"""

from __future__ import annotations

import calendar
import datetime as dt
import itertools
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ukm_tools import checks
from ukm_tools.datafiles import packaged_yaml
from ukm_tools.errors import Problem, UkmError, owned
from ukm_tools.messages import Msg, section
from ukm_tools.money import IDR, Money, RateValue
from ukm_tools.payments import DraftDiscount, PaymentTerms, load_payment_methods
from ukm_tools.plausibility import default_bands

if TYPE_CHECKING:  # pandas is imported where a table is made, not with the module
    import pandas as pd

BASES = ("effective", "flat")
DAYS_PER_MONTH = 30  # banking month used to turn days tied up into loan months
T = section("financing")

# --------------------------------------------------------------------------- payment methods


def payment_methods() -> tuple[PaymentTerms, ...]:
    """The terms an order can be paid on (cash in advance, L/C at sight, usance L/C, D/P, D/A,
    open account), safest for the exporter first; each knows its :class:`PaymentMethod`."""
    return tuple(t for m in load_payment_methods().values() for t in m.terms)


@owned("financing")
def payment_method(key: str) -> PaymentTerms:
    for m in payment_methods():
        if m.key == key:
            return m
    raise UkmError("unknown_choice", "method", key, [m.key for m in payment_methods()])


# --------------------------------------------------------------------------- cash flow


@dataclass(frozen=True)
class OrderInput:
    """One export order, all in IDR. Costs are paid, the order value received, on known days."""

    order_value: Money  # what the exporter receives for the order
    materials: Money  # paid on day 0
    production_costs: Money  # labour, energy... paid when production ends
    export_costs: Money  # packing, transport, clearance, documents: paid on shipment day
    production_days: int
    method: str
    tenor_days: int | None = None  # None: the method's default (D/A 60, open account 90...)
    days_to_ship: int = 0  # from the end of production to shipment
    start: dt.date | None = None  # dates the events when given


@dataclass(frozen=True)
class CashEvent:
    day: int
    date: dt.date | None
    kind: str  # materials | production | export | receipt
    label: Msg
    amount: Money  # negative = money out
    balance: Money  # running balance after the event


@dataclass(frozen=True)
class CashFlowTimeline:
    events: tuple[CashEvent, ...]
    method: PaymentTerms
    tenor_days: int
    shipment_day: int
    receipt_day: int
    peak_working_capital: Money  # the most the order has taken out of the business at once
    peak_day: int
    days_tied_up: int  # days on which the running balance is below zero
    start: dt.date | None
    notes: tuple[Msg, ...] = ()

    @property
    def margin(self) -> Money:
        return self.events[-1].balance

    def balance_on(self, day: int) -> Money:
        """Running balance at the end of ``day``."""
        bal = Money.zero(IDR)
        for e in self.events:
            if e.day > day:
                break
            bal = e.balance
        return bal

    def to_json(self) -> dict[str, Any]:
        return {
            "method": self.method.key,
            "tenor_days": self.tenor_days,
            "shipment_day": self.shipment_day,
            "receipt_day": self.receipt_day,
            "peak_working_capital": self.peak_working_capital.to_json(),
            "peak_day": self.peak_day,
            "days_tied_up": self.days_tied_up,
            "margin": self.margin.to_json(),
            "events": [
                {
                    "day": e.day,
                    "date": e.date.isoformat() if e.date else None,
                    "kind": e.kind,
                    "amount": e.amount.to_json(),
                    "balance": e.balance.to_json(),
                }
                for e in self.events
            ],
        }

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        """One row per event: day, date, what, amount, running balance (whole rupiah)."""
        import pandas as pd

        cols = [T(f"col_{c}", lang) for c in ("day", "date", "event", "amount", "balance")]
        return pd.DataFrame(
            [
                [
                    e.day,
                    e.date,
                    e.label.text(lang),
                    e.amount.rounded().amount,
                    e.balance.rounded().amount,
                ]
                for e in self.events
            ],
            columns=cols,
        )

    def steps(self) -> list[tuple[int, Decimal]]:
        """(day, balance) corner points of the step chart, from day 0 to the last event."""
        pts: list[tuple[int, Decimal]] = [(0, Decimal(0))]
        for e in self.events:
            pts.append((e.day, pts[-1][1]))
            pts.append((e.day, e.balance.amount))
        return pts


def _day_date(start: dt.date | None, day: int) -> dt.date | None:
    return None if start is None else start + dt.timedelta(days=day)


def _check_start(start: Any, problems: list[Problem]) -> None:
    if start is not None and not isinstance(start, dt.date):
        problems.append(Problem("wrong_type", "start", start, "YYYY-MM-DD date"))


@owned("financing")
def cash_flow(inp: OrderInput) -> CashFlowTimeline:
    """The cash-flow timeline of one export order.

    Day 0 the materials are bought; production costs leave at day ``production_days``;
    export costs at shipment (``production_days + days_to_ship``); the buyer's money
    arrives on the method's day: with the order (cash in advance), or shipment + tenor +
    handling lag. Events on one day: a payment that comes with the order is booked before
    the materials, a receipt after the costs of its day.

    Raises:
        UkmError: every problem with the input at once.
    """
    problems: list[Problem] = []
    checks.rupiah_amounts(inp, ("order_value", "materials", "production_costs", "export_costs"), problems)
    if isinstance(inp.order_value, Money) and inp.order_value.amount == 0:
        problems.append(Problem("not_positive", "order_value", inp.order_value.amount))
    checks.collect(problems, checks.exact_int, inp.production_days, "production_days")
    checks.collect(problems, checks.exact_int, inp.days_to_ship, "days_to_ship")
    _check_start(inp.start, problems)
    method = None
    try:
        method = payment_method(inp.method)
    except UkmError as e:
        problems.extend(e.problems)
    tenor = inp.tenor_days
    if tenor is not None:
        checks.collect(problems, checks.exact_int, tenor, "tenor_days")
        if method is not None and not method.tenor_adjustable and tenor != method.tenor_days:
            problems.append(Problem("tenor_fixed", "tenor_days", tenor, method.tenor_days, {"method": method.name}))
    if problems:
        raise UkmError(problems=problems)
    assert method is not None  # an unknown method is itself a problem above
    tenor = method.tenor_days if tenor is None else tenor
    ship = inp.production_days + inp.days_to_ship
    receipt = 0 if method.anchor == "order" else ship + tenor + method.lag_days
    return _timeline(inp, method, tenor, receipt, inp.order_value, T.msg("buyer_payment", method=method.name))


def _timeline(
    inp: OrderInput, method: PaymentTerms, tenor: int, receipt: int, received: Money, receipt_label: Msg
) -> CashFlowTimeline:
    ship = inp.production_days + inp.days_to_ship
    flows: list[tuple[int, int, str, Msg, Money]] = [
        (0, 1, "materials", T.msg("event_materials"), -inp.materials),
        (inp.production_days, 1, "production", T.msg("event_production"), -inp.production_costs),
        (ship, 1, "export", T.msg("event_export"), -inp.export_costs),
        # A receipt with the order precedes day-0 purchases; any other comes after its day's costs.
        (receipt, 0 if method.anchor == "order" else 2, "receipt", receipt_label, received),
    ]
    flows.sort(key=lambda f: (f[0], f[1]))
    events, bal = [], Money.zero(IDR)
    peak, peak_day = Money.zero(IDR), 0
    for day, _, kind, label, amount in flows:
        bal = bal + amount
        events.append(CashEvent(day, _day_date(inp.start, day), kind, label, amount, bal))
        if -bal > peak:
            peak, peak_day = -bal, day
    tied = 0
    for a, b in itertools.pairwise(events):
        if a.balance.amount < 0:
            tied += b.day - a.day
    notes = []
    if bal.amount < 0:
        notes.append(T.msg("order_loses", loss=-bal))
    return CashFlowTimeline(tuple(events), method, tenor, ship, receipt, peak, peak_day, tied, inp.start, tuple(notes))


@owned("financing")
def order_from_quote(
    quote: Any,
    pricing: Any,
    *,
    materials_share_pct: RateValue,
    production_days: int,
    method: str,
    tenor_days: int | None = None,
    days_to_ship: int = 0,
    start: dt.date | None = None,
    order_value: Money | None = None,
) -> OrderInput:
    """The order behind a price build-up (:mod:`ukm_tools.pricing`), for the book's worked examples.

    Order value: ``order_value`` when given — what the exporter actually receives, e.g. the
    invoice less the bank's fees sold at the buying rate, so that a margin shown beside a
    case's profit is the same figure — else what the invoice brings in rupiah: the shipment
    total in the quote currency sold to the bank at the buying rate the price was built with
    (in IDR quotes, the total itself). HPP x quantity is split into materials
    (``materials_share_pct``, bought on day 0) and other production costs; export packing
    and every seller-paid shipment cost of the build-up are paid at shipment.

    Args:
        quote: a :class:`ukm_tools.pricing.PriceBuildUp`.
        pricing: the :class:`ukm_tools.pricing.PricingInput` it was built from.
        order_value: rupiah received for the order (IDR), if not the quote's shipment total.
    """
    share = checks.number(materials_share_pct, "materials_share_pct")
    if not 0 <= share <= 100:
        raise UkmError("out_of_range", "materials_share_pct", share, "0-100")
    hpp_total = pricing.hpp * pricing.quantity
    materials = hpp_total * share / 100
    shipment_costs = sum((a.per_shipment for s in quote.steps for a in s.added), Money.zero(IDR))
    final = quote.final
    rate = quote.price_rate
    received = final.shipment_idr if rate is None else Money(final.shipment_quote.amount * rate.value, IDR).rounded()
    return OrderInput(
        order_value=received if order_value is None else order_value.rounded(),
        materials=materials.rounded(),
        production_costs=(hpp_total - materials).rounded(),
        export_costs=(pricing.packing * pricing.quantity + shipment_costs).rounded(),
        production_days=production_days,
        method=method,
        tenor_days=tenor_days,
        days_to_ship=days_to_ship,
        start=start,
    )


# --------------------------------------------------------------------------- loans


@dataclass(frozen=True)
class LoanScheme:
    key: str
    name: dict[str, str]
    rate_pct: Decimal
    basis: str  # effective | flat
    plafond_min: Money
    plafond_max: Money
    max_months: int
    source: str
    status: str  # regulation | approximate | illustrative
    rates_by_access: tuple[Decimal, ...] = ()

    @owned("financing")
    def rate_for_access(self, access: int) -> Decimal:
        """The rate on the ``access``-th KUR loan (graduated schemes: 6, 7, 8, 9%)."""
        if not self.rates_by_access:
            return self.rate_pct
        if isinstance(access, bool) or not isinstance(access, int) or access < 1:
            raise UkmError("not_positive", "access", access)
        return self.rates_by_access[min(access, len(self.rates_by_access)) - 1]


def loan_schemes() -> tuple[LoanScheme, ...]:
    data = packaged_yaml("financing/kur.yaml")
    out = []
    for s in data["schemes"]:
        out.append(
            LoanScheme(
                key=s["key"],
                name=s["name"],
                rate_pct=Decimal(str(s["rate_pct"])),
                basis=s["basis"],
                plafond_min=Money.of(s["plafond"]["min"], IDR),
                plafond_max=Money.of(s["plafond"]["max"], IDR),
                max_months=s["max_months"],
                source=s["source"],
                status=s["status"],
                rates_by_access=tuple(Decimal(str(r)) for r in s.get("rates_by_access", ())),
            )
        )
    return tuple(out)


@owned("financing")
def loan_scheme(key: str) -> LoanScheme:
    for s in loan_schemes():
        if s.key == key:
            return s
    raise UkmError("unknown_choice", "scheme", key, [s.key for s in loan_schemes()])


def programmes() -> tuple[dict[str, Any], ...]:
    """Non-loan support (LPEI coaching programmes) with their sources."""
    return tuple(packaged_yaml("financing/kur.yaml")["programmes"])


@dataclass(frozen=True)
class Instalment:
    number: int
    date: dt.date | None
    instalment: Money
    interest: Money
    principal: Money
    balance: Money  # outstanding after this instalment


@dataclass(frozen=True)
class Schedule:
    principal: Money
    rate_pct: Decimal
    basis: str
    months: int
    rows: tuple[Instalment, ...]

    @property
    def total_interest(self) -> Money:
        return sum((r.interest for r in self.rows), Money.zero(self.principal.currency))

    @property
    def total_paid(self) -> Money:
        return sum((r.instalment for r in self.rows), Money.zero(self.principal.currency))

    def to_json(self) -> dict[str, Any]:
        return {
            "principal": self.principal.to_json(),
            "rate_pct": str(self.rate_pct),
            "basis": self.basis,
            "months": self.months,
            "total_interest": self.total_interest.to_json(),
            "total_paid": self.total_paid.to_json(),
            "rows": [
                {
                    "number": r.number,
                    "date": r.date.isoformat() if r.date else None,
                    "instalment": str(r.instalment.amount),
                    "interest": str(r.interest.amount),
                    "principal": str(r.principal.amount),
                    "balance": str(r.balance.amount),
                }
                for r in self.rows
            ],
        }

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        import pandas as pd

        cols = [T(f"col_{c}", lang) for c in ("number", "date", "instalment", "interest", "principal", "outstanding")]
        return pd.DataFrame(
            [
                [r.number, r.date, r.instalment.amount, r.interest.amount, r.principal.amount, r.balance.amount]
                for r in self.rows
            ],
            columns=cols,
        )


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, clamped to the month's end (31 Jan + 1 month = 28/29 Feb)."""
    m = day.month - 1 + months
    year, month = day.year + m // 12, m % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def _check_loan(principal: Any, rate_pct: Any, months: Any, basis: str) -> list[Problem]:
    problems: list[Problem] = []
    if not isinstance(principal, Money):
        problems.append(Problem("wrong_type", "principal", principal, "Money"))
    elif principal.amount <= 0:
        problems.append(Problem("not_positive", "principal", principal.amount))
    try:
        r = checks.number(rate_pct, "rate_pct")
        if r < 0:
            problems.append(Problem("negative", "rate_pct", r))
        else:  # 120% a year is 12% typed with a slipped decimal, not a loan
            default_bands().check(r, "interest_pct", "rate_pct")
    except UkmError as e:
        problems.extend(e.problems)
    if isinstance(months, bool) or not isinstance(months, int):
        problems.append(Problem("not_integer", "months", months))
    elif months < 1 or months > 600:
        problems.append(Problem("out_of_range", "months", months, "1-600"))
    if basis not in BASES:
        problems.append(Problem("unknown_choice", "basis", basis, list(BASES)))
    return problems


@owned("financing")
def instalment_schedule(
    principal: Money, rate_pct: RateValue, months: int, basis: str = "effective", start: dt.date | None = None
) -> Schedule:
    """Monthly instalments of a loan of ``principal`` at ``rate_pct`` a year.

    ``effective``: equal instalments (annuity) A = P i / (1 - (1 + i)^-n), i = rate / 12;
    each month's interest is the balance x i. ``flat``: interest = P x rate x n / 12 in
    total, spread equally, with the principal in equal parts. Amounts are rounded half-up
    to the currency's unit each month; the last instalment takes what is left, so the
    instalments sum exactly to principal + total interest.

    Raises:
        UkmError: bad principal, rate, months or basis.
    """
    problems = _check_loan(principal, rate_pct, months, basis)
    _check_start(start, problems)
    if problems:
        raise UkmError(problems=problems)
    rate = checks.number(rate_pct, "rate_pct")
    P = principal.rounded()
    rows: list[Instalment] = []
    balance = P
    if basis == "effective":
        i = rate / 1200
        if i == 0:
            payment = (P / months).rounded()
        else:
            payment = (P * i / (1 - (1 + i) ** -months)).rounded()
        for k in range(1, months + 1):
            interest = (balance * i).rounded()
            # min(): on a tiny loan over many months the rounded instalment would repay more
            # than is left; the balance then stops at zero instead of going negative.
            part = balance if k == months else min(payment - interest, balance)
            balance = balance - part
            rows.append(
                Instalment(k, None if start is None else add_months(start, k), interest + part, interest, part, balance)
            )
    else:
        total_interest = (P * rate * months / 1200).rounded()
        interest_each = (total_interest / months).rounded()
        part_each = (P / months).rounded()
        interest_left = total_interest
        for k in range(1, months + 1):
            last = k == months
            # min(): rounded equal shares of a tiny loan can add up to more than the total
            interest = interest_left if last else min(interest_each, interest_left)
            part = balance if last else min(part_each, balance)
            interest_left = interest_left - interest
            balance = balance - part
            rows.append(
                Instalment(k, None if start is None else add_months(start, k), interest + part, interest, part, balance)
            )
    return Schedule(P, rate, basis, months, tuple(rows))


@owned("financing")
def equivalent_flat_rate(principal: Money, effective_pct: RateValue, months: int) -> Decimal:
    """The flat rate (% a year) that costs as much interest as ``effective_pct`` on an annuity.

    Banks may quote KUR as the flat rate equivalent to its effective rate (Permenko 1/2023
    pasal 18(2)); this shows the participant both numbers. Rounded to 2 decimals.
    """
    s = instalment_schedule(principal, effective_pct, months, "effective")
    flat = s.total_interest.amount * 1200 / (s.principal.amount * months)
    return flat.quantize(Decimal("0.01"))


# --------------------------------------------------------------------------- an order's financing


@dataclass(frozen=True)
class OrderFinancing:
    timeline: CashFlowTimeline
    principal: Money  # borrowed: the peak working capital, to the whole rupiah up
    months: int
    rate_pct: Decimal
    basis: str
    schedule: Schedule | None  # None when the order ties up no money
    scheme: LoanScheme | None
    notes: tuple[Msg, ...] = ()

    @property
    def cost(self) -> Money:
        return Money.zero(IDR) if self.schedule is None else self.schedule.total_interest

    @property
    def margin_after_financing(self) -> Money:
        return self.timeline.margin - self.cost

    def to_json(self) -> dict[str, Any]:
        return {
            "scheme": self.scheme.key if self.scheme else None,
            "principal": self.principal.to_json(),
            "months": self.months,
            "rate_pct": str(self.rate_pct),
            "basis": self.basis,
            "cost": self.cost.to_json(),
            "margin_after_financing": self.margin_after_financing.to_json(),
            "schedule": None if self.schedule is None else self.schedule.to_json(),
            "notes": [n.text("en") for n in self.notes],
        }


def loan_months(days_tied_up: int) -> int:
    """Whole banking months (30 days) covering the days the money is tied up; at least 1."""
    return max(1, math.ceil(days_tied_up / DAYS_PER_MONTH))


@owned("financing")
def finance_order(
    timeline: CashFlowTimeline,
    *,
    scheme: str | LoanScheme | None = None,
    rate_pct: RateValue | None = None,
    basis: str | None = None,
    months: int | None = None,
    access: int = 1,
) -> OrderFinancing:
    """Borrow the order's peak working capital for the months it is tied up.

    Either name a ``scheme`` from ``kur.yaml`` (rate and basis from the data; ``rate_pct`` /
    ``basis`` override them) or give ``rate_pct`` and ``basis`` directly. ``months``
    defaults to :func:`loan_months` of the days tied up.

    Raises:
        UkmError: unknown scheme, missing rate, bad months.
    """
    sch = loan_scheme(scheme) if isinstance(scheme, str) else scheme
    if sch is not None:
        rate = sch.rate_for_access(access) if rate_pct is None else checks.number(rate_pct, "rate_pct")
        basis = basis or sch.basis
    else:
        if rate_pct is None:
            raise UkmError("missing_field", "rate_pct")
        rate = checks.number(rate_pct, "rate_pct")
        basis = basis or "effective"
    n = loan_months(timeline.days_tied_up) if months is None else months
    principal = timeline.peak_working_capital.rounded_up()
    if principal.amount == 0:
        problems = [p for p in _check_loan(Money.of(1, IDR), rate, n, basis)]
        if problems:
            raise UkmError(problems=problems)
        return OrderFinancing(
            timeline,
            principal,
            n,
            rate,
            basis,
            None,
            sch,
            (T.msg("no_loan_needed"),),
        )
    schedule = instalment_schedule(principal, rate, n, basis, timeline.start)
    notes = []
    if sch is not None:
        if principal > sch.plafond_max or principal < sch.plafond_min:
            notes.append(
                T.msg(
                    "outside_plafond",
                    principal=principal,
                    scheme=sch.name,
                    minimum=sch.plafond_min,
                    maximum=sch.plafond_max,
                )
            )
        if n > sch.max_months:
            notes.append(T.msg("term_too_long", months=n, max_months=sch.max_months))
        if sch.status != "regulation":
            notes.append(T.msg("rate_estimate", scheme=sch.name, source=sch.source))
    return OrderFinancing(timeline, principal, n, rate, basis, schedule, sch, tuple(notes))


# --------------------------------------------------------------------------- draft discounting


@dataclass(frozen=True)
class OrderDiscounting:
    """The order paid by discounting its accepted draft: money at acceptance, less interest."""

    undiscounted: CashFlowTimeline  # waiting for maturity
    timeline: CashFlowTimeline  # with the net proceeds at acceptance
    discount: DraftDiscount
    acceptance_day: int

    @property
    def cost(self) -> Money:
        return self.discount.interest + self.discount.fees

    @property
    def margin_after_financing(self) -> Money:
        return self.undiscounted.margin - self.cost


@owned("financing")
def discount_order(inp: OrderInput, annual_rate_pct: RateValue, fees: Money | None = None) -> OrderDiscounting:
    """Discount the order's draft at acceptance for its tenor (D/A, usance L/C only).

    The face is the order value; discount interest = face x rate x tenor / 360 (the
    money-market day count, from :mod:`ukm_tools.payments`); the net proceeds arrive on
    the acceptance day (shipment + the method's document lag).

    Raises:
        UkmError: the order's own problems, ``not_discountable`` for a method without a
        time draft, the discount's problems (rate, days).
    """
    from ukm_tools.payments import discount_draft

    base = cash_flow(inp)
    method = base.method
    if not method.draft:
        raise UkmError(
            "not_discountable",
            "method",
            method.key,
            [m.key for m in payment_methods() if m.draft],
            method_name=method.name,
        )
    d = discount_draft(inp.order_value, annual_rate_pct, base.tenor_days, fees)
    accept = method.acceptance_day(base.shipment_day)
    label = T.msg("discounted_proceeds", method=method.name)
    return OrderDiscounting(base, _timeline(inp, method, base.tenor_days, accept, d.net, label), d, accept)
