"""International payment methods, their bank costs and draft discounting.

* :func:`load_payment_methods` — cash in advance, L/C (confirmed / unconfirmed), D/P, D/A
  and open account from ``data/payment_methods.yaml``: risk rank for the exporter and the
  importer (1 = safest), what each party needs, the ICC rules that govern them.
* :func:`load_fee_schedule` — a bank's fee schedule as data (``data/fees/bank_jatim.yaml``
  documents the format): fixed or percentage fees with minimum and maximum, charged once,
  per amendment, per discrepancy or per period.
* :func:`lc_cost`, :func:`collection_cost`, :func:`method_cost` — itemised bank costs of a
  payment method for one invoice; :func:`compare_methods` puts all methods side by side.
* :func:`discount_draft` and :func:`gross_up_face` — discounting a usance/D/A draft:
  interest = face x annual rate x days / 360, net = face - interest - fees.

All fees are the exporter's (the beneficiary's) bank charges in the schedule's currency.
Percentage fees are rounded half-up to the cent for each event before they are added up.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ukm_tools import checks
from ukm_tools.datafiles import packaged_yaml, parse_yaml, read_text
from ukm_tools.dated import Dated, as_date
from ukm_tools.errors import Problem, UkmError, in_file, owned
from ukm_tools.file_numbers import FileNumbers, declared
from ukm_tools.messages import LANGS, pick, section
from ukm_tools.money import Money, RateValue, check_currency, format_money, format_percent, minor_units
from ukm_tools.plausibility import default_bands

if TYPE_CHECKING:  # pandas is imported where a table is made, not with the module
    import pandas as pd

DAY_COUNT = 360  # money-market convention for USD discounting
FAMILIES = ("lc", "lc_confirmed", "collection", "transfer")
T = section("payments")


class FeeKind(StrEnum):
    FIXED = "fixed"
    PERCENT = "percent"


class FeeEvent(StrEnum):
    """What a fee is charged for (how many times it applies)."""

    ONCE = "once"
    AMENDMENT = "amendment"
    DISCREPANCY = "discrepancy"
    PERIOD = "period"


# --------------------------------------------------------------------------- methods


# A bank's fee schedule older than this many days gets the staleness warning.
DEFAULT_MAX_FEE_AGE_DAYS = 180


@dataclass(frozen=True)
class PaymentTerms:
    """One way an order is paid under a method: when its money arrives (``ukm_tools.financing``).

    A sight and a usance credit are two terms of one method (an unconfirmed L/C): they cost
    and risk the same, but the money comes on different days.
    """

    key: str
    method_code: str  # the PaymentMethod these terms belong to
    name: Mapping[str, str]
    anchor: str  # "order" or "shipment"
    tenor_days: int  # default tenor
    tenor_adjustable: bool
    lag_days: int
    lag_note: Mapping[str, str]
    draft: bool = False  # a time draft the exporter can discount at acceptance

    @property
    def method(self) -> PaymentMethod:
        """The method: its risks, what each party needs, its bank fees."""
        return get_method(self.method_code, "method_code")

    @property
    def exporter_risk(self) -> int:
        """1 = safest for the exporter."""
        return self.method.exporter_risk

    def acceptance_day(self, shipment_day: int) -> int:
        """When documents have arrived and the draft is accepted (payment due tenor days later)."""
        return shipment_day + self.lag_days


@dataclass(frozen=True)
class PaymentMethod:
    """One way to get paid, with who carries the risk (1 = safest) and the terms it is offered on."""

    code: str
    family: str
    confirmed: bool
    exporter_risk: int
    importer_risk: int
    exporter_waits_tenor: bool
    rules: tuple[str, ...]
    label: Mapping[str, str]
    summary: Mapping[str, str]
    exporter_needs: Mapping[str, tuple[str, ...]]
    importer_needs: Mapping[str, tuple[str, ...]]
    terms: tuple[PaymentTerms, ...] = ()

    def fee_families(self) -> tuple[str, ...]:
        """The ``applies_to`` values of schedule fees this method pays."""
        if self.family == "lc" and self.confirmed:
            return ("lc", "lc_confirmed")
        return (self.family,)


@lru_cache(maxsize=1)
def load_payment_methods() -> Mapping[str, PaymentMethod]:
    """The six packaged payment methods, keyed by code, ordered by exporter risk (one data file,
    ``data/payment_methods.yaml``, also gives each method's payment terms)."""
    data = packaged_yaml("payment_methods.yaml")
    methods = []
    for m in data["methods"]:
        methods.append(
            PaymentMethod(
                code=m["code"],
                family=m["family"],
                confirmed=bool(m["confirmed"]),
                exporter_risk=int(m["exporter_risk"]),
                importer_risk=int(m["importer_risk"]),
                exporter_waits_tenor=bool(m["exporter_waits_tenor"]),
                rules=tuple(m["rules"]),
                label=dict(m["label"]),
                summary=dict(m["summary"]),
                exporter_needs={k: tuple(v) for k, v in m["exporter_needs"].items()},
                importer_needs={k: tuple(v) for k, v in m["importer_needs"].items()},
                terms=tuple(PaymentTerms(method_code=m["code"], **t) for t in m.get("terms", ())),
            )
        )
    methods.sort(key=lambda m: (m.exporter_risk, m.code))
    return {m.code: m for m in methods}


@owned("payments")
def get_method(code: str, field: str = "method") -> PaymentMethod:
    methods = load_payment_methods()
    if code not in methods:
        raise UkmError("unknown_choice", field, code, list(methods))
    return methods[code]


def methods_dataframe(lang: str = "id") -> pd.DataFrame:
    """The payment methods side by side: risks, rules, what each party needs."""
    lang = lang if lang in LANGS else "id"
    keys = ("method", "exporter_risk", "importer_risk", "rules", "exporter_needs", "importer_needs")
    cols = [T(f"col_{k}", lang) for k in keys]
    return _frame(
        [
            dict(
                zip(
                    cols,
                    (
                        m.label[lang],
                        m.exporter_risk,
                        m.importer_risk,
                        ", ".join(m.rules),
                        "; ".join(m.exporter_needs[lang]),
                        "; ".join(m.importer_needs[lang]),
                    ),
                    strict=True,
                )
            )
            for m in load_payment_methods().values()
        ]
    )


# --------------------------------------------------------------------------- fees


@dataclass(frozen=True)
class Fee:
    """One line of a bank's tariff."""

    code: str
    label: Mapping[str, str]
    applies_to: tuple[str, ...]
    per: FeeEvent
    kind: FeeKind
    currency: str
    source: str
    date: dt.date
    amount: Decimal | None = None
    rate_pct: Decimal | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    period_days: int | None = None
    example: bool = False
    note: str = ""

    @property
    def fixed_amount(self) -> Money:
        """What a fixed fee costs each time."""
        assert self.amount is not None  # parse_fee_schedule requires an amount for a fixed fee
        return Money(self.amount, self.currency)

    @property
    def rate(self) -> Decimal:
        """A percentage fee's rate, in percent."""
        assert self.rate_pct is not None  # parse_fee_schedule requires a rate for a percentage fee
        return self.rate_pct

    @property
    def period(self) -> int:
        """Days a per-period fee (confirmation) covers each time."""
        assert self.period_days is not None  # parse_fee_schedule requires it for a per-period fee
        return self.period_days

    def charge(self, basis: Money, count: int) -> FeeLine:
        """The fee for ``count`` events on ``basis`` (min/max apply to each event)."""
        applied, limit = "fixed", None
        if self.kind is FeeKind.FIXED:
            unit = self.fixed_amount
        else:
            unit = (basis * self.rate / 100).rounded()
            applied = "percent"
            if self.minimum is not None and unit.amount < self.minimum:
                unit, applied, limit = Money(self.minimum, self.currency), "minimum", Money(self.minimum, self.currency)
            elif self.maximum is not None and unit.amount > self.maximum:
                unit, applied, limit = Money(self.maximum, self.currency), "maximum", Money(self.maximum, self.currency)
        return FeeLine(
            fee=self,
            count=count,
            unit=unit.rounded(),
            amount=(unit * count).rounded(),
            basis=basis if self.kind is FeeKind.PERCENT else None,
            applied=applied,
            limit=limit,
        )


@dataclass(frozen=True)
class FeeLine:
    """A fee as charged on one invoice: how much, on what basis, and which rule bit."""

    fee: Fee
    count: int
    unit: Money  # per event / period, rounded
    amount: Money  # unit x count
    basis: Money | None
    applied: str  # "fixed" | "percent" | "minimum" | "maximum"
    limit: Money | None

    @property
    def code(self) -> str:
        return self.fee.code

    def label(self, lang: str = "id") -> str:
        return pick(self.fee.label, lang)

    def rule_text(self, lang: str = "id") -> str:
        """E.g. ``0.125% x $10,000.00 = $12.50 -> min $25.00 applied``."""
        f = self.fee
        if f.kind is FeeKind.FIXED:
            text = T("rule_fixed", lang, amount=self.unit)
        else:
            assert self.basis is not None  # a percentage fee is always charged on a basis
            raw = (self.basis * f.rate / 100).rounded()
            text = T("rule_percent", lang, rate=format_percent(f.rate, lang, 4), basis=self.basis, amount=raw)
            if self.applied in ("minimum", "maximum"):
                text = T(f"rule_{self.applied}", lang, rule=text, limit=self.limit)
        if f.per is FeeEvent.PERIOD:
            text = T("rule_periods", lang, rule=text, count=self.count, days=f.period_days)
        elif self.count != 1 or f.per is not FeeEvent.ONCE:
            text = T(f"rule_times_{f.per.value}", lang, rule=text, count=self.count)
        return text

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "code": self.code,
            "label": self.label(lang),
            "count": self.count,
            "unit": self.unit.to_json(),
            "amount": self.amount.to_json(),
            "applied": self.applied,
            "rule": self.rule_text(lang),
            "example": self.fee.example,
            "source": self.fee.source,
            "date": self.fee.date.isoformat(),
        }


@dataclass(frozen=True)
class FeeSchedule(Dated):
    """A bank's fee tariff in one currency."""

    bank: str
    currency: str
    date: dt.date
    source: str
    fees: tuple[Fee, ...]
    note: str = ""

    @owned("payments")
    def fee(self, code: str) -> Fee:
        for f in self.fees:
            if f.code == code:
                return f
        raise UkmError("unknown_choice", "fee", code, [f.code for f in self.fees])

    def for_families(self, families: Sequence[str]) -> tuple[Fee, ...]:
        return tuple(f for f in self.fees if any(a in families for a in f.applies_to))

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        """The tariff as a table: fee, what it is charged for, amount or rate with limits, source."""
        keys = ("fee", "applies_to", "charged", "tariff", "example", "source", "date")
        cols = [T(f"col_{k}", lang) for k in keys]
        rows = []
        for f in self.fees:
            if f.kind is FeeKind.FIXED:
                tariff = format_money(f.fixed_amount, lang)
            else:
                tariff = format_percent(f.rate, lang, 4)
                if f.minimum is not None:
                    tariff += f" min {format_money(Money(f.minimum, f.currency), lang)}"
                if f.maximum is not None:
                    tariff += f" max {format_money(Money(f.maximum, f.currency), lang)}"
            charged = T(f"charged_{f.per.value}", lang, days=f.period_days)
            rows.append(
                dict(
                    zip(
                        cols,
                        (
                            pick(f.label, lang),
                            ", ".join(f.applies_to),
                            charged,
                            tariff,
                            T("example_yes", lang) if f.example else "",
                            f.source,
                            f.date.isoformat(),
                        ),
                        strict=True,
                    )
                )
            )
        return _frame(rows)


_SCHEDULE_KEYS = {"bank", "currency", "date", "source", "note", "fees"}
_FEE_KEYS = {
    "code",
    "label",
    "applies_to",
    "per",
    "kind",
    "amount",
    "rate_pct",
    "min",
    "max",
    "period_days",
    "source",
    "date",
    "example",
    "note",
}


def _text(raw: Any, field: str) -> str:
    if raw is None or not str(raw).strip():
        raise UkmError("missing_field", field)
    return str(raw).strip()


def _choice(raw: Any, field: str, allowed: Sequence[str]) -> str:
    if raw is None:
        raise UkmError("missing_field", field, None, list(allowed))
    if raw not in allowed:
        raise UkmError("unknown_choice", field, raw, list(allowed))
    return str(raw)


def _amount(raw: Any, field: str, numbers: FileNumbers) -> Decimal:
    """A fee or rate as the file writes it (its ``angka:``), exactly: 0.125 stays 0.125."""
    d = numbers.number(raw, field)
    if d < 0:
        raise UkmError("negative", field, raw)
    return d


def _fee_rate(raw: Any, field: str, numbers: FileNumbers) -> Decimal:
    """A percentage fee: also within the usual range of bank fee rates (125 for 0,125 is a slip)."""
    d = _amount(raw, field, numbers)
    typed = raw if isinstance(raw, str) else None
    return default_bands().check(d, "bank_fee_pct", field, convention=numbers.convention, as_typed=typed)


def _parse_fee(raw: Any, where: str, currency: str, numbers: FileNumbers) -> Fee:
    if not isinstance(raw, Mapping):
        raise UkmError("wrong_type", where, raw, "mapping (code, label, applies_to, per, kind, ...)")
    problems: list[Problem] = []

    for key in raw:
        if key not in _FEE_KEYS:
            problems.append(Problem("unknown_field", f"{where}.{key}", key, sorted(_FEE_KEYS)))
    code = checks.collect(problems, _text, raw.get("code"), f"{where}.code")
    label = raw.get("label")
    if not isinstance(label, Mapping) or any(not str(label.get(lang) or "").strip() for lang in LANGS):
        problems.append(Problem("wrong_type", f"{where}.label", label, "{id: ..., en: ...}"))
    applies = raw.get("applies_to")
    if not isinstance(applies, list) or not applies:
        problems.append(Problem("wrong_type", f"{where}.applies_to", applies, list(FAMILIES)))
        applies = []
    for a in applies:
        checks.collect(problems, _choice, a, f"{where}.applies_to", FAMILIES)
    per = checks.collect(problems, _choice, raw.get("per"), f"{where}.per", [e.value for e in FeeEvent])
    kind = checks.collect(problems, _choice, raw.get("kind"), f"{where}.kind", [k.value for k in FeeKind])
    source = checks.collect(problems, _text, raw.get("source"), f"{where}.source")
    date = checks.collect(problems, as_date, raw.get("date"), f"{where}.date") if raw.get("date") is not None else None
    if raw.get("date") is None:
        problems.append(Problem("missing_field", f"{where}.date"))
    amount = rate = minimum = maximum = None
    if kind == "fixed":
        if raw.get("amount") is None:
            problems.append(Problem("missing_field", f"{where}.amount"))
        else:
            amount = checks.collect(problems, _amount, raw["amount"], f"{where}.amount", numbers)
        for key in ("rate_pct", "min", "max"):
            if raw.get(key) is not None:
                problems.append(Problem("unknown_field", f"{where}.{key}", key, ["amount"]))
    elif kind == "percent":
        if raw.get("rate_pct") is None:
            problems.append(Problem("missing_field", f"{where}.rate_pct"))
        else:
            rate = checks.collect(problems, _fee_rate, raw["rate_pct"], f"{where}.rate_pct", numbers)
        if raw.get("min") is not None:
            minimum = checks.collect(problems, _amount, raw["min"], f"{where}.min", numbers)
        if raw.get("max") is not None:
            maximum = checks.collect(problems, _amount, raw["max"], f"{where}.max", numbers)
        if minimum is not None and maximum is not None and minimum > maximum:
            problems.append(Problem("min_above_max", f"{where}.min", minimum, maximum))
        if raw.get("amount") is not None:
            problems.append(Problem("unknown_field", f"{where}.amount", "amount", ["rate_pct", "min", "max"]))
    period_days = None
    if per == "period":
        if raw.get("period_days") is None:
            problems.append(Problem("missing_field", f"{where}.period_days"))
        else:
            period_days = checks.collect(problems, _days, raw["period_days"], f"{where}.period_days", numbers)
    example = raw.get("example", False)
    if not isinstance(example, bool):
        problems.append(Problem("wrong_type", f"{where}.example", example, "true / false"))
    if problems:
        raise UkmError(problems=problems)
    assert isinstance(label, Mapping) and date is not None  # a bad label or a missing date is a problem above
    return Fee(
        code=code,
        label={lang: str(label[lang]) for lang in LANGS},
        applies_to=tuple(applies),
        per=FeeEvent(per),
        kind=FeeKind(kind),
        currency=currency,
        source=source,
        date=date,
        amount=amount,
        rate_pct=rate,
        minimum=minimum,
        maximum=maximum,
        period_days=period_days,
        example=example,
        note=str(raw.get("note") or ""),
    )


def _days(raw: Any, field: str, numbers: FileNumbers) -> int:
    days = numbers.integer(raw, field)
    if days < 1:
        raise UkmError("not_positive", field, raw)
    return days


@owned("payments")
def parse_fee_schedule(data: Any, name: str = "fee schedule", numbers: FileNumbers | None = None) -> FeeSchedule:
    """A :class:`FeeSchedule` from already-parsed YAML/JSON data, every problem reported.

    ``numbers``: how the file writes its numbers (:mod:`ukm_tools.file_numbers`; by default
    as a schedule was always read: YAML's numbers, text as plain decimals).
    """
    numbers = numbers or FileNumbers(legacy_text="en")
    if not isinstance(data, Mapping):
        raise UkmError(
            "malformed_file", "file", name, detail="expected a mapping with bank, currency, date, source, fees"
        )
    problems: list[Problem] = []
    for key in data:
        if key not in _SCHEDULE_KEYS:
            problems.append(Problem("unknown_field", str(key), key, sorted(_SCHEDULE_KEYS)))
    header: dict[str, Any] = {}
    for key, fn in (("bank", _text), ("source", _text), ("date", as_date)):
        try:
            if data.get(key) is None:
                raise UkmError("missing_field", key)
            header[key] = fn(data[key], key)
        except UkmError as e:
            problems.extend(e.problems)
    try:
        currency = check_currency(data.get("currency") or "", "currency")
    except UkmError as e:
        problems.extend(e.problems)
        currency = "USD"
    fees: list[Fee] = []
    raw_fees = data.get("fees")
    if not isinstance(raw_fees, list) or not raw_fees:
        problems.append(Problem("missing_field", "fees"))
        raw_fees = []
    for i, raw in enumerate(raw_fees):
        try:
            fees.append(_parse_fee(raw, f"fees[{i}]", currency, numbers))
        except UkmError as e:
            problems.extend(e.problems)
    seen: set[str] = set()
    for i, f in enumerate(fees):
        if f.code in seen:
            problems.append(Problem("duplicate_code", f"fees[{i}].code", f.code))
        seen.add(f.code)
    if problems:
        raise UkmError(problems=problems)
    return FeeSchedule(
        bank=header["bank"],
        currency=currency,
        date=header["date"],
        source=header["source"],
        fees=tuple(fees),
        note=str(data.get("note") or "").strip(),
    )


@owned("payments")
def load_fee_schedule(path: str | Path | None = None) -> FeeSchedule:
    """The packaged Bank Jatim example, or a trainer's own schedule file (same format)."""
    name = "fees/bank_jatim.yaml" if path is None else str(path)
    with in_file(name):
        if path is None:
            text = resources.files("ukm_tools.data").joinpath(name).read_text(encoding="utf-8")
        else:
            text = read_text(path)
        data = parse_yaml(text, name, numbers_as_text=True)
        if not isinstance(data, Mapping):
            return parse_fee_schedule(data, name)
        numbers, data = declared(data, text)
        return parse_fee_schedule(data, name, numbers.for_rates())


# --------------------------------------------------------------------------- costs


def _frame(rows: list[dict[str, Any]]) -> pd.DataFrame:
    import pandas as pd  # imported late: the core stays importable without it loaded

    return pd.DataFrame(rows)


@dataclass(frozen=True)
class CostBreakdown:
    """Itemised bank cost of one payment method for one invoice."""

    method: PaymentMethod
    invoice: Money
    lines: tuple[FeeLine, ...]
    total: Money
    bank: str

    @owned("payments")
    def line(self, code: str) -> FeeLine:
        for ln in self.lines:
            if ln.code == code:
                return ln
        raise UkmError("unknown_choice", "fee", code, [ln.code for ln in self.lines])

    @property
    def total_pct(self) -> Decimal:
        """Total fees in percent of the invoice."""
        return self.total.amount / self.invoice.amount * 100 if self.invoice.amount else Decimal(0)

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        cols = [T(f"col_{k}", lang) for k in ("fee", "rule", "amount", "value", "source")]
        rows = [
            dict(
                zip(
                    cols,
                    (
                        ln.label(lang),
                        ln.rule_text(lang),
                        format_money(ln.amount, lang),
                        ln.amount.amount,
                        ln.fee.source,
                    ),
                    strict=True,
                )
            )
            for ln in self.lines
        ]
        rows.append(
            dict(
                zip(
                    cols,
                    (
                        T("fees_total", lang),
                        "",
                        format_money(self.total, lang),
                        self.total.amount,
                        self.bank,
                    ),
                    strict=True,
                )
            )
        )
        return _frame(rows)

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "method": self.method.code,
            "bank": self.bank,
            "invoice": self.invoice.to_json(),
            "lines": [ln.to_json(lang) for ln in self.lines],
            "total": self.total.to_json(),
        }


def _periods(days: int, period_days: int) -> int:
    return max(1, math.ceil(days / period_days))


@owned("payments")
def method_cost(
    method: str | PaymentMethod,
    invoice: Money,
    schedule: FeeSchedule,
    *,
    amendments: int = 0,
    discrepancies: int = 0,
    tenor_days: int = 0,
    validity_days: int = 90,
) -> CostBreakdown:
    """Bank fees of ``method`` on ``invoice`` from ``schedule``.

    Args:
        method: a payment-method code (see :func:`load_payment_methods`) or the method.
        invoice: the invoice (credit) amount, in the schedule's currency.
        amendments, discrepancies: how many of each (credits only).
        tenor_days: days from presentation to payment (usance credit, D/A, open account).
        validity_days: how long the credit runs before presentation; with ``tenor_days``
            it sets how many periods a per-period fee (confirmation) is charged for.
    Returns:
        A :class:`CostBreakdown` with one :class:`FeeLine` per fee that applies.
    """
    m = method if isinstance(method, PaymentMethod) else get_method(method)
    inv, amendments, discrepancies, tenor_days, validity_days = checks.gather(
        lambda: checks.money(invoice, "invoice", currency=schedule.currency, positive=True),
        lambda: checks.whole_number(amendments, "amendments", minimum=0),
        lambda: checks.whole_number(discrepancies, "discrepancies", minimum=0),
        lambda: checks.whole_number(tenor_days, "tenor_days", minimum=0),
        lambda: checks.whole_number(validity_days, "validity_days", minimum=0),
    )
    counts = {FeeEvent.ONCE: 1, FeeEvent.AMENDMENT: amendments, FeeEvent.DISCREPANCY: discrepancies}
    lines = []
    for fee in schedule.for_families(m.fee_families()):
        n = _periods(validity_days + tenor_days, fee.period) if fee.per is FeeEvent.PERIOD else counts[fee.per]
        if n:
            lines.append(fee.charge(inv, n))
    total = Money.zero(schedule.currency)
    for ln in lines:
        total = total + ln.amount
    return CostBreakdown(m, inv, tuple(lines), total, schedule.bank)


@owned("payments")
def lc_cost(
    invoice: Money,
    schedule: FeeSchedule,
    *,
    confirmed: bool = False,
    amendments: int = 0,
    discrepancies: int = 0,
    tenor_days: int = 0,
    validity_days: int = 90,
) -> CostBreakdown:
    """Exporter's bank cost of a letter of credit (advising, amendments, negotiation,
    confirmation when ``confirmed``, discrepancies, courier...). See :func:`method_cost`."""
    return method_cost(
        "lc_confirmed" if confirmed else "lc_unconfirmed",
        invoice,
        schedule,
        amendments=amendments,
        discrepancies=discrepancies,
        tenor_days=tenor_days,
        validity_days=validity_days,
    )


@owned("payments")
def collection_cost(
    invoice: Money, schedule: FeeSchedule, *, acceptance: bool = False, tenor_days: int = 0
) -> CostBreakdown:
    """Exporter's bank cost of a documentary collection: D/P, or D/A when ``acceptance``."""
    return method_cost("da" if acceptance else "dp", invoice, schedule, tenor_days=tenor_days)


# --------------------------------------------------------------------------- discounting


@dataclass(frozen=True)
class DraftDiscount:
    """A draft sold to the bank before maturity."""

    face: Money
    annual_rate_pct: Decimal
    days: int
    interest: Money  # face x rate x days / 360, rounded half-up
    fees: Money
    net: Money  # face - interest - fees

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        rate = format_percent(self.annual_rate_pct, lang, 4)
        items = [
            (T("draft_face", lang), self.face, ""),
            (
                T("draft_interest", lang),
                -self.interest,
                f"{format_money(self.face, lang)} x {rate} x {self.days}/{DAY_COUNT}",
            ),
            (T("col_bank_fees", lang), -self.fees, ""),
            (T("draft_net", lang), self.net, ""),
        ]
        cols = [T(f"col_{k}", lang) for k in ("item", "amount", "value", "calculation")]
        return _frame(
            [dict(zip(cols, (name, format_money(m, lang), m.amount, how), strict=True)) for name, m, how in items]
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "face": self.face.to_json(),
            "annual_rate_pct": str(self.annual_rate_pct),
            "days": self.days,
            "day_count": DAY_COUNT,
            "interest": self.interest.to_json(),
            "fees": self.fees.to_json(),
            "net": self.net.to_json(),
        }


def _discount_inputs(
    money_field: str, money_value: Money, rate: RateValue, days: int, fees: Money | None
) -> tuple[Money, Decimal, int, Money]:
    m, r, d = checks.gather(
        lambda: checks.money(money_value, money_field, positive=True),
        lambda: default_bands().check(
            checks.percent(rate, "annual_rate_pct", positive=True), "interest_pct", "annual_rate_pct"
        ),
        lambda: checks.whole_number(days, "days", minimum=0),
    )
    f = Money.zero(m.currency) if fees is None else checks.money(fees, "fees", currency=m.currency)
    if r * d / DAY_COUNT >= 100:
        raise UkmError("discount_exceeds_face", "days", d, annual_rate_pct=r)
    return m.rounded(), r, d, f.rounded()


@owned("payments")
def discount_interest(face: Money, annual_rate_pct: RateValue, days: int) -> Money:
    """face x annual rate x days / 360, rounded half-up to the minor unit."""
    return (face * checks.number(annual_rate_pct, "annual_rate_pct") / 100 * days / DAY_COUNT).rounded()


@owned("payments")
def discount_draft(face: Money, annual_rate_pct: RateValue, days: int, fees: Money | None = None) -> DraftDiscount:
    """Net proceeds of discounting ``face`` for ``days`` at ``annual_rate_pct`` % a year.

    Raises:
        UkmError: ``not_positive`` for a face value or rate <= 0, ``negative`` days or fees,
        ``discount_exceeds_face`` when rate x days / 360 reaches 100 %.
    """
    face, r, d, f = _discount_inputs("face", face, annual_rate_pct, days, fees)
    interest = discount_interest(face, r, d)
    return DraftDiscount(face, r, d, interest, f, face - interest - f)


@owned("payments")
def gross_up_face(target_net: Money, annual_rate_pct: RateValue, days: int, fees: Money | None = None) -> Money:
    """The smallest face value (whole cents) whose discounting nets at least ``target_net``.

    Closed form (target + fees) / (1 - rate x days / 360), rounded up; then nudged a cent at
    a time because the interest itself is rounded to the cent (net never falls as face rises).
    """
    target, r, d, f = _discount_inputs("target_net", target_net, annual_rate_pct, days, fees)
    step = Money(Decimal(1).scaleb(-minor_units(target.currency)), target.currency)

    def nets(face: Money) -> Money:
        return face - discount_interest(face, r, d) - f

    face = ((target + f) / (1 - r / 100 * d / DAY_COUNT)).rounded_up()
    while nets(face) < target:
        face = face + step
    while nets(face - step) >= target:
        face = face - step
    return face


# --------------------------------------------------------------------------- comparison


@dataclass(frozen=True)
class MethodCost:
    """One method in a comparison: bank fees, cost of waiting for the money, risks."""

    method: PaymentMethod
    breakdown: CostBreakdown
    financing: Money  # discount interest over the tenor (zero without a rate or no wait)
    total: Money

    @property
    def fees(self) -> Money:
        return self.breakdown.total


@dataclass(frozen=True)
class MethodComparison:
    invoice: Money
    tenor_days: int
    annual_rate_pct: Decimal | None
    rows: tuple[MethodCost, ...]

    @owned("payments")
    def row(self, code: str) -> MethodCost:
        for r in self.rows:
            if r.method.code == code:
                return r
        raise UkmError("unknown_choice", "method", code, [r.method.code for r in self.rows])

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        keys = ("method", "exporter_risk", "importer_risk", "bank_fees", "financing", "total", "total_value", "rules")
        cols = [T(f"col_{k}", lang) for k in keys]
        return _frame(
            [
                dict(
                    zip(
                        cols,
                        (
                            r.method.label[lang if lang in LANGS else "id"],
                            r.method.exporter_risk,
                            r.method.importer_risk,
                            format_money(r.fees, lang),
                            format_money(r.financing, lang),
                            format_money(r.total, lang),
                            r.total.amount,
                            ", ".join(r.method.rules),
                        ),
                        strict=True,
                    )
                )
                for r in self.rows
            ]
        )

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "invoice": self.invoice.to_json(),
            "tenor_days": self.tenor_days,
            "annual_rate_pct": None if self.annual_rate_pct is None else str(self.annual_rate_pct),
            "methods": [
                {
                    "method": r.method.code,
                    "exporter_risk": r.method.exporter_risk,
                    "importer_risk": r.method.importer_risk,
                    "fees": r.fees.to_json(),
                    "financing": r.financing.to_json(),
                    "total": r.total.to_json(),
                    "breakdown": r.breakdown.to_json(lang),
                }
                for r in self.rows
            ],
        }


@owned("payments")
def compare_methods(
    invoice: Money,
    schedule: FeeSchedule,
    tenor_days: int = 0,
    *,
    annual_rate_pct: RateValue | None = None,
    amendments: int = 0,
    discrepancies: int = 0,
    validity_days: int = 90,
    sort_by: str = "exporter_risk",
) -> MethodComparison:
    """Every payment method's cost for ``invoice`` beside its risk ranks.

    Methods where the exporter waits ``tenor_days`` for the money (usance credit, D/A, open
    account) also carry the interest of discounting the invoice for that long when
    ``annual_rate_pct`` is given. ``sort_by``: ``exporter_risk`` (then cost), ``importer_risk``
    or ``cost`` (then exporter risk).
    """
    keys = {
        "exporter_risk": lambda r: (r.method.exporter_risk, r.total.amount),
        "importer_risk": lambda r: (r.method.importer_risk, r.total.amount),
        "cost": lambda r: (r.total.amount, r.method.exporter_risk),
    }
    if sort_by not in keys:
        raise UkmError("unknown_choice", "sort_by", sort_by, list(keys))
    tenor_days = checks.whole_number(tenor_days, "tenor_days", minimum=0)
    rate = None
    if annual_rate_pct is not None:
        rate = checks.percent(annual_rate_pct, "annual_rate_pct", positive=True)
    rows = []
    for m in load_payment_methods().values():
        b = method_cost(
            m,
            invoice,
            schedule,
            amendments=amendments,
            discrepancies=discrepancies,
            tenor_days=tenor_days if m.exporter_waits_tenor else 0,
            validity_days=validity_days,
        )
        financing = Money.zero(b.invoice.currency)
        if rate is not None and m.exporter_waits_tenor and tenor_days:
            financing = discount_draft(b.invoice, rate, tenor_days).interest
        rows.append(MethodCost(m, b, financing, b.total + financing))
    rows.sort(key=keys[sort_by])
    return MethodComparison(invoice, int(tenor_days), rate, tuple(rows))
