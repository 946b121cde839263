"""Exchange-rate sheets and conversions that always say which rate they used.

A bank quotes rupiah per unit of foreign currency: it *buys* foreign currency from an
exporter at the buying rate (lower) and *sells* it at the selling rate (higher). So:

* an exporter's foreign proceeds become rupiah at the **buying** rate, and an IDR cost
  turns into a foreign price at the buying rate too (that is what the proceeds will fetch);
* a foreign cost the exporter pays (freight in USD) costs rupiah at the **selling** rate.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ukm_tools import checks
from ukm_tools.dated import Dated, as_date
from ukm_tools.errors import Problem, UkmError
from ukm_tools.messages import section
from ukm_tools.money import IDR, Money, RateValue, check_currency

if TYPE_CHECKING:  # pragma: no cover
    from ukm_tools.file_numbers import FileNumbers
    from ukm_tools.plausibility import Bands

BASE = IDR  # rates are rupiah per unit of a foreign currency
T = section("fx")
SHEET_KEYS = ("date", "source", "note", "rates")
RATE_KEYS = ("buy", "sell", "mid", "date", "source")


class RateKind(StrEnum):
    BUY = "buy"
    SELL = "sell"
    MID = "mid"


# Rates older than this many days get the staleness warning (pages and quotations alike).
DEFAULT_MAX_RATE_AGE_DAYS = 7
RATE_SHEET_NAME = T.msg("rate_sheet")  # how pages and documents name a RateSheet


@dataclass(frozen=True)
class Rate:
    """Rupiah per one unit of ``currency``; ``date`` and ``source`` when they differ from the
    sheet's (a rate typed today beside the others of an older sheet)."""

    currency: str
    buy: Decimal
    sell: Decimal
    mid: Decimal
    date: dt.date | None = None
    source: str | None = None

    def value(self, kind: RateKind) -> Decimal:
        value: Decimal = getattr(self, RateKind(kind).value)
        return value

    @property
    def spread_pct(self) -> Decimal:
        """Selling minus buying rate, in percent of the middle rate."""
        return (self.sell - self.buy) / self.mid * 100


@dataclass(frozen=True)
class AppliedRate:
    """The rate a converted figure used: currency, kind, value, date and source."""

    currency: str
    kind: RateKind
    value: Decimal
    date: dt.date
    source: str

    def describe(self, lang: str = "id") -> str:
        """E.g. ``kurs beli bank USD 16.150 (02-01-2026, Bank Jatim)``."""
        from ukm_tools.money import format_number

        kind = T.msg(f"kind_{self.kind.value}")
        value = format_number(self.value, lang)
        return T(
            "rate_described", lang, kind=kind, currency=self.currency, value=value, date=self.date, source=self.source
        )

    text = describe  # a rate fills a message's {rate} with its description


@dataclass(frozen=True)
class Converted:
    """A converted amount and the rate that produced it."""

    money: Money
    rate: AppliedRate


@dataclass(frozen=True)
class RateSheet(Dated):
    """Buy/sell/mid rates against IDR on one date from one source."""

    date: dt.date
    source: str
    rates: Mapping[str, Rate]
    note: str = ""

    @classmethod
    def from_mapping(
        cls, data: Mapping[str, Any], numbers: FileNumbers | None = None, bands: Bands | None = None
    ) -> RateSheet:
        """A validated sheet from parsed YAML: ``date``, ``source``, optional ``note`` and
        ``rates: {USD: {buy, sell, mid}}`` (``mid`` defaults to the average of buy and sell; a
        rate may carry its own ``date`` and ``source``).

        ``numbers``: how the file writes its numbers (:mod:`ukm_tools.file_numbers`; by default
        as a sheet was always read). ``bands``: usual ranges of rupiah rates
        (:mod:`ukm_tools.plausibility`; by default the packaged ones).

        Raises:
            UkmError: every problem at once, each naming its field (``rates.USD.buy``...).
        """
        from ukm_tools.file_numbers import FileNumbers
        from ukm_tools.plausibility import RATE_IDR, default_bands

        numbers = numbers or FileNumbers(legacy_text="en")
        bands = bands or default_bands()
        if not isinstance(data, Mapping):
            raise UkmError("wrong_type", "rate_sheet", type(data).__name__, "date, source, rates")
        problems: list[Problem] = [
            Problem("unknown_field", str(key), key, list(SHEET_KEYS)) for key in data if key not in SHEET_KEYS
        ]
        date = checks.collect(problems, as_date, data.get("date"), "date")
        source = str(data.get("source") or "").strip()
        if not source:
            problems.append(Problem("missing_field", "source"))
        raw_rates = data.get("rates") or {}
        if not isinstance(raw_rates, Mapping):
            raise UkmError("wrong_type", "rates", raw_rates, "{USD: {buy: ..., sell: ..., mid: ...}}")
        rates: dict[str, Rate] = {}
        for code, r in raw_rates.items():
            try:
                ccy = check_currency(code, f"rates.{code}")
                if not isinstance(r, Mapping):
                    raise UkmError("wrong_type", f"rates.{ccy}", r, "{buy: ..., sell: ..., mid: ...}")
                where = f"rates.{ccy}"
                vals: dict[str, Decimal] = {}
                rate_problems = [
                    Problem("unknown_field", f"{where}.{k}", k, list(RATE_KEYS)) for k in r if k not in RATE_KEYS
                ]
                for kind in ("buy", "sell", "mid"):
                    if r.get(kind) is None:
                        if kind != "mid":
                            rate_problems.append(Problem("missing_field", f"{where}.{kind}"))
                        continue
                    v = checks.collect(rate_problems, numbers.number, r[kind], f"{where}.{kind}")
                    if v is not None:
                        vals[kind] = v
                if "buy" not in vals or "sell" not in vals or ("mid" in r and "mid" not in vals):
                    raise UkmError(problems=rate_problems)
                own_date = checks.collect(rate_problems, as_date, r["date"], f"{where}.date") if "date" in r else None
                own_source = str(r["source"]).strip() if r.get("source") else None
                # Each rate above 0 and within the usual range (16,42 for 16.420 is refused here,
                # before the order of buy, mid and sell, which a slip upsets only as a consequence).
                for kind, v in vals.items():
                    if v <= 0:
                        rate_problems.append(Problem("rate_not_positive", f"{where}.{kind}", v))
                        continue
                    raw = r[kind]
                    checks.collect(
                        rate_problems,
                        bands.check,
                        v,
                        f"{RATE_IDR}.{ccy}",
                        f"{where}.{kind}",
                        convention=numbers.convention,
                        as_typed=raw if isinstance(raw, str) else None,
                    )
                if rate_problems:
                    raise UkmError(problems=rate_problems)
                rate = make_rate(ccy, vals["buy"], vals["sell"], vals.get("mid"), own_date, own_source)
                if rate_problems:
                    raise UkmError(problems=rate_problems)
                rates[ccy] = rate
            except UkmError as e:
                problems.extend(e.problems)
        if problems:
            raise UkmError(problems=problems)
        if not rates:
            raise UkmError("missing_field", "rates")
        assert date is not None  # a missing or bad date is a problem above
        return cls(date=date, source=source, rates=rates, note=str(data.get("note") or ""))

    def to_mapping(self) -> dict[str, Any]:
        """What :meth:`from_mapping` reads back to this sheet (exact Decimals)."""
        rates: dict[str, Any] = {}
        for ccy, r in self.rates.items():
            entry: dict[str, Any] = {"buy": r.buy, "mid": r.mid, "sell": r.sell}
            if r.date is not None and r.date != self.date:
                entry["date"] = r.date
            if r.source and r.source != self.source:
                entry["source"] = r.source
            rates[ccy] = entry
        out: dict[str, Any] = {"date": self.date, "source": self.source}
        if self.note:
            out["note"] = self.note
        out["rates"] = rates
        return out

    def rate(self, currency: str) -> Rate:
        ccy = str(currency).strip().upper()
        if ccy not in self.rates:
            raise UkmError("missing_rate", "currency", ccy, sorted(self.rates), source=self.source)
        return self.rates[ccy]

    def applied(self, currency: str, kind: RateKind) -> AppliedRate:
        """The rate of ``kind`` for ``currency``, with the date and source that rate has."""
        r = self.rate(currency)
        kind = rate_kind(kind)
        return AppliedRate(r.currency, kind, r.value(kind), r.date or self.date, r.source or self.source)


def rate_kind(kind: RateKind | str) -> RateKind:
    try:
        return RateKind(kind)
    except ValueError:
        raise UkmError("unknown_choice", "rate_kind", kind, [k.value for k in RateKind]) from None


def make_rate(
    currency: str,
    buy: RateValue,
    sell: RateValue,
    mid: RateValue | None = None,
    date: dt.date | None = None,
    source: str | None = None,
) -> Rate:
    """A validated :class:`Rate` (all > 0, buy ≤ mid ≤ sell)."""
    b, s = checks.number(buy, f"{currency}.buy"), checks.number(sell, f"{currency}.sell")
    m = checks.number(mid, f"{currency}.mid") if mid is not None else (b + s) / 2
    for name, v in (("buy", b), ("sell", s), ("mid", m)):
        if v <= 0:
            raise UkmError("rate_not_positive", f"rates.{currency}.{name}", v)
    if not (b <= m <= s):
        raise UkmError("rate_order", f"rates.{currency}", f"{b} / {m} / {s}")
    return Rate(currency, b, s, m, date, source)


def convert(amount: Money, to: str, sheet: RateSheet, kind: RateKind) -> Converted:
    """Convert between IDR and a foreign currency at the given kind of rate.

    Full precision is kept; round the result where it is shown.
    """
    to = check_currency(to, "currency")
    if amount.currency == to:
        raise UkmError("currency_mismatch", "currency", amount.currency, to)
    if amount.currency == BASE:
        applied = sheet.applied(to, kind)
        return Converted(Money(amount.amount / applied.value, to), applied)
    if to == BASE:
        applied = sheet.applied(amount.currency, kind)
        return Converted(Money(amount.amount * applied.value, BASE), applied)
    raise UkmError("unknown_choice", "currency", f"{amount.currency}->{to}", ["IDR<->foreign"])


def price_from_idr(cost: Money, currency: str, sheet: RateSheet) -> Converted:
    """An IDR figure as a foreign-currency price, at the bank's buying rate."""
    return convert(cost, currency, sheet, RateKind.BUY)


def proceeds_to_idr(proceeds: Money, sheet: RateSheet) -> Converted:
    """Foreign proceeds sold to the bank: rupiah at the buying rate."""
    return convert(proceeds, BASE, sheet, RateKind.BUY)


def cost_to_idr(cost: Money, sheet: RateSheet) -> Converted:
    """A foreign cost the exporter pays: rupiah at the bank's selling rate."""
    if cost.currency == BASE:
        raise UkmError("currency_mismatch", "currency", cost.currency, "foreign")
    return convert(cost, BASE, sheet, RateKind.SELL)


def spread_cost(amount: Money, sheet: RateSheet) -> Money:
    """Rupiah lost to the bank's spread when foreign ``amount`` is sold at buy instead of mid."""
    r = sheet.rate(amount.currency)
    return Money(amount.amount * (r.mid - r.buy), BASE)


def load_rate_sheet(path: str | Path | None = None, bands: Bands | None = None) -> RateSheet:
    """The packaged default sheet, or one from a YAML file a trainer supplies (its numbers
    read by its ``angka:``; rates checked against ``bands``, by default the packaged ones).

    Raises:
        UkmError: every problem, each naming the file and the field as written there.
    """
    from ukm_tools.datafiles import load_yaml, packaged_yaml, read_text
    from ukm_tools.errors import in_file
    from ukm_tools.file_numbers import declared

    name = "rates.yaml" if path is None else str(path)
    with in_file(name):
        text = "" if path is None else read_text(path)
        data = (
            packaged_yaml("rates.yaml", numbers_as_text=True) if path is None else load_yaml(path, numbers_as_text=True)
        )
        if not isinstance(data, Mapping):
            raise UkmError("malformed_file", "file", name, detail="expected a mapping with date, source, rates")
        numbers, data = declared(data, text)
        return RateSheet.from_mapping(data, numbers.for_rates(), bands)
