"""Case files: the YAML a trainer writes per case study, read into a :class:`Case`.

Format (``ukm_tools/data/cases/kasturi-syrup.yaml`` is the documented example)::

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
      - {name: Ongkos kapal LCL, item: main_carriage, amount: 270, currency: USD}
    insurance: {rate_pct: 0.2, clause: C, method: inclusive, insure_under_d_rules: true}
    import: {duty_pct: 0, mfn_duty_pct: 5, vat_pct: 10}   # DDP and the buyer's landed cost
    payment_terms: "L/C atas unjuk, tidak dapat dibatalkan"  # shown to participants: Indonesian
    validity_days: 30
    rates: {date: ..., source: ..., rates: {USD: {buy: ..., sell: ..., mid: ...}}}  # optional

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

Amounts may be numbers or strings ("1.500.000" is read the Indonesian way).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ukm_tools import incoterms
from ukm_tools.datafiles import load_yaml
from ukm_tools.errors import Problem, UkmError, prefixed
from ukm_tools.fx import RateSheet, load_rate_sheet
from ukm_tools.incoterms import Conditions
from ukm_tools.insurance import Method
from ukm_tools.money import Money, check_currency
from ukm_tools.numbers import parse_number
from ukm_tools.pricing import PRICED_ITEMS, CostLine, PriceBuildUp, PricingInput, build_up


def _num(v: Any) -> Any:
    if isinstance(v, float):
        # YAML gives 0.2 as float; its repr is the exact decimal the author typed.
        return Decimal(repr(v))
    if isinstance(v, str):
        return parse_number(v, "id")
    return v


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

    @property
    def piece_name(self) -> str:
        """The name of one piece (``botol``), or of the unit itself when it holds none."""
        return self.piece or self.unit


class UnitCosts(_Model):
    hpp: Decimal
    packing: Decimal = Decimal(0)
    markup_pct: Decimal = Decimal(0)

    _n = field_validator("hpp", "packing", "markup_pct", mode="before")(lambda cls, v: _num(v))


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

    _n = field_validator("amount", mode="before")(lambda cls, v: _num(v))
    _i = field_validator("item")(lambda cls, v: _check_item(v))
    _c = field_validator("currency")(lambda cls, v: check_currency(v))


class InsuranceTerms(_Model):
    rate_pct: Decimal | None = None  # one rate for whatever clause applies
    rates_pct: dict[Literal["A", "B", "C"], Decimal] = {}  # or a rate per clause
    clause: Literal["A", "B", "C"] | None = None  # None: the rule's minimum
    method: Method = Method.INCLUSIVE
    insure_under_d_rules: bool = True

    _n = field_validator("rate_pct", mode="before")(lambda cls, v: None if v is None else _num(v))
    _m = field_validator("rates_pct", mode="before")(
        lambda cls, v: {k: _num(x) for k, x in v.items()} if isinstance(v, dict) else v
    )


class ImportTerms(_Model):
    duty_pct: Decimal = Decimal(0)  # what the buyer pays (with a preference such as Form D)
    mfn_duty_pct: Decimal | None = None  # without the preference; None: the same as duty_pct
    vat_pct: Decimal = Decimal(0)

    _n = field_validator("duty_pct", "vat_pct", mode="before")(lambda cls, v: _num(v))
    _m = field_validator("mfn_duty_pct", mode="before")(lambda cls, v: None if v is None else _num(v))

    @property
    def normal_duty_pct(self) -> Decimal:
        return self.duty_pct if self.mfn_duty_pct is None else self.mfn_duty_pct


class PaymentPlan(_Model):
    """How the buyer pays and what waiting for the money costs (Modul 4)."""

    method: str = "lc_sight"  # a payment method of ukm_tools/data/financing/payment_methods.yaml
    amendments: int = Field(default=0, ge=0, le=20)
    tenor_days_asked: int = Field(default=60, ge=0, le=720)  # a later payment the buyer asks for
    funding_rate_pct: Decimal = Decimal(9)  # % a year: the cost of money while waiting

    _n = field_validator("funding_rate_pct", mode="before")(lambda cls, v: _num(v))


class OrderPlan(_Model):
    """When an order's costs are paid and how its working capital is borrowed (Modul 5)."""

    materials_share_pct: Decimal = Field(default=Decimal(60), ge=0, le=100)
    production_days: int = Field(default=14, ge=0, le=365)
    loan_scheme: str = "kur_kecil"  # a scheme of ukm_tools/data/financing/kur.yaml

    _n = field_validator("materials_share_pct", mode="before")(lambda cls, v: _num(v))


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

    _n = field_validator("delivery_per_order", mode="before")(lambda cls, v: _num(v))
    _p = field_validator("price_before_ppn", mode="before")(lambda cls, v: None if v is None else _num(v))


class SecondOrder(_Model):
    """A repeat order the buyer wants cheaper (incremental pricing, Modul 3)."""

    fixed_share_pct: Decimal = Field(default=Decimal(30), ge=0, le=100)  # of HPP, already paid for
    buyer_offer_pct: Decimal = Field(default=Decimal(85), gt=0, le=100)  # of the cost-plus price

    _n = field_validator("fixed_share_pct", "buyer_offer_pct", mode="before")(lambda cls, v: _num(v))


class DestinationShelf(_Model):
    """A shop shelf in the destination to price backwards from (reverse pricing, Modul 3)."""

    price_per_piece: Decimal
    currency: str
    retailer_markup_pct: Decimal = Decimal(30)
    distributor_markup_pct: Decimal = Decimal(25)

    _n = field_validator("price_per_piece", "retailer_markup_pct", "distributor_markup_pct", mode="before")(
        lambda cls, v: _num(v)
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
    # The workshop's figures of the same case (see the module docstring); None: not part of it.
    payment: PaymentPlan | None = None
    order: OrderPlan | None = None
    readiness: ReadinessState | None = None
    katalog: KatalogTerms | None = None
    second_order: SecondOrder | None = None
    destination_shelf: DestinationShelf | None = None
    rates: dict[str, Any] | None = None
    source: str = ""  # where the figures come from, with a date
    # Inputs the calculators save beside the case (FX range, readiness answers...): kept, not priced.
    calculators: dict[str, Any] = {}

    _ccy = field_validator("quote_currency")(lambda cls, v: check_currency(v))
    # A broken `rates:` section is reported when the file is read, not when a page first prices it.
    _rates = field_validator("rates")(lambda cls, v: v if v is None or prefixed_sheet(v) else v)
    _rule = field_validator("incoterm")(lambda cls, v: _check_choice(incoterms.RULE_ORDER, upper=True)(v))
    _mode = field_validator("mode")(lambda cls, v: _check_choice(incoterms.MODES)(v))

    def pricing_input(self) -> PricingInput:
        return PricingInput(
            hpp=Money(self.unit_costs.hpp, "IDR"),
            packing=Money(self.unit_costs.packing, "IDR"),
            markup_pct=self.unit_costs.markup_pct,
            quantity=self.quantity,
            quote_currency=self.quote_currency,
            costs=tuple(CostLine(c.name, c.item, Money(c.amount, c.currency), c.per_unit) for c in self.costs),
            insurance_rate_pct=self.insurance.rate_pct if self.insurance else None,
            insurance_rates_pct={str(k): v for k, v in self.insurance.rates_pct.items()} if self.insurance else {},
            insurance_clause=self.insurance.clause if self.insurance else None,
            insurance_method=self.insurance.method if self.insurance else Method.INCLUSIVE,
            insure_under_d_rules=self.insurance.insure_under_d_rules if self.insurance else True,
            duty_pct=self.import_.duty_pct,
            import_vat_pct=self.import_.vat_pct,
            conditions=Conditions(**self.conditions.model_dump()),
            mode=self.mode,
        )

    def rate_sheet(self, override: RateSheet | None = None) -> RateSheet:
        if override is not None:
            return override
        if self.rates is not None:
            return prefixed_sheet(self.rates)
        return load_rate_sheet()

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


def prefixed_sheet(data: Mapping[str, Any]) -> RateSheet:
    try:
        return RateSheet.from_mapping(data)
    except UkmError as e:
        raise prefixed(e, "rates") from None


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


def problems_from_pydantic(err: ValidationError, root: type[BaseModel]) -> list[Problem]:
    """Every error of a pydantic validation of ``root`` as a :class:`Problem` naming its field."""
    problems = []
    for e in err.errors():
        loc = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in e["loc"]).replace(".[", "[")
        code = _PYDANTIC_CODES.get(e["type"], "wrong_type")
        ctx = e.get("ctx") or {}
        allowed = ctx.get("expected") or e["msg"]
        if e["type"] == "less_than_equal":  # a bounded field: name its whole range
            allowed = f"{_lower_bound(e['loc'], root)}-{ctx['le']}"
        if e["type"] == "value_error" and isinstance(ctx.get("error"), UkmError):
            for p in ctx["error"].problems:
                # keep a nested field the check already named in full (rates.USD.buy)
                where = p.field if p.field and loc and p.field.startswith(loc + ".") else loc
                problems.append(Problem(p.code, where, p.value, p.allowed, p.params))
            continue
        problems.append(Problem(code, loc, e.get("input") if code != "missing_field" else None, allowed))
    return problems


def case_from_mapping(data: Any, name: str = "case") -> Case:
    """Validate a parsed case file; every problem is reported at once, field by field."""
    if not isinstance(data, Mapping):
        raise UkmError("malformed_file", "file", name, detail="expected a mapping of fields (key: value)")
    try:
        case = Case.model_validate(data)
    except ValidationError as e:
        raise UkmError(problems=problems_from_pydantic(e, Case)) from None
    return case


def load_case(path: str | Path) -> Case:
    return case_from_mapping(load_yaml(path), str(path))


# The workshop's case: the book, slides, handouts, trainer kit and calculators all start from it.
WORKSHOP_CASE = "kasturi-syrup"


def packaged_case(name: str = WORKSHOP_CASE) -> Case:
    """A case shipped with the package (``ukm_tools/data/cases/NAME.yaml``); by default the workshop's."""
    from ukm_tools.datafiles import packaged_yaml

    return case_from_mapping(packaged_yaml(f"cases/{name}.yaml"), name)
