"""Reading numbers typed by people, by the interface language's convention.

Indonesian writes ``1.234.567,50`` (point groups thousands, comma marks decimals);
English writes ``1,234,567.50``. Input that fits only the other convention, or that
reads as two different numbers, is refused with a message that says so — a price off
by a factor of 1,000 is worse than a question.

A number typed into a calculator may be ambiguous (``1,234`` in Indonesian is one and a bit,
but an English habit reads 1234); a number in a file that *declares* its convention
(``declared=True``, see :mod:`ukm_tools.file_numbers`) is read by that convention alone.
A leading group of ``0`` is never a thousands group: ``0.125`` is only a decimal.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ukm_tools.errors import UkmError
from ukm_tools.messages import section
from ukm_tools.money import MAX_DIGITS, format_number, to_decimal

_SEPARATORS = {"id": (".", ","), "en": (",", ".")}  # (group, decimal)
_PREFIX = re.compile(r"^(rp\.?|idr|usd|us\$|\$|sgd|s\$|myr|rm)\s*", re.IGNORECASE)
# The number every "write it like this" example shows, in the reader's convention.
EXAMPLE = Decimal("1234567.50")


def _pattern(group: str, decimal: str) -> re.Pattern[str]:
    g, d = re.escape(group), re.escape(decimal)
    return re.compile(rf"^(?:[1-9]\d{{0,2}}(?:{g}\d{{3}})+|\d+)(?:{d}\d+)?$")


_PATTERNS = {lang: _pattern(*seps) for lang, seps in _SEPARATORS.items()}
# A convention's name and rule are catalogue texts, put in the message's language when shown:
# the message language (the CLI's --lang) need not be the convention a file's numbers are read in.
T = section("numbers")


def _to_decimal(body: str, lang: str) -> Decimal:
    group, decimal = _SEPARATORS[lang]
    return Decimal(body.replace(group, "").replace(decimal, "."))


def plain(value: Decimal, lang: str) -> str:
    """``value`` with no thousands separator and the language's decimal mark (``16420``, ``16,42``):
    one reading in either convention."""
    text = format(value.normalize() if value == value.to_integral_value() else value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return text.replace(".", ",") if lang == "id" else text


def example(lang: str) -> str:
    """``1.234.567,50`` / ``1,234,567.50``: how a number is written in ``lang``'s convention."""
    return format_number(EXAMPLE, lang if lang in _SEPARATORS else "id", 2)


def ambiguity(text: str, lang: str, field: str) -> UkmError:
    """The problem for ``text``, whose one separator reads as thousands in one convention and as
    decimals in the other: both readings, each written so that it has only one."""
    group, decimal = _SEPARATORS[lang]
    sep = group if group in text else decimal
    body = text.lstrip("-−")
    as_thousands = Decimal(body.replace(sep, ""))
    as_decimal = Decimal(body.replace(sep, "."))
    sign = "-" if body != text else ""
    return UkmError(
        "number_ambiguous",
        field,
        text,
        sep=T.msg("separator_point" if sep == "." else "separator_comma"),
        as_thousands=sign + plain(as_thousands, "en"),  # a whole number: no mark to misread
        as_decimal={lang: sign + plain(as_decimal, lang) for lang in _SEPARATORS},  # in the reader's own mark
    )


def parse_number(
    text: str | int | Decimal, lang: str = "id", field: str = "amount", *, declared: bool = False
) -> Decimal:
    """Parse ``text`` as a number written the ``lang`` way ("id" or "en").

    Accepts a leading minus sign, a currency prefix (Rp, USD, $...) and a trailing ``%``
    (the number is returned as written: ``"0,55%"`` gives ``0.55``). ``declared``: the writer
    said which convention they use (a file's ``angka:``), so a lone separator followed by three
    digits is read by it instead of being refused as ambiguous.

    Raises:
        UkmError: ``empty``, ``not_a_number``, ``number_other_convention`` or ``number_ambiguous``.
    """
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        return to_decimal(text, field)  # refuses NaN and infinities
    lang = lang if lang in _SEPARATORS else "id"
    if text is None:
        raise UkmError("empty", field, "", example=example(lang))
    if not isinstance(text, str):
        raise UkmError("not_a_number", field, text, example=example(lang))
    raw = text
    s = text.replace("\u00a0", " ").strip()
    negative = s.startswith("-") or s.startswith("−")
    if negative:
        s = s[1:].strip()
    s = _PREFIX.sub("", s).strip()
    if s.endswith("%"):
        s = s[:-1].strip()
    s = s.replace(" ", "")
    if not s:
        raise UkmError("empty", field, raw, example=example(lang))
    sign = -1 if negative else 1
    other = "en" if lang == "id" else "id"
    if _PATTERNS[lang].match(s):
        group, decimal = _SEPARATORS[lang]
        whole_digits = s.split(decimal)[0].replace(group, "").lstrip("0")
        if len(whole_digits) > MAX_DIGITS:
            raise UkmError("too_large", field, raw, MAX_DIGITS)
        # "1,234" in Indonesian is 1,234 (one and a bit) but looks like English 1234.
        if not declared and group not in s and s.count(decimal) == 1:
            whole, frac = s.split(decimal)
            if len(frac) == 3 and whole != "0" and len(whole) <= 3 and _PATTERNS[other].match(s):
                raise ambiguity(raw.strip(), lang, field)
        return sign * _to_decimal(s, lang)
    if _PATTERNS[other].match(s):
        value = sign * _to_decimal(s, other)
        raise UkmError(
            "number_other_convention",
            field,
            raw,
            suggestion=format_number(value, lang),
            written=T.msg(f"convention_{other}"),
            expected=T.msg(f"convention_{lang}"),
            rule=T.msg(f"rule_{lang}"),
        )
    raise UkmError("not_a_number", field, raw, example=example(lang))
