"""Usual ranges of the rates people type (``data/plausibility.yaml``), and refusing a likely slip.

A rupiah rate of 16.42 per USD (16.420 read the English way) prices a shipment a thousand
times too high; an insurance rate of 90.9% multiplies the CIF ten thousand times. Both are
legal numbers, so only their size gives them away: each kind of rate has a band, and a value
outside it is refused with the band, the factor it is probably off by ("16,42: maksud Anda
16.420?") and how a trainer who means it widens the band in the case file (``plausible:``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cache
from typing import TYPE_CHECKING, Any

from ukm_tools.errors import Problem, UkmError
from ukm_tools.messages import Msg, section
from ukm_tools.money import format_number, to_decimal
from ukm_tools.numbers import plain

if TYPE_CHECKING:  # pragma: no cover
    from ukm_tools.file_numbers import FileNumbers

T = section("plausibility")
RATE_IDR = "rate_idr"  # bands per currency: rupiah per one unit of it
OVERRIDE_KEY = "plausible"  # where a case file widens a band


@dataclass(frozen=True)
class Band:
    """The usual range of one kind of value, and the factors a slip is usually off by."""

    low: Decimal
    high: Decimal
    slips: tuple[Decimal, ...] = ()
    typical: Decimal | None = None  # None: the middle of the band (geometric where it can be)

    def contains(self, value: Decimal) -> bool:
        return self.low <= value <= self.high

    @property
    def usual(self) -> Decimal:
        if self.typical is not None:
            return self.typical
        return (self.low * self.high).sqrt() if self.low > 0 else self.high / 10

    def slip(self, value: Decimal) -> Decimal | None:
        """``value`` times the usual slip factor that lands inside the band nearest the typical
        value (125% of a bank fee: 0,125%, not 1,25%), if any does."""
        guesses = [value * f for f in self.slips if value * f > 0 and self.contains(value * f)]
        if not guesses:
            return None
        guess = min(guesses, key=lambda g: abs((g / self.usual).ln()))
        return guess.normalize() if guess == guess.to_integral_value() else guess


def written(value: Decimal, convention: str) -> str:
    """``value`` as its author writes numbers: ``id`` 16.420, ``en`` 16,420, ``plain`` 16420."""
    if convention in ("id", "en"):
        return format_number(value, convention)
    return plain(value, "en")


@dataclass(frozen=True)
class Written:
    """A number for a message: in its author's ``convention`` (a file's), or, with none (a
    calculator's box), in the language the message is shown in."""

    value: Decimal
    convention: str | None = None
    suffix: str = ""

    def text(self, lang: str = "id") -> str:
        return written(self.value, self.convention or lang) + self.suffix


@dataclass(frozen=True)
class Bands:
    """Every band, by key (``markup_pct``, ``rate_idr.USD``...)."""

    bands: Mapping[str, Band] = field(default_factory=dict)

    def band(self, key: str) -> Band | None:
        return self.bands.get(key)

    def widened(self, overrides: Any, numbers: FileNumbers | None = None) -> Bands:
        """These bands with a case file's ``plausible:`` section applied (each bound it gives
        replaces the usual one).

        Raises:
            UkmError: every unknown key and every bound that is not a number, at once.
        """
        from ukm_tools.file_numbers import FileNumbers

        numbers = numbers or FileNumbers()
        if not overrides:
            return self
        if not isinstance(overrides, Mapping):
            raise UkmError("wrong_type", OVERRIDE_KEY, overrides, "{markup_pct: {max: 500}}")
        flat: dict[str, Any] = {}
        problems: list[Problem] = []
        for key, spec in overrides.items():
            if key == RATE_IDR and isinstance(spec, Mapping):
                flat.update({f"{RATE_IDR}.{str(ccy).strip().upper()}": s for ccy, s in spec.items()})
            else:
                flat[str(key)] = spec
        bands = dict(self.bands)
        simple = sorted(k for k in self.bands if not k.startswith(RATE_IDR + "."))
        for key, spec in flat.items():
            where = f"{OVERRIDE_KEY}.{key}"
            base = bands.get(key)
            if base is None and not key.startswith(RATE_IDR + "."):
                problems.append(Problem("unknown_field", where, key, [*simple, RATE_IDR]))
                continue
            if not isinstance(spec, Mapping) or not spec or set(spec) - {"min", "max"}:
                problems.append(Problem("wrong_type", where, spec, "{min: ..., max: ...}"))
                continue
            try:
                low = numbers.number(spec["min"], f"{where}.min") if "min" in spec else None
                high = numbers.number(spec["max"], f"{where}.max") if "max" in spec else None
            except UkmError as e:
                problems.extend(e.problems)
                continue
            band = base or Band(Decimal(0), Decimal("1E15"), (Decimal(1000), Decimal("0.001")))
            band = replace(band, low=band.low if low is None else low, high=band.high if high is None else high)
            if band.low > band.high:
                problems.append(Problem("min_above_max", f"{where}.min", band.low, band.high))
                continue
            bands[key] = band
        if problems:
            raise UkmError(problems=problems)
        return Bands(bands)

    def check(
        self,
        value: Any,
        key: str,
        field: str,
        *,
        convention: str | None = None,
        as_typed: str | None = None,
    ) -> Decimal:
        """``value`` when it lies in the band ``key`` (or there is no such band); otherwise
        ``implausible`` naming the field, the value (``as_typed`` when the text is known), the
        band and the likely slip written the ``convention`` way (None: the message's language),
        and the override that would accept the value.
        """
        v = to_decimal(value, field)
        band = self.band(key)
        if band is None or band.contains(v):
            return v
        unit = "%" if key.endswith("_pct") else ""
        guess = band.slip(v)
        shown: Written | str = f"{as_typed.strip()}{unit}" if as_typed else Written(v, convention, unit)
        problem = Problem(
            "implausible",
            field,
            shown,
            None,
            {
                "allowed": _Range(band, convention, unit),
                "what": _what(key),
                "slip": T.msg("slip", guess=Written(guess, convention, unit)) if guess is not None else "",
                "override": _Override(key, "max" if v > band.high else "min", v, convention),
            },
        )
        raise UkmError(problems=[problem])


@dataclass(frozen=True)
class _Range:
    band: Band
    convention: str | None
    unit: str

    def text(self, lang: str = "id") -> str:
        conv = self.convention or lang
        return f"{written(self.band.low, conv)}–{written(self.band.high, conv)}{self.unit}"


@dataclass(frozen=True)
class _Override:
    """``plausible: {markup_pct: {max: 500}}``: the line that would accept the value."""

    key: str
    bound: str
    value: Decimal
    convention: str | None

    def text(self, lang: str = "id") -> str:
        number = written(self.value, self.convention or lang)
        if "," in number:
            number = f'"{number}"'  # a comma would end the {...} entry
        if self.key.startswith(RATE_IDR + "."):
            ccy = self.key.split(".", 1)[1]
            return f"{OVERRIDE_KEY}: {{{RATE_IDR}: {{{ccy}: {{{self.bound}: {number}}}}}}}"
        return f"{OVERRIDE_KEY}: {{{self.key}: {{{self.bound}: {number}}}}}"


def _what(key: str) -> Msg:
    if key.startswith(RATE_IDR + "."):
        return T.msg("what_rate_idr", currency=key.split(".", 1)[1])
    return T.msg(f"what_{key}")


@cache
def default_bands() -> Bands:
    """The packaged bands (``data/plausibility.yaml``)."""
    from ukm_tools.datafiles import packaged_yaml

    data = packaged_yaml("plausibility.yaml")
    slips = {
        k: tuple(Decimal(repr(f)) if isinstance(f, float) else Decimal(f) for f in v) for k, v in data["slips"].items()
    }
    bands: dict[str, Band] = {}
    for key, spec in data["bands"].items():
        if key == RATE_IDR:
            for ccy, s in spec.items():
                bands[f"{RATE_IDR}.{ccy}"] = _band(s, slips.get(RATE_IDR, ()))
        else:
            bands[key] = _band(spec, slips.get(key, ()))
    return Bands(bands)


def _band(spec: Mapping[str, Any], slips: tuple[Decimal, ...]) -> Band:
    def num(v: Any) -> Decimal:
        return Decimal(repr(v)) if isinstance(v, float) else Decimal(v)

    typical = num(spec["typical"]) if spec.get("typical") is not None else None
    return Band(num(spec["min"]), num(spec["max"]), slips, typical)


def bands_for(overrides: Any = None, numbers: FileNumbers | None = None) -> Bands:
    """The packaged bands widened by a case's ``plausible:`` section."""
    return default_bands().widened(overrides, numbers)
