"""Financing calculator: an export order's cash-flow timeline, peak working capital and loan cost.

A view over :mod:`ukm_tools.financing` (every figure comes from there) on the common
:class:`~ukm_tools.widgets.base.Calculator`: language switch, numbers typed the Indonesian way,
each problem above its box, save and open. It opens with the order behind the case's
quotation (:func:`case_order`: the case file's ``order:`` and ``payment:`` sections): the
rupiah received for the whole order as one total (so the case's figure is kept to the rupiah, with
the price per unit it comes to beside it), the costs per unit of the case's quantity; the
participant then types their own order.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import ipywidgets as W

from ukm_tools import checks
from ukm_tools import financing as fin
from ukm_tools.case import Case, OrderPlan, PaymentPlan
from ukm_tools.errors import UkmError
from ukm_tools.messages import section
from ukm_tools.money import IDR, Money, format_money, format_percent, minor_units, round_half_up
from ukm_tools.widgets import case_io, charts
from ukm_tools.widgets.base import (
    Calculator,
    ChoiceField,
    DateField,
    NumberField,
    esc,
    facts_html,
    html_table,
    note_html,
    output_area,
    wrap_row,
)

T = section("widgets.financing", "financing")

ACCESS = [("1", 1), ("2", 2), ("3", 3), ("4+", 4)]  # which KUR loan this is (graduated rates)


def case_order(case: Case) -> fin.OrderInput:
    """The order behind the case's quotation, as the case study computes it (one place for the
    book, the slides and this page): the rupiah received after the bank's fees of the agreed
    payment method, the HPP split into materials (day 0) and production costs, packing and
    shipment costs paid at shipment; materials share, production time and method from the case file."""
    return case_io.case_study(case).order()


def per_unit(total: Money, quantity: int) -> Decimal:
    """A cost total per unit as its box shows it: exact when that takes at most two decimals
    (whole rupiah for the shipped case; the total is then kept exactly), else half-up to the
    rupiah (the total then moves by less than Rp0,5 a unit) -- never a long tail of decimals."""
    cents = round_half_up(total.amount / quantity, 2)
    if cents * quantity == total.amount:
        return cents.normalize()
    return round_half_up(total.amount / quantity, minor_units(total.currency))


# Files saved before the order value was typed as a total hold its price per unit.
OLD_UNIT_PRICE = "order_unit_price"


def upgrade_saved(saved: Mapping[str, Any], quantity: int) -> dict[str, Any]:
    """Saved inputs of any version as this one reads them: an older file's ``order_unit_price``
    becomes the ``order_value`` it was multiplied into (x its saved quantity, else the case's).

    Raises:
        UkmError: the old price or quantity is not a number (named as in the file).
    """
    out = dict(saved)
    old = out.pop(OLD_UNIT_PRICE, None)
    if old is not None and "order_value" not in out:  # a newer value wins; the old one is then unused
        where = f"{case_io.EXTRAS_KEY}.{FinancingCalculator.key}"
        unit = checks.number(old, f"{where}.{OLD_UNIT_PRICE}")
        qty = checks.number(out.get("order_quantity", quantity), f"{where}.order_quantity")
        out["order_value"] = unit * qty
    return out


@dataclass(frozen=True)
class FinancingResult:
    timeline: fin.CashFlowTimeline  # the one the loan finances (net proceeds when discounted)
    financing: fin.OrderFinancing
    discounting: fin.OrderDiscounting | None  # when the draft is discounted


class FinancingCalculator(Calculator):
    """Order size, costs, production days, payment method and tenor -> timeline, peak, loan cost."""

    texts = T
    key = "financing"
    # Problems the domain reports on cost totals belong to the per-unit boxes they come from
    # (the order value is typed as the total the domain checks: its box has the domain's name).
    field_aliases = {
        "materials": "material_per_unit",
        "production_costs": "production_per_unit",
    }

    def setup(self) -> None:
        def number(name: str, **kw: Any) -> NumberField:
            return self.field(NumberField(name, T.field_msg(name), **kw))

        self.f_qty = number("order_quantity")
        self.f_value = number("order_value")  # its hint: the price per unit it comes to
        self.f_material = number("material_per_unit")
        self.f_production = number("production_per_unit")
        self.f_export = number("export_costs")
        self.f_prod_days = number("production_days", min_width="110px")
        self.f_ship_days = number("days_to_ship", min_width="110px")
        methods = [(m.name, m.key) for m in fin.payment_methods()]
        # The method sets the tenor box first, then recomputes once (see _on_method).
        self.f_method = self.field(ChoiceField("method", T.msg("method"), methods, "lc_sight"), recompute=False)
        self.f_method.input.observe(self._on_method, "value")
        self.f_tenor = number("tenor_days", min_width="110px")
        self.f_start = self.field(DateField("start", T.msg("start")))
        routes = [(T.msg("route_loan"), "loan"), (T.msg("route_discount"), "discount")]
        self.f_route = self.field(ChoiceField("route", T.msg("route"), routes, "loan"))
        schemes = [(s.name, s.key) for s in fin.loan_schemes()]
        self.f_scheme = self.field(ChoiceField("scheme", T.msg("scheme"), schemes, schemes[0][1]))
        self.f_access = self.field(ChoiceField("access", T.msg("access"), ACCESS, 1, min_width="90px"))
        bases = [(T.msg("basis_scheme"), ""), (T.msg("effective"), "effective"), (T.msg("flat"), "flat")]
        self.f_basis = self.field(ChoiceField("basis", T.msg("basis"), bases, ""))
        # Said inside the empty box, not in the label: a long label left a sliver of a box on a phone.
        self.f_rate = number("rate_pct", placeholder=T.msg("placeholder_rate_pct"))
        self.f_months = number("months", placeholder=T.msg("placeholder_months"), min_width="110px")
        self.f_disc_rate = number("discount_rate_pct")
        self.f_disc_fees = number("discount_fees")
        self.discount_row = wrap_row([self.f_disc_rate.box, self.f_disc_fees.box], own_layout=True)
        self.summary = output_area("ukm-financing-summary")
        self.chart = charts.chart_area()
        self.table = output_area("ukm-financing-schedule")

    def body(self) -> list[W.Widget]:
        return [
            wrap_row([self.f_qty.box, self.f_value.box, self.f_material.box, self.f_production.box]),
            wrap_row([self.f_export.box, self.f_prod_days.box, self.f_ship_days.box]),
            wrap_row([self.f_method.box, self.f_tenor.box, self.f_start.box]),
            wrap_row([self.f_route.box, self.f_scheme.box, self.f_access.box, self.f_basis.box]),
            wrap_row([self.f_rate.box, self.f_months.box]),
            self.discount_row,
            *self.results(self.summary, self.chart, self.table),
        ]

    # --- case file -> inputs and back --------------------------------------------------------
    def apply_case(self, case: Case, extras: dict[str, Any]) -> None:
        """The case's order, then whatever of the calculator's own saved inputs the file has."""
        pay = case.payment or PaymentPlan()
        self.set_order(case_order(case), case.quantity, refresh=False)
        self.f_route.input.value = "loan"
        self.f_scheme.input.value = (case.order or OrderPlan()).loan_scheme
        self.f_access.input.value = 1
        self.f_basis.input.value = ""
        self.f_rate.raw = self.f_months.raw = ""
        # A draft is discounted at about what the money costs the business (the case's rate).
        self.f_disc_rate.show(pay.funding_rate_pct, self.lang)
        self.f_disc_fees.show(0, self.lang)
        self._fill_saved(upgrade_saved(extras, case.quantity))
        self._show_route()

    def _fill_saved(self, saved: Mapping[str, Any]) -> None:
        lang = self.lang
        where = f"{case_io.EXTRAS_KEY}.{self.key}"
        numbers = (self.f_qty, self.f_value, self.f_material, self.f_production, self.f_export)
        for f in (*numbers, self.f_prod_days, self.f_ship_days, self.f_tenor):
            if f.name in saved:
                f.show(saved[f.name], lang)
        for f in (self.f_rate, self.f_months, self.f_disc_rate, self.f_disc_fees):
            if f.name in saved:
                f.show_optional(saved[f.name], lang)
        for c in (self.f_method, self.f_route, self.f_scheme, self.f_access, self.f_basis):
            if c.name in saved:
                value = saved[c.name]
                allowed = [v for _, v in c.options]
                if value not in allowed:
                    raise UkmError("unknown_choice", f"{where}.{c.name}", value, allowed)
                c.input.value = value
        if "start" in saved:
            start = saved["start"]
            try:
                self.f_start.raw = None if start in (None, "") else dt.date.fromisoformat(str(start))
            except ValueError:
                raise UkmError("wrong_type", f"{where}.start", start, "YYYY-MM-DD") from None
        self.f_tenor.disabled = not fin.payment_method(self.f_method.read()).tenor_adjustable

    def _inputs(self) -> dict[str, Any]:
        lang = self.lang
        discounting = self.f_route.read() == "discount"

        def unless_unused(read: Any) -> Any:
            # The discount boxes count only on the discount route: a stray entry there must
            # not block a plain loan (it is kept out of the saved file instead).
            if discounting:
                return read()
            try:
                return read()
            except UkmError:
                return None

        return self.read_all(
            {
                "order_quantity": lambda: self.f_qty.read_int(lang),
                "order_value": lambda: self.f_value.read(lang),
                "material_per_unit": lambda: self.f_material.read(lang),
                "production_per_unit": lambda: self.f_production.read(lang),
                "export_costs": lambda: self.f_export.read(lang),
                "production_days": lambda: self.f_prod_days.read_int(lang),
                "days_to_ship": lambda: self.f_ship_days.read_int(lang),
                "tenor_days": lambda: self.f_tenor.read_int(lang),
                "rate_pct": lambda: self.f_rate.read_optional(lang),
                "months": lambda: self.f_months.read_int_optional(lang),
                "discount_rate_pct": lambda: unless_unused(lambda: self.f_disc_rate.read_optional(lang)),
                "discount_fees": lambda: unless_unused(lambda: self.f_disc_fees.read_optional(lang)),
            }
        )

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        v = self._inputs()
        m = case_io.case_to_mapping(self.case)
        # The case's own sections say how this order is paid and financed, for every tool.
        m["payment"] = {**(m.get("payment") or {}), "method": self.f_method.read()}
        m["order"] = {
            **(m.get("order") or {}),
            "production_days": v["production_days"],
            "loan_scheme": self.f_scheme.read(),
        }
        start = self.f_start.read_optional()
        own = {
            **v,
            "method": self.f_method.read(),
            "start": start.isoformat() if start else None,
            "route": self.f_route.read(),
            "scheme": self.f_scheme.read(),
            "access": self.f_access.read(),
            "basis": self.f_basis.read(),
        }
        return m, own

    def set_order(self, order: fin.OrderInput, quantity: int = 1, *, refresh: bool = True) -> None:
        """Fill the inputs from a domain order (e.g. :func:`case_order`): its value as the total,
        the materials and production costs per unit for ``quantity`` units (see :func:`per_unit`)."""
        lang = self.lang
        with self.holding():
            self.f_qty.show(quantity, lang)
            self.f_value.show(order.order_value.amount, lang)
            self.f_material.show(per_unit(order.materials, quantity), lang)
            self.f_production.show(per_unit(order.production_costs, quantity), lang)
            self.f_export.show(order.export_costs.amount, lang)
            self.f_prod_days.show(order.production_days, lang)
            self.f_ship_days.show(order.days_to_ship, lang)
            self.f_method.input.value = order.method
            method = fin.payment_method(order.method)
            self.f_tenor.show(method.tenor_days if order.tenor_days is None else order.tenor_days, lang)
            self.f_tenor.disabled = not method.tenor_adjustable
            self.f_start.input.value = order.start
        if refresh and hasattr(self, "_widget"):
            self.refresh()

    def _on_method(self, change: dict) -> None:
        if self._hold or change["new"] is None:
            return
        method = fin.payment_method(change["new"])
        with self.holding():
            self.f_tenor.show(method.tenor_days, self.lang)
            self.f_tenor.disabled = not method.tenor_adjustable
        self.refresh()

    def _show_route(self) -> None:
        self.discount_row.layout.display = "flex" if self.f_route.read() == "discount" else "none"

    def _on_input(self, change: dict) -> None:
        self._show_route()
        super()._on_input(change)

    # --- compute and show ------------------------------------------------------------------------
    def refresh(self) -> bool:
        ok = super().refresh()
        self._show_unit_price()
        return ok

    def _show_unit_price(self) -> None:
        """The order value per unit, half-up to the rupiah, beside its box's label (in the label
        so the boxes of the row stay level); none while either box is unreadable."""
        lang = self.lang
        try:
            qty, value = self.f_qty.read_int(lang), self.f_value.read(lang)
        except UkmError:
            qty, value = 0, Decimal(0)
        hint = None
        if qty > 0 and value > 0:
            price = (Money.of(value, IDR) / qty).rounded()
            hint = T("unit_price_hint", lang, price=format_money(price, lang))
        if hint != self.f_value.hint_text:
            self.f_value.hint_text = hint
            self.f_value.relabel(lang)

    def compute(self) -> FinancingResult:
        v = self._inputs()
        qty = v["order_quantity"]
        if qty <= 0:
            raise UkmError("not_positive", "order_quantity", qty)
        if self.f_route.read() == "discount" and v["discount_rate_pct"] is None:
            raise UkmError("missing_field", "discount_rate_pct")
        method = fin.payment_method(self.f_method.read())
        order = fin.OrderInput(
            order_value=Money.of(v["order_value"], IDR),
            materials=Money.of(v["material_per_unit"], IDR) * qty,
            production_costs=Money.of(v["production_per_unit"], IDR) * qty,
            export_costs=Money.of(v["export_costs"], IDR),
            production_days=v["production_days"],
            days_to_ship=v["days_to_ship"],
            method=method.key,
            tenor_days=v["tenor_days"] if method.tenor_adjustable else None,
            start=self.f_start.read_optional(),
        )
        discounting = None
        if self.f_route.read() == "discount":
            fees = v["discount_fees"]
            discounting = fin.discount_order(
                order, v["discount_rate_pct"], None if fees is None else Money.of(fees, IDR)
            )
            timeline = discounting.timeline
        else:
            timeline = fin.cash_flow(order)
        financing = fin.finance_order(
            timeline,
            scheme=self.f_scheme.read(),
            rate_pct=v["rate_pct"],
            basis=self.f_basis.read() or None,
            months=v["months"],
            access=self.f_access.read(),
        )
        return FinancingResult(timeline, financing, discounting)

    def render(self, r: FinancingResult) -> None:
        lang = self.lang
        t, f, d = r.timeline, r.financing, r.discounting
        fm = lambda m: format_money(m, lang)  # noqa: E731
        receipt = next(e for e in t.events if e.kind == "receipt")
        costs = sum((-e.amount for e in t.events if e.kind != "receipt"), Money.zero(IDR))
        received_on = T("day_n", lang, day=t.receipt_day) + (f" ({receipt.date.isoformat()})" if receipt.date else "")
        self.shown = {
            "peak": fm(t.peak_working_capital),
            "peak_day": t.peak_day,
            "days_tied_up": t.days_tied_up,
            "cost": fm(f.cost),
            "after": fm(f.margin_after_financing),
        }
        rows = [
            (T("order_value", lang), fm(d.discount.face if d else receipt.amount)),
            (T("total_costs", lang), fm(costs)),
            (T("margin", lang), fm(d.undiscounted.margin if d else t.margin)),
            (T("peak", lang), f"{self.shown['peak']} ({T('day_n', lang, day=t.peak_day)})"),
            (T("tied", lang), T("n_days", lang, days=t.days_tied_up)),
            (T("receipt", lang), received_on),
        ]
        if f.schedule is None:
            rows.append((T("loan", lang), T("no_loan", lang)))
        else:
            basis = T("effective" if f.basis == "effective" else "flat", lang)
            loan = (
                f"{fm(f.principal)}, {T('n_months', lang, months=f.months)}, {format_percent(f.rate_pct, lang)} {basis}"
            )
            if f.basis == "effective":
                eq = fin.equivalent_flat_rate(f.principal, f.rate_pct, f.months)
                loan += f" ({T('flat_eq', lang)} {format_percent(eq, lang)})"
            rows += [(T("loan", lang), loan), (T("cost", lang), self.shown["cost"])]
        if d is not None:
            disc = d.discount
            line = T("discount_line", lang, interest=disc.interest, fees=disc.fees, net=disc.net, day=d.acceptance_day)
            rows += [(T("discount", lang), line), (T("total_cost", lang), fm(d.cost + f.cost))]
        # t.margin already has the discount taken off (net proceeds); the loan's interest comes off here.
        rows.append((T("after", lang), self.shown["after"]))
        notes = "".join(f"<li>{esc(n.text(lang))}</li>" for n in (*t.notes, *f.notes))
        self.summary.value = facts_html(rows, strong=(3, len(rows) - 1)) + (
            f"<ul style='margin:4px 0;padding-left:18px'>{notes}</ul>" if notes else ""
        )
        self.table.value = self._schedule_html(f)

    def _schedule_html(self, f: fin.OrderFinancing) -> str:
        if f.schedule is None:
            return ""
        lang, s = self.lang, f.schedule
        rows = [
            [
                str(r.number),
                r.date.isoformat() if r.date else "",
                format_money(r.instalment, lang),
                format_money(r.interest, lang),
                format_money(r.principal, lang),
                format_money(r.balance, lang),
            ]
            for r in s.rows
        ]
        rows.append(
            [
                "Σ",
                "",
                format_money(s.total_paid, lang),
                format_money(s.total_interest, lang),
                format_money(s.principal, lang),
                "",
            ]
        )
        cols = [T(f"col_{k}", lang) for k in ("number", "date", "instalment", "interest", "principal", "balance")]
        if not any(r.date for r in s.rows):  # no start date given: no empty date column
            cols.pop(1)
            rows = [r[:1] + r[2:] for r in rows]
        return html_table(cols, rows, numeric_from=1, highlight_last=True)

    def draw_chart(self, r: FinancingResult) -> None:
        """The order's cash balance after each event: below zero is money the business lends it."""
        lang, t = self.lang, r.timeline
        bars = [
            charts.Bar(
                T("chart_event", lang, day=e.day, event=e.label.text(lang)),
                format_money(e.balance, lang),
                e.balance.amount,
                color=charts.LOSS if e.balance.amount < 0 else charts.SELLER,
                strong=e.day == t.peak_day and -e.balance == t.peak_working_capital,
            )
            for e in t.events
        ]
        self.chart.value = charts.bar_chart(T("chart_title", lang), bars, note=T("chart_note", lang))

    def sources_html(self) -> str:
        lang = self.lang
        parts = [note_html(f"{T('from_case', lang)}: {self.case.title or self.case.case}")]
        result: FinancingResult | None = self.result
        scheme = result.financing.scheme if result is not None else None
        if scheme is not None:
            parts.append(note_html(f"{T('source', lang)}: {scheme.source}", "ukm-source"))
        return "".join(parts)

    # --- kept for code that drove the old widget -----------------------------------------------
    @property
    def discounting(self) -> fin.OrderDiscounting | None:
        return None if self.result is None else self.result.discounting


def app(**kw: Any) -> W.Widget:
    """The calculator's widget, for a notebook cell or the calculator server."""
    return FinancingCalculator(**kw).widget
