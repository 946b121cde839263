"""Answer checks that a clever notebook cannot fool, with plain-Indonesian messages.

An answer is first turned into a plain *record* (JSON data: type name and the value as
text). Only real numbers (exactly ``int``, ``float``, ``Decimal`` — no subclasses, no
``bool``), ``Money`` holding a real ``Decimal``, and plain ``str`` make a usable record;
anything else — an object whose ``==`` always says True, a ``float`` subclass — is
recorded as "invalid" and fails. Records are compared with :func:`verify`, the same
function the grader runs outside the kernel on the records the notebook emitted, so an
answer passes only if its value really is right (money within Rp1 or 1 cent).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from ukm_tools.messages import Section, section
from ukm_tools.money import Money

T = section("exercises.checks")

MISSING = object()


@dataclass(frozen=True)
class Expected:
    """What a question wants.

    kind: ``money`` (``value`` is a rounded Money; a plain number counts as that currency),
    ``choice`` (``value`` is the right option; case and spaces ignored), ``integer``.
    """

    name: str
    kind: str
    value: Any
    label: str
    hint: str = ""
    options: tuple[str, ...] = ()


def record(value: Any) -> dict[str, str]:
    """A JSON-safe, type-exact description of an answer (never calls the answer's methods)."""
    t = type(value)
    if value is None or value is MISSING:
        return {"type": "missing"}
    if t is bool:
        return {"type": "invalid", "pytype": "bool"}
    if t is int:
        return {"type": "number", "value": str(int.__repr__(value))}
    if t is float:
        if not math.isfinite(value):
            return {"type": "invalid", "pytype": "float"}
        return {"type": "number", "value": float.__repr__(value)}
    if t is Decimal:
        if not Decimal.is_finite(value):
            return {"type": "invalid", "pytype": "Decimal"}
        return {"type": "number", "value": Decimal.__str__(value)}
    if t is Money:
        amount = object.__getattribute__(value, "amount")
        currency = object.__getattribute__(value, "currency")
        if type(amount) is not Decimal or type(currency) is not str or not Decimal.is_finite(amount):
            return {"type": "invalid", "pytype": "Money"}
        return {"type": "money", "value": Decimal.__str__(amount), "currency": str.__str__(currency)}
    if t is str:
        return {"type": "str", "value": str.__str__(value)}
    return {"type": "invalid", "pytype": t.__name__ if isinstance(getattr(t, "__name__", None), str) else "?"}


def _number(rec: dict[str, Any]) -> Decimal | None:
    try:
        d = Decimal(str(rec.get("value")))
    except (InvalidOperation, ValueError):
        return None
    return d if d.is_finite() else None


def _tolerance(currency: str) -> Decimal:
    from ukm_tools.money import minor_units

    return Decimal(1).scaleb(-minor_units(currency))


@dataclass(frozen=True)
class Verdict:
    """What is wrong with a recorded answer: a catalogue key and its values.

    The values are plain text (JSON-safe), so the grader can keep a verdict beside the graded
    notebook and each reader words it in its own section: the notebook with the answer's
    variable name (this module), the exercise portal without code (``course.results``).
    """

    key: str
    name: str
    params: dict[str, str] = field(default_factory=dict)

    def values(self) -> dict[str, Any]:
        """The values to fill in: an amount with its currency also as ``shown`` (Money)."""
        values: dict[str, Any] = {"name": self.name, **self.params}
        if "amount" in self.params and "currency" in self.params:
            values["shown"] = Money(Decimal(self.params["amount"]), self.params["currency"])
        return values

    def message(self, lang: str = "id", texts: Section | None = None, prefix: str = "") -> str:
        return (texts or T)(prefix + self.key, lang, **self.values())

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "name": self.name, "params": dict(self.params)}

    @classmethod
    def from_json(cls, data: Any) -> Verdict | None:
        if not isinstance(data, dict) or not isinstance(data.get("key"), str) or not isinstance(data.get("name"), str):
            return None
        params = data.get("params")
        params = params if isinstance(params, dict) else {}
        return cls(data["key"], data["name"], {str(k): str(v) for k, v in params.items()})


def judge(rec: Any, exp: Expected) -> Verdict | None:
    """None when the recorded answer is right, else a :class:`Verdict` saying what is wrong."""
    name, hint = exp.name, f" {exp.hint}" if exp.hint else ""
    if not isinstance(rec, dict) or rec.get("type") == "missing":
        return Verdict("missing", name, {"label": exp.label})
    kind = rec.get("type")
    if exp.kind == "money":
        cur = exp.value.currency
        if kind == "money":
            if rec.get("currency") != cur:
                return Verdict("wrong_currency", name, {"currency": cur, "got": str(rec.get("currency"))})
        elif kind != "number":
            return Verdict("not_a_number", name, {"got": str(rec.get("pytype", kind))})
        got = _number(rec)
        if got is None:
            return Verdict("unreadable", name)
        if abs(got - exp.value.amount) <= _tolerance(cur):
            return None
        return Verdict("money_not_right", name, {"amount": str(got), "currency": cur, "label": exp.label, "hint": hint})
    if exp.kind == "integer":
        got = _number(rec) if kind == "number" else None
        if got is None or got != got.to_integral_value():
            return Verdict("not_whole", name)
        if got == Decimal(exp.value):
            return None
        return Verdict("not_right", name, {"got": str(got), "hint": hint})
    if exp.kind == "choice":
        if kind != "str":
            return Verdict("not_text", name, {"example": exp.options[0] if exp.options else "a"})
        got_s = "".join(str(rec.get("value", "")).split()).lower()
        if exp.options and got_s not in [o.lower() for o in exp.options]:
            return Verdict("not_an_option", name, {"got": str(rec.get("value")), "options": ", ".join(exp.options)})
        if got_s == "".join(str(exp.value).split()).lower():
            return None
        return Verdict("choice_not_right", name, {"got": str(rec.get("value")), "hint": hint})
    raise ValueError(f"unknown expectation kind {exp.kind!r}")


def verify(rec: Any, exp: Expected, lang: str = "id") -> str | None:
    """None when the recorded answer is right, else a message saying what is wrong.

    The exercises' hints are written in Bahasa Indonesia only; English messages leave them out
    (except the money message, which always carried it).
    """
    verdict = judge(rec, exp)
    return None if verdict is None else verdict.message(lang)


def shape_key(value: Any, kind: str) -> str | None:
    """The visible test's verdict on the answer's *form* (not yet whether it is right): None when
    the form is right, else the catalogue key saying what is wrong (``shape_not_positive``...).

    The notebook's visible test (:func:`shape_problem`) and the exercise portal's checks while a
    participant types (:mod:`ukm_tools.exercises.forms`) both ask this, each in its own words.
    """
    rec = record(value)
    if rec["type"] == "missing":
        return "shape_missing"
    if kind == "money" and rec["type"] not in ("number", "money"):
        return "not_a_number"
    number = _number(rec)
    if kind == "money" and number is not None and number <= 0:
        return "shape_not_positive"
    if kind == "integer" and (rec["type"] != "number" or number is None or number != number.to_integral_value()):
        return "shape_not_whole"
    if kind == "choice" and rec["type"] != "str":
        return "shape_not_text"
    return None


def shape_problem(value: Any, kind: str, name: str) -> str | None:
    """The visible-test check: is the answer of the right *form* (not yet whether it is right)?"""
    key = shape_key(value, kind)
    if key is None:
        return None
    rec = record(value)
    # the visible tests speak to the participant in Bahasa Indonesia
    return T(key, "id", name=name, got=rec.get("pytype", rec["type"]))
