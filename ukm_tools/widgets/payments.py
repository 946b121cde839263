"""Payment-method comparator: bank cost and risk of each method, an itemised fee breakdown
and D/A draft discounting — all from :mod:`ukm_tools.payments`.

The invoice starts from the case's quote total; the fee schedule is the packaged example
or a trainer's file (``UKM_FEES``). Its date and source are shown, with a warning when
it is older than ``max_fee_age_days``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ipywidgets as W

from ukm_tools import financing as fin
from ukm_tools.case import PaymentPlan
from ukm_tools.errors import UkmError
from ukm_tools.messages import section
from ukm_tools.money import Money, format_money
from ukm_tools.payments import (
    DEFAULT_MAX_FEE_AGE_DAYS,
    FeeSchedule,
    collection_cost,
    compare_methods,
    discount_draft,
    gross_up_face,
    load_payment_methods,
    method_cost,
)
from ukm_tools.widgets import case_io, charts
from ukm_tools.widgets.base import (
    Calculator,
    ChoiceField,
    NumberField,
    env_int,
    esc,
    heading,
    html_table,
    output_area,
    rate_banner,
    wrap_row,
)

RISK_COLORS = {1: "#2e7d32", 2: "#66bb6a", 3: "#fbc02d", 4: "#ef6c00", 5: "#c62828", 6: "#8e0000"}

T = section("widgets.payments", "payments")


class PaymentsCalculator(Calculator):
    texts = T
    key = "payments"

    def __init__(self, case=None, *, schedule: FeeSchedule | None = None, max_fee_age_days: int | None = None, **kw):
        self.schedule = schedule or case_io.fee_schedule()
        self.max_fee_age_days = (
            env_int("UKM_MAX_FEE_AGE_DAYS", DEFAULT_MAX_FEE_AGE_DAYS) if max_fee_age_days is None else max_fee_age_days
        )
        super().__init__(case, **kw)

    def setup(self) -> None:
        cur = self.schedule.currency
        self.f_invoice = self.field(NumberField("invoice", T.msg("invoice", cur=cur)))
        self.f_tenor = self.field(
            NumberField(
                "tenor_days",
                T.msg("tenor"),
                hint=T.msg("tenor_hint"),
                min_width="120px",
            )
        )
        self.f_rate = self.field(
            NumberField(
                "annual_rate_pct",
                T.msg("discount_rate"),
                hint=T.msg("may_be_blank"),
                min_width="120px",
            )
        )
        self.f_amend = self.field(NumberField("amendments", T.msg("amendments"), min_width="100px"))
        self.f_discr = self.field(NumberField("discrepancies", T.msg("discrepancies"), min_width="100px"))
        self.f_validity = self.field(NumberField("validity_days", T.msg("validity"), min_width="100px"))
        methods = load_payment_methods()
        self.f_sort = self.field(
            ChoiceField(
                "sort_by",
                T.msg("sort_by"),
                [
                    (T.msg("sort_exporter_risk"), "exporter_risk"),
                    (T.msg("sort_cost"), "cost"),
                    (T.msg("sort_importer_risk"), "importer_risk"),
                ],
                "exporter_risk",
            )
        )
        self.f_method = self.field(
            ChoiceField(
                "breakdown_method",
                T.msg("breakdown_for"),
                [(m.label, code) for code, m in methods.items()],
                "lc_confirmed",
            )
        )
        self.summary = output_area("ukm-result")
        self.table = output_area("ukm-payments-table")
        self.breakdown = output_area("ukm-breakdown")
        self.discount = output_area("ukm-discount")
        self.chart = charts.chart_area()

    def body(self) -> list[W.Widget]:
        return [
            wrap_row([self.f_invoice.box, self.f_tenor.box, self.f_rate.box]),
            wrap_row([self.f_amend.box, self.f_discr.box, self.f_validity.box, self.f_sort.box]),
            self.message,
            self.summary,
            self.table,
            self.chart,
            wrap_row([self.f_method.box]),
            self.breakdown,
            self.discount,
            self.source_info,
        ]

    def apply_case(self, case, extras: dict[str, Any]) -> None:
        lang = self.lang
        invoice = extras.get("invoice")
        if invoice is None:
            try:
                total = case.quote().final.shipment_quote
                invoice = total.amount if total.currency == self.schedule.currency else Decimal(10000)
            except UkmError:
                invoice = Decimal(10000)
        self.f_invoice.show(invoice, lang)
        # The case study's payment: the tenor the buyer asks for, what waiting costs a year.
        plan = case.payment or PaymentPlan()
        self.f_tenor.show(extras.get("tenor_days", plan.tenor_days_asked), lang)
        rate = extras.get("annual_rate_pct", plan.funding_rate_pct)
        self.f_rate.show_optional(rate, lang)
        self.f_amend.show(extras.get("amendments", plan.amendments), lang)
        self.f_discr.show(extras.get("discrepancies", 0), lang)
        self.f_validity.show(extras.get("validity_days", 90), lang)
        self.f_sort.input.value = extras.get("sort_by", "exporter_risk")
        # The fee breakdown opens on the method the case agreed (the case study's bank fees).
        agreed = fin.payment_method(plan.method).method_code
        codes = [code for _, code in self.f_method.options]
        self.f_method.input.value = extras.get("breakdown_method", agreed if agreed in codes else "lc_confirmed")

    def _inputs(self) -> dict[str, Any]:
        lang = self.lang
        return self.read_all(
            {
                "invoice": lambda: self.f_invoice.read(lang),
                "tenor_days": lambda: self.f_tenor.read_int(lang),
                "annual_rate_pct": lambda: self.f_rate.read_optional(lang),
                "amendments": lambda: self.f_amend.read_int(lang),
                "discrepancies": lambda: self.f_discr.read_int(lang),
                "validity_days": lambda: self.f_validity.read_int(lang),
            }
        )

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        v = self._inputs()
        return case_io.case_to_mapping(self.case), {
            **v,
            "sort_by": self.f_sort.read(),
            "breakdown_method": self.f_method.read(),
        }

    def compute(self) -> dict[str, Any]:
        v = self._inputs()
        invoice = Money(v["invoice"], self.schedule.currency)
        counts = dict(amendments=v["amendments"], discrepancies=v["discrepancies"], validity_days=v["validity_days"])
        comparison = compare_methods(
            invoice,
            self.schedule,
            v["tenor_days"],
            annual_rate_pct=v["annual_rate_pct"],
            sort_by=self.f_sort.read(),
            **counts,
        )
        method = load_payment_methods()[self.f_method.read()]
        breakdown = method_cost(
            method, invoice, self.schedule, tenor_days=v["tenor_days"] if method.exporter_waits_tenor else 0, **counts
        )
        discount = gross_up = None
        if v["annual_rate_pct"] is not None and v["tenor_days"] > 0:
            fees = collection_cost(invoice, self.schedule, acceptance=True, tenor_days=v["tenor_days"]).total
            discount = discount_draft(invoice, v["annual_rate_pct"], v["tenor_days"], fees)
            gross_up = gross_up_face(invoice, v["annual_rate_pct"], v["tenor_days"], fees)
        return {"comparison": comparison, "breakdown": breakdown, "discount": discount, "gross_up": gross_up}

    def render(self, result: dict[str, Any]) -> None:
        lang = self.lang
        comp = result["comparison"]
        self.shown = {r.method.code: format_money(r.total, lang) for r in comp.rows}
        cheapest = min(comp.rows, key=lambda r: (r.total.amount, r.method.exporter_risk))
        safest = min(comp.rows, key=lambda r: (r.method.exporter_risk, r.total.amount))
        self.summary.value = (
            f"<div style='margin:4px 0'>{esc(T('safest', lang))}: <b>{esc(safest.method.label[lang])}</b> "
            f"({esc(format_money(safest.total, lang))}); {esc(T('cheapest', lang))}: "
            f"<b>{esc(cheapest.method.label[lang])}</b> "
            f"({esc(format_money(cheapest.total, lang))}).</div>"
        )
        header = [
            T("col_method", lang),
            T("col_exporter_risk", lang),
            T("col_importer_risk", lang),
            T("col_fees", lang),
            T("col_financing", lang),
            T("col_total", lang),
        ]
        rows = [
            [
                r.method.label[lang],
                str(r.method.exporter_risk),
                str(r.method.importer_risk),
                format_money(r.fees, lang),
                format_money(r.financing, lang),
                format_money(r.total, lang),
            ]
            for r in comp.rows
        ]
        note = ""
        if comp.annual_rate_pct is None:
            note = f"<div style='font-size:90%'>{esc(T('no_rate', lang))}</div>"
        self.table.value = html_table(header, rows, numeric_from=1) + note

        b = result["breakdown"]
        self.shown["breakdown_total"] = format_money(b.total, lang)
        brows = [[ln.label(lang), ln.rule_text(lang), format_money(ln.amount, lang)] for ln in b.lines]
        brows.append([T("total", lang), "", format_money(b.total, lang)])
        self.breakdown.value = (
            self._cost_table(f"{T('breakdown', lang)}: {b.method.label[lang]}", "col_fee", brows)
            + f"<div style='font-size:90%'>{esc(b.method.summary[lang])}</div>"
        )

        d = result["discount"]
        if d is None:
            self.shown.pop("discount_net", None)
            self.discount.value = f"<div style='font-size:90%'>{esc(T('discount_needs_rate', lang))}</div>"
        else:
            self.shown["discount_net"] = format_money(d.net, lang)
            self.shown["gross_up"] = format_money(result["gross_up"], lang)
            df = d.to_dataframe(lang)
            cols = list(df.columns)
            drows = [[str(r[cols[0]]), str(r[cols[3]]), str(r[cols[1]])] for _, r in df.iterrows()]
            self.discount.value = (
                self._cost_table(T("discounting", lang), "col_item", drows)
                + f"<div style='margin-top:4px'>{esc(T('to_still_receive', lang))} {esc(format_money(d.face, lang))} "
                f"{esc(T('draft_must_be', lang))} <b class='ukm-gross-up'>{esc(self.shown['gross_up'])}</b>.</div>"
            )

    def _cost_table(self, title: str, first_column: str, rows: list[list[str]]) -> str:
        """A titled table of costs: what, how it is computed, how much (the last row the total)."""
        lang = self.lang
        header = [T(first_column, lang), T("col_how", lang), T("col_amount", lang)]
        return heading(title) + html_table(header, rows, numeric_from=2, highlight_last=True)

    def draw_chart(self, result: dict[str, Any]) -> None:
        comp, lang = result["comparison"], self.lang
        bars = [
            charts.Bar(
                r.method.label[lang],
                format_money(r.total, lang),
                r.total.amount,
                color=RISK_COLORS.get(r.method.exporter_risk, charts.NEUTRAL),
            )
            for r in comp.rows
        ]
        self.chart.value = charts.bar_chart(T("chart_title", lang), bars)

    def sources_html(self) -> str:
        s = self.schedule
        return rate_banner(
            s,
            f"{s.bank} — {s.source}",
            T.msg("fee_schedule"),
            today=self.today,
            max_age_days=self.max_fee_age_days,
            lang=self.lang,
        )


def app(**kw) -> W.Widget:
    return PaymentsCalculator(**kw).widget
