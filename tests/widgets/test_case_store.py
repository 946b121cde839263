"""A participant's saved cases: private folder, names only, asks before replacing another
calculator's case, hostile files refused with a clear message and nothing changed."""

from __future__ import annotations

import os

import pytest

from ukm_tools.case import packaged_case
from ukm_tools.errors import UkmError
from ukm_tools.widgets import case_io
from ukm_tools.widgets.case_store import CaseStore, NameTaken
from ukm_tools.widgets.insurance import InsuranceCalculator
from ukm_tools.widgets.price import PriceBuildUpCalculator

KASTURI = case_io.dump(case_io.case_to_mapping(packaged_case()))


@pytest.fixture
def store(tmp_path):
    return CaseStore(tmp_path / "peserta-a")


@pytest.mark.parametrize(
    "name, saved",
    [
        ("peserta 07", "peserta-07.yaml"),
        ("../../etc/passwd", "etc-passwd.yaml"),
        ("", "kasus.yaml"),
        ("a.yml", "a.yml"),
    ],
)
def test_save_names_stay_in_the_folder(store, name, saved):
    case = store.save(name, "price", KASTURI)
    assert case.name == saved and (store.folder / saved).is_file()
    assert [p.name for p in store.folder.parent.iterdir()] == ["peserta-a"]


def test_same_calculator_replaces_its_own_case_another_must_ask(store):
    store.save("sirup", "price", KASTURI)
    store.save("sirup", "price", KASTURI.replace("quantity: 200", "quantity: 300"))  # its own: replaced
    assert store.read("sirup.yaml")[0].quantity == 300
    with pytest.raises(NameTaken) as e:
        store.save("sirup", "insurance", KASTURI)
    assert e.value.existing.calculator == "price"
    assert store.read("sirup.yaml")[0].quantity == 300  # nothing written before the answer
    store.save("sirup", "insurance", KASTURI, replace=True)
    assert store.get("sirup.yaml").calculator == "insurance"


def test_a_file_of_unknown_origin_is_never_replaced_silently(store):
    store.folder.mkdir(parents=True)
    (store.folder / "lama.yaml").write_text(KASTURI, encoding="utf-8")
    with pytest.raises(NameTaken):
        store.save("lama", "price", KASTURI)


def test_a_symlink_out_of_the_folder_is_not_read_or_written_through(store, tmp_path):
    secret = tmp_path / "rahasia.yaml"
    secret.write_text(KASTURI, encoding="utf-8")
    store.folder.mkdir(parents=True)
    os.symlink(secret, store.folder / "tautan.yaml")
    assert store.list() == []  # not listed
    with pytest.raises(UkmError) as e:
        store.read("tautan.yaml")
    assert e.value.code == "case_not_found"
    store.save("tautan", "price", KASTURI, replace=True)  # replaces the link, not the target
    assert secret.read_text(encoding="utf-8") == KASTURI and not (store.folder / "tautan.yaml").is_symlink()


def test_read_refuses_names_that_are_not_plain_file_names(store):
    store.save("a", "price", KASTURI)
    for name in ("../peserta-a/a.yaml", "/etc/passwd", "a"):
        with pytest.raises(UkmError) as e:
            store.read(name)
        assert e.value.code == "case_not_found"


def test_oversized_and_binary_files_are_refused_with_a_message(store):
    store.folder.mkdir(parents=True)
    (store.folder / "besar.yaml").write_text("a: " + "x" * 300_000, encoding="utf-8")
    (store.folder / "biner.yaml").write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(UkmError) as e:
        store.read("besar.yaml")
    assert e.value.code == "yaml_too_large" and "besar.yaml" in e.value.message("id")
    with pytest.raises(UkmError) as e:
        store.read("biner.yaml")
    assert e.value.code == "not_utf8" and "UTF-8" in e.value.message("id")


def test_the_number_of_cases_is_bounded(tmp_path):
    store = CaseStore(tmp_path / "p", max_cases=3)
    for i in range(3):
        store.save(f"k{i}", "price", KASTURI)
    with pytest.raises(UkmError) as e:
        store.save("k3", "price", KASTURI)
    assert e.value.code == "too_many_cases"
    store.save("k1", "price", KASTURI)  # replacing one is still allowed


def test_the_number_of_documents_is_bounded_too(tmp_path):
    # A quotation PDF is named after its case, and an upload can rename the case at will:
    # without a bound, one browser could fill the disk with PDFs.
    store = CaseStore(tmp_path / "p", max_cases=2)
    store.save_document("Q-20260101-A", b"%PDF a")
    store.save_document("Q-20260101-B", b"%PDF b")
    with pytest.raises(UkmError) as e:
        store.save_document("Q-20260101-C", b"%PDF c")
    assert e.value.code == "too_many_cases"
    assert store.save_document("Q-20260101-A", b"%PDF a2") == "Q-20260101-A.pdf"  # replacing is allowed
    assert sorted(p.name for p in store.folder.glob("*.pdf")) == ["Q-20260101-A.pdf", "Q-20260101-B.pdf"]


def test_panel_asks_before_replacing_another_calculators_case(kw, tmp_path):
    shared = CaseStore(tmp_path / "satu-peserta")
    price = PriceBuildUpCalculator(**kw, store=shared)
    assert price.widget.children  # built: the page shows its fields and first result
    price.f_hpp.input.value = "1.500.000"
    price.case_panel.name.value = "kasus-saya"
    assert price.case_panel.save() == "kasus-saya.yaml"

    ins = InsuranceCalculator(**kw, store=shared)
    assert ins.widget.children  # built: the page shows its fields and first result
    ins.case_panel.name.value = "kasus-saya"
    assert ins.case_panel.save() is None  # asks instead of writing
    assert ins.case_panel.confirm_box.layout.display == "flex"
    assert (
        "sudah dipakai" in ins.case_panel.confirm_text.value and "Kalkulator harga" in ins.case_panel.confirm_text.value
    )
    assert shared.read("kasus-saya.yaml")[0].unit_costs.hpp == 1_500_000  # HPP kept
    ins.case_panel.cancel_button.click()
    assert ins.case_panel.confirm_box.layout.display == "none"
    assert shared.read("kasus-saya.yaml")[0].unit_costs.hpp == 1_500_000

    ins.case_panel.save()
    ins.case_panel.confirm_button.click()  # the participant said yes
    replaced = shared.get("kasus-saya.yaml")
    assert replaced is not None and replaced.calculator == "insurance"


def test_upload_that_is_too_large_or_not_text_keeps_inputs(kw):
    calc = PriceBuildUpCalculator(**kw)
    assert calc.widget.children  # built: the page shows its fields and first result
    before = dict(calc.shown)
    assert calc.case_panel.open_upload("besar.yaml", b"a: " + b"x" * 100_000) is False
    assert "terlalu besar" in calc.errors_shown()
    assert calc.case_panel.open_upload("foto.yaml", b"\x89PNG\r\n\x1a\n\xff\xff") is False
    assert "UTF-8" in calc.errors_shown()
    from tests.domain.test_safe_yaml import BILLION_LAUGHS

    assert calc.case_panel.open_upload("bom.yaml", BILLION_LAUGHS.encode()) is False
    assert "alias" in calc.errors_shown()
    long_number = KASTURI.replace("\n  hpp: 216000", "\n  hpp: " + "9" * 5000)
    assert long_number != KASTURI
    assert calc.case_panel.open_upload("panjang.yaml", long_number.encode()) is False
    assert "angka terlalu panjang" in calc.errors_shown()
    assert calc.shown == before
