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
