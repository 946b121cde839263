"""Marine cargo insurance calculator: premium, CIF and insured amount, both methods side by side.

Figures from :func:`ukm_tools.insurance.insure`. The CFR value starts from the case's
CFR (or CPT) shipment total priced by the domain core; the participant may type another.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ipywidgets as W

from ukm_tools import checks
from ukm_tools.errors import UkmError
from ukm_tools.incoterms import SEA_MODES
from ukm_tools.insurance import CLAUSE_LABELS, MIN_COVER_PCT, Method, insure
from ukm_tools.messages import section
from ukm_tools.money import Money, format_money
from ukm_tools.widgets import case_io
from ukm_tools.widgets.base import (
    Calculator,
    ChoiceField,
    NumberField,
    currency_field,
    esc,
    html_table,
    note_html,
    output_area,
    sheet_banner,
    wrap_row,
)

T = section("widgets.insurance", "insurance")


def case_cfr(case) -> Money:
    """The case's CFR shipment total (CPT when the mode is not by sea), from the domain quote."""
    rule = "CFR" if case.mode in SEA_MODES else "CPT"
    return case.quote(rule).final.shipment_quote


class InsuranceCalculator(Calculator):
    texts = T
    key = "insurance"

    def setup(self) -> None:
        self.f_cfr = self.field(NumberField("cfr", T.msg("cfr")))
        self.f_currency = self.field(currency_field())
        self.f_rate = self.field(NumberField("insurance_rate_pct", T.msg("rate")))
        self.f_clause = self.field(
            ChoiceField("clause", T.msg("clause"), [(v, k) for k, v in CLAUSE_LABELS.items()], "C")
        )
        self.f_clause.input.observe(self._on_clause, "value")
        self.f_cover = self.field(NumberField("cover_pct", T.msg("cover"), min_width="110px"))
        self.summary = output_area("ukm-result")
        self.table = output_area("ukm-insurance-table")

    def body(self) -> list[W.Widget]:
        return [
            wrap_row([self.f_cfr.box, self.f_currency.box]),
            wrap_row([self.f_rate.box, self.f_clause.box, self.f_cover.box]),
            *self.results(self.summary, self.table),
        ]

    def apply_case(self, case, extras: dict[str, Any]) -> None:
        lang = self.lang
        self.sheet = case.rate_sheet()
        currencies = sorted(set(self.sheet.rates) | {"IDR"})
        if "cfr" in extras:
            cfr = Money(checks.number(extras["cfr"], "cfr"), extras.get("currency", case.quote_currency))
        else:
            try:
                cfr = case_cfr(case)
            except UkmError:
                cfr = Money(Decimal(0), case.quote_currency)
        self.f_cfr.show(cfr.amount, lang)
        self.f_currency.set_options([(c, c) for c in currencies], cfr.currency, lang)
        ins = case.insurance
        self.f_clause.input.value = extras.get("clause") or ((ins.clause or "C") if ins else "C")
        self._fill_rate(self.f_clause.input.value)
        self.f_cover.show(extras.get("cover_pct", MIN_COVER_PCT), lang)

    def _fill_rate(self, clause: str) -> None:
        """The case's premium rate for ``clause`` (per-clause rate, else its single rate)."""
        ins = self.case.insurance
        rates = {str(c): r for c, r in ins.rates_pct.items()} if ins else {}
        rate = rates.get(clause, ins.rate_pct if ins else None) or Decimal("0.2")
        self.f_rate.show(rate, self.lang)

    def _on_clause(self, change: dict) -> None:
        if self._hold:
            return
        with self.holding():
            self._fill_rate(change["new"])
        self.refresh()

    def _inputs(self) -> dict[str, Any]:
        lang = self.lang
        return self.read_all(
            {
                "cfr": lambda: self.f_cfr.read(lang),
                "rate": lambda: self.f_rate.read(lang),
                "cover": lambda: self.f_cover.read(lang),
            }
        )

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        v = self._inputs()
        m = case_io.case_to_mapping(self.case)
        old = m.get("insurance") or {}
        m["insurance"] = {**old, "rates_pct": {**(old.get("rates_pct") or {}), self.f_clause.read(): v["rate"]}}
        return m, {
            "cfr": v["cfr"],
            "currency": self.f_currency.read(),
            "cover_pct": v["cover"],
            "clause": self.f_clause.read(),
        }

    def compute(self):
        v = self._inputs()
        cfr = Money(v["cfr"], self.f_currency.read())
        # the case's usual ranges (widened in its file, if at all), and the rate as typed for the message
        kw = dict(clause=self.f_clause.read(), cover_pct=v["cover"], bands=self.case.bands(), as_typed=self.f_rate.raw)
        return insure(cfr, v["rate"], method=Method.INCLUSIVE, **kw), insure(cfr, v["rate"], method=Method.SIMPLE, **kw)

    def render(self, result) -> None:
        inclusive, simple = result
        lang = self.lang
        self.shown = {
            "premium_inclusive": format_money(inclusive.premium, lang),
            "premium_simple": format_money(simple.premium, lang),
            "insured_inclusive": format_money(inclusive.insured_amount, lang),
            "insured_simple": format_money(simple.insured_amount, lang),
            "cif_inclusive": format_money(inclusive.cif, lang),
            "cif_simple": format_money(simple.cif, lang),
        }
        self.summary.value = (
            f"<div style='font-size:110%;margin:4px 0'>{esc(T('premium', lang))}: "
            f"<b class='ukm-premium'>{esc(self.shown['premium_inclusive'])}</b> "
            f"({esc(T('simple_method_lower', lang))}: {esc(self.shown['premium_simple'])}) — "
            f"{esc(T('insured_amount', lang))} <b class='ukm-insured'>{esc(self.shown['insured_inclusive'])}</b></div>"
        )
        rows = [
            [label, a, b]
            for (label, a), (_, b) in zip(
                inclusive.rows(lang, with_method=False), simple.rows(lang, with_method=False), strict=True
            )
        ]
        header = ["", T("premium_included", lang), T("simple_method", lang)]
        self.table.value = html_table(header, rows, numeric_from=1) + (
            f"<div style='font-size:90%;margin-top:4px'>{esc(T('premium_difference', lang))}: "
            f"{esc(format_money(inclusive.premium - simple.premium, lang))}. "
            f"{esc(T('simple_under_insures', lang))}</div>"
        )

    def sources_html(self) -> str:
        case_src = note_html(f"{T('cfr_from_case', self.lang)}: {self.case.title or self.case.case}")
        return case_src + sheet_banner(self.sheet, self.today, self.max_rate_age_days, self.lang)


def app(**kw) -> W.Widget:
    return InsuranceCalculator(**kw).widget
