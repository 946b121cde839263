"""FX calculator: buying / middle / selling rate, what the spread costs, and how the rupiah
proceeds move with the rate (table + line chart).

Conversions from :mod:`ukm_tools.fx`; scenarios from :mod:`ukm_tools.fx_scenarios`. Rates
typed from the bank's board replace the case's sheet (dated today) and are saved with it.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ipywidgets as W

from ukm_tools.case import prefixed_sheet
from ukm_tools.errors import UkmError
from ukm_tools.fx import BASE, RateKind, convert, cost_to_idr, proceeds_to_idr, spread_cost
from ukm_tools.fx_scenarios import changes, proceeds_sensitivity
from ukm_tools.messages import section
from ukm_tools.money import Money, format_money, format_number, format_percent
from ukm_tools.widgets import case_io, charts
from ukm_tools.widgets.base import (
    Calculator,
    NumberField,
    currency_field,
    esc,
    heading,
    html_table,
    output_area,
    sheet_banner,
    wrap_row,
)
from ukm_tools.widgets.rates import RateFields

T = section("widgets.fx")


class FxCalculator(Calculator):
    texts = T
    key = "fx"

    def setup(self) -> None:
        self.f_amount = self.field(NumberField("amount", T.msg("amount")))
        self.f_currency = self.field(currency_field())
        self.rates = RateFields(self)
        self.f_range = self.field(NumberField("range_pct", T.msg("range"), min_width="110px"))
        self.f_step = self.field(NumberField("step_pct", T.msg("step"), min_width="90px"))
        self.rates.follow(self.f_currency)
        self.summary = output_area("ukm-result")
        self.table = output_area("ukm-fx-table")
        self.sensitivity = output_area("ukm-fx-sensitivity")
        self.chart = charts.chart_area()

    def body(self) -> list[W.Widget]:
        return [
            wrap_row([self.f_amount.box, self.f_currency.box]),
            wrap_row([self.rates.buy.box, self.rates.sell.box]),
            self.message,
            self.summary,
            self.table,
            wrap_row([self.f_range.box, self.f_step.box]),
            self.sensitivity,
            self.chart,
            self.source_info,
        ]

    def apply_case(self, case, extras: dict[str, Any]) -> None:
        lang = self.lang
        self.base_sheet = case.rate_sheet()
        self.f_currency.set_options(
            [(c, c) for c in sorted(self.base_sheet.rates)], extras.get("currency") or case.quote_currency, lang
        )
        amount = extras.get("amount")
        if amount is None:
            try:
                total = case.quote().final.shipment_quote
                amount = total.amount if total.currency == self.f_currency.input.value else Decimal(10000)
            except UkmError:
                amount = Decimal(10000)
        self.f_amount.show(amount, lang)
        self.rates.fill(self.base_sheet, self.f_currency.input.value, lang)
        self.f_range.show(extras.get("range_pct", 10), lang)
        self.f_step.show(extras.get("step_pct", "2.5"), lang)

    def _inputs(self) -> dict[str, Any]:
        lang = self.lang
        return self.read_all(
            {
                "amount": lambda: self.f_amount.read(lang),
                "range_pct": lambda: self.f_range.read(lang),
                "step_pct": lambda: self.f_step.read(lang),
                "rates": lambda: self.rates.rates_mapping(self.base_sheet, self.f_currency.read(), lang, self.today),
            }
        )

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        v = self._inputs()
        m = case_io.case_to_mapping(self.case)
        if v["rates"] is not None:
            m["rates"] = v["rates"]
        return m, {
            "amount": v["amount"],
            "currency": self.f_currency.read(),
            "range_pct": v["range_pct"],
            "step_pct": v["step_pct"],
        }

    def compute(self) -> dict[str, Any]:
        v = self._inputs()
        sheet = prefixed_sheet(v["rates"]) if v["rates"] is not None else self.base_sheet
        amount = Money(v["amount"], self.f_currency.read())
        steps = changes(v["range_pct"], v["step_pct"])
        scenarios = proceeds_sensitivity(amount, sheet, steps)
        return {
            "sheet": sheet,
            "amount": amount,
            "rate": sheet.rate(amount.currency),
            "at_buy": proceeds_to_idr(amount, sheet),
            "at_mid": convert(amount, BASE, sheet, RateKind.MID),
            "at_sell": cost_to_idr(amount, sheet),
            "spread": spread_cost(amount, sheet).rounded(),
            "scenarios": scenarios,
        }

    def render(self, r: dict[str, Any]) -> None:
        lang = self.lang
        rate = r["rate"]
        self.sheet = r["sheet"]
        self.shown = {
            "at_buy": format_money(r["at_buy"].money, lang),
            "at_mid": format_money(r["at_mid"].money, lang),
            "at_sell": format_money(r["at_sell"].money, lang),
            "spread": format_money(r["spread"], lang),
        }
        self.summary.value = (
            f"<div style='font-size:110%;margin:4px 0'>{esc(format_money(r['amount'], lang))} → "
            f"<b class='ukm-proceeds'>{esc(self.shown['at_buy'])}</b> ({esc(T('sold_at_buying_rate', lang))}).<br/>"
            f"{esc(T('spread_cost', lang))}: <b class='ukm-spread'>{esc(self.shown['spread'])}</b></div>"
        )
        rows = [
            [
                T("buying_rate_long", lang),
                format_number(rate.buy, lang),
                self.shown["at_buy"],
            ],
            [T("middle_rate", lang), format_number(rate.mid, lang), self.shown["at_mid"]],
            [
                T("selling_rate_long", lang),
                format_number(rate.sell, lang),
                self.shown["at_sell"],
            ],
        ]
        self.table.value = html_table(
            [T("rate", lang), "Rp / " + rate.currency, T("value_in_rupiah", lang)],
            rows,
            numeric_from=1,
        ) + (
            f"<div style='font-size:90%'>{esc(T('spread', lang))}: {esc(format_percent(rate.spread_pct, lang))} "
            f"{esc(T('of_middle_rate', lang))}</div>"
        )
        srows = [
            [
                format_percent(s.change_pct, lang, 1),
                format_number(s.buy_rate, lang, 2),
                format_money(s.proceeds, lang),
                format_money(s.difference, lang),
            ]
            for s in r["scenarios"]
        ]
        self.shown["scenarios"] = [row[2] for row in srows]
        self.sensitivity.value = heading(T("if_rate_moves", lang)) + html_table(
            [
                T("col_change", lang),
                T("col_buying_rate", lang),
                T("col_proceeds", lang),
                T("col_difference", lang),
            ],
            srows,
            numeric_from=0,
        )

    def draw_chart(self, r: dict[str, Any]) -> None:
        lang = self.lang
        sc = r["scenarios"]
        today = r["rate"].buy
        bars = [
            charts.Bar(
                T("chart_bar", lang, rate=format_number(s.buy_rate, lang)),
                format_money(s.proceeds, lang),
                s.proceeds.amount,
                color=charts.SELLER if s.buy_rate >= today else charts.ACCENT,
                strong=s.buy_rate == today,
            )
            for s in sc
        ]
        self.chart.value = charts.bar_chart(T("chart_title", lang), bars)

    def sources_html(self) -> str:
        sheet = getattr(self, "sheet", None) or self.base_sheet
        return sheet_banner(sheet, self.today, self.max_rate_age_days, self.lang)


def app(**kw) -> W.Widget:
    return FxCalculator(**kw).widget
