"""e-Katalog Lokal: a government price, a validated product listing and a registration checklist.

Pure functions over packaged data (``ukm_tools/data/katalog/``):

* :func:`government_price` — the unit price a city department pays: the seller's price,
  plus delivery to the buying office spread over the minimum order, plus PPN only when
  the seller is VAT-registered (PKP). The PPN rate and its tax base (DPP) are data: from
  1 Jan 2025 the rate is 12% on a base of 11/12 of the price for ordinary goods
  (PMK 131/2024), so the burden stays 11%. The price says whether PPN is included.
* :func:`validate_listing` — the fields a local e-Katalog registration asks for, read from
  whatever a participant typed (strings, sheet cells) into a :class:`Listing`, or a
  :class:`~ukm_tools.errors.UkmError` naming every bad field.
* :func:`checklist` — the registration steps (SPSE account, SIKaP, open etalase, upload),
  what each needs, and which of those the participant already has.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from ukm_tools import checks
from ukm_tools.datafiles import packaged_yaml
from ukm_tools.errors import Problem, UkmError, owned
from ukm_tools.messages import Msg, section
from ukm_tools.money import IDR, Money, format_percent
from ukm_tools.numbers import parse_number

if TYPE_CHECKING:  # the case file module prices through this one
    from ukm_tools.case import Case

T = section("katalog")

# --------------------------------------------------------------------------- PPN


@dataclass(frozen=True)
class PpnRule:
    """One PPN rule: rate on a tax base (DPP) that is a fraction of the price."""

    valid_from: dt.date
    rate_pct: Decimal
    tax_base: Fraction  # DPP / price
    applies_to: str  # all | non_luxury | luxury
    source: str

    @property
    def effective_pct(self) -> Decimal:
        """The burden on the price: 12% x 11/12 = 11%."""
        return self.rate_pct * self.tax_base.numerator / self.tax_base.denominator

    def ppn_on(self, price: Money) -> Money:
        """PPN on ``price`` (exact): price x DPP fraction x rate."""
        return price * self.rate_pct * self.tax_base.numerator / (self.tax_base.denominator * 100)

    def tax_base_of(self, price: Money) -> Money:
        return price * self.tax_base.numerator / self.tax_base.denominator

    def label(self, lang: str = "id") -> str:
        base = "" if self.tax_base == 1 else (f" x DPP {self.tax_base.numerator}/{self.tax_base.denominator}")
        return f"PPN {format_percent(self.rate_pct, lang)}{base}"


def _ppn_data() -> dict[str, Any]:
    data: dict[str, Any] = packaged_yaml("katalog/ppn.yaml")
    return data


def ppn_rules() -> tuple[PpnRule, ...]:
    rules = []
    for r in _ppn_data()["rules"]:
        rules.append(
            PpnRule(
                valid_from=r["valid_from"],
                rate_pct=Decimal(str(r["rate_pct"])),
                tax_base=Fraction(str(r["tax_base"])),
                applies_to=r["applies_to"],
                source=r["source"],
            )
        )
    return tuple(sorted(rules, key=lambda r: r.valid_from))


@owned("katalog")
def ppn_rule(on: dt.date, luxury: bool = False) -> PpnRule:
    """The PPN rule in force on ``on`` for ordinary (or luxury) goods."""
    wanted = "luxury" if luxury else "non_luxury"
    found = [r for r in ppn_rules() if r.valid_from <= on and r.applies_to in ("all", wanted)]
    if not found:
        raise UkmError("out_of_range", "valid_from", on.isoformat(), f">= {ppn_rules()[0].valid_from.isoformat()}")
    return found[-1]


def pkp_threshold() -> Money:
    """Annual turnover above which a business must register as PKP (charge PPN)."""
    t = _ppn_data()["pkp_threshold"]
    return Money.of(t["amount"], t["currency"])


# --------------------------------------------------------------------------- price


@dataclass(frozen=True)
class PriceInput:
    """What the seller knows: own price per unit, delivery per order, tax status, validity."""

    price_before_ppn: Money  # per unit, at the seller's premises
    min_order: int
    pkp: bool
    valid_from: dt.date
    valid_until: dt.date
    delivery_per_order: Money = Money.zero(IDR)  # to the buying office, for one minimum order
    luxury: bool = False
    annual_turnover: Money | None = None  # optional: warns a non-PKP seller above the threshold


@dataclass(frozen=True)
class GovernmentPrice:
    """A unit price for a government buyer, delivered to its office.

    ``unit_price`` is what the listing shows: it includes PPN exactly when
    ``ppn_included`` (seller is PKP). Rounded half-up to whole rupiah: first the price
    before PPN, then the PPN on it, so price + PPN adds up on the invoice.
    """

    price_before_ppn: Money  # seller's price per unit, as given
    delivery_per_unit: Money  # exact share of the delivery cost
    unit_before_ppn: Money  # rounded: price + delivery share
    tax_base: Money  # DPP per unit (exact; zero when not PKP)
    ppn: Money  # rounded PPN per unit (zero when not PKP)
    unit_price: Money  # rounded: what the listing shows
    ppn_included: bool
    rule: PpnRule  # the rule in force on valid_from (shown even when not PKP)
    valid_from: dt.date
    valid_until: dt.date
    min_order: int
    notes: tuple[Msg, ...] = ()

    def order_total(self, quantity: int) -> Money:
        return self.unit_price * quantity

    def is_valid_on(self, day: dt.date) -> bool:
        return self.valid_from <= day <= self.valid_until

    def to_json(self) -> dict[str, Any]:
        return {
            "unit_before_ppn": self.unit_before_ppn.to_json(),
            "delivery_per_unit": self.delivery_per_unit.to_json(),
            "ppn": self.ppn.to_json(),
            "unit_price": self.unit_price.to_json(),
            "ppn_included": self.ppn_included,
            "ppn_rate_pct": str(self.rule.rate_pct),
            "tax_base": f"{self.rule.tax_base.numerator}/{self.rule.tax_base.denominator}",
            "ppn_source": self.rule.source,
            "valid_from": self.valid_from.isoformat(),
            "valid_until": self.valid_until.isoformat(),
            "min_order": self.min_order,
            "notes": [n.text("en") for n in self.notes],
        }

    def statement(self, lang: str = "id") -> str:
        """The sentence a listing must carry about PPN."""
        r = self.rule
        if not self.ppn_included:
            return T("ppn_excluded", lang)
        base = ""
        if r.tax_base != 1:
            base = T("ppn_tax_base", lang, numerator=r.tax_base.numerator, denominator=r.tax_base.denominator)
        rate, effective = format_percent(r.rate_pct, lang), format_percent(r.effective_pct, lang)
        return T("ppn_included", lang, rate=rate, base=base, effective=effective, ppn=self.ppn)


@owned("katalog")
def government_price(inp: PriceInput) -> GovernmentPrice:
    """The delivered unit price for a government buyer, with or without PPN.

    Raises:
        UkmError: every problem with the input (currency, negative price, dates...).
    """
    problems: list[Problem] = []
    checks.rupiah_amounts(inp, ("price_before_ppn", "delivery_per_order"), problems)
    if inp.price_before_ppn.amount == 0:
        problems.append(Problem("not_positive", "price_before_ppn", inp.price_before_ppn.amount))
    min_order = checks.collect(problems, checks.exact_int, inp.min_order, "min_order", minimum=1)
    if inp.valid_until < inp.valid_from:
        problems.append(Problem("date_order", "valid_until", inp.valid_until.isoformat(), inp.valid_from.isoformat()))
    rule = None
    try:
        rule = ppn_rule(inp.valid_from, inp.luxury)
    except UkmError as e:
        problems.extend(e.problems)
    if problems:
        raise UkmError(problems=problems)
    assert rule is not None  # no rule in force is itself a problem above

    delivery_per_unit = inp.delivery_per_order / min_order
    unit_before = (inp.price_before_ppn + delivery_per_unit).rounded()
    if inp.pkp:
        tax_base, ppn = rule.tax_base_of(unit_before), rule.ppn_on(unit_before).rounded()
    else:
        tax_base, ppn = Money.zero(IDR), Money.zero(IDR)
    notes: list[Msg] = []
    changes = [r for r in ppn_rules() if inp.valid_from < r.valid_from <= inp.valid_until]
    if changes:
        notes.append(T.msg("ppn_rule_changes", day=changes[0].valid_from.isoformat()))
    if not inp.pkp and inp.annual_turnover is not None and inp.annual_turnover > pkp_threshold():
        notes.append(T.msg("must_register_pkp", turnover=inp.annual_turnover, threshold=pkp_threshold()))
    return GovernmentPrice(
        price_before_ppn=inp.price_before_ppn,
        delivery_per_unit=delivery_per_unit,
        unit_before_ppn=unit_before,
        tax_base=tax_base,
        ppn=ppn,
        unit_price=unit_before + ppn,
        ppn_included=inp.pkp,
        rule=rule,
        valid_from=inp.valid_from,
        valid_until=inp.valid_until,
        min_order=min_order,
        notes=tuple(notes),
    )


def price_at_premises(hpp: Money, markup_pct: Decimal) -> Money:
    """A seller's own price per unit before PPN and delivery: its unit cost (HPP) plus its
    markup, to the whole rupiah (216.000 + 30% = 280.800). No export packing: the goods go
    to an office in town."""
    return (hpp * (1 + markup_pct / 100)).rounded()


# --------------------------------------------------------------------------- listing

# Listing fields in the order a registration form asks for them: (key, required).
LISTING_FIELDS: tuple[tuple[str, bool], ...] = (
    ("product_name", True),
    ("specification", True),
    ("sale_unit", True),
    ("brand", True),
    ("origin", True),
    ("price_before_ppn", True),
    ("delivery_per_order", False),
    ("min_order", True),
    ("delivery_area", True),
    ("valid_from", False),
    ("valid_until", True),
    ("nib", True),
    ("kbli", True),
    ("npwp", True),
    ("kswp_status", True),
    ("pkp", True),
)
FIELD_KEYS = tuple(k for k, _ in LISTING_FIELDS)
TEXT_FIELDS = ("product_name", "specification", "sale_unit", "brand", "origin", "delivery_area")
_YES = {"ya", "y", "yes", "true", "1", "pkp"}
_NO = {"tidak", "t", "no", "n", "false", "0", "bukan", "non-pkp", "non pkp"}
MAX_TEXT = 500


@dataclass(frozen=True)
class BusinessIdentity:
    nib: str
    kbli: str
    npwp: str
    kswp_valid: bool
    pkp: bool


@dataclass(frozen=True)
class Listing:
    """One product as a local e-Katalog registration asks for it, priced for a government buyer."""

    product_name: str
    specification: str
    sale_unit: str
    brand: str
    origin: str
    min_order: int
    delivery_area: str
    identity: BusinessIdentity
    price: GovernmentPrice

    def as_row(self, lang: str = "id") -> dict[str, Any]:
        """Ordered column -> value for a clean listing sheet (amounts as whole-rupiah Decimals)."""

        def col(key: str) -> str:
            return field_label(key, lang)

        p = self.price
        yes, no = T("yes", lang), T("no", lang)
        return {
            col("product_name"): self.product_name,
            col("specification"): self.specification,
            col("sale_unit"): self.sale_unit,
            col("brand"): self.brand,
            col("origin"): self.origin,
            col("price_before_ppn"): p.unit_before_ppn.amount,
            col("ppn_per_unit"): p.ppn.amount,
            col("unit_price"): p.unit_price.amount,
            col("ppn_included"): yes if p.ppn_included else no,
            col("min_order"): self.min_order,
            col("delivery_area"): self.delivery_area,
            col("valid_from"): p.valid_from,
            col("valid_until"): p.valid_until,
            col("nib"): self.identity.nib,
            col("kbli"): self.identity.kbli,
            col("npwp"): self.identity.npwp,
            col("kswp_status"): "valid" if self.identity.kswp_valid else T("kswp_invalid", lang),
            col("ppn_statement"): p.statement(lang),
        }


def _is_blank(v: Any) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def _text(v: Any) -> str:
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return str(v).strip()


def _number(v: Any, name: str, lang: str) -> Decimal:
    if isinstance(v, bool):
        raise UkmError("not_a_number", name, v)
    if isinstance(v, float):
        # Spreadsheet cells arrive as floats; their repr is the decimal the cell shows.
        return Decimal(repr(v))
    return parse_number(v if isinstance(v, (int, Decimal)) else str(v), lang, name)


def _digits(v: Any, name: str, lengths: tuple[int, ...]) -> str:
    numeric = isinstance(v, (int, float)) and not isinstance(v, bool)
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    raw = str(v).strip()
    if numeric and len(raw) > 15:
        # Excel keeps 15 significant digits of a number: digit 16 is already lost.
        raise UkmError("digits_as_number", name, raw)
    # People write NPWP as 01.234.567.8-901.000; punctuation and spaces are not digits.
    digits = re.sub(r"[\s.\-/]", "", raw)
    if not digits.isdigit() or len(digits) not in lengths:
        count = sum(c.isdigit() for c in digits)
        raise UkmError("digits_length", name, raw, " / ".join(str(n) for n in lengths), count=count)
    return digits


def _date(v: Any, name: str) -> dt.date:
    if isinstance(v, dt.datetime):
        return v.date()
    if isinstance(v, dt.date):
        return v
    s = str(v).strip()
    for fmt in ("%Y-%m-%d", "%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y"):
        try:
            return dt.datetime.strptime(s, fmt).date()
        except ValueError:
            continue
    raise UkmError("not_a_date", name, s)


def _flag(v: Any, name: str, yes: set[str], no: set[str]) -> bool:
    if isinstance(v, bool):
        return v
    s = _text(v).lower()
    if s in yes:
        return True
    if s in no:
        return False
    raise UkmError("unknown_choice", name, _text(v), ["ya", "tidak"])


@owned("katalog")
def validate_listing(raw: Mapping[str, Any], lang: str = "id", today: dt.date | None = None) -> Listing:
    """A :class:`Listing` from loosely typed values keyed by :data:`FIELD_KEYS`.

    Numbers typed as text are read the ``lang`` way (``25.000`` in Indonesian) —
    the convention of the input, not the language messages are shown in;
    spreadsheet numbers and dates are taken as they are. ``valid_from`` defaults to
    ``today`` (which the caller passes: the domain does not read the clock).

    Raises:
        UkmError: one problem per bad or missing field, each naming the field.
    """
    if not isinstance(raw, Mapping):
        raise UkmError("wrong_type", "sheet", type(raw).__name__, list(FIELD_KEYS))
    problems: list[Problem] = []
    for key in raw:
        if key not in FIELD_KEYS:
            problems.append(Problem("unknown_field", key, None, list(FIELD_KEYS)))
    val: dict[str, Any] = {}

    def take(key: str, parse: Callable[[Any], Any]) -> None:
        v = raw.get(key)
        if _is_blank(v):
            return
        try:
            val[key] = parse(v)
        except UkmError as e:
            problems.extend(e.problems)

    for key, required in LISTING_FIELDS:
        if required and _is_blank(raw.get(key)):
            problems.append(Problem("missing_field", key))
    for key in TEXT_FIELDS:
        take(key, _text)
        if key in val and len(val[key]) > MAX_TEXT:
            problems.append(Problem("text_too_long", key, val[key][:30] + "...", MAX_TEXT, {"length": len(val[key])}))

    def money(key: str) -> Callable[[Any], Money]:
        return lambda v: Money.of(_number(v, key, lang), IDR)

    take("price_before_ppn", money("price_before_ppn"))
    take("delivery_per_order", money("delivery_per_order"))

    def whole(v: Any) -> int:
        d = _number(v, "min_order", lang)
        if d != d.to_integral_value():
            raise UkmError("not_integer", "min_order", v)
        return int(d)

    take("min_order", whole)
    take("valid_from", lambda v: _date(v, "valid_from"))
    take("valid_until", lambda v: _date(v, "valid_until"))
    take("nib", lambda v: _digits(v, "nib", (13,)))
    take("kbli", lambda v: _digits(v, "kbli", (5,)))
    take("npwp", lambda v: _digits(v, "npwp", (15, 16)))
    take("kswp_status", lambda v: _flag(v, "kswp_status", {"valid"}, {"tidak valid", "invalid", "not valid", "tidak"}))
    take("pkp", lambda v: _flag(v, "pkp", _YES, _NO))

    price = None
    needed = ("price_before_ppn", "min_order", "valid_until", "pkp")
    if not problems and all(k in val for k in needed):
        valid_from = val.get("valid_from") or today
        if valid_from is None:
            problems.append(Problem("missing_field", "valid_from"))
        else:
            try:
                price = government_price(
                    PriceInput(
                        price_before_ppn=val["price_before_ppn"],
                        delivery_per_order=val.get("delivery_per_order", Money.zero(IDR)),
                        min_order=val["min_order"],
                        pkp=val["pkp"],
                        valid_from=valid_from,
                        valid_until=val["valid_until"],
                    )
                )
            except UkmError as e:
                problems.extend(e.problems)
    if problems:
        raise UkmError(problems=problems)
    assert price is not None  # every field the price needs is required: a missing one is a problem above
    return Listing(
        product_name=val["product_name"],
        specification=val["specification"],
        sale_unit=val["sale_unit"],
        brand=val["brand"],
        origin=val["origin"],
        min_order=val["min_order"],
        delivery_area=val["delivery_area"],
        identity=BusinessIdentity(val["nib"], val["kbli"], val["npwp"], val["kswp_status"], val["pkp"]),
        price=price,
    )


@dataclass(frozen=True)
class ListingCheck:
    """A listing checked as far as it goes: the listing when valid, every problem, what it proves."""

    listing: Listing | None
    problems: tuple[Problem, ...]
    have: frozenset[str]


def check_listing(raw: Mapping[str, Any], lang: str = "id", today: dt.date | None = None) -> ListingCheck:
    """Like :func:`validate_listing` but never raises: also says which identity items are
    already in order (a valid NIB proves ``nib`` even while the price is still missing)."""
    try:
        listing = validate_listing(raw, lang, today)
        return ListingCheck(listing, (), frozenset(have_from_listings([listing])))
    except UkmError as e:
        bad = {p.field for p in e.problems}
        have = {k for k in ("nib", "kbli", "npwp") if k not in bad and not _is_blank(raw.get(k))}
        kswp = raw.get("kswp_status")
        if "kswp_status" not in bad and not _is_blank(kswp) and _text(kswp).lower() == "valid":
            have.add("kswp_valid")
        return ListingCheck(None, tuple(e.problems), frozenset(have))


# --------------------------------------------------------------------------- checklist


@dataclass(frozen=True)
class Need:
    key: str
    text: dict[str, str]
    have: bool


@dataclass(frozen=True)
class Step:
    key: str
    title: dict[str, str]
    where: dict[str, str]
    needs: tuple[Need, ...]
    done: bool  # what the step gives is already had
    gives: str | None

    @property
    def missing(self) -> tuple[Need, ...]:
        return tuple(n for n in self.needs if not n.have)

    @property
    def ready(self) -> bool:
        return not self.missing

    def state(self, lang: str = "id") -> str:
        """done / ready / not ready, in ``lang``."""
        return T("step_done" if self.done else "step_ready" if self.ready else "step_not_ready", lang)


@dataclass(frozen=True)
class Checklist:
    steps: tuple[Step, ...]
    source: str
    date: dt.date

    @property
    def next_step(self) -> Step | None:
        return next((s for s in self.steps if not s.done), None)

    def to_json(self) -> dict[str, Any]:
        return {
            "next_step": self.next_step.key if self.next_step else None,
            "steps": [
                {"key": s.key, "done": s.done, "ready": s.ready, "needs": {n.key: n.have for n in s.needs}}
                for s in self.steps
            ],
        }

    def to_markdown(self, lang: str = "id") -> str:
        lines = [T("checklist_title", lang), ""]
        for i, s in enumerate(self.steps, 1):
            lines.append(f"## {i}. {s.title[lang]} — {s.state(lang)}")
            lines.append(f"{T('where', lang)}: {s.where[lang]}")
            lines.append("")
            for n in s.needs:
                lines.append(f"- [{'x' if n.have else ' '}] {n.text[lang]}")
            lines.append("")
        lines.append(f"{T('source', lang)}: {self.source.strip()} ({self.date.isoformat()})")
        return "\n".join(lines) + "\n"


def example_listing() -> dict[str, Any]:
    """The workshop's example product, keyed by :data:`FIELD_KEYS`: the case study's own e-Katalog
    sale (the case file's ``katalog:`` section, priced by :mod:`ukm_tools.case_study`), with the
    fictional identity of ``data/katalog/example.yaml``. The book's e-Katalog page shows the same sale."""
    from ukm_tools.case_study import CaseStudy  # the case study prices with this module

    study = CaseStudy(_workshop_case())
    case, sale = study.case, study.katalog_input(pkp=False)
    return {
        **packaged_yaml("katalog/example.yaml")["identity"],
        "product_name": case.product.name,
        "specification": case.product.description or case.product.name,
        "sale_unit": case.product.unit,
        "price_before_ppn": _whole(sale.price_before_ppn.amount),
        "delivery_per_order": _whole(sale.delivery_per_order.amount),
        "min_order": sale.min_order,
        "delivery_area": study.katalog_terms.delivery_area or case.seller.city,
        "valid_from": sale.valid_from,
        "valid_until": sale.valid_until,
        "pkp": "tidak",
    }


def exercise_validity() -> tuple[dt.date, dt.date]:
    """(first, last) day the prices of the exercises and the book's e-Katalog page hold: the case
    file's e-Katalog sale."""
    from ukm_tools.case_study import CaseStudy

    sale = CaseStudy(_workshop_case()).katalog_input(pkp=False)
    return sale.valid_from, sale.valid_until


def _whole(amount: Decimal) -> int | Decimal:
    """An amount as a spreadsheet shows it: whole rupiah as an integer."""
    return int(amount) if amount == amount.to_integral_value() else amount


def _workshop_case() -> Case:
    from ukm_tools.case import packaged_case

    return packaged_case()


def requirement_texts() -> dict[str, dict[str, str]]:
    return dict(packaged_yaml("katalog/registration.yaml")["requirements"])


@owned("katalog")
def checklist(have: Iterable[str]) -> Checklist:
    """The registration steps with what each needs, ticking what is in ``have``.

    ``have`` holds requirement keys from ``registration.yaml`` (``nib``, ``spse_account``...).
    A step counts as done when what it gives is had (e.g. ``sikap_complete``).

    Raises:
        UkmError: ``unknown_choice`` for a key that is not a requirement.
    """
    data = packaged_yaml("katalog/registration.yaml")
    reqs = data["requirements"]
    have = list(have)
    unknown = [k for k in have if not isinstance(k, str) or k not in reqs]
    if unknown:
        raise UkmError(problems=[Problem("unknown_choice", "have", k, sorted(reqs)) for k in unknown])
    have = set(have)
    steps = []
    for s in data["steps"]:
        needs = tuple(Need(k, reqs[k], k in have) for k in s["needs"])
        gives = s.get("gives")
        steps.append(Step(s["key"], s["title"], s["where"], needs, bool(gives) and gives in have, gives))
    return Checklist(tuple(steps), data["source"], data["date"])


def have_from_listings(listings: Iterable[Listing], *, all_rows_valid: bool = True) -> set[str]:
    """What validated listings prove the participant has (identity, product data)."""
    listings = list(listings)
    have: set[str] = set()
    if not listings:
        return have
    have |= {"nib", "kbli", "npwp"}
    if all(lst.identity.kswp_valid for lst in listings):
        have.add("kswp_valid")
    if all_rows_valid:
        have.add("product_data")
    return have


def field_label(key: str, lang: str = "id") -> str:
    """A listing field's name in ``lang``: the column header of the sheets and the label in messages."""
    return T.field(key, lang)
