"""Benchmark: a 100,000-row sensitivity sweep (rates x quantities x freights).

Goal: under 200 ms. Baseline measured in the same run: the exact Decimal path on a
sample of rows, extrapolated to 100,000 rows. Prints both and the ratio, and checks
sampled rows against the exact path: shipment totals to the cent and the rupiah, unit
prices to their last decimal (as many as the quantity needs).
"""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal

from ukm_tools.case import packaged_case
from ukm_tools.money import IDR
from ukm_tools.pricing import unit_decimals
from ukm_tools.sweep import exact_row, model, sweep


def as_decimal(x: float, places: int) -> Decimal:
    return Decimal(repr(round(float(x), places))).quantize(Decimal(1).scaleb(-places))


def main() -> None:
    case = packaged_case()
    inp, sheet = case.pricing_input(), case.rate_sheet()
    rates = [15500 + 30 * i for i in range(50)]
    qtys = [20 + 10 * i for i in range(45)] + [1, 12, 2400, 100_000, 9_999_999]
    freights = [100 + 10 * i for i in range(40)]
    sweep(model(inp, "CIF", sheet), rates[:2], qtys[:2], freights[:2])  # warm-up (imports)
    times = []
    for _ in range(7):
        t0 = time.perf_counter()
        m = model(inp, "CIF", sheet)
        df = sweep(m, rates, qtys, freights)
        times.append(time.perf_counter() - t0)
    fast = statistics.median(times)
    rng = random.Random(1)
    sample = rng.sample(range(len(df)), 300)
    t0 = time.perf_counter()
    mismatches = 0
    for i in sample:
        row = df.iloc[i]
        q = int(row.quantity)
        exact = exact_row(inp, "CIF", sheet, Decimal(int(row.buy_rate)), q, Decimal(int(row.freight)))
        got = (
            as_decimal(row.shipment_idr, 0),
            as_decimal(row.shipment_quote, 2),
            as_decimal(row.unit_idr, unit_decimals(q, IDR)),
            as_decimal(row.unit_quote, unit_decimals(q, "USD")),
        )
        want = (exact.shipment_idr.amount, exact.shipment_quote.amount, exact.unit_idr.amount, exact.unit_quote.amount)
        mismatches += got != want
    exact_per_row = (time.perf_counter() - t0) / len(sample)
    baseline = exact_per_row * len(df)
    print(f"rows: {len(df):,}")
    print(f"float64 sweep (median of 7): {fast * 1000:.1f} ms  (goal < 200 ms: {'met' if fast < 0.2 else 'NOT met'})")
    print(
        f"exact Decimal path: {exact_per_row * 1e3:.2f} ms/row -> {baseline:.1f} s for all rows (extrapolated from "
        f"{len(sample)})"
    )
    print(f"speed-up vs exact path: {baseline / fast:.0f}x")
    print(
        f"sampled rows differing from the exact path (totals to the cent, unit prices to the last decimal): "
        f"{mismatches} of {len(sample)}"
    )
    if mismatches:
        raise SystemExit("the sweep does not match the exact path")


if __name__ == "__main__":
    main()
