"""Numbers in case, rate and fee files: read by the convention a file declares (`angka:`),
as before in files that declare none — except the shape two readers take differently — and
cases the calculators saved before this existed still load to the same figures."""

from __future__ import annotations

from decimal import Decimal
from importlib import resources
from pathlib import Path

import pytest

from ukm_tools.case import load_case
from ukm_tools.errors import UkmError
from ukm_tools.fx import load_rate_sheet
from ukm_tools.payments import load_fee_schedule
from ukm_tools.widgets import case_io

pytestmark = pytest.mark.timeout(60)

SAVED_BEFORE = Path(__file__).parent / "files" / "saved-before-angka"
KASTURI = resources.files("ukm_tools.data").joinpath("cases/kasturi-syrup.yaml").read_text(encoding="utf-8")


def case_text(angka: str | None, **lines: str) -> str:
    """The shipped kasturi case with ``angka:`` set (None: removed) and lines replaced."""
    text = KASTURI.replace("angka: en\n", "" if angka is None else f"angka: {angka}\n")
    for old, new in lines.items():
        assert old in text, old
        text = text.replace(old, new)
    return text


def write(tmp_path: Path, text: str, name: str = "kasus.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def refused(fn, *args) -> UkmError:
    with pytest.raises(UkmError) as e:
        fn(*args)
    return e.value


RATES_ID = """angka: id
date: 2025-12-02
source: Papan kurs Bank Sumut
rates:
  USD:
    buy: 16.420
    sell: "16.580,50"
  JPY: {buy: 104, sell: 106}
"""


def test_a_declared_indonesian_rate_sheet_reads_16_420_as_sixteen_thousand(tmp_path):
    sheet = load_rate_sheet(write(tmp_path, RATES_ID, "kurs.yaml"))
    usd = sheet.rate("USD")
    assert (usd.buy, usd.sell, usd.mid) == (Decimal(16420), Decimal("16580.5"), Decimal("16500.25"))


def test_the_shipped_rate_sheet_declares_indonesian_numbers():
    text = resources.files("ukm_tools.data").joinpath("rates.yaml").read_text(encoding="utf-8")
    assert "\nangka: id\n" in text and "buy: 16.420" in text
    assert load_rate_sheet().rate("USD").buy == Decimal(16420)


def test_a_declared_indonesian_case_reads_points_as_thousands_and_commas_as_decimals(tmp_path):
    text = case_text(
        "id",
        **{
            "  hpp: 216000 ": "  hpp: 216.000 ",
            "  packing: 18000 ": "  packing: 18.000,5 ",
            "rates_pct: {C: 0.2, A: 0.35}": "rates_pct: {C: '0,2', A: '0,35'}",
            "amount: 1500000}": "amount: 1.500.000}",
            "price_per_piece: 15.90": "price_per_piece: '15,90'",
        },
    )
    case = load_case(write(tmp_path, text))
    assert case.unit_costs.hpp == 216000 and case.unit_costs.packing == Decimal("18000.5")
    assert case.insurance is not None and case.insurance.rates_pct == {"C": Decimal("0.2"), "A": Decimal("0.35")}
    assert case.costs[1].amount == 1_500_000


def test_0_point_something_in_a_declared_indonesian_file_is_the_english_way_not_125(tmp_path):
    text = case_text("id", **{"rates_pct: {C: 0.2, A: 0.35}": "rates_pct: {C: 0.125, A: '0,35'}"})
    err = refused(load_case, write(tmp_path, text))
    assert err.code == "number_other_convention"
    assert err.message("id").startswith("insurance.rates_pct.C (Tarif premi asuransi (%) klausul C): '0.125'")
    assert "tulis 0,125" in err.message("id")


def test_a_declared_english_case_reads_commas_as_thousands(tmp_path):
    text = case_text("en", **{"  hpp: 216000 ": '  hpp: "216,000" '})
    assert load_case(write(tmp_path, text)).unit_costs.hpp == 216000


@pytest.mark.parametrize(
    "old, new, field, readings",
    [
        ("  hpp: 216000 ", "  hpp: 216.000 ", "unit_costs.hpp (HPP per unit)", ("216000", "216")),
        ("amount: 1500000}", "amount: 1.500}", "costs[1].amount (Jumlah uang)", ("1500", "1,5")),
        ("  hpp: 216000 ", '  hpp: "216,000" ', "unit_costs.hpp (HPP per unit)", ("216000", "216")),
    ],
)
def test_an_undeclared_file_refuses_the_shape_two_readers_take_differently(tmp_path, old, new, field, readings):
    err = refused(load_case, write(tmp_path, case_text(None, **{old: new})))
    line = err.message("id")
    assert err.code == "number_ambiguous_in_file" and line.startswith(f"{field}: ")
    big, small = readings
    assert f"bisa berarti {big} (" in line and f"atau {small} (" in line and "'angka: id'" in line


def test_an_undeclared_rate_block_refuses_16_420_and_reads_what_it_always_read(tmp_path):
    block = "\nrates: {date: 2025-12-01, source: papan, rates: {USD: {buy: 16.420, sell: 16580}}}\n"
    err = refused(load_case, write(tmp_path, case_text(None) + block))
    assert err.field == "rates.rates.USD.buy" and err.code == "number_ambiguous_in_file"
    assert "16420 (point separating thousands) or 16.42 (point as the decimal mark)" in err.message("en")
    # 0.2, 16420.5 and 0.125 are YAML's decimals, read as before
    fine = "\nrates: {date: 2025-12-01, source: papan, rates: {USD: {buy: 16420.5, sell: 16580}}}\n"
    case = load_case(write(tmp_path, case_text(None) + fine))
    assert case.rate_sheet().rate("USD").buy == Decimal("16420.5")
    assert case.insurance is not None and case.insurance.rates_pct["C"] == Decimal("0.2")


def test_an_undeclared_rates_file_refuses_16_420_naming_the_field(tmp_path):
    path = write(tmp_path, RATES_ID.replace("angka: id\n", "").replace('"16.580,50"', "16580"), "kurs.yaml")
    err = refused(load_rate_sheet, path)
    assert err.problems[0].field == "rates.USD.buy" and err.problems[0].file == str(path)
    assert err.message("id").startswith("rates.USD.buy (Kurs beli): '16.420' bisa berarti 16420")


def test_an_unknown_convention_is_refused_with_both_choices(tmp_path):
    err = refused(load_case, write(tmp_path, case_text("ind")))
    assert err.code == "unknown_choice" and "angka: 'ind' tidak dikenal. Pilihan yang ada: id, en." in err.message("id")


def test_the_shipped_fee_schedule_declares_its_numbers_and_reads_as_before(tmp_path):
    schedule = load_fee_schedule()
    assert next(f for f in schedule.fees if f.code == "negotiation").rate_pct == Decimal("0.125")
    text = resources.files("ukm_tools.data").joinpath("fees/bank_jatim.yaml").read_text(encoding="utf-8")
    indonesian = text.replace("angka: en", "angka: id").replace("rate_pct: 0.125", "rate_pct: '0,125'")
    indonesian = indonesian.replace("rate_pct: 0.5", "rate_pct: '0,5'")
    own = load_fee_schedule(write(tmp_path, indonesian, "bank.yaml"))
    assert [f.rate_pct for f in own.fees] == [f.rate_pct for f in schedule.fees]
    slip = write(tmp_path, text.replace("rate_pct: 0.125\n    min: 25", "rate_pct: 125\n    min: 25"), "slip.yaml")
    err = refused(load_fee_schedule, slip)
    assert err.code == "implausible" and "fees[2].rate_pct" in err.message("en") and "0.125%?" in err.message("en")


# ------------------------------------------------------------------ cases saved before `angka:`

# What each file saved by e61643b's calculators held when it was written (tests/domain/files).
SAVED = {
    "price-id.yaml": ("18500.5", "1500", "12.125", {"A": "0.35", "C": "1.125"}, "16420.5", "16580", "270.75"),
    "price-long-fraction.yaml": (
        "18500.5",
        "1500",
        "33.333333333333333333",
        {"A": "0.35", "C": "1.125"},
        "16420.5",
        "16580",
        "270.75",
    ),
    "price-en.yaml": ("216000", "18000", "30.5", {"A": "0.35", "C": "0.2"}, "16420", "16580.25", "270"),
    "fx.yaml": ("216000", "18000", "30", {"C": "0.2", "A": "0.35"}, "16420", "16580", "270"),
    "insurance.yaml": ("216000", "18000", "30", {"C": "0.2", "A": "0.35"}, "16420", "16580", "270"),
    "landed.yaml": ("216000", "18000", "30", {"C": "0.2", "A": "0.35"}, "16420", "16580", "270"),
}


@pytest.mark.parametrize("name", sorted(SAVED))
def test_cases_saved_before_this_change_load_unchanged(name):
    hpp, packing, markup, rates_pct, buy, sell, freight = SAVED[name]
    case, extras = case_io.read_case_file(SAVED_BEFORE / name)
    assert case.unit_costs.hpp == Decimal(hpp) and case.unit_costs.packing == Decimal(packing)
    assert str(case.unit_costs.markup_pct) == markup
    assert case.insurance is not None
    assert {k: str(v) for k, v in case.insurance.rates_pct.items()} == rates_pct
    usd = case.rate_sheet().rate("USD")
    assert (str(usd.buy), str(usd.sell)) == (buy, sell)
    assert str(case.costs[6].amount) == freight
    if name in ("fx.yaml", "insurance.yaml", "landed.yaml"):  # their own inputs, as YAML read them before
        assert (
            extras
            == {
                "fx": {"fx": {"amount": 4304, "currency": "USD", "range_pct": 10, "step_pct": 2.5}},
                "insurance": {"insurance": {"cfr": 4294, "currency": "USD", "cover_pct": 110, "clause": "C"}},
                "landed": extras,
            }[name.removesuffix(".yaml")]
        )


def test_the_same_numbers_written_by_hand_without_angka_are_questioned(tmp_path):
    # The save header is what says the program wrote 12.125: without it, the shape is refused.
    text = (SAVED_BEFORE / "price-id.yaml").read_text(encoding="utf-8").split("\n", 1)[1]
    err = refused(case_io.read_case_file, write(tmp_path, text))
    assert {(p.code, p.field) for p in err.problems} == {
        ("number_ambiguous_in_file", "unit_costs.markup_pct"),
        ("number_ambiguous_in_file", "insurance.rates_pct.C"),
    }


def test_a_case_saved_now_declares_english_numbers_and_reads_back_exactly():
    case, extras = case_io.read_case_file(SAVED_BEFORE / "price-long-fraction.yaml")
    text = case_io.dump(case_io.case_to_mapping(case), {"fx": {"range_pct": Decimal("7.5")}})
    assert "\nangka: en\n" in text and "markup_pct: 33.333333333333333333\n" in text and "C: 1.125\n" in text
    again, extras = case_io.read_case_text(text)
    assert again == case and extras == {"fx": {"range_pct": 7.5}}


# Cases saved by the calculators of c237a01 (main with the class calculators, before this branch
# was merged into it): the price page with 27,5 % and 2.400 units typed, financing, insurance, FX.
SAVED_BY_CLASS_CALCULATORS = Path(__file__).parent / "files" / "saved-by-c237a01"


@pytest.mark.parametrize("name", ["financing.yaml", "fx.yaml", "insurance.yaml", "price.yaml"])
def test_cases_saved_by_the_class_calculators_load_as_they_did(name):
    import json

    expected = json.loads((SAVED_BY_CLASS_CALCULATORS / "as-read-by-c237a01.json").read_text(encoding="utf-8"))[name]
    case, extras = case_io.read_case_file(SAVED_BY_CLASS_CALCULATORS / name)
    got = case.model_dump(mode="json", by_alias=True, exclude_none=True)
    assert {k: v for k, v in got.items() if k in expected["case"]} == expected["case"]
    assert set(got) - set(expected["case"]) <= {"plausible"}  # this branch's only new field there, empty
    assert json.loads(json.dumps(extras, default=str)) == expected["extras"]
