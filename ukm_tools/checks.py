"""Small input checks shared by the calculators (payments, landed cost, break-even).

Each check returns the clean value or raises :class:`~ukm_tools.errors.UkmError` with the
field name, so a widget or the CLI can say exactly which box is wrong. Collect several
with :func:`gather` to report every problem of a form at once.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any, TypeVar, overload

from ukm_tools.errors import Problem, UkmError
from ukm_tools.money import IDR, Money, Number, RateValue, to_decimal

T = TypeVar("T")
A = TypeVar("A")
B = TypeVar("B")
C = TypeVar("C")
D = TypeVar("D")
E = TypeVar("E")


def whole_number(value: Any, field: str, *, minimum: int = 1) -> int:
    """An integer >= ``minimum`` (``not_positive``/``negative``/``not_integer`` otherwise)."""
    if isinstance(value, bool) or isinstance(value, float):
        raise UkmError("not_integer", field, value)
    d = to_decimal(value, field) if not isinstance(value, int) else Decimal(value)
    if d != d.to_integral_value():
        raise UkmError("not_integer", field, value)
    if d < minimum:
        raise UkmError("not_positive" if minimum >= 1 else "negative", field, value)
    return int(d)


def number(value: RateValue, field: str) -> Decimal:
    """A rate or percentage (not money) as a Decimal.

    A rate may arrive as a float (a slider's value, a notebook's ``0.55``); it is read
    through its shortest decimal form, so ``0.125`` stays exactly 0.125.
    """
    if isinstance(value, float):
        value = repr(value)
    return to_decimal(value, field)


def exact_int(value: Any, field: str, *, minimum: int = 0) -> int:
    """A Python int >= ``minimum`` and nothing else (no "5", no 5.0, no True), for typed
    inputs and data files where a number in another form is a mistake to report.

    Raises ``not_integer``, or ``not_positive`` (``minimum`` >= 1) / ``negative`` below it.
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise UkmError("not_integer", field, value)
    if value < minimum:
        raise UkmError("not_positive" if minimum >= 1 else "negative", field, value)
    return value


def collect(problems: list[Problem], check: Callable[..., T], *args: Any, default: Any = None, **kw: Any) -> T | Any:
    """``check(*args, **kw)``; on UkmError its problems go to ``problems`` and ``default`` is returned.

    For parsers that report every problem of a record at once (see :func:`gather` for a
    list of independent checks).
    """
    try:
        return check(*args, **kw)
    except UkmError as e:
        problems.extend(e.problems)
        return default


def percent(value: RateValue, field: str, *, maximum: Number | None = None, positive: bool = False) -> Decimal:
    """A percentage in percent units (``0.125`` means 0.125 %), >= 0 (> 0 if ``positive``).

    Unlike money, a rate may arrive as a float (see :func:`number`).
    """
    d = number(value, field)
    if positive and d <= 0:
        raise UkmError("not_positive", field, value)
    if d < 0:
        raise UkmError("negative", field, value)
    if maximum is not None and d > to_decimal(maximum):
        raise UkmError("out_of_range", field, value, f"0-{maximum}")
    return d


def money(value: Any, field: str, *, currency: str | None = None, positive: bool = False) -> Money:
    """A :class:`Money` >= 0 (> 0 if ``positive``), in ``currency`` when given."""
    if not isinstance(value, Money):
        raise UkmError("wrong_type", field, value, "Money")
    if currency is not None and value.currency != currency:
        raise UkmError("currency_mismatch", field, value.currency, currency)
    if positive and value.amount <= 0:
        raise UkmError("not_positive", field, value.amount)
    if value.amount < 0:
        raise UkmError("negative", field, value.amount)
    return value


def rupiah_amounts(inp: Any, names: Iterable[str], problems: list[Problem]) -> None:
    """Each of ``inp``'s ``names`` must be a :class:`Money` in rupiah, not negative; what is
    wrong goes to ``problems`` (``wrong_type``, ``unknown_choice`` on ``<name>.currency``, ``negative``)."""
    for name in names:
        m = getattr(inp, name)
        if not isinstance(m, Money):
            problems.append(Problem("wrong_type", name, m, "Money"))
            continue
        if m.currency != IDR:
            problems.append(Problem("unknown_choice", f"{name}.currency", m.currency, [IDR]))
        if m.amount < 0:
            problems.append(Problem("negative", name, m.amount))


@overload
def gather(a: Callable[[], A], b: Callable[[], B], /) -> tuple[A, B]: ...
@overload
def gather(a: Callable[[], A], b: Callable[[], B], c: Callable[[], C], /) -> tuple[A, B, C]: ...
@overload
def gather(a: Callable[[], A], b: Callable[[], B], c: Callable[[], C], d: Callable[[], D], /) -> tuple[A, B, C, D]: ...
@overload
def gather(
    a: Callable[[], A], b: Callable[[], B], c: Callable[[], C], d: Callable[[], D], e: Callable[[], E], /
) -> tuple[A, B, C, D, E]: ...
def gather(*checks: Callable[[], Any]) -> tuple[Any, ...]:
    """Run every check; raise one :class:`UkmError` holding all problems, or return the values
    in order (typed one by one, so ``a, b = gather(...)`` keeps each value's type). More than
    five checks: gather groups of them (``gather(lambda: gather(...), lambda: gather(...))``)."""
    problems: list[Problem] = []
    values: list[Any] = []
    for check in checks:
        try:
            values.append(check())
        except UkmError as e:
            problems.extend(e.problems)
    if problems:
        raise UkmError(problems=problems)
    return tuple(values)


def one_currency(items: Iterable[Money], field: str) -> str:
    """The shared currency of ``items`` (``currency_mismatch`` naming the first odd one)."""
    currency: str | None = None
    for m in items:
        if currency is None:
            currency = m.currency
        elif m.currency != currency:
            raise UkmError("currency_mismatch", field, m.currency, currency)
    if currency is None:
        raise UkmError("missing_field", field)
    return currency
