"""Break-even and margin calculator: units and cartons to sell before the export pays off.

Figures from :func:`ukm_tools.breakeven.break_even`. It opens with the case study's own
break-even (:attr:`ukm_tools.case_study.CaseStudy.break_even`, the one the book and slides show):
the rupiah a unit brings after the bank's fees, every cost of the shipment per unit, the
start-up budget of the readiness plan as fixed costs.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from ukm_tools.breakeven import BreakEven, break_even
from ukm_tools.case import Case
from ukm_tools.errors import UkmError
from ukm_tools.messages import section
from ukm_tools.money import Money, format_money, format_number, format_percent
from ukm_tools.widgets import case_io, charts
from ukm_tools.widgets.base import (
    Calculator,
    NumberField,
    currency_field,
    esc,
    html_table,
    note_html,
    output_area,
    sheet_banner,
    wrap_row,
)

T = section("widgets.breakeven", "breakeven")


def case_break_even(case: Case) -> BreakEven | None:
    """The case study's break-even, or None for a case it cannot be computed from (e.g. a
    participant's half-finished one)."""
    try:
        return case_io.case_study(case).break_even
    except UkmError:
        return None


class BreakEvenCalculator(Calculator):
    texts = T
    key = "breakeven"

    def setup(self) -> None:
        self.f_fixed = self.field(NumberField("fixed_costs", T.msg("fixed_costs")))
        self.f_price = self.field(NumberField("unit_price", T.msg("unit_price")))
        self.f_cost = self.field(NumberField("unit_variable_cost", T.msg("unit_variable_cost")))
        self.f_currency = self.field(currency_field(currencies=("IDR", "USD")))
        self.f_carton = self.field(NumberField("units_per_carton", T.msg("units_per_carton"), min_width="100px"))
        self.f_target = self.field(NumberField("target_profit", T.msg("target_profit"), hint=T.msg("may_be_blank")))
        self.summary = output_area("ukm-result")
        self.table = output_area("ukm-breakeven-table")
        self.chart = charts.chart_area()

    def body(self) -> list[W.Widget]:
        return [
            wrap_row([self.f_price.box, self.f_cost.box, self.f_currency.box]),
            wrap_row([self.f_fixed.box, self.f_target.box, self.f_carton.box]),
            *self.results(self.summary, self.table, self.chart),
        ]

    def apply_case(self, case: Case, extras: dict[str, Any]) -> None:
        lang = self.lang
        self.sheet = case.rate_sheet()
        b = case_break_even(case)
        hpp = Money(case.unit_costs.hpp, "IDR")
        price, cost = (b.unit_price, b.unit_variable_cost) if b else (hpp * 2, hpp)
        self.f_price.show(extras.get("unit_price", price.amount), lang)
        self.f_cost.show(extras.get("unit_variable_cost", cost.amount), lang)
        self.f_currency.input.value = extras.get("currency", "IDR")
        self.f_fixed.show(extras.get("fixed_costs", b.fixed_costs.amount if b else 5000000), lang)
        self.f_target.show_optional(extras.get("target_profit"), lang)
        self.f_carton.show(extras.get("units_per_carton", case.product.units_per_carton), lang)

    def _inputs(self) -> dict[str, Any]:
        lang = self.lang
        return self.read_all(
            {
                "fixed_costs": lambda: self.f_fixed.read(lang),
                "unit_price": lambda: self.f_price.read(lang),
                "unit_variable_cost": lambda: self.f_cost.read(lang),
                "units_per_carton": lambda: self.f_carton.read_int(lang),
                "target_profit": lambda: self.f_target.read_optional(lang),
            }
        )

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return case_io.case_to_mapping(self.case), {**self._inputs(), "currency": self.f_currency.read()}

    def compute(self) -> BreakEven:
        v = self._inputs()
        cur = self.f_currency.read()
        target = None if v["target_profit"] is None else Money(v["target_profit"], cur)
        return break_even(
            Money(v["fixed_costs"], cur),
            Money(v["unit_price"], cur),
            Money(v["unit_variable_cost"], cur),
            units_per_carton=v["units_per_carton"],
            target_profit=target,
        )

    def render(self, b: BreakEven) -> None:
        lang = self.lang
        self.shown = {
            "units": format_number(b.units, lang),
            "cartons": format_number(b.cartons, lang),
            "margin": format_percent(b.margin_pct, lang),
            "contribution": format_money(b.contribution_per_unit, lang),
            "revenue": format_money(b.revenue, lang),
        }
        # A unit that is itself the carton (units per carton 1): "48 unit (48 karton)" says nothing more.
        cartons = (
            f"(<b class='ukm-cartons'>{esc(self.shown['cartons'])}</b> {esc(T('cartons', lang))})"
            if b.units_per_carton > 1
            else ""
        )
        self.summary.value = (
            f"<div style='font-size:115%;margin:4px 0'>{esc(T('break_even', lang))}: <b "
            f"class='ukm-units'>{esc(self.shown['units'])}</b> unit {cartons}; "
            f"margin <b class='ukm-margin'>{esc(self.shown['margin'])}</b></div>"
        )
        df = b.to_dataframe(lang)
        self.table.value = html_table(
            list(df.columns), [[str(x) for x in row] for row in df.itertuples(index=False)], numeric_from=1
        )

    def draw_chart(self, b: BreakEven) -> None:
        lang = self.lang
        top = max(2 * b.units, 10)
        qs = sorted({0, b.units, top} | {top * k // 10 for k in range(11)})
        bars = []
        for q in qs:
            profit = b.profit(q)
            bars.append(
                charts.Bar(
                    T("chart_bar", lang, units=format_number(q, lang)),
                    format_money(profit, lang),
                    profit.amount,
                    color=charts.SELLER if profit.amount >= 0 else charts.LOSS,
                    strong=q == b.units,
                )
            )
        self.chart.value = charts.bar_chart(T("chart_label", lang), bars, note=T("chart_title", lang))

    def sources_html(self) -> str:
        note = note_html(f"{T('from_case', self.lang)}: {self.case.title or self.case.case}")
        return note + sheet_banner(self.sheet, self.today, self.max_rate_age_days, self.lang)


def app(**kw) -> W.Widget:
    return BreakEvenCalculator(**kw).widget
