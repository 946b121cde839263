"""Price build-up calculator: shown figures equal the domain core's, bad input keeps the last result."""

import datetime as dt
from decimal import Decimal

import pytest

from ukm_tools import incoterms
from ukm_tools.case import case_from_mapping, load_case, packaged_case
from ukm_tools.money import format_money
from ukm_tools.widgets import case_io
from ukm_tools.widgets.price import PriceBuildUpCalculator
from ukm_tools.widgets.rates import ENTERED_SOURCE

pytestmark = pytest.mark.timeout(60)


def expected(mutate=None, rule=None, lang="id"):
    """The domain core's figures for the packaged case, optionally changed like the widget input."""
    m = case_io.case_to_mapping(packaged_case())
    if mutate:
        mutate(m)
    res = case_from_mapping(m).quote(rule)
    f = res.final
    return {
        # unit prices as the invoice states them: with the decimals the quantity needs
        "unit_idr": res.unit_text(f, lang, idr=True),
        "unit_quote": res.unit_text(f, lang),
        "shipment_idr": format_money(f.shipment_idr, lang),
        "shipment_quote": format_money(f.shipment_quote, lang),
    }


@pytest.fixture
def calc(kw):
    c = PriceBuildUpCalculator(**kw)
    assert c.widget.children  # built: the first computation is on the page
    return c


def test_initial_figures_are_the_domain_quote_and_are_on_screen(calc):
    want = expected()
    assert calc.shown == want
    assert want["shipment_quote"].startswith("US$ ") and want["unit_idr"].startswith("Rp")
    for text in want.values():
        assert text in calc.summary.value
    # the table has one row per step EXW..CIF with both currencies
    for step in ("EXW", "FAS", "FOB", "CFR", "CIF"):
        assert f">{step}<" in calc.table.value
    exw = packaged_case().quote().steps[0]
    assert format_money(exw.shipment_quote, "id") in calc.table.value
    # the chart: one floating bar per step, each ending at the step's unit price
    for s in packaged_case().quote().steps:
        assert f">{s.rule}<" in calc.chart.value and format_money(s.unit_idr, "id") in calc.chart.value
    assert calc.message.value == ""


def test_a_unit_price_per_bottle_shows_the_decimals_its_quantity_needs(calc):
    # 2,400 bottles: 6 decimals, and US$ 1,793346 x 2.400 = US$ 4.304,03, the shipment shown
    # (the same total as 200 cartons of 12)
    with calc.holding():
        calc.f_hpp.raw, calc.f_packing.raw = "18.000", "1.500"
    calc.f_qty.input.value = "2.400"
    assert calc.error is None
    assert calc.shown["unit_quote"] == "US$ 1,793346" and calc.shown["shipment_quote"] == "US$ 4.304,03"


def test_indonesian_typed_input_recomputes_with_domain(calc):
    calc.f_hpp.input.value = "240.000"
    calc.f_markup.input.value = "27,5"
    assert calc.error is None
    assert calc.shown == expected(lambda m: m["unit_costs"].update(hpp=240000, markup_pct=Decimal("27.5")))


@pytest.mark.parametrize("rule", incoterms.RULE_ORDER)
def test_every_incoterm_matches_domain(calc, rule):
    calc.f_clause.input.value = ""  # the rule's own minimum clause (C for CIF, A for CIP)
    calc.f_rule.input.value = rule
    assert calc.error is None, calc.message.value

    def mutate(m):
        m["insurance"].pop("clause", None)
        m["incoterm"] = rule

    assert calc.shown == expected(mutate)
    assert calc.table.value.count("<tr>") == 1 + len(incoterms.ladder(rule)) - (0 if calc.result.insurance else 0)


@pytest.mark.parametrize(
    "field, text, fragment",
    [
        ("f_hpp", "", "HPP per unit: belum diisi"),
        ("f_hpp", "dua puluh ribu", "bukan angka"),
        ("f_packing", "-1.500", "tidak boleh negatif"),
        ("f_qty", "0", "harus lebih dari 0"),
        ("f_qty", "12,5", "bilangan bulat"),
        ("f_ins_c", "95", "95% jauh di luar kisaran wajar tarif premi asuransi (0,01–5%). Maksud Anda 0,95%?"),
        ("f_hpp", "18,000.50", "format Inggris"),
    ],
)
def test_bad_input_shows_message_and_keeps_last_result(calc, field, text, fragment):
    if field == "f_ins_c":
        calc.f_ins_c = calc.f_ins_rates["C"]
    before = dict(calc.shown)
    summary = calc.summary.value
    original = getattr(calc, field).raw
    getattr(calc, field).input.value = text
    assert fragment in calc.errors_shown()
    assert "Traceback" not in calc.message.value
    assert "Hasil di bawah masih dari isian benar yang terakhir" in calc.message.value
    assert calc.shown == before and calc.summary.value == summary
    # fixing it clears the message
    getattr(calc, field).input.value = original
    assert calc.message.value == "" and calc.shown == before


def test_english_switch_relabels_and_reformats(calc):
    calc.set_lang("en")
    assert calc.f_hpp.raw == "216,000"
    assert "Unit cost HPP per karton" in calc.f_hpp.label.value
    assert calc.shown == expected(lang="en")
    assert calc.shown["shipment_quote"].startswith("$") and "," in calc.shown["shipment_idr"]
    calc.f_hpp.input.value = "1.234.567,5"  # Indonesian way while in English: refused with a hint
    assert "Indonesian way" in calc.errors_shown()
    calc.set_lang("id")
    assert "HPP per karton (Rp)" in calc.f_hpp.label.value


def test_add_and_remove_cost_lines(calc):
    n = len(calc.cost_rows)
    calc.add_cost.click()
    row = calc.cost_rows[-1]
    assert len(calc.cost_rows) == n + 1
    row.name.input.value = "Fumigasi"
    row.item.input.value = "export_clearance"
    row.amount.input.value = "450.000"
    extra = {"name": "Fumigasi", "item": "export_clearance", "amount": 450000, "currency": "IDR", "per_unit": False}
    assert calc.shown == expected(lambda m: m["costs"].append(extra))
    calc.cost_rows[-1].remove.click()
    assert len(calc.cost_rows) == n
    assert calc.shown == expected()


def test_typed_bank_rates_replace_the_sheet(calc):
    calc.rates.buy.input.value = "16.000"
    calc.rates.sell.input.value = "16.200"
    want = expected(
        lambda m: m.update(
            rates={
                "date": calc.today.isoformat(),
                "source": ENTERED_SOURCE,
                "rates": {
                    "USD": {"buy": 16000, "sell": 16200},
                    "SGD": {"buy": 12640, "mid": 12700, "sell": 12760},
                    "MYR": {"buy": 3880, "mid": 3900, "sell": 3920},
                    "EUR": {"buy": 19150, "mid": 19250, "sell": 19350},
                },
            }
        )
    )
    assert calc.shown == want
    assert ENTERED_SOURCE in calc.source_info.value
    calc.rates.buy.input.value = "17.000"  # buy above sell
    assert "kurs beli" in calc.errors_shown().lower()
    assert calc.shown == want


def test_stale_rates_warning_follows_configured_age(kw):
    fresh = PriceBuildUpCalculator(**kw)
    assert fresh.widget.children  # built: the page shows its fields and first result
    assert "ukm-stale" not in fresh.source_info.value
    assert "01-12-2025" in fresh.source_info.value and "JISDOR" in fresh.source_info.value
    old = PriceBuildUpCalculator(**{**kw, "today": dt.date(2026, 1, 15)})
    assert old.widget.children  # built: the page shows its fields and first result
    assert "ukm-stale" in old.source_info.value and "45 hari" in old.source_info.value
    lenient = PriceBuildUpCalculator(**{**kw, "today": dt.date(2026, 1, 15), "max_rate_age_days": 60})
    assert lenient.widget.children  # built: the page shows its fields and first result
    assert "ukm-stale" not in lenient.source_info.value


def test_save_then_open_restores_inputs_and_is_a_case_file(calc, kw):
    calc.f_hpp.input.value = "221.000"
    calc.f_rule.input.value = "FOB"
    calc.f_place.input.value = "Belawan"
    shown = dict(calc.shown)
    calc.case_panel.name.value = "peserta 07"
    name = calc.case_panel.save()
    assert name == "peserta-07.yaml"
    assert "data:application/x-yaml;base64," in calc.case_panel.status.value
    # the page names the file, never the folder it is in
    assert str(calc.store.folder) not in calc.case_panel.status.value
    # the saved file is an ordinary case file
    path = calc.store.folder / name
    case = load_case(path)
    assert case.unit_costs.hpp == 221000 and case.incoterm == "FOB" and case.named_place == "Belawan"
    # a new page (fresh calculator, same folder) lists it and opens it
    again = PriceBuildUpCalculator(**kw)
    assert again.widget.children  # built: the page shows its fields and first result
    assert again.shown != shown
    assert again.case_panel.saved.value == name
    assert all(str(calc.store.folder) not in label for label, _ in again.case_panel.saved.options)
    assert again.case_panel.open_selected()
    assert again.shown == shown and again.f_hpp.raw == "221.000"
    # and a trainer can start a calculator from the file
    third = PriceBuildUpCalculator.from_case_file(path, **kw)
    assert third.widget.children  # built: the page shows its fields and first result
    assert third.shown == shown


def test_upload_of_a_broken_file_keeps_inputs(calc):
    before = dict(calc.shown)
    calc.case_panel._on_upload({"new": [{"name": "rusak.yaml", "content": memoryview(b"case: [unclosed")}]})
    assert "rusak.yaml" in calc.errors_shown()
    assert calc.shown == before
    good = case_io.dump(case_io.case_to_mapping(packaged_case()) | {"quantity": 120})
    calc.case_panel._on_upload({"new": [{"name": "baik.yaml", "content": memoryview(good.encode())}]})
    assert calc.f_qty.raw == "120"
    assert calc.shown == expected(lambda m: m.update(quantity=120))


def test_invalid_inputs_are_not_saved(calc):
    calc.f_qty.input.value = "banyak"
    assert calc.case_panel.save() is None
    assert "Belum disimpan" in calc.case_panel.status.value


def test_pdf_button_writes_quotation(calc):
    name = calc.make_pdf("quotation")
    data = (calc.store.folder / name).read_bytes()
    assert data.startswith(b"%PDF")
    assert "data:application/pdf;base64," in calc.pdf_status.value
    assert str(calc.store.folder) not in calc.pdf_status.value
    calc.f_qty.input.value = "x"
    assert calc.make_pdf("proforma") is None


def test_pdf_button_still_hands_the_pdf_over_when_the_folder_is_full(calc):
    calc.store.max_cases = 0
    name = calc.make_pdf("quotation")
    assert name is not None and not (calc.store.folder / name).exists()
    assert f"download='{name}'" in calc.pdf_status.value


def test_offer_details_title_follows_the_language(calc):
    assert calc.offer_details.get_title(0) == "Data penawaran (penjual, pembeli, pembayaran)"
    calc.set_lang("en")
    assert calc.offer_details.get_title(0) == "Offer details (seller, buyer, payment)"


def test_an_error_is_shown_at_its_field_which_is_marked_and_cleared_when_fixed(calc):
    calc.f_qty.input.value = "banyak"
    # the message sits in the quantity box's own label, right above the box, and the box is red
    assert "ukm-field-error" in calc.f_qty.label.value and "bukan angka" in calc.f_qty.label.value
    assert "ukm-invalid" in calc.f_qty.input._dom_classes  # the stylesheet draws it red
    assert "bukan angka" not in calc.message.value  # not repeated far below
    assert "bertanda merah" in calc.message.value  # the result area says why it did not change
    others = [f for f in calc._fields if f is not calc.f_qty]
    assert all(not f.errors and "ukm-invalid" not in f.input._dom_classes for f in others)
    # two wrong boxes: each shows its own problem
    calc.f_hpp.input.value = "dua ratus"
    assert "bukan angka" in calc.f_hpp.label.value and "bukan angka" in calc.f_qty.label.value
    # a problem found by the case's validation ("unit_costs.hpp") lands at the HPP box too
    calc.f_qty.input.value = "200"
    calc.f_hpp.input.value = "-5"
    assert calc.error is not None and calc.error.field.endswith("hpp")
    assert calc.f_hpp.errors and not calc.f_qty.errors
    calc.f_hpp.input.value = "216.000"
    assert calc.error is None and not calc.f_qty.errors and "ukm-invalid" not in calc.f_qty.input._dom_classes
    assert "ukm-field-error" not in calc.f_qty.label.value


def test_a_problem_of_no_single_input_stays_above_the_result(calc):
    from ukm_tools.errors import UkmError

    calc.show_error(UkmError("missing_rate", None, "SGD", ["USD"], source="papan"))
    assert "SGD" in calc.message.value and not any(f.errors for f in calc._fields)
