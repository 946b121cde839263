"""Reading numbers typed by people, by the interface language's convention.

Indonesian writes ``1.234.567,50`` (point groups thousands, comma marks decimals);
English writes ``1,234,567.50``. Input that fits only the other convention, or that
reads as two different numbers, is refused with a message that says so — a price off
by a factor of 1,000 is worse than a question.
"""

from __future__ import annotations

import re
from decimal import Decimal

from ukm_tools.errors import UkmError
from ukm_tools.messages import section
from ukm_tools.money import MAX_DIGITS, format_number, to_decimal

_SEPARATORS = {"id": (".", ","), "en": (",", ".")}  # (group, decimal)
_PREFIX = re.compile(r"^(rp\.?|idr|usd|us\$|\$|sgd|s\$|myr|rm)\s*", re.IGNORECASE)


def _pattern(group: str, decimal: str) -> re.Pattern[str]:
    g, d = re.escape(group), re.escape(decimal)
    return re.compile(rf"^(?:\d{{1,3}}(?:{g}\d{{3}})+|\d+)(?:{d}\d+)?$")


_PATTERNS = {lang: _pattern(*seps) for lang, seps in _SEPARATORS.items()}
# A convention's name and rule are catalogue texts, put in the message's language when shown:
# the message language (the CLI's --lang) need not be the convention a file's numbers are read in.
T = section("numbers")


def _to_decimal(body: str, lang: str) -> Decimal:
    group, decimal = _SEPARATORS[lang]
    return Decimal(body.replace(group, "").replace(decimal, "."))


def parse_number(text: str | int | Decimal, lang: str = "id", field: str = "amount") -> Decimal:
    """Parse ``text`` as a number written the ``lang`` way ("id" or "en").

    Accepts a leading minus sign, a currency prefix (Rp, USD, $...) and a trailing ``%``
    (the number is returned as written: ``"0,55%"`` gives ``0.55``).

    Raises:
        UkmError: ``empty``, ``not_a_number``, ``number_other_convention`` or ``number_ambiguous``.
    """
    if isinstance(text, (int, Decimal)) and not isinstance(text, bool):
        return to_decimal(text, field)  # refuses NaN and infinities
    if text is None:
        raise UkmError("empty", field, "")
    if not isinstance(text, str):
        raise UkmError("not_a_number", field, text)
    lang = lang if lang in _SEPARATORS else "id"
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
        raise UkmError("empty", field, raw)
    sign = -1 if negative else 1
    other = "en" if lang == "id" else "id"
    if _PATTERNS[lang].match(s):
        group, decimal = _SEPARATORS[lang]
        whole_digits = s.split(decimal)[0].replace(group, "").lstrip("0")
        if len(whole_digits) > MAX_DIGITS:
            raise UkmError("too_large", field, raw, MAX_DIGITS)
        # "1,234" in Indonesian is 1,234 (one and a bit) but looks like English 1234.
        if group not in s and s.count(decimal) == 1:
            whole, frac = s.split(decimal)
            if len(frac) == 3 and whole != "0" and len(whole) <= 3 and _PATTERNS[other].match(s):
                mine, theirs = _to_decimal(s, lang), _to_decimal(s, other)
                raise UkmError(
                    "number_ambiguous",
                    field,
                    raw,
                    reading_a=format_number(mine, lang),
                    reading_b=format_number(theirs, lang),
                    plain=f"{whole}{frac}",
                )
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
    raise UkmError("not_a_number", field, raw)
