"""The approximate float64 sweep agrees with the exact Decimal path on sampled rows."""

import random
from decimal import Decimal

from ukm_tools.case import packaged_case
from ukm_tools.money import IDR
from ukm_tools.pricing import unit_decimals
from ukm_tools.sweep import exact_row, model, sweep


def as_decimal(x: float, places: int) -> Decimal:
    """A float of the sweep as the decimal it stands for, at the places the exact path uses."""
    return Decimal(repr(round(float(x), places))).quantize(Decimal(1).scaleb(-places))


def differences(row, exact) -> tuple[Decimal, ...]:
    q = int(row.quantity)
    return (
        as_decimal(row.shipment_idr, 0) - exact.shipment_idr.amount,
        as_decimal(row.shipment_quote, 2) - exact.shipment_quote.amount,
        as_decimal(row.unit_idr, unit_decimals(q, IDR)) - exact.unit_idr.amount,
        as_decimal(row.unit_quote, unit_decimals(q, "USD")) - exact.unit_quote.amount,
    )


def test_sampled_rows_match_the_exact_path_to_the_cent_and_the_last_decimal():
    case = packaged_case()
    inp, sheet = case.pricing_input(), case.rate_sheet()
    m = model(inp, "CIF", sheet)
    rates = [15500 + 37 * i for i in range(40)]
    qtys = [1, 2, 10, 2400, 100_000, 9_999_999] + [50 + 17 * i for i in range(19)]
    freights = [150 + 13 * i for i in range(20)]
    df = sweep(m, rates, qtys, freights)
    assert len(df) == 40 * 25 * 20
    rng = random.Random(7)
    for i in rng.sample(range(len(df)), 60):
        row = df.iloc[i]
        exact = exact_row(inp, "CIF", sheet, Decimal(int(row.buy_rate)), int(row.quantity), Decimal(int(row.freight)))
        assert differences(row, exact) == (0, 0, 0, 0), (int(row.quantity), int(row.buy_rate), int(row.freight))


def test_base_row_equals_the_case_quote():
    case = packaged_case()
    inp, sheet = case.pricing_input(), case.rate_sheet()
    m = model(inp, "FOB", sheet)
    df = sweep(m, [float(sheet.rate("USD").buy)], [case.quantity], [m.freight_base])
    assert differences(df.iloc[0], case.quote("FOB").final) == (0, 0, 0, 0)


def test_cost_lines_count_by_who_pays_them_not_by_their_name():
    from dataclasses import replace

    from ukm_tools.money import Money
    from ukm_tools.pricing import CostLine, build_up

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
    assert differences(df.iloc[0], build_up(inp, "CIF", sheet).final) == (0, 0, 0, 0)


def test_freight_paid_from_a_usd_account_is_swept_unexchanged():
    from dataclasses import replace

    from ukm_tools.money import Money
    from ukm_tools.pricing import CostLine

    case = packaged_case()
    sheet = case.rate_sheet()
    inp = replace(
        case.pricing_input(), costs=(CostLine("Freight", "main_carriage", Money.of(270, "USD"), paid_in="USD"),)
    )
    m = model(inp, "CIF", sheet)
    assert not m.freight_paid_in_idr
    df = sweep(m, [15800.0, 16420.0], [200, 2400], [270.0, 300.0])
    for i in range(len(df)):
        row = df.iloc[i]
        exact = exact_row(inp, "CIF", sheet, Decimal(int(row.buy_rate)), int(row.quantity), Decimal(int(row.freight)))
        assert differences(row, exact) == (0, 0, 0, 0)
