"""Incoterms explorer: payers, risk and modes as in the Incoterms data; conditions switch cells."""

import pytest

from ukm_tools import incoterms
from ukm_tools.incoterms import Conditions, payer_labels
from ukm_tools.widgets.incoterms_explorer import IncotermsExplorer

pytestmark = pytest.mark.timeout(60)


@pytest.fixture
def calc(kw):
    c = IncotermsExplorer(**kw)
    assert c.widget.children  # built: the page shows its fields and first result
    return c


@pytest.mark.parametrize("code", incoterms.RULE_ORDER)
def test_every_rule_shows_domain_payers_risk_and_modes(calc, code):
    calc.f_rule.input.value = code
    rule = incoterms.rule(code)
    marks = payer_labels("id")
    assert calc.error is None
    for item in rule.costs:
        assert calc.shown[item] == marks[rule.payer(item, Conditions())]
    assert calc.shown["risk"] == rule.risk["id"]
    assert ("Hanya laut" in calc.shown["modes"]) == rule.sea_only
    assert f">{code} — " in calc.facts.value


def test_matrix_covers_all_rules_and_items(calc):
    table = calc.matrix.value
    for code in incoterms.RULE_ORDER:
        assert f">{code}</th>" in table
    assert table.count("<tr>") == 1 + len(incoterms.cost_items())
    assert "Jual" in table and "Beli" in table


def test_conditions_switch_footnoted_cells(calc):
    calc.f_rule.input.value = "FCA"
    assert calc.shown["inland_to_port"] == "Pembeli"
    calc.f_fca.input.value = "elsewhere"
    assert (
        calc.shown["inland_to_port"]
        == incoterms.payer_labels("id")[
            incoterms.rule("FCA").payer("inland_to_port", Conditions(fca_place="elsewhere"))
        ]
    )
    assert calc.shown["inland_to_port"] == "Penjual"


def test_sea_only_rule_with_air_shows_message_and_keeps_result(calc):
    calc.f_rule.input.value = "CIF"
    before = dict(calc.shown)
    calc.f_mode.input.value = "air"
    assert "CIP" in calc.errors_shown()
    assert calc.shown == before
    calc.f_rule.input.value = "CIP"
    assert calc.message.value == "" and calc.shown["risk"] == incoterms.rule("CIP").risk["id"]


def test_english_and_saved_case(calc, kw):
    calc.set_lang("en")
    assert calc.shown["packing"] == "Seller"
    calc.f_rule.input.value = "DAP"
    calc.buyer_door.value = True
    path = calc.store.folder / calc.case_panel.save()
    again = IncotermsExplorer.from_case_file(path, **kw)
    assert again.widget.children  # built: the page shows its fields and first result
    assert again.f_rule.read() == "DAP" and again.buyer_door.value is True
    assert again.case.conditions.named_place_is_buyer_door is True


def test_origin_thc_choice(calc):
    calc.f_rule.input.value = "FAS"
    default = incoterms.rule("FAS").payer("origin_thc", Conditions())
    assert calc.shown["origin_thc"] == payer_labels("id")[default]
    calc.f_thc.input.value = "seller"
    assert calc.shown["origin_thc"] == "Penjual"
    calc.f_thc.input.value = "buyer"
    assert calc.shown["origin_thc"] == "Pembeli"
