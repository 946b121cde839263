"""The worked figures in the built HTML equal the domain core's results for the same inputs."""

from __future__ import annotations

import pytest

from tests.book.conftest import tables
from ukm_tools import incoterms
from ukm_tools.case import packaged_case
from ukm_tools.insurance import insure
from ukm_tools.money import format_money

pytestmark = pytest.mark.slow


def test_price_ladder_matches_build_up(built_book):
    case = packaged_case("kasturi-syrup")
    quote = case.quote("CIF")
    rows = tables(built_book / "modul" / "harga-incoterms.html")["harga-tangga"]
    assert rows[0][0] == "Incoterm"
    shown = {r[0]: r for r in rows[1:]}
    assert list(shown) == ["EXW", "FAS", "FOB", "CFR", "CIF"]
    for s in quote.steps:
        r = shown[s.rule]
        assert r[2:] == [format_money(s.unit_idr, "id"), format_money(s.unit_quote, "id"),
                         format_money(s.shipment_quote, "id")], s.rule


def test_insurance_table_matches_insure(built_book):
    case = packaged_case("kasturi-syrup")
    quote = case.quote("CIF")
    rows = tables(built_book / "modul" / "harga-incoterms.html")["harga-asuransi"]
    cfr = quote.step("CFR").shipment_quote
    inclusive = insure(cfr, quote.insurance.rate_pct, clause=quote.insurance.clause, method="inclusive")
    simple = insure(cfr, quote.insurance.rate_pct, clause=quote.insurance.clause, method="simple")
    by_label = {r[0]: r[1:] for r in rows[1:]}
    assert by_label["Premi"] == [format_money(inclusive.premium, "id"), format_money(simple.premium, "id")]
    assert by_label["Nilai pertanggungan"] == [format_money(inclusive.insured_amount, "id"),
                                               format_money(simple.insured_amount, "id")]


def test_responsibility_matrix_matches_incoterms_data(built_book):
    rows = tables(built_book / "modul" / "harga-incoterms.html")["incoterms-biaya"]
    expected = incoterms.responsibility_table(lang="id")
    assert rows[0][1:] == list(expected.columns)
    assert [r[0] for r in rows[1:]] == list(expected.index)
    for r in rows[1:]:
        assert r[1:] == list(expected.loc[r[0]]), r[0]
