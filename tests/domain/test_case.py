from decimal import Decimal

import pytest
import yaml

from ukm_tools.case import case_from_mapping, load_case, packaged_case
from ukm_tools.errors import UkmError


def kasturi_mapping():
    return packaged_case().to_mapping()


def test_packaged_kasturi_case_quotes_cif_with_its_rates_named():
    case = packaged_case()
    q = case.quote()
    assert q.rule == "CIF" and q.quote_currency == "USD"
    assert q.final.shipment_quote == q.final.unit_quote * case.quantity
    assert q.insurance is not None and q.insurance.clause == "C"
    assert any("kurs beli" in n["id"] for n in q.notes)


def test_to_mapping_round_trips():
    case = packaged_case()
    again = case_from_mapping(case.to_mapping())
    assert again == case
    assert again.quote().final == case.quote().final


def test_indonesian_strings_are_read_the_indonesian_way():
    data = kasturi_mapping()
    data["unit_costs"]["hpp"] = "216.000"
    data["unit_costs"]["markup_pct"] = "30,5"
    case = case_from_mapping(data)
    assert case.unit_costs.hpp == Decimal(216000) and case.unit_costs.markup_pct == Decimal("30.5")


def test_every_problem_is_named_with_its_field():
    data = kasturi_mapping()
    data["quantity"] = 0
    data["incoterm"] = "FOT"
    data["costs"][0]["item"] = "teleport"
    with pytest.raises(UkmError) as e:
        case_from_mapping(data)
    fields = {p.field for p in e.value.problems}
    assert {"quantity", "incoterm", "costs[0].item"} <= fields


def test_missing_and_unknown_fields():
    data = kasturi_mapping()
    del data["seller"]
    data["quantiti"] = 5
    with pytest.raises(UkmError) as e:
        case_from_mapping(data)
    codes = {(p.code, p.field) for p in e.value.problems}
    assert ("missing_field", "seller") in codes and ("unknown_field", "quantiti") in codes


def test_non_numeric_amount_in_indonesian():
    data = kasturi_mapping()
    data["unit_costs"]["hpp"] = "1,234,567.50"
    with pytest.raises(UkmError) as e:
        case_from_mapping(data)
    assert e.value.code == "number_other_convention" and e.value.field == "unit_costs.hpp"


def test_malformed_yaml_and_missing_file(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("case: x\n  quantity: [1,\n", encoding="utf-8")
    with pytest.raises(UkmError) as e:
        load_case(bad)
    assert e.value.code == "yaml_syntax" and "line 2" in e.value.message("en")
    with pytest.raises(UkmError) as e:
        load_case(tmp_path / "none.yaml")
    assert e.value.code == "file_not_found"
    listy = tmp_path / "list.yaml"
    listy.write_text(yaml.safe_dump([1, 2]), encoding="utf-8")
    with pytest.raises(UkmError) as e:
        load_case(listy)
    assert e.value.code == "malformed_file"


def test_inline_rate_sheet_problems_are_prefixed():
    data = kasturi_mapping()
    data["rates"] = {"date": "2025-01-01", "source": "x", "rates": {"USD": {"buy": -1, "sell": 2}}}
    with pytest.raises(UkmError) as e:  # reported when the file is read, not at the first quote
        case_from_mapping(data)
    assert e.value.field is not None and e.value.field.startswith("rates.")


def test_calculator_inputs_saved_beside_the_case_do_not_block_quoting():
    data = kasturi_mapping()
    data["calculators"] = {"fx": {"range_pct": 5}, "readiness": {"answers": {"nib": True}}}
    case = case_from_mapping(data)
    assert case.calculators["fx"] == {"range_pct": 5}
    assert case.quote().final == packaged_case().quote().final
