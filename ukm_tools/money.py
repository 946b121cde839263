"""Exact money: Decimal amounts that always carry their currency.

Arithmetic keeps full precision; rounding happens only where a figure is shown or
billed (:meth:`Money.rounded`), half-up to the currency's minor unit (whole rupiah,
US cents). Display goes through Babel so Indonesian users see ``Rp1.234.567``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_CEILING, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeAlias

from babel.numbers import format_currency, format_decimal, get_currency_name

from ukm_tools.errors import UkmError
from ukm_tools.messages import LOCALES

Number: TypeAlias = Decimal | int | str
# A rate or percentage may also be a float (a slider's value, 0.55 typed in a notebook): it is read
# through its shortest decimal form (checks.number). Money never is.
RateValue: TypeAlias = Decimal | int | str | float
IDR = "IDR"  # the rupiah: every SME's own currency, the base of rate sheets

# Minor units used for billing. Babel/CLDR gives IDR two digits, but rupiah prices,
# bank charges and invoices in Indonesia are in whole rupiah.
_MINOR_UNITS = {"IDR": 0, "JPY": 0, "KRW": 0, "VND": 0}


def minor_units(currency: str) -> int:
    return _MINOR_UNITS.get(currency, 2)


def check_currency(code: str, field: str = "currency") -> str:
    """Upper-case ISO 4217 code, or :class:`UkmError` naming the field."""
    if not isinstance(code, str) or len(code.strip()) != 3 or not code.strip().isalpha():
        raise UkmError("unknown_currency", field, code)
    code = code.strip().upper()
    try:
        name = get_currency_name(code, locale="en")
    except Exception:  # Babel raises various lookup errors for odd input
        name = code
    if name == code:  # Babel echoes codes it does not know
        raise UkmError("unknown_currency", field, code)
    return code


def to_decimal(value: Number, field: str = "amount") -> Decimal:
    """Decimal from an int, Decimal or plain string. Floats are refused: they drift."""
    if isinstance(value, bool):
        raise UkmError("not_a_number", field, value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise UkmError("not_a_number", field, value)
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        # Money must never pass through binary floats; say so instead of guessing.
        raise UkmError("float_money", field, repr(value))
    if isinstance(value, str):
        try:
            d = Decimal(value.strip())
        except InvalidOperation:
            raise UkmError("not_a_number", field, value) from None
        if not d.is_finite():
            raise UkmError("not_a_number", field, value)
        return d
    raise UkmError("not_a_number", field, value)


# Whole digits a figure may have: Rp999 trillion is far beyond any SME invoice, and it keeps
# every product of two inputs inside Decimal's 28-digit context (exact, never rounded away).
MAX_DIGITS = 15


def _quantize(amount: Decimal, places: int, rounding: str) -> Decimal:
    try:
        return amount.quantize(Decimal(1).scaleb(-places), rounding=rounding)
    except InvalidOperation:
        # The result would not fit Decimal's precision: an input had far too many digits.
        raise UkmError("too_large", "amount", f"{amount:.6E}", MAX_DIGITS) from None


def round_half_up(amount: Decimal, places: int) -> Decimal:
    return _quantize(amount, places, ROUND_HALF_UP)


def round_up(amount: Decimal, places: int) -> Decimal:
    return _quantize(amount, places, ROUND_CEILING)


@dataclass(frozen=True, slots=True)
class Money:
    """An amount in one currency. Same-currency arithmetic only; scale by numbers."""

    amount: Decimal
    currency: str

    def __post_init__(self) -> None:
        object.__setattr__(self, "amount", to_decimal(self.amount))
        object.__setattr__(self, "currency", check_currency(self.currency))

    @classmethod
    def of(cls, amount: Number, currency: str) -> Money:
        return cls(to_decimal(amount), currency)

    @classmethod
    def zero(cls, currency: str) -> Money:
        return cls(Decimal(0), currency)

    def _same(self, other: Money) -> None:
        if not isinstance(other, Money):
            raise TypeError(f"expected Money, got {type(other).__name__}")
        if other.currency != self.currency:
            raise UkmError("currency_mismatch", None, self.currency, other.currency)

    def __add__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount + other.amount, self.currency)

    def __sub__(self, other: Money) -> Money:
        self._same(other)
        return Money(self.amount - other.amount, self.currency)

    def __mul__(self, factor: Number) -> Money:
        if isinstance(factor, Money):
            raise TypeError("Money x Money has no meaning")
        return Money(self.amount * to_decimal(factor, "factor"), self.currency)

    __rmul__ = __mul__

    def __truediv__(self, divisor: Number) -> Money:
        d = to_decimal(divisor, "divisor")
        if d == 0:
            raise ZeroDivisionError("division of money by zero")
        return Money(self.amount / d, self.currency)

    def __neg__(self) -> Money:
        return Money(-self.amount, self.currency)

    def __lt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount < other.amount

    def __le__(self, other: Money) -> bool:
        self._same(other)
        return self.amount <= other.amount

    def __gt__(self, other: Money) -> bool:
        self._same(other)
        return self.amount > other.amount

    def __ge__(self, other: Money) -> bool:
        self._same(other)
        return self.amount >= other.amount

    def rounded(self, places: int | None = None) -> Money:
        """Half-up to the currency's minor unit (whole rupiah, cents), or to ``places`` decimals
        (a unit price, stated as precisely as its quantity needs)."""
        digits = minor_units(self.currency) if places is None else places
        return Money(round_half_up(self.amount, digits), self.currency)

    def rounded_up(self) -> Money:
        """Up to the next minor unit (for amounts that must not fall short, e.g. a gross-up)."""
        return Money(round_up(self.amount, minor_units(self.currency)), self.currency)

    @property
    def is_zero(self) -> bool:
        return self.amount == 0

    def format(self, lang: str = "id", places: int | None = None) -> str:
        return format_money(self, lang, places)

    def __str__(self) -> str:
        return format_money(self, "en")

    def to_json(self, places: int | None = None) -> dict[str, str]:
        """``{"amount": "4304.00", "currency": "USD"}`` at the minor unit (or ``places`` decimals)."""
        return {"amount": str(self.rounded(places).amount), "currency": self.currency}


def money_sum(items: Iterable[Money], currency: str) -> Money:
    total = Money.zero(currency)
    for m in items:
        total = total + m
    return total


def format_money(m: Money, lang: str = "id", places: int | None = None) -> str:
    """``Rp1.234.567`` / ``US$ 9.481,29`` in Indonesian, ``IDR 1,234,567`` / ``$9,481.29`` in English;
    ``places``: that many decimals instead of the currency's minor unit (``US$ 1,793336``)."""
    locale = LOCALES.get(lang, "id_ID")
    digits = minor_units(m.currency) if places is None else places
    r = m.rounded(places).amount
    decimals = "." + "0" * digits if digits else ""
    if m.currency == "IDR":
        # "Rp" is how rupiah is written in both languages; Babel still does the grouping.
        sign = "-" if r < 0 else ""
        return f"{sign}Rp{format_decimal(abs(r), format='#,##0' + decimals, locale=locale, decimal_quantization=True)}"
    pattern = ("¤ " if lang == "id" else "¤") + "#,##0" + decimals
    return format_currency(r, m.currency, format=pattern, locale=locale, currency_digits=False)


def format_number(value: Number, lang: str = "id", places: int | None = None) -> str:
    """A plain number in the language's convention (``1.234,5`` / ``1,234.5``)."""
    d = to_decimal(value, "value")
    if places is not None:
        d = round_half_up(d, places)
        fmt = "#,##0" + ("." + "0" * places if places else "")
        return format_decimal(d, format=fmt, locale=LOCALES.get(lang, "id_ID"), decimal_quantization=True)
    return format_decimal(d, locale=LOCALES.get(lang, "id_ID"), decimal_quantization=False)


def format_percent(value: Number, lang: str = "id", places: int = 2) -> str:
    """A percentage given in percent units: ``0,55%``."""
    d = round_half_up(to_decimal(value, "value"), places).normalize()
    if d == d.to_integral():
        d = d.quantize(Decimal(1))
    return format_decimal(d, locale=LOCALES.get(lang, "id_ID"), decimal_quantization=False) + "%"
