"""Landed cost at the destination, with and without a preferential certificate (Form D).

Figures from :func:`ukm_tools.landed.landed_cost`. The CIF value starts from the case's CIF
(or CIP) quote; duty and VAT rates are the destination's, typed by the trainer or participant.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ipywidgets as W

from ukm_tools import checks
from ukm_tools.case import Case
from ukm_tools.errors import UkmError
from ukm_tools.landed import LandedCost, landed_cost
from ukm_tools.messages import section
from ukm_tools.money import Money, format_money
from ukm_tools.widgets import case_io, charts
from ukm_tools.widgets.base import (
    Calculator,
    Field,
    NumberField,
    currency_field,
    esc,
    html_table,
    output_area,
    sheet_banner,
    wrap_row,
)

T = section("widgets.landed", "landed")


def case_cif(case: Case) -> Money:
    """The case's CIF (CIP) value, as the case study's landed cost uses it."""
    return case_io.case_study(case).cif_value


def case_destination_charges(case: Case) -> Money:
    """What the buyer pays after arrival (the case's destination costs), as in the case study."""
    return case_io.case_study(case).destination_charges


class LandedCostCalculator(Calculator):
    texts = T
    key = "landed"

    def setup(self) -> None:
        self.f_cif = self.field(NumberField("cif", T.msg("cif")))
        self.f_currency = self.field(currency_field())
        self.f_qty = self.field(NumberField("quantity", T.msg("quantity"), min_width="100px"))
        self.f_duty = self.field(NumberField("duty_pct", T.msg("duty"), min_width="110px"))
        self.f_pref = self.field(NumberField("preferential_duty_pct", T.msg("preferential_duty"), min_width="110px"))
        self.f_vat = self.field(NumberField("vat_pct", T.msg("vat"), min_width="110px"))
        self.f_charges = self.field(
            NumberField(
                "destination_charges",
                T.msg("charges"),
            )
        )
        self.f_preference = self.field(Field("preference", T.msg("certificate"), "Form D (ATIGA)"))
        self.vat_on_charges = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"))
        self.label(
            self.vat_on_charges,
            "description",
            T.msg("vat_on_charges"),
        )
        self.vat_on_charges.observe(self._on_input, "value")
        self.summary = output_area("ukm-result")
        self.table = output_area("ukm-landed-table")
        self.chart = charts.chart_area()

    def body(self) -> list[W.Widget]:
        return [
            wrap_row([self.f_cif.box, self.f_currency.box, self.f_qty.box]),
            wrap_row([self.f_duty.box, self.f_pref.box, self.f_vat.box]),
            wrap_row([self.f_charges.box, self.f_preference.box]),
            self.vat_on_charges,
            *self.results(self.summary, self.table, self.chart),
        ]

    def apply_case(self, case, extras: dict[str, Any]) -> None:
        lang = self.lang
        self.sheet = case.rate_sheet()
        currencies = sorted(set(self.sheet.rates) | {"IDR"})
        if "cif" in extras:
            cif = Money(checks.number(extras["cif"], "cif"), extras.get("currency", case.quote_currency))
        else:
            try:
                cif = case_cif(case)
            except UkmError:
                cif = Money(Decimal(10000), case.quote_currency)
        self.f_cif.show(cif.amount, lang)
        self.f_currency.set_options([(c, c) for c in currencies], cif.currency, lang)
        self.f_qty.show(extras.get("quantity", case.quantity), lang)
        # The case's import terms: the normal duty, the duty with the preference (Form D), the tax.
        imp = case.import_
        self.f_duty.show(extras.get("duty_pct", imp.normal_duty_pct), lang)
        self.f_pref.show(extras.get("preferential_duty_pct", imp.duty_pct), lang)
        self.f_vat.show(extras.get("vat_pct", imp.vat_pct), lang)
        if "destination_charges" in extras:
            charges = extras["destination_charges"]
        else:
            try:
                found = case_destination_charges(case)
                charges = found.amount if found.currency == cif.currency else 0
            except UkmError:
                charges = 0
        self.f_charges.show(charges, lang)
        self.f_preference.raw = extras.get("preference", "Form D (ATIGA)")
        self.vat_on_charges.value = bool(extras.get("vat_on_charges", False))

    def _inputs(self) -> dict[str, Any]:
        lang = self.lang
        return self.read_all(
            {
                "cif": lambda: self.f_cif.read(lang),
                "quantity": lambda: self.f_qty.read_int(lang),
                "duty_pct": lambda: self.f_duty.read(lang),
                "preferential_duty_pct": lambda: self.f_pref.read(lang),
                "vat_pct": lambda: self.f_vat.read(lang),
                "destination_charges": lambda: self.f_charges.read(lang),
            }
        )

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        v = self._inputs()
        return case_io.case_to_mapping(self.case), {
            **v,
            "currency": self.f_currency.read(),
            "preference": self.f_preference.raw.strip() or "Form D",
            "vat_on_charges": self.vat_on_charges.value,
        }

    def compute(self) -> LandedCost:
        v = self._inputs()
        cur = self.f_currency.read()
        return landed_cost(
            Money(v["cif"], cur),
            v["quantity"],
            duty_pct=v["duty_pct"],
            vat_pct=v["vat_pct"],
            destination_charges=Money(v["destination_charges"], cur),
            preferential_duty_pct=v["preferential_duty_pct"],
            preference=self.f_preference.raw.strip() or "Form D",
            vat_on_charges=self.vat_on_charges.value,
        )

    def render(self, lc: LandedCost) -> None:
        lang = self.lang
        self.shown = {
            "standard": format_money(lc.standard.total, lang),
            "preferential": format_money(lc.preferential.total, lang),
            "saving": format_money(lc.saving, lang),
            "saving_per_unit": format_money(lc.saving_per_unit, lang),
        }
        self.summary.value = (
            f"<div style='font-size:110%;margin:4px 0'>{esc(T('with', lang))} {esc(lc.preference)} "
            f"{esc(T('buyer_saves', lang))} "
            f"<b class='ukm-saving'>{esc(self.shown['saving'])}</b> ({esc(self.shown['saving_per_unit'])} / "
            "unit).</div>"
        )
        df = lc.to_dataframe(lang)
        self.table.value = html_table(
            list(df.columns),
            [[str(x) for x in row] for row in df.itertuples(index=False)],
            numeric_from=1,
            highlight_last=True,
        )

    def draw_chart(self, lc: LandedCost) -> None:
        lang = self.lang
        bars = [
            charts.Bar(
                T("without", lang), format_money(lc.standard.total, lang), lc.standard.total.amount, color=charts.ACCENT
            ),
            charts.Bar(
                f"{T('with', lang)} {lc.preference}",
                format_money(lc.preferential.total, lang),
                lc.preferential.total.amount,
                color=charts.SELLER,
            ),
        ]
        self.chart.value = charts.bar_chart(T("chart_title", lang), bars)

    def sources_html(self) -> str:
        note = esc(T("sources", self.lang))
        return f"<div style='font-size:90%;color:#444'>{note}</div>" + sheet_banner(
            self.sheet, self.today, self.max_rate_age_days, self.lang
        )


def app(**kw) -> W.Widget:
    return LandedCostCalculator(**kw).widget
