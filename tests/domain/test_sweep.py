"""The approximate float64 sweep agrees with the exact Decimal path on sampled rows."""

import random
from decimal import Decimal

from ukm_tools.case import packaged_case
from ukm_tools.sweep import exact_row, model, sweep


def test_sampled_rows_match_the_exact_path_within_rp1_and_one_cent():
    case = packaged_case()
    inp, sheet = case.pricing_input(), case.rate_sheet()
    m = model(inp, "CIF", sheet)
    rates = [15500 + 37 * i for i in range(40)]
    qtys = [50 + 17 * i for i in range(25)]
    freights = [150 + 13 * i for i in range(20)]
    df = sweep(m, rates, qtys, freights)
    assert len(df) == 40 * 25 * 20
    rng = random.Random(7)
    for i in rng.sample(range(len(df)), 60):
        row = df.iloc[i]
        exact = exact_row(inp, "CIF", sheet, Decimal(int(row.buy_rate)), int(row.quantity), Decimal(int(row.freight)))
        assert abs(Decimal(str(row.unit_idr)) - exact.unit_idr.amount) <= 1
        assert abs(Decimal(str(round(row.unit_quote, 2))) - exact.unit_quote.amount) <= Decimal("0.01")


def test_base_row_equals_the_case_quote():
    case = packaged_case()
    inp, sheet = case.pricing_input(), case.rate_sheet()
    m = model(inp, "FOB", sheet)
    df = sweep(m, [float(sheet.rate("USD").buy)], [case.quantity], [m.freight_base])
    q = case.quote("FOB")
    assert Decimal(str(df.unit_idr[0])) == q.final.unit_idr.amount
    assert Decimal(str(round(df.unit_quote[0], 2))) == q.final.unit_quote.amount


def test_cost_lines_count_by_who_pays_them_not_by_their_name():
    from dataclasses import replace

    from ukm_tools.money import Money
    from ukm_tools.pricing import CostLine

    case = packaged_case()
    sheet = case.rate_sheet()
    # Two lines called "THC": the origin one is the seller's under CIF, the destination one the buyer's.
    inp = replace(
        case.pricing_input(),
        costs=(
            CostLine("THC", "origin_thc", Money.of(1_800_000, "IDR")),
            CostLine("THC", "destination_thc", Money.of(90, "USD")),
            CostLine("Freight", "main_carriage", Money.of(270, "USD")),
        ),
    )
    m = model(inp, "CIF", sheet)
    assert m.shipment_foreign == 0.0 and m.freight_base == 270.0
    df = sweep(m, [float(sheet.rate("USD").buy)], [case.quantity], [270])
    from ukm_tools.pricing import build_up

    exact = build_up(inp, "CIF", sheet).final
    assert Decimal(str(df.unit_idr[0])) == exact.unit_idr.amount
