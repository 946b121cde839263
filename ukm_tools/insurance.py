"""Marine cargo insurance for C/CIP quotes: cover, premium and insured amount.

Incoterms 2020 (A5) and UCP 600 art. 28(f)(ii) ask for cover of at least 110% of the
contract price: Institute Cargo Clauses (C) minimum under CIF, (A) under CIP.

Two methods:

* ``inclusive`` (default): the premium is itself part of the insured CIF value, so
  CIF = CFR / (1 - cover x rate); premium = CIF - CFR; insured amount = cover x CIF.
* ``simple``: premium = cover x CFR x rate — common in class, slightly under-insures.

Public check (exportmontana.com/formulas.asp): C 17,050 + F 2,500, rate 0.55%
-> premium USD 119.00, insured amount USD 21,635.90.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from ukm_tools import checks
from ukm_tools.errors import UkmError, owned
from ukm_tools.messages import section
from ukm_tools.money import Money, RateValue
from ukm_tools.plausibility import Bands, default_bands

CLAUSES = ("A", "B", "C")
# The least cover Incoterms 2020 (A5 of CIF and CIP) and UCP 600 art. 28(f)(ii) accept: 110% of
# the contract price. The one place the figure is written; a percentage, as the inputs take it.
MIN_COVER_PCT = Decimal(110)
T = section("insurance")
# Wider cover first: (A) all risks bar exclusions, (B) named perils incl. water, (C) major casualties.
_CLAUSE_RANK = {"A": 3, "B": 2, "C": 1}


class Method(StrEnum):
    INCLUSIVE = "inclusive"
    SIMPLE = "simple"


METHOD_LABELS = {m: T.msg(f"method_{m.value}") for m in Method}
CLAUSE_LABELS = {c: T.msg(f"clause_{c}") for c in CLAUSES}


@dataclass(frozen=True)
class InsuranceQuote:
    cfr: Money
    rate_pct: Decimal
    cover_pct: Decimal
    clause: str
    method: Method
    premium: Money
    cif: Money
    insured_amount: Money

    def rows(self, lang: str = "id", *, with_method: bool = True) -> list[tuple[str, str]]:
        """(label, value) pairs of the policy, formatted for ``lang``; the method last."""
        from ukm_tools.money import format_money, format_percent

        rows = ("cfr", "rate", "cover", "clause", "premium", "cif", "insured", "method")
        labels = [T(f"row_{r}", lang) for r in rows]
        values = [
            format_money(self.cfr, lang),
            format_percent(self.rate_pct, lang),
            format_percent(self.cover_pct, lang, 0),
            CLAUSE_LABELS[self.clause][lang],
            format_money(self.premium, lang),
            format_money(self.cif, lang),
            format_money(self.insured_amount, lang),
            METHOD_LABELS[self.method][lang],
        ]
        pairs = list(zip(labels, values, strict=True))
        return pairs if with_method else pairs[:-1]


@owned("insurance")
def check_rate(
    rate_pct: RateValue,
    cover_pct: RateValue = MIN_COVER_PCT,
    field: str = "insurance_rate_pct",
    bands: Bands | None = None,
    as_typed: str | None = None,
) -> Decimal:
    """A premium rate in percent: above 0, and within the usual range of premium rates
    (``bands``, by default the packaged ones: 90,9% is a slip for 0,909%, not a premium)."""
    r = checks.number(rate_pct, field)
    cover = checks.number(cover_pct, "cover_pct")
    if r <= 0:
        raise UkmError("not_positive", field, r)
    (bands or default_bands()).check(r, "insurance_rate_pct", field, as_typed=as_typed)
    if r * cover / 100 >= 100:  # cover x rate >= 1 would make the inclusive CIF infinite or negative
        raise UkmError("insurance_rate_too_high", field, f"{r}%")
    return r


@owned("insurance")
def check_clause(clause: str, required: str | None = None, rule: str = "", field: str = "clause") -> str:
    c = clause.strip().upper().strip("()") if isinstance(clause, str) else clause
    if c not in CLAUSES:
        raise UkmError("unknown_choice", field, clause, list(CLAUSES))
    if required and _CLAUSE_RANK[c] < _CLAUSE_RANK[required]:
        raise UkmError("clause_below_minimum", field, c, required, rule=rule)
    return c


def premium_factor(rate_pct: Decimal, cover_pct: Decimal, method: Method) -> Decimal:
    """Premium as a fraction of CFR (exact), for either method."""
    r, cover = rate_pct / 100, cover_pct / 100
    if method is Method.INCLUSIVE:
        return cover * r / (1 - cover * r)
    return cover * r


@owned("insurance")
def insure(
    cfr: Money,
    rate_pct: RateValue,
    *,
    clause: str = "C",
    method: Method | str = Method.INCLUSIVE,
    cover_pct: RateValue = MIN_COVER_PCT,
    bands: Bands | None = None,
    as_typed: str | None = None,
) -> InsuranceQuote:
    """Premium, CIF and insured amount for a CFR value (all in CFR's currency).

    Premium and CIF are rounded half-up to the minor unit; the insured amount is rounded
    *up*, so cover never falls below ``cover_pct`` of the rounded CIF. ``bands``: usual
    ranges of premium rates (by default the packaged ones); ``as_typed``: the rate as typed,
    for the message when it is outside its range.
    """
    try:
        method = Method(method)
    except ValueError:
        raise UkmError("unknown_choice", "method", method, [m.value for m in Method]) from None
    cfr = checks.money(cfr, "cfr")
    cover = checks.number(cover_pct, "cover_pct")
    if cover < 100:  # less than the goods' own value is no cover
        raise UkmError("out_of_range", "cover_pct", cover, ">= 100")
    rate = check_rate(rate_pct, cover, bands=bands, as_typed=as_typed)
    clause = check_clause(clause)
    premium = (cfr * premium_factor(rate, cover, method)).rounded()
    cif = (cfr + premium).rounded()
    insured = (cif * cover / 100).rounded_up()
    return InsuranceQuote(cfr, rate, cover, clause, method, premium, cif, insured)
