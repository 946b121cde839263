"""Financing calculator: an export order's cash-flow timeline, peak working capital and loan cost.

A thin ipywidgets view over :mod:`ukm_tools.financing` (every figure comes from there).
Numbers are typed the Indonesian way by default (``2.400``; ``27.000``) and read with
:func:`ukm_tools.numbers.parse_number`. A wrong input shows its message above the result
and the last good result stays, marked as such. Self-contained on purpose (see the
module list in :mod:`ukm_tools.widgets`); it may later share helpers with the others.
"""

from __future__ import annotations

import html
import io
from decimal import Decimal
from typing import Any

import ipywidgets as W

from ukm_tools import financing as fin
from ukm_tools.errors import Problem, UkmError
from ukm_tools.messages import lang_or_default, section
from ukm_tools.money import IDR, Money, format_money, format_number, format_percent
from ukm_tools.numbers import parse_number
from ukm_tools.widgets.base import LANG_OPTIONS, as_user_error, html_table, problems_html

T = section("widgets.financing", "financing")

# The boxes, in order, with the figures they start with (their labels: the catalogue's fields).
DEFAULTS: dict[str, str] = {
    "order_quantity": "2.400",
    "order_unit_price": "27.000",
    "material_per_unit": "9.000",
    "production_per_unit": "4.000",
    "export_costs": "5.000.000",
    "production_days": "30",
    "days_to_ship": "5",
    "tenor_days": "60",
    "rate_pct": "",
    "months": "",
    "discount_rate_pct": "8",
    "discount_fees": "0",
}
# Said inside the empty box rather than in its label: a long label left a 20 px box on a phone.
PLACEHOLDERS = ("rate_pct", "months")


def _esc(s: Any) -> str:
    return html.escape(str(s))


class FinancingCalculator:
    """Order size, costs, production days, payment method and tenor -> timeline, peak, loan cost.

    Set inputs in code (``calc.inputs["order_quantity"].value = "1.000"``); every change
    recomputes. ``calc.result`` is the last good ``(timeline, financing)``;
    ``calc.problems`` the current input's problems (empty when it is good).
    """

    def __init__(self, lang: str = "id") -> None:
        self.lang = lang_or_default(lang)
        self.result: tuple[fin.CashFlowTimeline, fin.OrderFinancing] | None = None
        self.discounting: fin.OrderDiscounting | None = None  # with the last result, when chosen
        self.problems: list[Problem] = []
        self.chart_png: bytes = b""
        self.lang_toggle = W.ToggleButtons(options=LANG_OPTIONS, value=self.lang)
        # continuous_update=False: recompute when a field is left (Enter/Tab), not on every key.
        self.inputs: dict[str, W.Text] = {k: W.Text(value=v, continuous_update=False) for k, v in DEFAULTS.items()}
        self.method = W.Dropdown(value=None)
        self.scheme = W.Dropdown(value=None)
        self.access = W.Dropdown(options=[("1", 1), ("2", 2), ("3", 3), ("4+", 4)], value=1)
        self.basis = W.Dropdown(value=None)
        self.route = W.Dropdown(value=None)
        self.start = W.DatePicker(value=None)
        self.title = W.HTML()
        self.messages = W.HTML()
        self.summary = W.HTML()
        self.chart = W.Image(format="png")
        self.table = W.HTML()
        self._busy = False
        self._set_options(method="da", scheme="kur_mikro", basis="", route="loan")
        self._relabel()
        for w in [*self.inputs.values(), self.scheme, self.access, self.basis, self.route, self.start]:
            w.observe(self._changed, names="value")
        self.method.observe(self._method_changed, names="value")
        self.lang_toggle.observe(self._lang_changed, names="value")
        inputs = [
            self.inputs[k]
            for k in (
                "order_quantity",
                "order_unit_price",
                "material_per_unit",
                "production_per_unit",
                "export_costs",
                "production_days",
                "days_to_ship",
            )
        ]
        pay = [self.method, self.inputs["tenor_days"], self.start]
        loan = [
            self.route,
            self.scheme,
            self.access,
            self.basis,
            self.inputs["rate_pct"],
            self.inputs["months"],
            self.inputs["discount_rate_pct"],
            self.inputs["discount_fees"],
        ]
        box = W.Layout(display="flex", flex_flow="row wrap", width="100%")
        self.widget = W.VBox(
            [
                self.lang_toggle,
                self.title,
                W.Box(inputs, layout=box),
                W.Box(pay, layout=box),
                W.Box(loan, layout=box),
                self.messages,
                self.summary,
                self.chart,
                self.table,
            ]
        )
        self.refresh()

    # ---------------------------------------------------------------- labels

    def _set_options(self, method: str, scheme: str, basis: str, route: str) -> None:
        lang = self.lang
        self._busy = True
        try:
            self.method.options = [(m.name[lang], m.key) for m in fin.payment_methods()]
            self.method.value = method
            self.scheme.options = [(s.name[lang], s.key) for s in fin.loan_schemes()]
            self.scheme.value = scheme
            self.basis.options = [
                (T("basis_scheme", lang), ""),
                (T("effective", lang), "effective"),
                (T("flat", lang), "flat"),
            ]
            self.basis.value = basis
            self.route.options = [(T("route_loan", lang), "loan"), (T("route_discount", lang), "discount")]
            self.route.value = route
        finally:
            self._busy = False
        self.inputs["tenor_days"].disabled = not fin.payment_method(method).tenor_adjustable

    def _relabel(self) -> None:
        lang = self.lang
        style = {"description_width": "initial"}
        for k, w in self.inputs.items():
            w.description = T.field(k, lang)
            w.style = style
            if k in PLACEHOLDERS:
                w.placeholder = T(f"placeholder_{k}", lang)
        for key, w in (
            ("method", self.method),
            ("scheme", self.scheme),
            ("access", self.access),
            ("route", self.route),
            ("basis", self.basis),
            ("start", self.start),
        ):
            w.description = T(key, lang)
            w.style = style
        self.title.value = f"<h3>{_esc(T('title', lang))}</h3>"

    def _lang_changed(self, change) -> None:
        old, new = change["old"], change["new"]
        # Rewrite what was typed in the new language's convention (27.000 -> 27,000).
        self._busy = True
        try:
            for key, w in self.inputs.items():
                try:
                    if w.value.strip():
                        w.value = format_number(parse_number(w.value, old, key), new)
                except UkmError:
                    pass  # leave a wrong entry as typed: its message will say what is wrong
        finally:
            self._busy = False
        self.lang = new
        self._set_options(self.method.value, self.scheme.value, self.basis.value, self.route.value)
        self._relabel()
        self.refresh()

    def _method_changed(self, change) -> None:
        if self._busy or change["new"] is None:
            return
        m = fin.payment_method(change["new"])
        self._busy = True
        try:
            self.inputs["tenor_days"].value = format_number(m.tenor_days, self.lang)
        finally:
            self._busy = False
        self.inputs["tenor_days"].disabled = not m.tenor_adjustable
        self.refresh()

    def _changed(self, change) -> None:
        if not self._busy:
            self.refresh()

    def set_order(self, order: fin.OrderInput, quantity: int = 1) -> None:
        """Fill the inputs from a domain order (e.g. :func:`ukm_tools.financing.order_from_quote`).

        Amounts are shown per unit for ``quantity`` units; choose a quantity that divides
        the totals (the case's cartons) so the widget reproduces the order exactly.
        """
        lang = self.lang
        per_unit = lambda m: format_number((m / quantity).amount.normalize(), lang)  # noqa: E731
        values = {
            "order_quantity": format_number(quantity, lang),
            "order_unit_price": per_unit(order.order_value),
            "material_per_unit": per_unit(order.materials),
            "production_per_unit": per_unit(order.production_costs),
            "export_costs": format_number(order.export_costs.amount, lang),
            "production_days": str(order.production_days),
            "days_to_ship": str(order.days_to_ship),
        }
        self._busy = True
        try:
            for k, v in values.items():
                self.inputs[k].value = v
            self.method.value = order.method
            m = fin.payment_method(order.method)
            tenor = m.tenor_days if order.tenor_days is None else order.tenor_days
            self.inputs["tenor_days"].value = str(tenor)
            self.inputs["tenor_days"].disabled = not m.tenor_adjustable
            self.start.value = order.start
        finally:
            self._busy = False
        self.refresh()

    # ---------------------------------------------------------------- reading

    def _number(self, key: str, problems: list[Problem], blank_ok: bool = False) -> Decimal | None:
        text = self.inputs[key].value
        if blank_ok and not text.strip():
            return None
        try:
            return parse_number(text, self.lang, key)
        except UkmError as e:
            problems.extend(e.problems)
            return None

    def _whole(self, key: str, problems: list[Problem], blank_ok: bool = False) -> int | None:
        d = self._number(key, problems, blank_ok)
        if d is None:
            return None
        if d != d.to_integral_value():
            problems.append(Problem("not_integer", key, self.inputs[key].value))
            return None
        return int(d)

    def compute(self) -> tuple[fin.CashFlowTimeline, fin.OrderFinancing, fin.OrderDiscounting | None]:
        """Read the inputs and ask the domain; raises UkmError with every problem.

        Returns the timeline the loan finances (with the discounted proceeds when the
        draft is discounted), the loan, and the discounting (or None)."""
        p: list[Problem] = []
        qty = self._whole("order_quantity", p)
        if qty is not None and qty <= 0:
            p.append(Problem("not_positive", "order_quantity", qty))
        price = self._number("order_unit_price", p)
        mat = self._number("material_per_unit", p)
        prod = self._number("production_per_unit", p)
        exp = self._number("export_costs", p)
        pdays = self._whole("production_days", p)
        ship = self._whole("days_to_ship", p)
        tenor = self._whole("tenor_days", p)
        rate = self._number("rate_pct", p, blank_ok=True)
        months = self._whole("months", p, blank_ok=True)
        discounting = self.route.value == "discount"
        if discounting:
            d_rate = self._number("discount_rate_pct", p)
            d_fees = self._number("discount_fees", p, blank_ok=True)
        if p:
            raise UkmError(problems=p)
        # a required box left empty or unreadable is a problem above
        assert qty is not None and price is not None and mat is not None and prod is not None and exp is not None
        assert pdays is not None and ship is not None
        method = fin.payment_method(self.method.value)
        order = fin.OrderInput(
            order_value=Money.of(price, IDR) * qty,
            materials=Money.of(mat, IDR) * qty,
            production_costs=Money.of(prod, IDR) * qty,
            export_costs=Money.of(exp, IDR),
            production_days=pdays,
            days_to_ship=ship,
            method=method.key,
            tenor_days=tenor if method.tenor_adjustable else None,
            start=self.start.value,
        )
        disc = None
        if discounting:
            assert d_rate is not None  # read (or a problem) whenever the draft is discounted
            fees = None if d_fees is None else Money.of(d_fees, IDR)
            disc = fin.discount_order(order, d_rate, fees)
            timeline = disc.timeline
        else:
            timeline = fin.cash_flow(order)
        financing = fin.finance_order(
            timeline,
            scheme=self.scheme.value,
            rate_pct=rate,
            basis=self.basis.value or None,
            months=months,
            access=self.access.value,
        )
        return timeline, financing, disc

    def refresh(self) -> None:
        try:
            timeline, financing, self.discounting = self.compute()
            self.result = (timeline, financing)
            self.problems = []
        except Exception as e:
            self.problems = list(as_user_error(e, "financing calculator").problems)
        self._render()

    # ---------------------------------------------------------------- showing

    def _render(self) -> None:
        lang = self.lang
        stale = T("stale", lang) if self.result else None
        self.messages.value = problems_html(self.problems, lang, T, stale)
        if self.result is None:
            self.summary.value, self.table.value = "", ""
            return
        timeline, financing = self.result
        self.summary.value = self._summary_html(timeline, financing)
        self.table.value = self._table_html(financing)
        self.chart_png = self._chart(timeline)
        self.chart.value = self.chart_png

    def _summary_html(self, t: fin.CashFlowTimeline, f: fin.OrderFinancing) -> str:
        lang = self.lang
        fm = lambda m: format_money(m, lang)  # noqa: E731
        d = self.discounting
        receipt = next(e for e in t.events if e.kind == "receipt")
        costs = sum((-e.amount for e in t.events if e.kind != "receipt"), Money.zero(IDR))
        rows = [
            (T("order_value", lang), fm(d.discount.face if d else receipt.amount)),
            (T("total_costs", lang), fm(costs)),
            (T("margin", lang), fm(d.undiscounted.margin if d else t.margin)),
            (T("peak", lang), f"{fm(t.peak_working_capital)} ({T('day_n', lang, day=t.peak_day)})"),
            (T("tied", lang), T("n_days", lang, days=t.days_tied_up)),
            (
                T("receipt", lang),
                T("day_n", lang, day=t.receipt_day) + (f" ({receipt.date.isoformat()})" if receipt.date else ""),
            ),
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
            rows.append((T("loan", lang), loan))
            rows.append((T("cost", lang), fm(f.cost)))
        if d is not None:
            disc = d.discount
            line = T("discount_line", lang, interest=disc.interest, fees=disc.fees, net=disc.net, day=d.acceptance_day)
            rows.append((T("discount", lang), line))
            rows.append((T("total_cost", lang), fm(d.cost + f.cost)))
        # t.margin already has the discount taken off (net proceeds); the loan's interest comes off here.
        rows.append((T("after", lang), fm(f.margin_after_financing)))
        body = "".join(
            f"<tr><td>{_esc(a)}</td><td style='text-align:right'><b>{_esc(b)}</b></td></tr>" for a, b in rows
        )
        notes = [n[lang] for n in (*t.notes, *f.notes)]
        src = f.scheme.source if f.scheme else ""
        extra = "".join(f"<li>{_esc(n)}</li>" for n in notes)
        return (
            f"<table>{body}</table>"
            + (f"<ul>{extra}</ul>" if extra else "")
            + (f"<p><small>{_esc(T('source', lang))}: {_esc(src)}</small></p>" if src else "")
        )

    def _table_html(self, f: fin.OrderFinancing) -> str:
        if f.schedule is None:
            return ""
        lang = self.lang
        s = f.schedule
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
        # html_table scrolls sideways on a phone instead of cutting the last columns off.
        return html_table(cols, rows, numeric_from=1, highlight_last=True)

    def _chart(self, t: fin.CashFlowTimeline) -> bytes:
        from matplotlib.figure import Figure

        lang = self.lang
        pts = t.steps()
        xs = [d for d, _ in pts] + [pts[-1][0] + 10]
        ys = [float(b) / 1e6 for _, b in pts] + [float(pts[-1][1]) / 1e6]
        fig = Figure(figsize=(7, 3.2), dpi=90)
        ax = fig.add_subplot()
        ax.plot(xs, ys, drawstyle="default", color="#1f5f99")
        ax.fill_between(xs, ys, 0, where=[y < 0 for y in ys], color="#d9534f", alpha=0.25, interpolate=False)
        ax.axhline(0, color="black", linewidth=0.8)
        peak = -float(t.peak_working_capital.amount) / 1e6
        if peak < 0:
            ax.annotate(
                f"{T('peak', lang)}: {format_money(t.peak_working_capital, lang)}",
                (t.peak_day, peak),
                textcoords="offset points",
                xytext=(8, 6),
                fontsize=8,
            )
        for e in t.events:
            ax.axvline(e.day, color="#999999", linewidth=0.5, linestyle=":")
        ax.set_xlabel(T("chart_x", lang))
        ax.set_ylabel(T("chart_y", lang))
        fig.tight_layout()
        self.figure = fig
        buf = io.BytesIO()
        fig.savefig(buf, format="png")
        return buf.getvalue()


def app(lang: str = "id") -> W.Widget:
    """The calculator's widget, for a notebook cell or the Voila gallery."""
    return FinancingCalculator(lang).widget
