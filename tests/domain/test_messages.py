"""The message catalogue: one place for every text, checked when it loads, labels owned per module."""

from pathlib import Path

import pytest

from ukm_tools import messages
from ukm_tools.breakeven import break_even
from ukm_tools.errors import Problem, UkmError
from ukm_tools.financing import OrderInput, cash_flow
from ukm_tools.messages import CatalogueError, Msg, load_catalogue, section
from ukm_tools.money import Money
from ukm_tools.payments import load_fee_schedule, method_cost

pytestmark = pytest.mark.timeout(60)

PACKAGE = Path(messages.__file__).parent
CATALOGUE = PACKAGE / "data" / "messages"


def idr(x):
    return Money.of(x, "IDR")


def write(folder: Path, name: str, text: str) -> None:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


# ------------------------------------------------------------------ the files


def test_packaged_catalogue_loads_every_file():
    cat = load_catalogue()
    assert "not_a_number" in cat.problems and cat.problem_owner["not_a_number"] == "common"
    assert cat.fields["financing"]["tenor_days"]["id"] == "Jangka waktu pembayaran (hari)"


def test_every_catalogue_file_belongs_to_a_module():
    # widgets/price.yaml <-> ukm_tools/widgets/price.py: a file whose module is gone is dead text.
    for path in CATALOGUE.rglob("*.yaml"):
        owner = path.relative_to(CATALOGUE).with_suffix("")
        if owner.as_posix() == messages.COMMON:
            continue
        assert (PACKAGE / owner).with_suffix(".py").is_file(), f"{path} has no module ukm_tools/{owner}.py"


def test_a_key_written_twice_in_one_file_is_refused(tmp_path):
    # PyYAML alone would keep the second silently: the collision the old registry had.
    write(tmp_path, "payments.yaml", "fields:\n  tenor_days: {id: A, en: A}\n  tenor_days: {id: B, en: B}\n")
    with pytest.raises(CatalogueError, match=r"'tenor_days' on line 3 is already defined on line 2"):
        load_catalogue(tmp_path)


def test_a_problem_code_in_two_files_is_refused(tmp_path):
    write(tmp_path, "common.yaml", "problems:\n  negative: {id: 'negatif', en: 'negative'}\n")
    write(tmp_path, "widgets/price.yaml", "problems:\n  negative: {id: 'minus', en: 'minus'}\n")
    with pytest.raises(CatalogueError, match=r"'negative' is already defined in messages/common.yaml"):
        load_catalogue(tmp_path)


@pytest.mark.parametrize(
    ("entry", "complaint"),
    [
        ("{id: 'Rp{amount}', en: 'IDR {jumlah}'}", r"'en' fills in \['jumlah'\], which 'id' does not"),
        ("{id: 'Rp{amonut}', en: 'IDR {amount}'}", r"'en' fills in \['amount'\], which 'id' does not"),
        ("{id: 'Hanya Indonesia'}", "needs exactly 'id' and 'en'"),
        ("{id: '', en: 'Empty Indonesian'}", "must be non-empty text"),
        ("{id: 'kurung {', en: 'brace {'}", "literal brace"),
    ],
)
def test_malformed_entries_are_refused(tmp_path, entry, complaint):
    write(tmp_path, "landed.yaml", f"text:\n  total: {entry}\n")
    with pytest.raises(CatalogueError, match=complaint):
        load_catalogue(tmp_path)


def test_only_the_three_sections(tmp_path):
    write(tmp_path, "landed.yaml", "labels:\n  total: {id: Total, en: Total}\n")
    with pytest.raises(CatalogueError, match="top level may hold only problems, fields, text"):
        load_catalogue(tmp_path)


# ------------------------------------------------------------------ labels owned per module


@pytest.fixture(scope="module")
def jatim():
    return load_fee_schedule()


def test_tenor_days_is_named_by_the_module_that_checked_it(jatim):
    # Both modules name an input tenor_days; each keeps its own label whatever was imported last.
    with pytest.raises(UkmError) as collection:
        method_cost("da", Money.of(1000, "USD"), jatim, tenor_days=-1)
    order = OrderInput(idr(60_000_000), idr(1), idr(1), idr(1), 30, "cash_in_advance", tenor_days=30)
    with pytest.raises(UkmError) as cash:
        cash_flow(order)
    assert collection.value.problems[0].owner == "payments"
    assert collection.value.message("id").startswith("Jangka waktu (hari) ")
    assert cash.value.problems[0].owner == "financing"
    assert cash.value.message("id").startswith("Jangka waktu pembayaran (hari): ")


def test_a_page_names_fields_as_its_boxes_do():
    # The break-even page calls the box "Unit per karton"; the domain's own name is "Isi per karton".
    with pytest.raises(UkmError) as e:
        break_even(idr(1), idr(25_000), idr(15_500), units_per_carton=0)
    page = section("widgets.breakeven", "breakeven")
    assert e.value.message("id") == "Isi per karton harus lebih dari 0 (diisi: 0)."
    assert e.value.message("id", page) == "Unit per karton harus lebih dari 0 (diisi: 0)."
    # a field the page does not name itself falls back to the domain's label
    fixed = Problem("negative", "fixed_costs", -1)
    assert fixed.message("en", page) == "Fixed costs must not be negative (got -1)."


@pytest.mark.parametrize(
    ("owner", "field", "label"),
    [
        ("landed", "vat_pct", "PPN/VAT di negara tujuan (%)"),
        ("widgets.price", "vat_pct", "PPN/GST impor (%)"),
        ("payments", "validity_days", "Masa berlaku L/C (hari)"),
        ("widgets.price", "validity_days", "Masa berlaku (hari)"),
        ("katalog", "unit_price", "Harga satuan termasuk PPN (Rp)"),
        ("breakeven", "unit_price", "Harga jual per unit"),
    ],
)
def test_the_colliding_labels_of_the_old_registry_each_keep_their_owner(owner, field, label):
    assert Problem("negative", field, -1, owner=owner).message("id") == f"{label} tidak boleh negatif (diisi: -1)."


def test_nested_fields_read_as_the_user_wrote_them():
    # in a calculator or notebook: the label, with the row of a list and a currency kept
    assert messages.field_label("costs[2].amount", "id") == "Jumlah uang (baris 3)"
    assert messages.field_label("rates.rates.USD.buy", "en") == "Buying rate USD"
    # in a file: the key path as written there, the label beside it
    assert messages.field_label("costs[2].amount", "id", as_written=True) == "costs[2].amount (Jumlah uang)"
    assert messages.field_label("unit_costs.hpp", "en", as_written=True) == "unit_costs.hpp (Unit cost (HPP))"
    assert messages.field_label("unknown_field_name", "en") == "unknown_field_name"


# ------------------------------------------------------------------ texts


def test_msg_fills_money_and_nested_texts_per_language():
    # A loss note carries the Money; each language formats it its own way.
    note = Msg("financing", "order_loses", {"loss": idr(5_000_000)})
    assert "rugi Rp5.000.000" in note["id"]
    assert "loses Rp5,000,000" in note["en"]


def test_an_unknown_key_is_a_loud_error():
    with pytest.raises(KeyError, match="no text 'no_such_text' in messages/financing.yaml"):
        messages.text("financing", "no_such_text", "id")


def test_an_unknown_problem_code_still_shows_its_facts():
    assert Problem("no_such_code", "hpp", "x").message("en") == "no_such_code; field=Unit cost (HPP); value=x"


def test_a_long_refused_value_is_echoed_by_its_start_and_end():
    # An upload can put 60,000 characters (or a 5,000-digit number) in one box: the message
    # echoes where it starts and ends, not all of it, so it stays a line on a phone.
    pasted = "a" * 10_000 + "z"
    line = Problem("not_a_number", "hpp", pasted).message("id")
    assert len(line) < 300 and ("a" * 80 + "…" + "a" * 39 + "z") in line
    assert "1" + "0" * 79 + "…" in Problem("negative", "hpp", 10**300).message("id")
    short = "/home/pelatih/medan/kurs-desember.yaml"
    assert short in Problem("file_not_found", "file", short).message("id")  # short values untouched
