"""Case files: the YAML a trainer writes per case study, read into a :class:`Case`.

Format (``ukm_tools/data/cases/kasturi-syrup.yaml`` is the documented example)::

    angka: en                      # how numbers are written: id (16.420 = 16420; 0,2) or en (16,420; 0.2)
    case: kasturi-syrup            # short id
    title: Sirup jeruk kasturi ...  # shown to participants
    seller: {name: ..., city: ..., address: ..., contact: ...}
    buyer: {name: ..., country: MY, city: ...}
    product: {name: ..., hs_code: "2106.90.71", unit: karton, units_per_carton: 1,
              pieces_per_unit: 12, piece: botol}   # a priced unit may hold pieces (12 bottles)
    quantity: 200                   # units in the shipment
    quote_currency: USD
    incoterm: CIF                   # default rule for `ukm quote`
    named_place: Port Klang
    mode: sea                       # sea | inland_waterway | road | rail | air | multimodal
    conditions: {fca_place: elsewhere, carriage_includes_unloading: false, ...}
    unit_costs: {hpp: 18000, packing: 1500, markup_pct: 30}     # IDR per unit
    costs:                          # per shipment unless per_unit: true
      - {name: Truk Medan-Belawan, item: inland_to_port, amount: 1500000}      # IDR by default
      - {name: Ongkos kapal LCL, item: main_carriage, amount: 270, currency: USD, paid_in: USD}
    insurance: {rate_pct: 0.2, clause: C, method: inclusive, insure_under_d_rules: true}
    import: {duty_pct: 0, mfn_duty_pct: 5, vat_pct: 10}   # DDP and the buyer's landed cost
    payment_terms: "L/C atas unjuk, tidak dapat dibatalkan"  # shown to participants: Indonesian
    validity_days: 30
    unit_price_decimals: 6          # optional: decimals of the unit prices (at least what the quantity needs)
    rates: {date: ..., source: ..., rates: {USD: {buy: ..., sell: ..., mid: ...}}}  # optional
    plausible: {markup_pct: {max: 500}}     # optional: widen a usual range (data/plausibility.yaml)

A cost in a foreign currency is paid in rupiah at the bank's selling rate unless it says
``paid_in:`` its own currency (paid from a foreign-currency account: no exchange at all).

Numbers are read by the file's ``angka:`` (:mod:`ukm_tools.file_numbers`); a file without it
reads as files always did, except a value like ``16.420`` that two readers take differently,
which is refused with both readings. Rates, markups and premium rates far outside their usual
range are refused as likely slips (:mod:`ukm_tools.plausibility`).

The workshop's other figures of the same case (all optional; the book, slides, trainer kit
and calculators read them through :mod:`ukm_tools.case_study`)::

    payment: {method: lc_sight, amendments: 0, tenor_days_asked: 60, funding_rate_pct: 9}
    order: {materials_share_pct: 60, production_days: 14, loan_scheme: kur_kecil}
    readiness: {product_type: processed_food, market: MY, at_start: [nib, npwp], now: [...]}
    katalog: {delivery_per_order: 60000, min_order: 5, delivery_area: Kota Medan,
              valid_from: 2026-01-01, valid_until: 2026-06-30, price_before_ppn: 280800}
    second_order: {fixed_share_pct: 30, buyer_offer_pct: 85}
    destination_shelf: {price_per_piece: 15.90, currency: MYR, retailer_markup_pct: 30,
                        distributor_markup_pct: 25}
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import re
import typing
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from ukm_tools import incoterms
from ukm_tools.datafiles import read_text
from ukm_tools.errors import Problem, UkmError, in_file, prefixed
from ukm_tools.file_numbers import ANGKA, FileNumbers, declared, native
from ukm_tools.fx import RateSheet, load_rate_sheet
from ukm_tools.incoterms import Conditions
from ukm_tools.insurance import Method
from ukm_tools.messages import section
from ukm_tools.money import IDR, Money, check_currency
from ukm_tools.plausibility import OVERRIDE_KEY, RATE_IDR, Bands, bands_for, default_bands
from ukm_tools.pricing import (
    MAX_UNIT_DECIMALS,
    PRICED_ITEMS,
    CostLine,
    PriceBuildUp,
    PricingInput,
    build_up,
    unit_decimals,
)
from ukm_tools.safe_yaml import DEFAULT_LIMITS, Limits

T = section("case")


@dataclass(frozen=True)
class Reading:
    """How the file being validated writes numbers, and the usual ranges its rates must keep to
    (given to pydantic as the validation context)."""

    numbers: FileNumbers = field(default_factory=FileNumbers)
    bands: Bands = field(default_factory=default_bands)


def _reading(info: ValidationInfo | None) -> Reading:
    ctx = (info.context if info is not None else None) or {}
    reading = ctx.get("reading")
    return reading if isinstance(reading, Reading) else Reading()


def _num(v: Any, info: ValidationInfo | None = None) -> Decimal:
    """A number of the file, read by its convention (an in-memory float by its repr).

    Every numeric field of a case reads through here with its ``info`` (``lambda cls, v, info:
    _num(v, info)``), so a file's ``angka:`` applies to it.
    """
    field = (info.field_name if info is not None else None) or "amount"
    return _reading(info).numbers.number(v, field)


def _int(v: Any, info: ValidationInfo | None = None) -> Any:
    """A whole number of the file; pydantic then checks its bounds."""
    if isinstance(v, int) and not isinstance(v, bool):
        return v
    field = (info.field_name if info is not None else None) or "amount"
    return _reading(info).numbers.integer(v, field)


def _plausible(v: Decimal, raw: Any, band: str, info: ValidationInfo) -> Decimal:
    r = _reading(info)
    typed = raw if isinstance(raw, str) else None
    return r.bands.check(v, band, info.field_name or band, convention=r.numbers.convention, as_typed=typed)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Party(_Model):
    name: str
    city: str = ""
    country: str = ""
    address: str = ""
    contact: str = ""


class Product(_Model):
    name: str
    hs_code: str = ""
    unit: str = "unit"
    units_per_carton: int = Field(default=1, gt=0)
    # What one priced unit holds when it is itself a pack (a carton of 12 bottles): a shelf
    # price per bottle and break-even in bottles are read from here, never from a page.
    pieces_per_unit: int = Field(default=1, gt=0)
    piece: str = ""
    description: str = ""

    _i = field_validator("units_per_carton", "pieces_per_unit", mode="before")(lambda cls, v, info: _int(v, info))

    @property
    def piece_name(self) -> str:
        """The name of one piece (``botol``), or of the unit itself when it holds none."""
        return self.piece or self.unit


class UnitCosts(_Model):
    hpp: Decimal
    packing: Decimal = Decimal(0)
    markup_pct: Decimal = Decimal(0)

    _n = field_validator("hpp", "packing", mode="before")(lambda cls, v, info: _num(v, info))

    @field_validator("markup_pct", mode="before")
    @classmethod
    def _markup(cls, v: Any, info: ValidationInfo) -> Decimal:
        d = _num(v, info)
        return d if d < 0 else _plausible(d, v, "markup_pct", info)  # a negative markup is its own problem


def _check_item(v: str) -> str:
    if v not in PRICED_ITEMS:
        raise UkmError("unknown_choice", None, v, list(PRICED_ITEMS))
    return v


def _check_choice(allowed: tuple[str, ...], upper: bool = False) -> Callable[[str], str]:
    def check(v: str) -> str:
        key = v.strip().upper() if upper and isinstance(v, str) else v
        if key not in allowed:
            raise UkmError("unknown_choice", None, v, list(allowed))
        return key

    return check


class Cost(_Model):
    name: str
    item: str
    amount: Decimal
    currency: str = "IDR"
    per_unit: bool = False
    paid_in: str | None = None  # IDR (the default) or the cost's own currency (a foreign-currency account)

    _n = field_validator("amount", mode="before")(lambda cls, v, info: _num(v, info))
    _i = field_validator("item")(lambda cls, v: _check_item(v))
    _c = field_validator("currency")(lambda cls, v: check_currency(v))

    @field_validator("paid_in")
    @classmethod
    def _paid_in(cls, v: str | None, info: ValidationInfo) -> str | None:
        if v is None:
            return None
        currency = info.data.get("currency", IDR)  # validated before: it is declared first
        allowed = [IDR] if currency == IDR else [IDR, currency]
        paid = v.strip().upper()
        if paid not in allowed:
            raise UkmError("unknown_choice", "paid_in", v, allowed)
        return paid


class InsuranceTerms(_Model):
    rate_pct: Decimal | None = None  # one rate for whatever clause applies
    rates_pct: dict[Literal["A", "B", "C"], Decimal] = {}  # or a rate per clause
    clause: Literal["A", "B", "C"] | None = None  # None: the rule's minimum
    method: Method = Method.INCLUSIVE
    insure_under_d_rules: bool = True

    @field_validator("rate_pct", mode="before")
    @classmethod
    def _rate(cls, v: Any, info: ValidationInfo) -> Decimal | None:
        if v is None:
            return None
        d = _num(v, info)
        return d if d <= 0 else _plausible(d, v, "insurance_rate_pct", info)

    @field_validator("rates_pct", mode="before")
    @classmethod
    def _rates(cls, v: Any, info: ValidationInfo) -> Any:
        if not isinstance(v, dict):
            return v
        r = _reading(info)
        out, problems = {}, []
        for clause, x in v.items():
            where = f"rates_pct.{clause}"
            try:
                d = r.numbers.number(x, where)
                typed = x if isinstance(x, str) else None
                convention = r.numbers.convention
                out[clause] = (
                    d
                    if d <= 0
                    else r.bands.check(d, "insurance_rate_pct", where, convention=convention, as_typed=typed)
                )
            except UkmError as e:
                problems.extend(e.problems)
        if problems:
            raise UkmError(problems=problems)
        return out


class ImportTerms(_Model):
    duty_pct: Decimal = Decimal(0)  # what the buyer pays (with a preference such as Form D)
    mfn_duty_pct: Decimal | None = None  # without the preference; None: the same as duty_pct
    vat_pct: Decimal = Decimal(0)

    _n = field_validator("duty_pct", "vat_pct", mode="before")(lambda cls, v, info: _num(v, info))
    _m = field_validator("mfn_duty_pct", mode="before")(lambda cls, v, info: None if v is None else _num(v, info))

    @property
    def normal_duty_pct(self) -> Decimal:
        return self.duty_pct if self.mfn_duty_pct is None else self.mfn_duty_pct


class PaymentPlan(_Model):
    """How the buyer pays and what waiting for the money costs (Modul 4)."""

    method: str = "lc_sight"  # a payment method of ukm_tools/data/financing/payment_methods.yaml
    amendments: int = Field(default=0, ge=0, le=20)
    tenor_days_asked: int = Field(default=60, ge=0, le=720)  # a later payment the buyer asks for
    funding_rate_pct: Decimal = Decimal(9)  # % a year: the cost of money while waiting

    _i = field_validator("amendments", "tenor_days_asked", mode="before")(lambda cls, v, info: _int(v, info))

    _n = field_validator("funding_rate_pct", mode="before")(lambda cls, v, info: _num(v, info))


class OrderPlan(_Model):
    """When an order's costs are paid and how its working capital is borrowed (Modul 5)."""

    materials_share_pct: Decimal = Field(default=Decimal(60), ge=0, le=100)
    production_days: int = Field(default=14, ge=0, le=365)
    loan_scheme: str = "kur_kecil"  # a scheme of ukm_tools/data/financing/kur.yaml

    _i = field_validator("production_days", mode="before")(lambda cls, v, info: _int(v, info))

    _n = field_validator("materials_share_pct", mode="before")(lambda cls, v, info: _num(v, info))


class ReadinessState(_Model):
    """Which export requirements the business meets (codes of data/export_requirements.yaml)."""

    product_type: str = "processed_food"
    market: str = ""  # empty: the buyer's country
    at_start: list[str] = []  # before the programme (the start-up budget)
    now: list[str] = []  # at the time of the case study


class KatalogTerms(_Model):
    """Selling the product to local government offices through the e-Katalog Lokal (Modul 1)."""

    price_before_ppn: Decimal | None = None  # per unit at the seller's; None: HPP x (1 + markup)
    delivery_per_order: Decimal = Decimal(0)
    min_order: int = Field(default=1, gt=0)
    delivery_area: str = ""
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None

    _i = field_validator("min_order", mode="before")(lambda cls, v, info: _int(v, info))

    _n = field_validator("delivery_per_order", mode="before")(lambda cls, v, info: _num(v, info))
    _p = field_validator("price_before_ppn", mode="before")(lambda cls, v, info: None if v is None else _num(v, info))


class SecondOrder(_Model):
    """A repeat order the buyer wants cheaper (incremental pricing, Modul 3)."""

    fixed_share_pct: Decimal = Field(default=Decimal(30), ge=0, le=100)  # of HPP, already paid for
    buyer_offer_pct: Decimal = Field(default=Decimal(85), gt=0, le=100)  # of the cost-plus price

    _n = field_validator("fixed_share_pct", "buyer_offer_pct", mode="before")(lambda cls, v, info: _num(v, info))


class DestinationShelf(_Model):
    """A shop shelf in the destination to price backwards from (reverse pricing, Modul 3)."""

    price_per_piece: Decimal
    currency: str
    retailer_markup_pct: Decimal = Decimal(30)
    distributor_markup_pct: Decimal = Decimal(25)

    _n = field_validator("price_per_piece", "retailer_markup_pct", "distributor_markup_pct", mode="before")(
        lambda cls, v, info: _num(v, info)
    )
    _c = field_validator("currency")(lambda cls, v: check_currency(v))


class ConditionsModel(_Model):
    fca_place: Literal["seller_premises", "elsewhere"] = "seller_premises"
    carriage_includes_unloading: bool = False
    named_place_is_buyer_door: bool = False
    origin_thc_by_seller: bool | None = None


class Case(_Model):
    """A validated case file."""

    case: str
    title: str = ""
    seller: Party
    buyer: Party | None = None
    product: Product
    quantity: int = Field(gt=0)
    quote_currency: str = "USD"
    incoterm: str = "FOB"
    named_place: str = ""
    mode: str = "sea"
    conditions: ConditionsModel = ConditionsModel()
    unit_costs: UnitCosts
    costs: list[Cost] = []
    insurance: InsuranceTerms | None = None
    import_: ImportTerms = Field(default=ImportTerms(), alias="import")
    payment_terms: str = ""
    validity_days: int = Field(default=30, gt=0, le=3660)  # a quotation valid for ten years at most
    unit_price_decimals: int | None = Field(default=None, ge=0, le=12)  # None: what the quantity needs
    plausible: dict[str, Any] = {}  # usual ranges widened on purpose, read once: {key: {min, max}}
    # The workshop's figures of the same case (see the module docstring); None: not part of it.
    payment: PaymentPlan | None = None
    order: OrderPlan | None = None
    readiness: ReadinessState | None = None
    katalog: KatalogTerms | None = None
    second_order: SecondOrder | None = None
    destination_shelf: DestinationShelf | None = None
    rates: dict[str, Any] | None = None  # read once, with the file's convention: exact Decimals
    source: str = ""  # where the figures come from, with a date
    # Inputs the calculators save beside the case (FX range, readiness answers...): kept, not priced.
    calculators: dict[str, Any] = {}

    _ccy = field_validator("quote_currency")(lambda cls, v: check_currency(v))
    _rule = field_validator("incoterm")(lambda cls, v: incoterms.check_code(v))
    _mode = field_validator("mode")(lambda cls, v: _check_choice(incoterms.MODES)(v))
    _ints = field_validator("quantity", "validity_days", "unit_price_decimals", mode="before")(
        lambda cls, v, info: None if v is None else _int(v, info)
    )
    # What the calculators keep beside the case is theirs to read, as YAML reads it.
    _extras = field_validator("calculators", mode="before")(lambda cls, v: native(v))

    @field_validator("rates", mode="before")
    @classmethod
    def _sheet(cls, v: Any, info: ValidationInfo) -> Any:
        """A broken `rates:` section is reported when the file is read, not when a page first prices it."""
        if v is None:
            return None
        if not isinstance(v, Mapping):
            raise UkmError("wrong_type", "rates", v, "{date: ..., source: ..., rates: {USD: {buy: ..., sell: ...}}}")
        r = _reading(info)
        return prefixed_sheet(v, r.numbers.for_rates(), r.bands).to_mapping()

    @field_validator("plausible", mode="before")
    @classmethod
    def _ranges(cls, v: Any, info: ValidationInfo) -> Any:
        """Read once: the ranges as exact numbers (the bands themselves are in the context)."""
        if not v:
            return {}
        bands = bands_for(v, _reading(info).numbers)  # refuses unknown keys and non-numbers
        return _override_mapping(v, bands)

    @model_validator(mode="after")
    def _unit_decimals(self) -> Case:
        """Decimals set in the file must be enough for the quantity (checked where they are written)."""
        least = unit_decimals(self.quantity, self.quote_currency)
        if self.unit_price_decimals is not None and not least <= self.unit_price_decimals <= MAX_UNIT_DECIMALS:
            raise UkmError(
                "unit_decimals_too_few",
                "unit_price_decimals",
                self.unit_price_decimals,
                f"{least}-{MAX_UNIT_DECIMALS}",
                quantity=self.quantity,
                least=least,
            )
        return self

    def bands(self) -> Bands:
        """The usual ranges of rates for this case (the packaged ones, widened by ``plausible:``)."""
        return bands_for(self.plausible)

    def pricing_input(self) -> PricingInput:
        return PricingInput(
            hpp=Money(self.unit_costs.hpp, "IDR"),
            packing=Money(self.unit_costs.packing, "IDR"),
            markup_pct=self.unit_costs.markup_pct,
            quantity=self.quantity,
            quote_currency=self.quote_currency,
            costs=tuple(
                CostLine(c.name, c.item, Money(c.amount, c.currency), c.per_unit, c.paid_in or IDR) for c in self.costs
            ),
            insurance_rate_pct=self.insurance.rate_pct if self.insurance else None,
            insurance_rates_pct={str(k): v for k, v in self.insurance.rates_pct.items()} if self.insurance else {},
            insurance_clause=self.insurance.clause if self.insurance else None,
            insurance_method=self.insurance.method if self.insurance else Method.INCLUSIVE,
            insure_under_d_rules=self.insurance.insure_under_d_rules if self.insurance else True,
            duty_pct=self.import_.duty_pct,
            import_vat_pct=self.import_.vat_pct,
            conditions=Conditions(**self.conditions.model_dump()),
            mode=self.mode,
            unit_price_decimals=self.unit_price_decimals,
            bands=self.bands(),
        )

    def rate_sheet(self, override: RateSheet | None = None) -> RateSheet:
        if override is not None:
            return override
        if self.rates is not None:
            return prefixed_sheet(self.rates, bands=self.bands())
        return load_rate_sheet(bands=self.bands())

    def quote(self, incoterm: str | None = None, sheet: RateSheet | None = None) -> PriceBuildUp:
        return build_up(self.pricing_input(), incoterm or self.incoterm, self.rate_sheet(sheet))

    def valid_until(self, today: dt.date) -> dt.date:
        return today + dt.timedelta(days=self.validity_days)

    def to_mapping(self) -> dict[str, Any]:
        """A plain mapping that :func:`case_from_mapping` reads back (for saving a participant's inputs)."""
        mapping: dict[str, Any] = plain(self.model_dump(mode="python", by_alias=True, exclude_none=True))
        return mapping


def plain(value: Any) -> Any:
    """Python values YAML writes as plain scalars that :func:`case_from_mapping` reads back exactly.

    Decimals become ints, or floats whose repr is the same decimal (the reader turns a float
    back into ``Decimal(repr(x))``); a fraction no float holds exactly (``33.333...`` typed
    with 20 digits) becomes a string written the Indonesian way, which the reader parses
    exactly. Enums become their values, dates ISO text, tuples lists.
    """
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        f = float(value)
        if Decimal(repr(f)) == value:
            return f
        return format(value, "f").replace(".", ",")
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def prefixed_sheet(
    data: Mapping[str, Any], numbers: FileNumbers | None = None, bands: Bands | None = None
) -> RateSheet:
    """A case's ``rates:`` section as a sheet; problems name their place in the case (``rates.rates.USD.buy``)."""
    try:
        return RateSheet.from_mapping(data, numbers, bands)
    except UkmError as e:
        raise prefixed(e, "rates") from None


def _override_mapping(raw: Mapping[str, Any], bands: Bands) -> dict[str, Any]:
    """The ``plausible:`` section with its bounds as exact numbers (what :func:`bands_for` reads back)."""
    out: dict[str, Any] = {}
    for key, spec in raw.items():
        if key == RATE_IDR and isinstance(spec, Mapping):
            out[RATE_IDR] = {
                str(ccy).strip().upper(): _bounds(bands, f"{RATE_IDR}.{str(ccy).strip().upper()}", s)
                for ccy, s in spec.items()
            }
        else:
            out[str(key)] = _bounds(bands, str(key), spec)
    return out


def _bounds(bands: Bands, key: str, spec: Mapping[str, Any]) -> dict[str, Decimal]:
    band = bands.band(key)
    assert band is not None  # bands_for added every key of the section
    return {k: getattr(band, "low" if k == "min" else "high") for k in ("min", "max") if k in spec}


# How pydantic's own error types read as the catalogue's problems, and what each expected.
_PYDANTIC_CODES = {
    "missing": "missing_field",
    "extra_forbidden": "unknown_field",
    "literal_error": "unknown_choice",
    "enum": "unknown_choice",
    "greater_than": "not_positive",
    "greater_than_equal": "negative",
    "less_than_equal": "out_of_range",
    "int_parsing": "not_integer",
    "int_from_float": "not_integer",
    "decimal_parsing": "not_a_number",
}
_EXPECTED = {
    "string_type": "expected_text",
    "bool_type": "expected_true_false",
    "bool_parsing": "expected_true_false",
    "dict_type": "expected_mapping",
    "model_type": "expected_mapping",
    "model_attributes_type": "expected_mapping",
    "list_type": "expected_list",
    "date_type": "expected_date",
    "date_parsing": "expected_date",
}


def _lower_bound(loc: tuple[Any, ...], root: type[BaseModel]) -> Any:
    """The smallest value the field at ``loc`` of ``root`` accepts (1 for gt=0 counts, 0 for ge=0)."""
    import annotated_types

    model: Any = root
    info = None
    for part in loc:
        fields = getattr(model, "model_fields", None)
        if fields is None or not isinstance(part, str):
            break
        info = next((f for name, f in fields.items() if part in (name, f.alias)), None)
        if info is None:
            break
        model = info.annotation
        if getattr(model, "__args__", None):  # Optional[Model]: the model
            model = next((a for a in model.__args__ if a is not type(None)), model)
    for m in getattr(info, "metadata", ()):
        if isinstance(m, annotated_types.Ge):
            return m.ge
        if isinstance(m, annotated_types.Gt):
            return int(m.gt) + 1  # type: ignore[call-overload]  # gt=0 on the counts it is used for
    return 0


def fields_at(loc: tuple[Any, ...], root: type[BaseModel]) -> list[str]:
    """The keys a mapping at ``loc`` (a pydantic location inside ``root``) may hold."""
    model: Any = root
    for part in loc:
        if isinstance(part, int):
            continue
        info = next((f for name, f in model.model_fields.items() if (f.alias or name) == part), None)
        if info is None:
            return []
        inner = [a for a in typing.get_args(info.annotation) or (info.annotation,)]
        inner = [t for a in inner for t in (typing.get_args(a) or (a,))]
        model = next((t for t in inner if isinstance(t, type) and issubclass(t, BaseModel)), None)
        if model is None:
            return []
    names = [f.alias or name for name, f in model.model_fields.items()]
    return [ANGKA, *names] if model is Case else names


def _join(loc: str, field: str | None) -> str:
    """Where a check's problem is: its own field when it names the place in full (rates.rates.USD.buy)
    or below the validated field (rates_pct.C under insurance.rates_pct), else the location."""
    if not field or not loc:
        return field or loc
    if field.startswith(loc + "."):
        return field
    head, _, last = loc.rpartition(".")
    if field.startswith(last + "."):
        return f"{head}.{field}" if head else field
    return loc


def problems_from_pydantic(err: ValidationError, root: type[BaseModel]) -> list[Problem]:
    """One catalogue problem per pydantic error of a validation of ``root``, each naming its
    field, none of pydantic's English in it (an unknown key lists the keys allowed there)."""
    problems = []
    for e in err.errors():
        loc = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in e["loc"]).replace(".[", "[")
        ctx = e.get("ctx") or {}
        if e["type"] == "value_error" and isinstance(ctx.get("error"), UkmError):
            for p in ctx["error"].problems:
                problems.append(dataclasses.replace(p, field=_join(loc, p.field)))
            continue
        code = _PYDANTIC_CODES.get(e["type"], "wrong_type")
        value: Any = e.get("input")
        allowed: Any = None
        if code == "missing_field":
            value = None
        elif code == "unknown_field":
            value = e["loc"][-1]
            allowed = fields_at(tuple(e["loc"][:-1]), root)
        elif code == "unknown_choice":
            allowed = re.findall(r"'([^']*)'", str(ctx.get("expected", "")))
        elif e["type"] == "less_than_equal":  # a bounded field: name its whole range
            allowed = f"{_lower_bound(e['loc'], root)}-{ctx['le']}"
        elif code == "wrong_type":
            allowed = T.msg(_EXPECTED.get(e["type"], "expected_other"))
        problems.append(Problem(code, loc, value, allowed))
    return problems


def case_from_mapping(data: Any, name: str = "case", text: str = "") -> Case:
    """Validate a parsed case file; every problem is reported at once, field by field.

    ``data`` may declare how its numbers are written (``angka:``); ``text`` is the file as
    written (a case the calculators saved before ``angka:`` existed is known by its first line).
    """
    if not isinstance(data, Mapping):
        raise UkmError("malformed_file", "file", name, detail=T.msg("expected_fields"))
    numbers, data = declared(data, text, from_file=bool(text))
    bands = bands_for(data.get(OVERRIDE_KEY), numbers)
    try:
        case = Case.model_validate(data, context={"reading": Reading(numbers, bands)})
    except ValidationError as e:
        raise UkmError(problems=problems_from_pydantic(e, Case)).owned_by("case") from None
    return case


def load_case(path: str | Path, limits: Limits = DEFAULT_LIMITS) -> Case:
    """A case file, its numbers read by its ``angka:``; every problem names the file."""
    from ukm_tools.datafiles import parse_yaml

    with in_file(str(path)):
        text = read_text(path)
        return case_from_mapping(parse_yaml(text, str(path), limits, numbers_as_text=True), str(path), text)


# The workshop's case: the book, slides, handouts, trainer kit and calculators all start from it.
WORKSHOP_CASE = "kasturi-syrup"


def packaged_case(name: str = WORKSHOP_CASE) -> Case:
    """A case shipped with the package (``ukm_tools/data/cases/NAME.yaml``); by default the workshop's."""
    from importlib import resources

    from ukm_tools.datafiles import parse_yaml

    path = f"cases/{name}.yaml"
    with in_file(path):
        text = resources.files("ukm_tools.data").joinpath(path).read_text(encoding="utf-8")
        return case_from_mapping(parse_yaml(text, path, numbers_as_text=True), path, text)
