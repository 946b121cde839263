"""Bilingual (Bahasa Indonesia first, English) text for :class:`~ukm_tools.errors.Problem` codes.

Each module may :func:`register` its own codes next to the code that raises them, so the
catalogue grows without one file every feature has to edit. A template may use
``{field}``, ``{value}``, ``{allowed}`` and any key of the problem's ``params``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

LANGS = ("id", "en")

_MESSAGES: dict[str, dict[str, str]] = {}
_FIELD_LABELS: dict[str, dict[str, str]] = {}


def register(messages: Mapping[str, Mapping[str, str]], fields: Mapping[str, Mapping[str, str]] | None = None) -> None:
    """Add message templates (``{code: {"id": ..., "en": ...}}``) and field labels."""
    for code, texts in messages.items():
        missing = [lang for lang in LANGS if lang not in texts]
        if missing:
            raise ValueError(f"message {code!r} lacks languages {missing}")
        _MESSAGES[code] = dict(texts)
    for name, labels in (fields or {}).items():
        _FIELD_LABELS[name] = dict(labels)


def field_label(field: str | None, lang: str) -> str:
    if not field:
        return ""
    # Nested fields ("origin_costs[2].amount") keep their path; the last part is labelled.
    head, _, last = field.rpartition(".")
    label = _FIELD_LABELS.get(last, {}).get(lang, last)
    return f"{head}.{label}" if head else label


def _fmt_allowed(allowed: Any, lang: str) -> str:
    if allowed is None:
        return ""
    if isinstance(allowed, (list, tuple, set, frozenset)):
        return ", ".join(str(a) for a in allowed)
    return str(allowed)


def render_problem(problem: Any, lang: str = "id") -> str:
    lang = lang if lang in LANGS else "id"
    template = _MESSAGES.get(problem.code, {}).get(lang)
    values = {
        "field": field_label(problem.field, lang),
        "value": "" if problem.value is None else problem.value,
        "allowed": _fmt_allowed(problem.allowed, lang),
        **problem.params,
    }
    if template is None:
        # An unregistered code is a programming slip, but the user still deserves the facts.
        parts = [problem.code] + [f"{k}={v}" for k, v in values.items() if v not in ("", None)]
        return "; ".join(str(p) for p in parts)
    try:
        return template.format(**values)
    except (KeyError, IndexError):
        return f"{template} ({values})"


register(
    {
        "empty": {
            "id": "{field}: belum diisi. Isi dengan angka, misalnya 1.250.000.",
            "en": "{field}: empty. Enter a number, for example 1,250,000.",
        },
        "not_a_number": {
            "id": "{field}: '{value}' bukan angka. Tulis angka dengan titik untuk ribuan dan koma untuk desimal, misalnya 1.234.567,50.",
            "en": "{field}: '{value}' is not a number. Write it like 1,234,567.50.",
        },
        "number_other_convention": {
            "id": "{field}: '{value}' ditulis dengan format {written_id}. Di sini angka ditulis dengan format {expected_id} ({rule_id}): tulis {suggestion}.",
            "en": "{field}: '{value}' is written the {written_en} way. Here numbers are written the {expected_en} way ({rule_en}): write {suggestion}.",
        },
        "number_ambiguous": {
            "id": "{field}: '{value}' bisa dibaca dua cara ({reading_a} atau {reading_b}). Tulis tanpa pemisah ribuan, misalnya {plain}.",
            "en": "{field}: '{value}' can be read two ways ({reading_a} or {reading_b}). Write it without a thousands separator, e.g. {plain}.",
        },
        "not_positive": {
            "id": "{field} harus lebih dari 0 (diisi: {value}).",
            "en": "{field} must be greater than 0 (got {value}).",
        },
        "negative": {
            "id": "{field} tidak boleh negatif (diisi: {value}).",
            "en": "{field} must not be negative (got {value}).",
        },
        "out_of_range": {
            "id": "{field} harus di antara {allowed} (diisi: {value}).",
            "en": "{field} must be within {allowed} (got {value}).",
        },
        "not_integer": {
            "id": "{field} harus bilangan bulat (diisi: {value}).",
            "en": "{field} must be a whole number (got {value}).",
        },
        "unknown_choice": {
            "id": "{field}: '{value}' tidak dikenal. Pilihan yang ada: {allowed}.",
            "en": "{field}: '{value}' is not known. Allowed: {allowed}.",
        },
        "unknown_currency": {
            "id": "{field}: mata uang '{value}' tidak dikenal. Gunakan kode ISO 4217 tiga huruf, misalnya IDR, USD, SGD, MYR.",
            "en": "{field}: currency '{value}' is not known. Use a three-letter ISO 4217 code such as IDR, USD, SGD, MYR.",
        },
        "currency_mismatch": {
            "id": "Tidak bisa menjumlah {value} dengan {allowed}: mata uangnya berbeda. Konversikan dulu dengan kurs.",
            "en": "Cannot combine {value} with {allowed}: different currencies. Convert with a rate first.",
        },
        "missing_rate": {
            "id": "Kurs {value} tidak ada di lembar kurs ({source}). Kurs yang tersedia: {allowed}.",
            "en": "No rate for {value} in the rate sheet ({source}). Rates available: {allowed}.",
        },
        "rate_not_positive": {
            "id": "{field}: kurs harus lebih dari 0 (diisi: {value}).",
            "en": "{field}: a rate must be greater than 0 (got {value}).",
        },
        "rate_order": {
            "id": "{field}: kurs beli ≤ kurs tengah ≤ kurs jual tidak terpenuhi ({value}).",
            "en": "{field}: buying rate ≤ middle rate ≤ selling rate does not hold ({value}).",
        },
        "insurance_rate_too_high": {
            "id": "{field}: tarif premi {value} terlalu tinggi; harus di bawah 1/1,1 (≈ 90,9%). Biasanya tarif premi di bawah 1%.",
            "en": "{field}: premium rate {value} is too high; it must be below 1/1.1 (≈ 90.9%). Premium rates are usually under 1%.",
        },
        "missing_field": {
            "id": "{field}: wajib diisi.",
            "en": "{field}: required.",
        },
        "wrong_type": {
            "id": "{field}: '{value}' tidak sesuai; yang diharapkan: {allowed}.",
            "en": "{field}: '{value}' is not valid; expected: {allowed}.",
        },
        "unknown_field": {
            "id": "{field}: kolom tidak dikenal (salah ketik?). Kolom yang boleh: {allowed}.",
            "en": "{field}: unknown field (a typo?). Allowed fields: {allowed}.",
        },
        "file_not_found": {
            "id": "Berkas '{value}' tidak ditemukan.",
            "en": "File '{value}' not found.",
        },
        "malformed_file": {
            "id": "Berkas '{value}' tidak bisa dibaca: {detail}.",
            "en": "File '{value}' cannot be read: {detail}.",
        },
        "price_not_above_cost": {
            "id": "{field}: harga jual ({value}) harus lebih besar dari biaya variabel per unit ({allowed}); kalau tidak, titik impas tidak pernah tercapai.",
            "en": "{field}: the selling price ({value}) must exceed the variable cost per unit ({allowed}), or break-even is never reached.",
        },
        "float_money": {
            "id": "{field}: jumlah uang {value} diberikan sebagai float, yang tidak tepat untuk uang. Tulis sebagai teks atau Decimal, misalnya Money.of('{value}', 'USD').",
            "en": "{field}: the amount {value} was given as a float, which is inexact for money. Pass it as text or a Decimal, e.g. Money.of('{value}', 'USD').",
        },
        "too_large": {
            "id": "{field}: angka {value} terlalu besar untuk dihitung (paling banyak {allowed} digit sebelum koma). Periksa angka nol yang berlebih.",
            "en": "{field}: the number {value} is too large to compute with (at most {allowed} digits before the decimal point). Check for extra zeros.",
        },
        "mode_not_allowed": {
            "id": "Incoterm {value} hanya untuk angkutan laut/perairan darat, bukan {mode}. Untuk moda lain gunakan: {allowed}.",
            "en": "Incoterm {value} is for sea and inland waterway only, not {mode}. For other modes use: {allowed}.",
        },
    },
    fields={
        "quantity": {"id": "Jumlah", "en": "Quantity"},
        "hpp": {"id": "HPP per unit", "en": "Unit cost (HPP)"},
        "packing": {"id": "Kemasan ekspor per unit", "en": "Export packing per unit"},
        "markup_pct": {"id": "Markup (%)", "en": "Markup (%)"},
        "incoterm": {"id": "Incoterm", "en": "Incoterm"},
        "insurance_rate_pct": {"id": "Tarif premi asuransi (%)", "en": "Insurance premium rate (%)"},
        "rate": {"id": "Kurs", "en": "Rate"},
        "buy": {"id": "Kurs beli", "en": "Buying rate"},
        "sell": {"id": "Kurs jual", "en": "Selling rate"},
        "mid": {"id": "Kurs tengah", "en": "Middle rate"},
        "amount": {"id": "Jumlah uang", "en": "Amount"},
        "currency": {"id": "Mata uang", "en": "Currency"},
    },
)


# --- Bridge to the YAML message catalogue of main (issue 10) -------------------------------------
# The certificate texts live in ukm_tools/data/messages/ in main's catalogue format; until main is
# merged into this branch, this small reader serves them (replaced by main's messages.py at merge).


def _catalogue_file(owner: str) -> dict[str, Any]:
    from importlib import resources

    import yaml

    path = resources.files("ukm_tools").joinpath(
        "data", "messages", *owner.split(".")[:-1], owner.split(".")[-1] + ".yaml"
    )
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


class _Section:
    def __init__(self, owner: str) -> None:
        data = _catalogue_file(owner)
        self._text = data.get("text", {})
        register(data.get("problems", {}), data.get("fields", {}))

    def __call__(self, key: str, lang: str, /, **params: Any) -> str:
        return self._text[key]["en" if lang == "en" else "id"].format(**params)


def section(owner: str) -> _Section:
    return _Section(owner)


class _Catalogue:
    @property
    def problems(self) -> dict[str, dict[str, str]]:
        return _MESSAGES


def catalogue() -> _Catalogue:
    return _Catalogue()


def _load_all_problems() -> None:
    from importlib import resources

    root = resources.files("ukm_tools").joinpath("data", "messages")
    if not root.is_dir():
        return
    stack = [root]
    while stack:
        for item in stack.pop().iterdir():
            if item.is_dir():
                stack.append(item)
            elif item.name.endswith(".yaml"):
                import yaml

                data = yaml.safe_load(item.read_text(encoding="utf-8")) or {}
                register(data.get("problems", {}), data.get("fields", {}))


_load_all_problems()
