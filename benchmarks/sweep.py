"""Benchmark: a 100,000-row sensitivity sweep (rates x quantities x freights).

Goal: under 200 ms. Baseline measured in the same run: the exact Decimal path on a
sample of rows, extrapolated to 100,000 rows. Prints both and the ratio, and checks
sampled rows against the exact path (within Rp1 / 1 cent).
"""

from __future__ import annotations

import random
import statistics
import time
from decimal import Decimal

from ukm_tools.case import packaged_case
from ukm_tools.sweep import exact_row, model, sweep


def main() -> None:
    case = packaged_case()
    inp, sheet = case.pricing_input(), case.rate_sheet()
    rates = [15500 + 30 * i for i in range(50)]
    qtys = [20 + 10 * i for i in range(50)]
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
    worst_idr = worst_cents = Decimal(0)
    for i in sample:
        row = df.iloc[i]
        exact = exact_row(inp, "CIF", sheet, Decimal(int(row.buy_rate)), int(row.quantity), Decimal(int(row.freight)))
        worst_idr = max(worst_idr, abs(Decimal(str(row.unit_idr)) - exact.unit_idr.amount))
        worst_cents = max(worst_cents, abs(Decimal(str(round(row.unit_quote, 2))) - exact.unit_quote.amount))
    exact_per_row = (time.perf_counter() - t0) / len(sample)
    baseline = exact_per_row * len(df)
    print(f"rows: {len(df):,}")
    print(f"float64 sweep (median of 7): {fast * 1000:.1f} ms  (goal < 200 ms: {'met' if fast < 0.2 else 'NOT met'})")
    print(
        f"exact Decimal path: {exact_per_row * 1e3:.2f} ms/row -> {baseline:.1f} s for all rows (extrapolated from "
        f"{len(sample)})"
    )
    print(f"speed-up vs exact path: {baseline / fast:.0f}x")
    print(f"largest difference on {len(sample)} sampled rows: Rp{worst_idr} per unit, USD {worst_cents} per unit")
    if worst_idr > 1 or worst_cents > Decimal("0.01"):
        raise SystemExit("approximation outside Rp1 / 1 cent")


if __name__ == "__main__":
    main()
