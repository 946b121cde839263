"""Malformed and implausible inputs in a case or rate file, as `ukm quote` reports them.

Each message must let the trainer act on it: the field as they wrote it in the file (its key
path, with the label beside it), the value they wrote, and what to write instead (the allowed
values, an example in their own number convention, or the likely slip) — Indonesian first, in
English on request, one line per problem, exit status 2, and none of pydantic's own English.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import pytest
from typer.testing import CliRunner

import ukm_tools.cli.quote  # noqa: F401  # registers `quote` on the app
from ukm_tools.cli.base import app

pytestmark = pytest.mark.timeout(120)
RUNNER = CliRunner()
KASTURI = resources.files("ukm_tools.data").joinpath("cases/kasturi-syrup.yaml").read_text(encoding="utf-8")
RATES = "rates: {date: 2025-12-01, source: papan kurs, rates: {USD: {buy: %s, sell: 16580}}}\n"
PYDANTIC_ENGLISH = ("Input should", "Extra inputs", "Field required", "validation error", "pydantic", "type=")


def case(angka: str | None = "en", extra: str = "", **edits: str) -> str:
    text = KASTURI.replace("angka: en\n", "" if angka is None else f"angka: {angka}\n")
    if angka == "id":  # the shipped case's decimals, the Indonesian way
        text = text.replace("rates_pct: {C: 0.2, A: 0.35}", "rates_pct: {C: '0,2', A: '0,35'}")
        text = text.replace("price_per_piece: 15.90", "price_per_piece: '15,90'")
    for old, new in edits.items():
        assert old in text, old
        text = text.replace(old, new, 1)
    return text + extra


def H(v: str) -> dict[str, str]:
    return {"  hpp: 216000 ": f"  hpp: {v} "}


# (name, case file text, expected Indonesian lines: each a list of fragments, the first the
# line's start: the field as written and the value)
ROWS = [
    (
        "16.420 in an undeclared rate block",
        case(None, RATES % "16.420"),
        [
            [
                "rates.rates.USD.buy (Kurs beli): '16.420' bisa berarti 16420 (titik sebagai pemisah ribuan)",
                "atau 16,42 (titik sebagai tanda desimal)",
                "'angka: id'",
            ]
        ],
    ),
    (
        "216.000 as HPP in an undeclared case",
        case(None, **H("216.000")),
        [["unit_costs.hpp (HPP per unit): '216.000' bisa berarti 216000", "atau 216 (", "misalnya 216000"]],
    ),
    (
        "16,42 per USD in an Indonesian file: a slip for 16.420",
        case("id", RATES % "'16,42'"),
        [
            [
                "rates.rates.USD.buy (Kurs beli): 16,42 jauh di luar kisaran wajar",
                "kurs rupiah per USD (10.000–25.000).",
                "Maksud Anda 16.420?",
                'plausible: {rate_idr: {USD: {min: "16,42"}}}',
            ]
        ],
    ),
    (
        "16.42 per USD in an English file",
        case("en", RATES % "16.42"),
        [
            [
                "rates.rates.USD.buy (Kurs beli): 16.42 jauh di luar kisaran wajar",
                "(10,000–25,000)",
                "Maksud Anda 16,420?",
            ]
        ],
    ),
    (
        "16420000 per USD: a slip the other way",
        case("en", RATES % "16420000"),
        [["rates.rates.USD.buy (Kurs beli): 16420000 jauh di luar", "Maksud Anda 16,420?"]],
    ),
    (
        "an insurance rate of 90.9%",
        case("en", **{"rates_pct: {C: 0.2, A: 0.35}": "rates_pct: {C: 90.9, A: 0.35}"}),
        [
            [
                "insurance.rates_pct.C (Tarif premi asuransi (%) klausul C): 90.9% jauh di luar kisaran wajar",
                "tarif premi asuransi (0.01–5%)",
                "Maksud Anda 0.909%?",
            ]
        ],
    ),
    (
        "a markup of 3000%",
        case("en", **{"  markup_pct: 30 ": "  markup_pct: 3000 "}),
        [["unit_costs.markup_pct (Markup (%)): 3000% jauh di luar kisaran wajar markup (0–300%)", "Maksud Anda 30%?"]],
    ),
    (
        "English thousands in an Indonesian file",
        case("id", **H("'1,234,567.50'")),
        [["unit_costs.hpp (HPP per unit): '1,234,567.50' ditulis dengan format Inggris", "tulis 1.234.567,5"]],
    ),
    (
        "Indonesian thousands in an English file",
        case("en", **H("'1.234.567,50'")),
        [["unit_costs.hpp (HPP per unit): '1.234.567,50' ditulis dengan format Indonesia", "tulis 1,234,567.5"]],
    ),
    (
        "0.125 in an Indonesian file",
        case("id", **{"rates_pct: {C: '0,2', A: '0,35'}": "rates_pct: {C: 0.125, A: '0,35'}"}),
        [
            [
                "insurance.rates_pct.C (Tarif premi asuransi (%) klausul C): '0.125' ditulis dengan format Inggris",
                "tulis 0,125",
            ]
        ],
    ),
    (
        "a word for a number",
        case("id", **H("dua ratus ribu")),
        [["unit_costs.hpp (HPP per unit): 'dua ratus ribu' bukan angka.", "Tulis angka seperti 1.234.567,50."]],
    ),
    (
        "16,420.50 as text in an undeclared rate block (read as a plain decimal, as before)",
        case(None, RATES % "'16,420.50'"),
        [["rates.rates.USD.buy (Kurs beli): '16,420.50' bukan angka.", "Tulis angka seperti 1234567.50."]],
    ),
    (
        "an unknown field at the top",
        case("en", "quantiti: 5\n"),
        [["quantiti: kolom tidak dikenal (salah ketik?).", "Kolom yang boleh: angka, case, title", "quantity"]],
    ),
    (
        "an unknown field under unit_costs",
        case("en", **{"  markup_pct: 30 ": "  markupp: 30 "}),
        [["unit_costs.markupp: kolom tidak dikenal (salah ketik?). Kolom yang boleh: hpp, packing, markup_pct."]],
    ),
    (
        "C&F for CFR",
        case("en", **{"incoterm: CIF": "incoterm: C&F"}),
        [["incoterm (Incoterm): 'C&F' bukan aturan Incoterms 2020 (nama tidak resmi).", "tulis CFR."]],
    ),
    (
        "DAT, an Incoterms 2010 rule",
        case("en", **{"incoterm: CIF": "incoterm: DAT", "mode: sea": "mode: road"}),
        [["incoterm (Incoterm): 'DAT' bukan aturan Incoterms 2020 (aturan Incoterms 2010", "tulis DPU."]],
    ),
    (
        "an unknown number convention",
        case("ind"),
        [["angka: 'ind' tidak dikenal. Pilihan yang ada: id, en."]],
    ),
    (
        "an ICC clause that does not exist",
        case("en", **{"  method: inclusive": "  method: inclusive\n  clause: D"}),
        [["insurance.clause (Klausul ICC): 'D' tidak dikenal. Pilihan yang ada: A, B, C."]],
    ),
    (
        "per_unit that is neither true nor false",
        case("en", **{"amount: 300000}": "amount: 300000, per_unit: maybe}"}),
        [["costs[0].per_unit (Biaya per unit (true/false)): 'maybe' tidak sesuai; yang diharapkan: true atau false."]],
    ),
    (
        "a USD cost paid in euro",
        case("en", **{"amount: 270, currency: USD}": "amount: 270, currency: USD, paid_in: EUR}"}),
        [["costs[6].paid_in (Dibayar dengan mata uang): 'EUR' tidak dikenal. Pilihan yang ada: IDR, USD."]],
    ),
    (
        "too few unit price decimals for the quantity",
        case("en", "unit_price_decimals: 2\n"),
        [["unit_price_decimals (Desimal harga per unit): 2 desimal terlalu sedikit untuk 200 unit", "Isi antara 5-12"]],
    ),
    (
        "a quantity with a fraction",
        case("en", **{"quantity: 200 ": "quantity: 12.5 "}),
        [["quantity (Jumlah) harus bilangan bulat (diisi: 12.5)."]],
    ),
    (
        "a rate date that is not a date",
        case("en", RATES.replace("2025-12-01", "kemarin") % "16420"),
        [["rates.date: 'kemarin' tidak sesuai; yang diharapkan: YYYY-MM-DD."]],
    ),
    (
        "an unknown key in a rate",
        case("en", "rates: {date: 2025-12-01, source: x, rates: {USD: {buy: 16420, sell: 16580, jual: 1}}}\n"),
        [["rates.rates.USD.jual: kolom tidak dikenal (salah ketik?). Kolom yang boleh: buy, sell, mid, date, source."]],
    ),
    (
        "a rate of eighteen digits",
        case("id", RATES % "164.200.000.000.000.000"),
        [["rates.rates.USD.buy (Kurs beli): angka 164.200.000.000.000.000 terlalu besar", "paling banyak 15 digit"]],
    ),
    (
        "a band widened under a key that does not exist",
        case("en", "plausible: {markupp: {max: 500}}\n"),
        [["plausible.markupp: kolom tidak dikenal (salah ketik?).", "markup_pct"]],
    ),
    (
        "two problems at once",
        case("en", RATES % "16.42", **{"  markup_pct: 30 ": "  markup_pct: 3000 "}),
        [["unit_costs.markup_pct (Markup (%)): 3000%"], ["rates.rates.USD.buy (Kurs beli): 16.42"]],
    ),
]


def quote(tmp_path: Path, text: str, lang: str) -> tuple[int, list[str]]:
    path = tmp_path / "kasus.yaml"
    path.write_text(text, encoding="utf-8")
    r = RUNNER.invoke(app, ["quote", str(path), "--lang", lang])
    prefix = "Galat: " if lang == "id" else "Error: "
    # rich may wrap a long line on a narrow console: join the wrapped parts back
    lines = " ".join(r.stderr.split("\n")).split(prefix)
    return r.exit_code, [" ".join(line.split()) for line in lines if line.strip()]


def test_the_table_has_at_least_twenty_inputs():
    assert len(ROWS) >= 20


@pytest.mark.parametrize("text, expected", [(t, e) for _, t, e in ROWS], ids=[n for n, _, _ in ROWS])
def test_each_message_names_field_value_and_what_to_write(tmp_path, text, expected):
    code, lines = quote(tmp_path, text, "id")
    assert code == 2 and "Traceback" not in " ".join(lines)
    assert len(lines) == len(expected), lines
    for line, fragments in zip(sorted(lines), sorted(expected), strict=True):
        assert line.startswith(fragments[0]), (line, fragments[0])
        for fragment in fragments[1:]:
            assert fragment in line, (line, fragment)
    code, english = quote(tmp_path, text, "en")
    assert code == 2 and len(english) == len(lines)
    for line in english + lines:
        assert not any(p in line for p in PYDANTIC_ENGLISH), line
        assert "rates.rates.rates" not in line and ".Kurs" not in line  # no doubled paths, no path-label mix
