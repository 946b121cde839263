"""Export price build-up calculator: EXW up to the chosen Incoterm, per unit and per shipment.

Every figure comes from :meth:`ukm_tools.case.Case.quote` (``pricing.build_up``): the
inputs are turned into a case mapping, validated as a case file would be, and priced.
The same case is what "Simpan" writes and what the quotation / pro-forma PDF shows.
"""

from __future__ import annotations

from decimal import Decimal
from functools import partial
from typing import Any

import ipywidgets as W

from ukm_tools import incoterms
from ukm_tools.documents.quotation import Kind, document_number, quotation_pdf
from ukm_tools.errors import UkmError
from ukm_tools.incoterms import MODE_LABELS, item_labels
from ukm_tools.insurance import CLAUSE_LABELS, METHOD_LABELS, Method
from ukm_tools.messages import Msg, section
from ukm_tools.money import format_money, format_number
from ukm_tools.pricing import PRICED_ITEMS, PriceBuildUp
from ukm_tools.widgets import case_io, charts
from ukm_tools.widgets.base import (
    Calculator,
    ChoiceField,
    Field,
    NumberField,
    currency_field,
    esc,
    full_width,
    heading,
    html_table,
    output_area,
    sheet_banner,
    wrap_row,
)
from ukm_tools.widgets.rates import RateFields

T = section("widgets.price", "widgets.base")


def rule_options() -> list[tuple[Msg, str]]:
    return [(T.msg("rule_option", code=c, name=r.name), c) for c, r in incoterms.rules().items()]


class CostRow:
    """One cost of the shipment: name, Incoterms item, amount and currency."""

    def __init__(
        self, calc: PriceBuildUpCalculator, index: int, currencies: list[str], cost: dict[str, Any] | None = None
    ):
        cost = cost or {}
        self.name = calc.field(Field(f"costs[{index}].name", T.msg("cost_name"), cost.get("name", "")))
        self.item = calc.field(
            ChoiceField(
                f"costs[{index}].item",
                T.msg("cost_item"),
                [(item_labels(i), i) for i in PRICED_ITEMS],
                cost.get("item", PRICED_ITEMS[0]),
            )
        )
        self.amount = calc.field(NumberField(f"costs[{index}].amount", T.msg("cost_amount"), min_width="110px"))
        self.currency = calc.field(
            ChoiceField(
                f"costs[{index}].currency",
                T.msg("currency"),
                [(c, c) for c in currencies],
                cost.get("currency", "IDR") if cost.get("currency", "IDR") in currencies else "IDR",
                min_width="80px",
            )
        )
        self.per_unit = cost.get("per_unit", False)
        if "amount" in cost:
            self.amount.show(cost["amount"], calc.lang)
        self.remove = W.Button(icon="trash", layout=W.Layout(width="36px"), tooltip=T.both("remove_cost"))
        self.box = wrap_row(
            [self.name.box, self.item.box, self.amount.box, self.currency.box, self.remove], own_layout=True
        )
        self.box.layout.border_bottom = "1px dashed #ddd"

    def fields(self):
        return [self.name, self.item, self.amount, self.currency]

    def read(self, lang: str) -> dict[str, Any]:
        return {
            "name": self.name.raw.strip() or "-",
            "item": self.item.read(),
            "amount": self.amount.read(lang),
            "currency": self.currency.read(),
            "per_unit": self.per_unit,
        }


class PriceBuildUpCalculator(Calculator):
    texts = T
    key = "price"

    def setup(self) -> None:
        self.f_hpp = self.field(NumberField("hpp", T.msg("hpp")))
        self.f_packing = self.field(NumberField("packing", T.msg("packing")))
        self.f_markup = self.field(NumberField("markup_pct", T.msg("markup")))
        self.f_qty = self.field(NumberField("quantity", T.msg("quantity")))
        self.f_rule = self.field(ChoiceField("incoterm", T.msg("incoterm"), rule_options(), "FOB"))
        self.f_mode = self.field(ChoiceField("mode", T.msg("mode"), [(v, k) for k, v in MODE_LABELS.items()], "sea"))
        self.f_place = self.field(Field("named_place", T.msg("named_place")))
        self.f_currency = self.field(currency_field("quote_currency", label=T.msg("quote_currency")))
        self.rates = RateFields(self)
        self.f_ins_rates = {
            c: self.field(
                NumberField(
                    f"insurance_rates_pct.{c}",
                    T.msg("insurance_rate", c=c),
                    hint=T.msg("may_be_blank") if c == "B" else None,
                    min_width="110px",
                )
            )
            for c in ("A", "B", "C")
        }
        self.f_clause = self.field(
            ChoiceField(
                "clause",
                T.msg("clause"),
                [(T.msg("clause_minimum"), "")] + [(v, k) for k, v in CLAUSE_LABELS.items()],
                "",
            )
        )
        self.f_method = self.field(
            ChoiceField(
                "method",
                T.msg("premium_method"),
                [(v, m.value) for m, v in METHOD_LABELS.items()],
                "inclusive",
            )
        )
        self.f_duty = self.field(NumberField("duty_pct", T.msg("duty")))
        self.f_vat = self.field(NumberField("vat_pct", T.msg("import_vat")))
        self.f_seller = self.field(Field("seller.name", T.msg("seller")))
        self.f_buyer = self.field(Field("buyer.name", T.msg("buyer")))
        self.f_product = self.field(Field("product.name", T.msg("product")))
        self.f_unit = self.field(Field("product.unit", T.msg("unit")))
        self.f_payment = self.field(Field("payment_terms", T.msg("payment_terms")))
        self.f_validity = self.field(NumberField("validity_days", T.msg("validity")))
        self.rates.follow(self.f_currency)

        self.cost_rows: list[CostRow] = []
        self.costs_box = W.VBox(layout=full_width())
        self.add_cost = W.Button(icon="plus", layout=W.Layout(width="auto"))
        self.add_cost.on_click(lambda _: self._add_cost())
        self.label(self.add_cost, "description", T.msg("add_cost"))

        self.summary = output_area("ukm-result")
        self.table = output_area("ukm-price-table")
        self.details = output_area()
        self.chart = charts.chart_area()
        self.pdf_quote = W.Button(icon="file-pdf-o", layout=W.Layout(width="auto"))
        self.pdf_proforma = W.Button(icon="file-pdf-o", layout=W.Layout(width="auto"))
        self.pdf_quote.add_class("ukm-pdf-quotation")
        self.pdf_proforma.add_class("ukm-pdf-proforma")
        self.label(self.pdf_quote, "description", T.msg("pdf_quotation"))
        self.label(self.pdf_proforma, "description", T.msg("pdf_proforma"))
        self.pdf_quote.on_click(lambda _: self.make_pdf("quotation"))
        self.pdf_proforma.on_click(lambda _: self.make_pdf("proforma"))
        self.pdf_status = output_area("ukm-pdf-status")
        self._priced: dict[int, Any] = {}  # id(result) -> the case it prices

    # --- layout ------------------------------------------------------------------------------
    def _section(self, key: str) -> W.HTML:
        return self.label(W.HTML(), "value", T.msg(key), wrap=heading("{}"))

    def body(self) -> list[W.Widget]:
        extra = W.Accordion(
            children=[
                W.VBox(
                    [
                        wrap_row([self.f_seller.box, self.f_buyer.box]),
                        wrap_row([self.f_product.box, self.f_unit.box]),
                        wrap_row([self.f_payment.box, self.f_validity.box]),
                        wrap_row([self.f_duty.box, self.f_vat.box]),
                    ],
                    layout=full_width(),
                )
            ],
            layout=full_width(),
        )
        extra.selected_index = None
        self.offer_details = extra  # titled in relabel(), in the chosen language
        return [
            self._section("section_goods"),
            wrap_row([self.f_hpp.box, self.f_packing.box, self.f_markup.box, self.f_qty.box]),
            self._section("section_terms"),
            wrap_row([self.f_rule.box, self.f_mode.box, self.f_place.box]),
            wrap_row([self.f_currency.box, self.rates.buy.box, self.rates.sell.box]),
            self._section("section_costs"),
            self.costs_box,
            self.add_cost,
            self._section("insurance"),
            wrap_row([f.box for f in self.f_ins_rates.values()]),
            wrap_row([self.f_clause.box, self.f_method.box]),
            extra,
            self.message,
            self._section("section_result"),
            self.summary,
            self.table,
            self.chart,
            self.details,
            wrap_row([self.pdf_quote, self.pdf_proforma]),
            self.pdf_status,
            self.source_info,
        ]

    def relabel(self) -> None:
        super().relabel()
        if hasattr(self, "offer_details"):
            self.offer_details.set_title(0, T("offer_details", self.lang))

    # --- case <-> inputs ------------------------------------------------------------------------
    def currencies(self) -> list[str]:
        return sorted(self.base_sheet.rates)

    def apply_case(self, case, extras: dict[str, Any]) -> None:
        lang = self.lang
        unit = case.product.unit or "unit"  # the case prices per bottle, carton...: say so in the labels
        self.f_hpp.label_text = T.msg("hpp_per", unit=unit)
        self.f_packing.label_text = T.msg("packing_per", unit=unit)
        self.f_qty.label_text = T.msg("quantity_of", unit=unit)
        for f in (self.f_hpp, self.f_packing, self.f_qty):
            f.relabel(lang)
        self.base_sheet = case.rate_sheet()
        self.f_currency.set_options([(c, c) for c in self.currencies()], case.quote_currency, lang)
        self.f_hpp.show(case.unit_costs.hpp, lang)
        self.f_packing.show(case.unit_costs.packing, lang)
        self.f_markup.show(case.unit_costs.markup_pct, lang)
        self.f_qty.show(case.quantity, lang)
        self.f_rule.input.value = case.incoterm.upper()
        self.f_mode.input.value = case.mode
        self.f_place.raw = case.named_place
        self.rates.fill(self.base_sheet, self.f_currency.input.value, lang)
        ins = case.insurance
        for clause, f in self.f_ins_rates.items():
            rate = ins.rates_pct.get(clause, ins.rate_pct) if ins else None
            if rate is None:
                f.raw = ""
            else:
                f.show(rate, lang)
        self.f_clause.input.value = (ins.clause or "") if ins else ""
        self.f_method.input.value = ins.method.value if ins else Method.INCLUSIVE.value
        self.f_duty.show(case.import_.duty_pct, lang)
        self.f_vat.show(case.import_.vat_pct, lang)
        self.f_seller.raw = case.seller.name
        self.f_buyer.raw = case.buyer.name if case.buyer else ""
        self.f_product.raw = case.product.name
        self.f_unit.raw = case.product.unit
        self.f_payment.raw = case.payment_terms
        self.f_validity.show(case.validity_days, lang)
        self._set_costs([case_io.plain(c.model_dump()) for c in case.costs])

    def _set_costs(self, costs: list[dict[str, Any]]) -> None:
        for row in self.cost_rows:
            for f in row.fields():
                self._fields.remove(f)
        currencies = ["IDR"] + self.currencies()
        self.cost_rows = []
        for i, c in enumerate(costs):
            row = CostRow(self, i, currencies, c)
            row.remove.on_click(lambda _b, r=row: self._remove_cost(r))
            self.cost_rows.append(row)
        for row in self.cost_rows:
            for f in row.fields():
                f.relabel(self.lang)
        self.costs_box.children = [r.box for r in self.cost_rows]

    def _raw_costs(self) -> list[dict[str, Any]]:
        return [
            {
                "name": r.name.raw,
                "item": r.item.read(),
                "amount": r.amount.raw,
                "currency": r.currency.read(),
                "per_unit": r.per_unit,
            }
            for r in self.cost_rows
        ]

    def _rebuild_costs(self, raw: list[dict[str, Any]]) -> None:
        with self.holding():
            self._set_costs([{k: v for k, v in c.items() if k != "amount"} for c in raw])
            for row, c in zip(self.cost_rows, raw, strict=True):
                row.amount.raw = c["amount"]
        self.refresh()

    def _add_cost(self) -> None:
        self._rebuild_costs(
            self._raw_costs()
            + [{"name": "", "item": "main_carriage", "amount": "0", "currency": "IDR", "per_unit": False}]
        )

    def _remove_cost(self, row: CostRow) -> None:
        raw = [c for r, c in zip(self.cost_rows, self._raw_costs(), strict=True) if r is not row]
        self._rebuild_costs(raw)

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        lang = self.lang
        v = self.read_all(
            {
                "hpp": lambda: self.f_hpp.read(lang),
                "packing": lambda: self.f_packing.read(lang),
                "markup_pct": lambda: self.f_markup.read(lang),
                "quantity": lambda: self.f_qty.read_int(lang),
                "rates_pct": lambda: self.read_all(
                    {c: partial(f.read, lang) for c, f in self.f_ins_rates.items() if f.raw.strip()}
                ),
                "duty_pct": lambda: self.f_duty.read(lang),
                "vat_pct": lambda: self.f_vat.read(lang),
                "validity_days": lambda: self.f_validity.read_int(lang),
                "costs": lambda: self.read_all({str(i): partial(r.read, lang) for i, r in enumerate(self.cost_rows)}),
                "rates": lambda: self.rates.rates_mapping(self.base_sheet, self.f_currency.read(), lang, self.today),
            }
        )
        m = case_io.case_to_mapping(self.case)
        m.update(
            quantity=v["quantity"],
            quote_currency=self.f_currency.read(),
            incoterm=self.f_rule.read(),
            named_place=self.f_place.raw.strip(),
            mode=self.f_mode.read(),
            unit_costs={"hpp": v["hpp"], "packing": v["packing"], "markup_pct": v["markup_pct"]},
            costs=list(v["costs"].values()),
            insurance={
                "rates_pct": v["rates_pct"],
                "method": self.f_method.read(),
                **({"clause": self.f_clause.read()} if self.f_clause.read() else {}),
                "insure_under_d_rules": self.case.insurance.insure_under_d_rules if self.case.insurance else True,
            },
            payment_terms=self.f_payment.raw.strip(),
            validity_days=v["validity_days"],
        )
        m["import"] = {"duty_pct": v["duty_pct"], "vat_pct": v["vat_pct"]}
        m["seller"] = {**m["seller"], "name": self.f_seller.raw.strip() or self.case.seller.name}
        if self.f_buyer.raw.strip():
            m["buyer"] = {**(m.get("buyer") or {}), "name": self.f_buyer.raw.strip()}
        m["product"] = {
            **m["product"],
            "name": self.f_product.raw.strip() or self.case.product.name,
            "unit": self.f_unit.raw.strip() or "unit",
        }
        if v["rates"] is not None:
            m["rates"] = v["rates"]
        return m, {}

    # --- compute and show -------------------------------------------------------------------------
    def compute(self) -> PriceBuildUp:
        mapping, _ = self.case_mapping()
        case, _ = case_io.split(mapping)
        result = case.quote()
        # render() shows a result beside its own case: the new one, or the last good one
        # again when the new one cannot be shown.
        keep = {k: v for k, v in self._priced.items() if self.result is not None and k == id(self.result)}
        self._priced = {**keep, id(result): case}
        return result

    def render(self, result: PriceBuildUp) -> None:
        lang = self.lang
        case = self.priced_case = self._priced[id(result)]
        cur = result.quote_currency
        f = result.final
        unit = case.product.unit
        self.shown = {
            "unit_idr": result.unit_text(f, lang, idr=True),
            "unit_quote": result.unit_text(f, lang),
            "shipment_idr": format_money(f.shipment_idr, lang),
            "shipment_quote": format_money(f.shipment_quote, lang),
        }
        place = f" {case.named_place}" if case.named_place else ""
        self.summary.value = (
            "<div style='font-size:115%;margin:4px 0'>"
            f"{T('price', lang)} <b>{esc(result.rule + place)}</b>: "
            f"<b class='ukm-unit-quote'>{esc(self.shown['unit_quote'])}</b> / {esc(unit)} "
            f"(<span class='ukm-unit-idr'>{esc(self.shown['unit_idr'])}</span>)<br/>"
            f"{esc(format_number(result.quantity, lang))} {esc(unit)}: <b "
            f"class='ukm-shipment-quote'>{esc(self.shown['shipment_quote'])}</b> "
            f"(<span class='ukm-shipment-idr'>{esc(self.shown['shipment_idr'])}</span>)</div>"
        )
        header = [
            T("incoterm", lang),
            T("col_added", lang),
            T("col_unit_idr", lang),
            T("col_unit_quote", lang, cur=cur),
            T("col_shipment_idr", lang),
            T("col_shipment_quote", lang, cur=cur),
        ]
        rows = []
        for s in result.steps:
            rows.append(
                [
                    s.rule,
                    result.added_text(s, lang),
                    result.unit_text(s, lang, idr=True),
                    result.unit_text(s, lang),
                    format_money(s.shipment_idr, lang),
                    format_money(s.shipment_quote, lang),
                ]
            )
        self.table.value = html_table(header, rows, numeric_from=2, highlight_last=True)
        parts = []
        if result.insurance is not None:
            parts.append(html_table([T("insurance", lang), ""], result.insurance.rows(lang), numeric_from=1))
        rule = incoterms.rule(result.rule)
        parts.append(f"<p><b>{esc(T('risk_passes', lang))}:</b> {esc(rule.risk[lang])}</p>")
        parts.extend(f"<div style='font-size:90%'>• {esc(n[lang])}</div>" for n in result.notes)
        self.details.value = "".join(parts)

    def draw_chart(self, result: PriceBuildUp) -> None:
        # Each step floats from the previous step's price: the bar is what that step adds.
        lang = self.lang
        bars, previous = [], Decimal(0)
        for i, s in enumerate(result.steps):
            color = charts.NEUTRAL if i == 0 else charts.SELLER
            bars.append(
                charts.Bar(
                    s.rule, format_money(s.unit_idr, lang), s.unit_idr.amount, previous, color, s.rule == result.rule
                )
            )
            previous = s.unit_idr.amount
        self.chart.value = charts.bar_chart(
            T("chart_title", lang, rule=result.rule), bars, note=T("chart_ylabel", lang)
        )

    def sources_html(self) -> str:
        try:
            sheet = (self.priced_case if self.result is not None else self.case).rate_sheet()
        except (UkmError, AttributeError):
            sheet = self.base_sheet
        return sheet_banner(sheet, self.today, self.max_rate_age_days, self.lang)

    # --- PDF ----------------------------------------------------------------------------------------
    def pdf_bytes(self, kind: Kind = "quotation") -> bytes:
        """The quotation / pro-forma of the last valid inputs."""
        if self.result is None:
            raise UkmError("missing_field", "price")
        return quotation_pdf(
            self.priced_case,
            self.result,
            today=self.today,
            kind=kind,
            lang=self.lang,
            max_rate_age_days=self.max_rate_age_days,
        )

    def make_pdf(self, kind: Kind = "quotation") -> str | None:
        lang = self.lang
        if self.error is not None or self.result is None:
            self.pdf_status.value = esc(T("fix_before_pdf", lang))
            return None
        data = self.pdf_bytes(kind)
        # Kept in the participant's own folder too; the page names the file, never where it is.
        name = case_io.safe_name(document_number(self.priced_case, kind, self.today), (".pdf",))
        try:
            self.store.save_document(name, data)
        except UkmError as e:
            if e.code != "too_many_cases":
                raise
            # The folder holds as many documents as it may: the link below still carries this one.
        link = case_io.data_link(data, name, "application/pdf", T("download_pdf", lang))
        self.pdf_status.value = f"{esc(T('pdf_created', lang))}: <b>{esc(name)}</b> — {link}"
        return name


def app(**kw) -> W.Widget:
    """The calculator for the Voila gallery (case from ``UKM_CASE`` or the packaged example)."""
    return PriceBuildUpCalculator(**kw).widget
