"""Every row of the ICC Incoterms 2020 cost table (data/incoterms2020.yaml) and its footnoted cases."""

import pytest

from ukm_tools import incoterms
from ukm_tools.errors import UkmError
from ukm_tools.incoterms import Conditions, Payer

ITEMS = [
    "packing",
    "loading_at_seller",
    "inland_to_port",
    "export_clearance",
    "origin_thc",
    "loading_on_vessel",
    "main_carriage",
    "insurance",
    "unloading_at_destination",
    "import_clearance_duty",
    "delivery_to_buyer",
]
# Straight from the reference table; "-" = nobody obliged.
TABLE = {
    "EXW": "S B B B B B B - B B B",
    "FCA": "S S B S B B B - B B B",
    "FAS": "S S S S S B B - B B B",
    "FOB": "S S S S S S B - B B B",
    "CFR": "S S S S S S S - B B B",
    "CIF": "S S S S S S S S B B B",
    "CPT": "S S S S S S S - B B B",
    "CIP": "S S S S S S S S B B B",
    "DAP": "S S S S S S S - B B B",
    "DPU": "S S S S S S S - S B B",
    "DDP": "S S S S S S S - B S B",
}
MARK = {"S": Payer.SELLER, "B": Payer.BUYER, "-": Payer.NONE}


@pytest.mark.parametrize("code", incoterms.RULE_ORDER)
def test_every_rule_matches_the_reference_table(code):
    r = incoterms.rule(code)
    expected = TABLE[code].split()
    assert [r.payer(i) for i in ITEMS] == [MARK[m] for m in expected]


def test_all_eleven_rules_in_order():
    assert (
        tuple(incoterms.rules())
        == incoterms.RULE_ORDER
        == ("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP")
    )


def test_modes():
    assert {c for c, r in incoterms.rules().items() if r.sea_only} == {"FAS", "FOB", "CFR", "CIF"}
    incoterms.check_mode("FCA", "air")
    with pytest.raises(UkmError) as e:
        incoterms.check_mode("FOB", "air")
    assert e.value.code == "mode_not_allowed" and "FCA" in e.value.message("id")


def test_fca_elsewhere_moves_inland_transport_to_the_seller():
    fca = incoterms.rule("FCA")
    assert fca.payer("inland_to_port", Conditions(fca_place="seller_premises")) is Payer.BUYER
    assert fca.payer("inland_to_port", Conditions(fca_place="elsewhere")) is Payer.SELLER
    assert fca.costs["inland_to_port"].note == "1"


def test_c_rule_unloading_follows_the_carriage_contract():
    for code in ("CFR", "CIF", "CPT", "CIP"):
        r = incoterms.rule(code)
        assert r.payer("unloading_at_destination") is Payer.BUYER
        assert r.payer("unloading_at_destination", Conditions(carriage_includes_unloading=True)) is Payer.SELLER


def test_d_rules_no_duty_to_insure_but_note_the_risk_and_buyer_door():
    for code in ("DAP", "DPU", "DDP"):
        r = incoterms.rule(code)
        assert r.payer("insurance") is Payer.NONE and r.costs["insurance"].note == "3"
        assert r.payer("destination_thc") is Payer.SELLER
        assert r.payer("delivery_to_buyer", Conditions(named_place_is_buyer_door=True)) is Payer.SELLER
    assert "risiko" in incoterms.note_text("3", "id")


def test_origin_thc_flag_under_fca_and_fas():
    assert incoterms.rule("FCA").payer("origin_thc", Conditions(origin_thc_by_seller=True)) is Payer.SELLER
    assert incoterms.rule("FAS").payer("origin_thc", Conditions(origin_thc_by_seller=False)) is Payer.BUYER


def test_insurance_minimum_clauses():
    assert incoterms.rule("CIF").insurance_clause == "C"
    assert incoterms.rule("CIP").insurance_clause == "A"


def test_ladders():
    assert incoterms.ladder("cif") == ("EXW", "FAS", "FOB", "CFR", "CIF")
    assert incoterms.ladder("CIP") == ("EXW", "FCA", "CPT", "CIP")
    assert incoterms.ladder("DDP") == ("EXW", "FCA", "CPT", "DAP", "DDP")


def test_unknown_rule_lists_all_eleven():
    with pytest.raises(UkmError) as e:
        incoterms.rule("FOX")
    assert e.value.code == "unknown_choice" and e.value.field == "incoterm"
    assert list(e.value.problems[0].allowed) == list(incoterms.RULE_ORDER)


@pytest.mark.parametrize(
    "written, meant, why",
    [
        ("C&F", "CFR", "an informal name"),
        ("cnf", "CFR", "an informal name"),
        ("DAT", "DPU", "a rule of Incoterms 2010, no longer in force"),
        ("DDU", "DAP", "a rule of Incoterms 2000, no longer in force"),
        ("FOT", "FCA", "a rule of Incoterms 1990, no longer in force"),
        ("Ex Works", "EXW", "an informal name"),
    ],
)
def test_old_and_informal_names_are_refused_naming_the_rule_meant(written, meant, why):
    with pytest.raises(UkmError) as e:
        incoterms.rule(written)
    assert e.value.code == "incoterm_alias" and e.value.problems[0].allowed == [meant]
    assert e.value.message("en") == (
        f"Incoterm: '{written}' is not an Incoterms 2020 rule ({why}). The rule meant is {meant}: write {meant}."
    )
    assert f"Aturan yang dimaksud adalah {meant}: tulis {meant}." in e.value.message("id")


def test_responsibility_table_uses_whole_words():
    df = incoterms.responsibility_table(lang="id")
    assert df.shape == (11, 12)
    assert set(df.values.ravel()) == {"Penjual", "Pembeli", "-"}
