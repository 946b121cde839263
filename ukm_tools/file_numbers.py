"""Numbers in the files trainers and calculators write: cases, rate sheets, fee schedules.

YAML turns ``16.420`` into the float 16.42 before any program sees it, and an Indonesian
trainer means sixteen thousand four hundred and twenty. So these files are read with
their numbers kept as written (:func:`ukm_tools.safe_yaml.load` with ``numbers_as_text``)
and every number is read here, by the convention the file declares on a line of its own::

    angka: id    # Indonesian: 16.420 is 16420, 0,125 a decimal, 1.500.000 one and a half million
    angka: en    # English: 16,420 is 16420, 0.125 a decimal

A file without ``angka:`` (every file written before it existed) reads as it always did:
a number YAML recognises (``216000``, ``0.2``, ``16420.5``) as YAML reads it, other text the
way that part of the file was read before (a case's amounts the Indonesian way, rates and
fees as plain decimals), **except** digits, a point and exactly three digits (``16.420``,
``216.000``, ``1.500``): one reader takes the point for thousands, another for decimals, so
the value is refused with both readings and the fix. A value starting ``0.`` is a decimal
either way. Files the calculators saved before ``angka:`` existed start with their save
header (:data:`SAVED_BY_CALCULATOR`): the program wrote their numbers, in YAML's own notation,
so they read exactly as before.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any, Literal

from ukm_tools.errors import UkmError
from ukm_tools.money import to_decimal
from ukm_tools.numbers import ambiguity, parse_number
from ukm_tools.safe_yaml import Number

ANGKA = "angka"  # the key a file declares its convention with
CONVENTIONS = ("id", "en")
Convention = Literal["id", "en"]
# The first line of every case file the calculators wrote before files declared `angka:`.
SAVED_BY_CALCULATOR = "# Berkas kasus ukm-tools (disimpan dari kalkulator)."
# Digits, one point, exactly three digits: thousands to an Indonesian, decimals to YAML.
_AMBIGUOUS = re.compile(r"^[+-]?[1-9]\d{0,2}\.\d{3}$")
_PLAIN_DECIMAL = re.compile(r"^[+-]?\d+(\.\d*)?$")


@dataclass(frozen=True)
class FileNumbers:
    """How one file's numbers are read.

    ``declared``: the file's ``angka:`` (None: not declared). ``legacy_text``: how quoted
    text was read before conventions were declared — the Indonesian way in a case's
    amounts, as a plain decimal in rate sheets and fee schedules. ``machine_written``: saved
    by a calculator before ``angka:`` existed (no value is ambiguous there). Only numbers read
    from a file can be ambiguous: a mapping built in memory reads as it always did.
    """

    declared: Convention | None = None
    legacy_text: Convention = "id"
    machine_written: bool = False
    from_file: bool = False  # False: a mapping built in memory (a calculator's inputs, a notebook)

    def for_rates(self) -> FileNumbers:
        """The same file's ``rates:`` block, whose undeclared text was read as plain decimals."""
        return dataclasses.replace(self, legacy_text="en")

    @property
    def convention(self) -> str | None:
        """How to write a number back to the author: ``id``, ``en``, ``plain`` (an undeclared
        file, in YAML's own notation), or None (no file: the language of the message)."""
        if not self.from_file:
            return None
        return self.declared or "plain"

    def number(self, value: Any, field: str) -> Decimal:
        """``value`` from the file (or from a mapping built in memory) as an exact Decimal.

        Raises:
            UkmError: not a number, written the other convention's way, or ambiguous.
        """
        if isinstance(value, bool):
            raise UkmError("not_a_number", field, value)
        if isinstance(value, float):
            return Decimal(repr(value))  # a mapping built in memory: its repr is what was typed
        if not isinstance(value, str):
            return to_decimal(value, field)
        text = value.strip()
        if self.declared is not None:
            return parse_number(text, self.declared, field, declared=True)
        if self.from_file and _AMBIGUOUS.match(text) and not self.machine_written:
            raise _in_file(ambiguity(text, "en", field))
        if isinstance(value, Number):
            return _yaml_reading(value, field)
        if self.legacy_text == "en":
            return to_decimal(text, field)
        try:
            return parse_number(text, "id", field)
        except UkmError as e:
            if e.code == "number_ambiguous" and self.from_file:  # "16,420": the same question, and fix
                raise _in_file(e) from None
            raise

    def integer(self, value: Any, field: str) -> int:
        """A whole number (a quantity, a count of days)."""
        d = self.number(value, field)
        if d != d.to_integral_value():
            raise UkmError("not_integer", field, value if isinstance(value, (str, int)) else d)
        return int(d)


def _in_file(err: UkmError) -> UkmError:
    """An ambiguous number in a file: the fix is to declare the file's convention."""
    return UkmError(problems=[dataclasses.replace(p, code="number_ambiguous_in_file") for p in err.problems])


def _yaml_reading(value: Number, field: str) -> Decimal:
    """What YAML itself makes of a number, exactly: ``16420.5`` from its text, not through a float."""
    text = value.replace("_", "")
    if _PLAIN_DECIMAL.match(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimals
            pass
    return to_decimal(value.native if isinstance(value.native, int) else repr(value.native), field)


def native(value: Any) -> Any:
    """Numbers kept as text turned back into what YAML makes of them (the values the
    calculators save beside a case, which are theirs to read)."""
    if isinstance(value, Number):
        return value.native
    if isinstance(value, Mapping):
        return {native(k): native(v) for k, v in value.items()}
    if isinstance(value, list):
        return [native(v) for v in value]
    return value


def declared(data: Mapping[str, Any], text: str = "", *, from_file: bool = True) -> tuple[FileNumbers, dict[str, Any]]:
    """The file's convention and its data without the ``angka:`` line.

    ``text`` (the file as written) tells a case saved by a calculator before ``angka:`` by
    its first line; ``from_file=False``: a mapping built in memory.

    Raises:
        UkmError: ``angka`` is neither ``id`` nor ``en``.
    """
    rest = dict(data)
    raw = rest.pop(ANGKA, None)
    if raw is None:
        saved = text.lstrip("\ufeff").startswith(SAVED_BY_CALCULATOR)
        return FileNumbers(machine_written=saved, from_file=from_file), rest
    convention = str(raw).strip().lower()
    if convention not in CONVENTIONS:
        raise UkmError("unknown_choice", ANGKA, raw, list(CONVENTIONS), example="angka: id")
    decl: Convention = "id" if convention == "id" else "en"
    return FileNumbers(decl, from_file=from_file), rest
