"""The message catalogue: every text ukm-tools shows, in Bahasa Indonesia first and English second.

The texts live in YAML files under ``ukm_tools/data/messages/``, one per module that shows
them: ``financing.yaml`` holds what :mod:`ukm_tools.financing` says, ``widgets/price.yaml``
what the price calculator says, ``common.yaml`` the problems every module may report. A file
has up to three sections, each entry giving ``id`` then ``en``::

    problems:        # error messages by problem code (a code is defined in one file only)
      tenor_fixed:
        id: "{field}: {method} tidak punya jangka waktu yang bisa diubah ..."
        en: "{field}: {method} has no adjustable tenor ..."
    fields:          # how that module's inputs are named in error messages
      tenor_days:
        id: Jangka waktu pembayaran (hari)
        en: Payment tenor (days)
    text:            # everything else it shows: titles, labels, notes, table columns
      buyer_payment:
        id: Pembayaran pembeli ({method})
        en: Buyer's payment ({method})

Words in ``{braces}`` are filled in by the program; the English may leave one out but never
use one the Indonesian lacks (checked when the catalogue loads, so a misspelt name shows). A
value fills its place in the reader's language: :class:`Money` formatted by
:func:`~ukm_tools.money.format_money`, a date as 31-12-2025 (Indonesian) or 2025-12-31
(English), a :class:`Msg` (or anything with a ``text(lang)`` method) with its own text, a
``{id: .., en: ..}`` mapping (a data file's label) with the language's half.

Why YAML and not gettext catalogues (``.po`` through Babel): a ``.po`` file holds one
language, so a trainer would read the Indonesian and the English of a message in two files,
and gettext keys messages by their source text, so every rewording would change the key in
the code and in both files. One YAML entry per message keeps both languages side by side,
in the same ``{id, en}`` shape as the packaged data files trainers already edit, and keys
stay stable when wording changes. Babel still does what it is best at: numbers, money, dates.

Field labels belong to the module whose inputs they name: ``tenor_days`` is "Jangka waktu
(hari)" for a bank collection (:mod:`ukm_tools.payments`) and "Jangka waktu pembayaran (hari)"
for an order's cash flow (:mod:`ukm_tools.financing`). A problem carries its ``owner`` (set by
:func:`ukm_tools.errors.owned` where it leaves the module) and is labelled from that section;
a view may name its own sections first, so a page says what its boxes say.
"""

from __future__ import annotations

import datetime as dt
import re
import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from importlib import resources
from importlib.resources.abc import Traversable
from typing import TYPE_CHECKING, Any, Protocol, TypeAlias, runtime_checkable

from ukm_tools import safe_yaml

if TYPE_CHECKING:  # pragma: no cover
    from ukm_tools.errors import Problem

LANGS = ("id", "en")
LOCALES = {"id": "id_ID", "en": "en_US"}  # Babel's locale for each language: numbers, money, dates
SECTIONS = ("problems", "fields", "text")
COMMON = "common"  # the section every lookup ends with
PLAIN_EXAMPLE = "1234567.50"  # a number as a reader of plain decimals (no thousands separator) takes it


class _Formatter(string.Formatter):
    """str.format, plus ``{unit:capitalize}`` for a word that starts an English sentence."""

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec == "capitalize":
            return str(value).capitalize()
        return super().format_field(value, format_spec)


_FORMATTER = _Formatter()


class CatalogueError(Exception):
    """A catalogue file is malformed: a programming or editing slip, reported with file and key."""


def lang_or_default(lang: str | None) -> str:
    return lang if lang in LANGS else "id"


# --------------------------------------------------------------------------- loading


def _refusal(e: safe_yaml.YamlRefused) -> str:
    """A loader's refusal in plain English for whoever edits the catalogue (its own messages
    cannot be used while it is being read)."""
    p = e.params
    if e.code == "yaml_duplicate_key":
        return f"key {p['key']!r} on line {p['line']} is already defined on line {p['first_line']}"
    if e.code == "yaml_syntax":
        return f"not valid YAML: line {p['line']}, column {p['column']}: {p['problem']}"
    return f"{e.code} {p}"


def placeholders(template: str) -> set[str]:
    """The names a template fills in (``{field}`` -> ``field``; ``{{`` is a literal brace)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in _FORMATTER.parse(template) if name}


def _check_entry(where: str, entry: Any) -> dict[str, str]:
    if not isinstance(entry, Mapping) or set(entry) != set(LANGS):
        raise CatalogueError(f"{where}: needs exactly 'id' and 'en' (found {entry!r})")
    texts = {}
    for lang in LANGS:
        value = entry[lang]
        if not isinstance(value, str) or not value.strip():
            raise CatalogueError(f"{where}.{lang}: must be non-empty text (found {value!r})")
        try:
            names = placeholders(value)
        except ValueError as e:
            raise CatalogueError(f"{where}.{lang}: {e} (write a literal brace as {{{{ or }}}})") from None
        texts[lang] = value
        if lang == "id":
            id_names = names
        elif not names <= id_names:
            # English may leave out a value (an Indonesian-only hint), never fill in one the
            # Indonesian lacks: that is how a misspelt {name} shows.
            raise CatalogueError(
                f"{where}: 'en' fills in {sorted(names - id_names)}, which 'id' does not "
                f"(id: {sorted(id_names)}, en: {sorted(names)})"
            )
    return texts


def _files(folder: Traversable, prefix: str = "") -> Iterable[tuple[str, Traversable]]:
    for item in sorted(folder.iterdir(), key=lambda t: t.name):
        if item.is_dir():
            yield from _files(item, f"{prefix}{item.name}.")
        elif item.name.endswith(".yaml"):
            yield prefix + item.name[: -len(".yaml")], item


@dataclass(frozen=True)
class Catalogue:
    """Every catalogue file, loaded and checked: problems by code, fields and texts by owner."""

    problems: dict[str, dict[str, str]]
    fields: dict[str, dict[str, dict[str, str]]]  # owner -> field -> {id, en}
    text: dict[str, dict[str, dict[str, str]]]  # owner -> key -> {id, en}
    problem_owner: dict[str, str] = field(default_factory=dict)  # code -> the file defining it

    @property
    def owners(self) -> set[str]:
        return set(self.fields) | set(self.text) | set(self.problem_owner.values())


def load_catalogue(folder: Traversable | None = None) -> Catalogue:
    """Read and check every ``*.yaml`` below ``folder`` (default: the packaged catalogue).

    Raises:
        CatalogueError: a key twice in a file, a problem code in two files, an entry without
        both languages, or languages that fill in different ``{names}``.
    """
    folder = folder or resources.files("ukm_tools.data").joinpath("messages")
    cat = Catalogue({}, {}, {})
    for owner, path in _files(folder):
        where = f"messages/{owner.replace('.', '/')}.yaml"
        try:
            # The project's one YAML loader; libyaml's parser (these files ship with the code).
            data = safe_yaml.parse(path.read_text(encoding="utf-8"), packaged=True) or {}
        except safe_yaml.YamlRefused as e:
            raise CatalogueError(f"{where}: {_refusal(e)}") from None
        if not isinstance(data, Mapping) or not set(data) <= set(SECTIONS):
            raise CatalogueError(f"{where}: top level may hold only {', '.join(SECTIONS)}")
        for section in SECTIONS:
            entries = data.get(section) or {}
            if not isinstance(entries, Mapping):
                raise CatalogueError(f"{where}: '{section}' must map keys to {{id, en}} entries")
            for key, entry in entries.items():
                texts = _check_entry(f"{where}: {section}.{key}", entry)
                if section == "problems":
                    if key in cat.problems:
                        raise CatalogueError(
                            f"{where}: problem code {key!r} is already defined in "
                            f"messages/{cat.problem_owner[key].replace('.', '/')}.yaml"
                        )
                    cat.problems[key] = texts
                    cat.problem_owner[key] = owner
                else:
                    getattr(cat, section).setdefault(owner, {})[key] = texts
    return cat


@cache
def catalogue() -> Catalogue:
    """The packaged catalogue, read once per process."""
    return load_catalogue()


# --------------------------------------------------------------------------- filling in


@runtime_checkable
class Localized(Protocol):
    """Anything that can say itself in a language (a :class:`Msg`, a rate's description)."""

    def text(self, lang: str = "id") -> str: ...


def format_date(day: dt.date, lang: str) -> str:
    """31-12-2025 as Indonesians write it; 2025-12-31 in English."""
    return day.strftime("%d-%m-%Y") if lang_or_default(lang) == "id" else day.isoformat()


def _fill_value(value: Any, lang: str) -> Any:
    from ukm_tools.money import Money, format_money

    if isinstance(value, Localized):
        return value.text(lang)
    if isinstance(value, Money):
        return format_money(value, lang)
    if isinstance(value, dt.date):
        return format_date(value, lang)
    if isinstance(value, Mapping) and set(LANGS) <= set(value):
        return value[lang]
    return value


def fill(template: str, lang: str, params: Mapping[str, Any]) -> str:
    values = {k: _fill_value(v, lang) for k, v in params.items()}
    try:
        return _FORMATTER.format(template, **values)
    except (KeyError, IndexError):
        # A missing parameter is a programming slip; the reader still gets the rest of the text.
        return f"{template} ({values})"


def _entry(owners: tuple[str, ...], key: str) -> dict[str, str]:
    texts = catalogue().text
    for owner in (*owners, COMMON):
        entry = texts.get(owner, {}).get(key)
        if entry is not None:
            return entry
    files = ", ".join(f"messages/{o.replace('.', '/')}.yaml" for o in owners)
    raise KeyError(f"no text {key!r} in {files} (nor in common.yaml)")


def text(owner: str, key: str, lang: str, /, **params: Any) -> str:
    """The text ``key`` of ``owner``'s section (else of ``common``) in ``lang``, its ``{names}`` filled from ``params``.

    Raises:
        KeyError: no such entry (a typo in the code: the catalogue tests find these).
    """
    lang = lang_or_default(lang)
    return fill(_entry((owner,), key)[lang], lang, params)


@dataclass(frozen=True)
class Msg:
    """A catalogue text with its parameters, put into a language only when shown.

    What the domain core returns instead of ready-made sentences (a quote's notes), and
    what a view holds for a label that follows the language switch. ``msg["id"]`` reads
    like the ``{id, en}`` labels of the data files.
    """

    owner: str
    key: str
    params: Mapping[str, Any] = field(default_factory=dict)
    fallbacks: tuple[str, ...] = ()  # sections looked in after ``owner`` (before ``common``)

    def text(self, lang: str = "id") -> str:
        lang = lang_or_default(lang)
        return fill(_entry((self.owner, *self.fallbacks), self.key)[lang], lang, self.params)

    def __getitem__(self, lang: str) -> str:
        return self.text(lang)

    def __str__(self) -> str:
        return self.text("id")


@dataclass(frozen=True)
class Section:
    """One module's part of the catalogue, e.g. ``T = section("widgets.financing", "financing")``.

    ``T("title", lang)`` is a text in a language, ``T.msg("title")`` the same text to be put
    in a language later, ``T.field("tenor_days", lang)`` a field's label. Each is looked up in
    this section, then in ``fallbacks`` (the module whose figures a view shows), then in ``common``.
    """

    owner: str
    fallbacks: tuple[str, ...] = ()

    def __call__(self, key: str, lang: str, /, **params: Any) -> str:
        return self.msg(key, **params).text(lang)

    def msg(self, key: str, /, **params: Any) -> Msg:
        return Msg(self.owner, key, params, self.fallbacks)

    def both(self, key: str, /, **params: Any) -> str:
        """``Indonesian / English``, for the places that show one text to everyone (command help)."""
        return f"{self(key, 'id', **params)} / {self(key, 'en', **params)}"

    @property
    def label_owners(self) -> tuple[str, ...]:
        return (self.owner, *self.fallbacks)

    def field(self, name: str, lang: str) -> str:
        return field_label(name, lang, self.label_owners)

    def field_msg(self, name: str) -> FieldLabel:
        """A field's label put into a language only when shown: a box labelled with the same
        words its error messages use (``T.field_msg("tenor_days")``)."""
        return FieldLabel(name, self.label_owners)


@dataclass(frozen=True)
class FieldLabel:
    """A field's label (see :meth:`Section.field_msg`), looked up in ``owners`` then ``common``."""

    name: str
    owners: tuple[str, ...]

    def text(self, lang: str = "id") -> str:
        return field_label(self.name, lang, self.owners)

    def __getitem__(self, lang: str) -> str:
        return self.text(lang)


def section(owner: str, *fallbacks: str) -> Section:
    return Section(owner, tuple(fallbacks))


# A text in both languages: a catalogue Msg or field label, or a data file's {id: .., en: ..} label.
Bilingual: TypeAlias = Msg | FieldLabel | Mapping[str, str]


def pick(labels: Mapping[str, str], lang: str) -> str:
    """The ``lang`` half of a data file's ``{id: .., en: ..}`` label (Indonesian when missing)."""
    return labels.get(lang_or_default(lang)) or labels["id"]


def local(value: Bilingual | str, lang: str) -> str:
    """``value`` in ``lang``: a Msg's text, a bilingual label's half, or plain text as it is
    (a name the participant typed, a currency code)."""
    if isinstance(value, str):
        return value
    if isinstance(value, Msg | FieldLabel):
        return value.text(lang)
    return pick(value, lang)


# --------------------------------------------------------------------------- problems


def _label(key: str, lang: str, chain: list[str]) -> str | None:
    fields = catalogue().fields
    for owner in chain:
        entry = fields.get(owner, {}).get(key)
        if entry is not None:
            return entry[lang]
    return None


def field_label(name: str | None, lang: str, owners: Iterable[str | None] = (), *, as_written: bool = False) -> str:
    """How a field is named in ``lang``: the first of ``owners`` (then ``common``) that labels it.

    A nested field (``unit_costs.hpp``, ``costs[2].amount``) is looked up whole, then by its
    last part. ``as_written`` (a problem in a file): the key path the author wrote, with the
    label beside it (``costs[2].amount (Jumlah)``); otherwise (a calculator's box, a notebook)
    the label alone, with the row of a list and a currency code kept (``Jumlah (baris 3)``).
    """
    if not name:
        return ""
    lang = lang_or_default(lang)
    chain = [o for o in owners if o] + [COMMON]
    whole = _label(name, lang, chain)
    parts = re.split(r"\.|(?=\[)", name)
    last = parts[-1]
    label = whole or (_label(last, lang, chain) if len(parts) > 1 else None)
    if label is None and len(parts) >= 2 and (parent := _label(parts[-2], lang, chain)):
        label = f"{parent} {last}"  # a key under a labelled mapping: rates_pct.C is "Tarif premi (%) C"
    if as_written:
        return f"{name} ({label})" if label and label != name else name
    if label is None:
        return name
    if whole:
        return whole
    extras = [p for p in parts[:-1] if re.fullmatch(r"[A-Z]{3}", p)]
    rows = [int(m) + 1 for m in re.findall(r"\[(\d+)\]", name)]
    text = " ".join([label, *extras])
    if rows:
        text += " (" + text_of("row_n", lang, n=", ".join(str(r) for r in rows)) + ")"
    return text


def text_of(key: str, lang: str, /, **params: Any) -> str:
    """A ``common`` text (for the helpers here, which belong to no module's section)."""
    return text(COMMON, key, lang, **params)


def _fmt_allowed(allowed: Any, lang: str) -> str:
    if allowed is None:
        return ""
    if isinstance(allowed, (list, tuple, set, frozenset)):
        return ", ".join(str(_fill_value(a, lang)) for a in allowed)
    return str(_fill_value(allowed, lang))


# A message echoes the value it refuses so the reader can find it; a value longer than this (a
# pasted paragraph, a 5,000-digit number) keeps its start and end around "…" (a file path its
# file name), so one problem stays a short line on a phone and in a terminal.
ECHO_CHARS = 120


def _echo(value: Any) -> Any:
    text = value if isinstance(value, str) else None
    if text is None and isinstance(value, (int, float, Decimal)):
        text = str(value)
    if text is None or len(text) <= ECHO_CHARS:
        return value
    return text[: ECHO_CHARS * 2 // 3] + "…" + text[-(ECHO_CHARS // 3) :]


def render_problem(problem: Problem, lang: str = "id", view: Section | None = None) -> str:
    """One problem as a sentence.

    Its field is labelled by the page showing it (``view``: what its boxes say), else by the
    module that found the problem (its ``owner``), else by the view's fallbacks, else ``common``.
    """
    lang = lang_or_default(lang)
    template = catalogue().problems.get(problem.code, {}).get(lang)
    owners = (problem.owner,) if view is None else (view.owner, problem.owner, *view.fallbacks)
    values = {
        "field": field_label(problem.field, lang, owners, as_written=problem.file is not None and view is None),
        "value": "" if problem.value is None else _echo(problem.value),
        "allowed": _fmt_allowed(problem.allowed, lang),
        # A reader that knows its convention says how to write a number; one that does not
        # (money.to_decimal) reads plain decimals only.
        "example": PLAIN_EXAMPLE,
        **problem.params,
    }
    if template is None:
        # An unknown code is a programming slip, but the user still deserves the facts.
        facts = {k: v for k, v in values.items() if k != "example" or "example" in problem.params}
        parts = [problem.code] + [f"{k}={v}" for k, v in facts.items() if v not in ("", None)]
        return "; ".join(str(p) for p in parts)
    return fill(template, lang, values)
