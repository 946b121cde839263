"""Calculator responsiveness: recompute after an input change (goal < 20 ms median) and,
reported apart, the chart redraw.

For each calculator an input is changed back and forth; ``recompute()`` (read inputs, call
the domain core, render the tables) is timed on its own, then ``draw_chart()``. The
baseline, measured in the same run, is the bare domain call behind the price build-up
(``Case.quote``), so the ratio shows what the widget layer adds. Charts are cached by their
data in the calculators; the redraw timing clears that cache first.

Run: .venv/bin/python benchmarks/widgets/recompute.py  (or `make bench`)
"""

from __future__ import annotations

import datetime as dt
import statistics
import tempfile
import time
from typing import Any

GOAL_MS = 20.0
ROUNDS = 40
CHART_ROUNDS = 8


def timed(fn, rounds: int) -> list[float]:
    out = []
    for _ in range(rounds):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return out


def main() -> None:
    from ukm_tools.case import packaged_case
    from ukm_tools.widgets.base import Calculator
    from ukm_tools.widgets.breakeven import BreakEvenCalculator
    from ukm_tools.widgets.fx import FxCalculator
    from ukm_tools.widgets.incoterms_explorer import IncotermsExplorer
    from ukm_tools.widgets.insurance import InsuranceCalculator
    from ukm_tools.widgets.landed import LandedCostCalculator
    from ukm_tools.widgets.payments import PaymentsCalculator
    from ukm_tools.widgets.price import PriceBuildUpCalculator
    from ukm_tools.widgets.readiness import ReadinessCalculator

    case = packaged_case()
    baseline = statistics.median(timed(lambda: case.quote(), ROUNDS))
    print(f"baseline: Case.quote() alone, median {baseline:.2f} ms")
    kw: dict[str, Any] = {"today": dt.date(2025, 12, 3), "save_dir": tempfile.mkdtemp(prefix="ukm-bench-")}
    # (calculator, attribute of the field to change, two values typed alternately)
    cases = [
        (PriceBuildUpCalculator, "f_hpp", ("216.000", "230.000")),
        (IncotermsExplorer, "f_rule", ("FOB", "DDP")),
        (InsuranceCalculator, "f_rate", ("0,2", "0,35")),
        (PaymentsCalculator, "f_invoice", ("10.000", "12.500")),
        (FxCalculator, "f_amount", ("10.000", "12.500")),
        (BreakEvenCalculator, "f_fixed", ("5.000.000", "7.500.000")),
        (LandedCostCalculator, "f_duty", ("5", "20")),
        (ReadinessCalculator, None, None),
    ]
    print(f"{'calculator':<26}{'recompute median ms':>21}{'x baseline':>12}{'goal':>8}{'chart median ms':>17}")
    worst = 0.0
    for cls, attr, values in cases:
        calc = cls(**kw)
        _ = calc.widget  # build the page before timing its recomputes
        state = {"i": 0}

        def change(calc=calc, attr=attr, values=values, state=state):  # bound now: timed in this pass
            state["i"] += 1
            if attr is None:  # readiness: flip an answer
                code = next(iter(calc.toggles))
                with calc.holding():
                    calc.answer(code, state["i"] % 2 == 0)
            else:
                with calc.holding():
                    getattr(calc, attr).input.value = values[state["i"] % 2]
            assert calc.recompute(), calc.message.value

        rec = statistics.median(timed(change, ROUNDS))
        worst = max(worst, rec)
        chart = "-"
        if type(calc).draw_chart is not Calculator.draw_chart:  # calculators with a chart

            def redraw(calc=calc):
                calc.draw_chart(calc.result)

            chart = f"{statistics.median(timed(redraw, CHART_ROUNDS)):.1f}"
        print(f"{cls.__name__:<26}{rec:>21.2f}{rec / baseline:>12.1f}{'ok' if rec < GOAL_MS else 'SLOW':>8}{chart:>17}")
    print(f"worst recompute median {worst:.2f} ms; goal < {GOAL_MS:.0f} ms: {'met' if worst < GOAL_MS else 'NOT met'}")


if __name__ == "__main__":
    main()
