"""Incoterms 2020 explorer: who pays each cost under every rule (a coloured matrix), where
risk passes, which transport modes a rule suits, and what the contract conditions change.

Everything is read from the Incoterms data through :mod:`ukm_tools.incoterms`.
"""

from __future__ import annotations

from typing import Any

import ipywidgets as W

from ukm_tools import incoterms
from ukm_tools.incoterms import MODE_LABELS, Conditions, Payer, check_mode, item_label, note_text, payer_labels
from ukm_tools.messages import lang_or_default, local, section
from ukm_tools.widgets import case_io
from ukm_tools.widgets.base import Calculator, ChoiceField, Text, esc, note_html, output_area, wrap_row
from ukm_tools.widgets.price import rule_options

COLORS = {Payer.SELLER: "#c8e6c9", Payer.BUYER: "#bbdefb", Payer.NONE: "#eeeeee"}
T = section("widgets.incoterms_explorer")
# Matrix cells: "Penjual" and "Pembeli" share an initial, so Indonesian uses short words.
SHORT: dict[Payer, Text] = {Payer.SELLER: T.msg("short_seller"), Payer.BUYER: T.msg("short_buyer"), Payer.NONE: "-"}


class IncotermsExplorer(Calculator):
    texts = T
    key = "incoterms"

    def setup(self) -> None:
        self.f_rule = self.field(ChoiceField("incoterm", T.msg("incoterm"), rule_options(), "FOB"))
        self.f_mode = self.field(ChoiceField("mode", T.msg("mode"), [(v, k) for k, v in MODE_LABELS.items()], "sea"))
        self.f_fca = self.field(
            ChoiceField(
                "fca_place",
                T.msg("fca_place"),
                [
                    (T.msg("seller_premises"), "seller_premises"),
                    (T.msg("elsewhere"), "elsewhere"),
                ],
                "seller_premises",
            )
        )
        self.f_thc = self.field(
            ChoiceField(
                "origin_thc_by_seller",
                T.msg("origin_thc"),
                [
                    (T.msg("rule_default"), "default"),
                    (T.msg("paid_by_seller"), "seller"),
                    (T.msg("paid_by_buyer"), "buyer"),
                ],
                "default",
            )
        )
        self.unloading = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"))
        self.buyer_door = W.Checkbox(value=False, indent=False, layout=W.Layout(width="auto"))
        self.label(
            self.unloading,
            "description",
            T.msg("carriage_unloading"),
        )
        self.label(self.buyer_door, "description", T.msg("named_place_door"))
        for cb in (self.unloading, self.buyer_door):
            cb.observe(self._on_input, "value")
        self.facts = output_area("ukm-result")
        self.matrix = output_area("ukm-incoterms-matrix")

    def body(self) -> list[W.Widget]:
        return [
            wrap_row([self.f_rule.box, self.f_mode.box]),
            wrap_row([self.f_fca.box, self.f_thc.box]),
            wrap_row([self.unloading, self.buyer_door]),
            *self.results(self.facts, self.matrix),
        ]

    def conditions(self) -> Conditions:
        return Conditions(
            fca_place=self.f_fca.read(),
            carriage_includes_unloading=self.unloading.value,
            named_place_is_buyer_door=self.buyer_door.value,
            origin_thc_by_seller=self.thc_by_seller(),
        )

    def thc_by_seller(self) -> bool | None:
        # A drop-down cannot hold None as a value, so the three choices are words.
        return {"default": None, "seller": True, "buyer": False}[self.f_thc.read()]

    def apply_case(self, case, extras: dict[str, Any]) -> None:
        self.f_rule.input.value = case.incoterm.upper()
        self.f_mode.input.value = case.mode
        c = case.conditions
        self.f_fca.input.value = c.fca_place
        self.f_thc.input.value = {None: "default", True: "seller", False: "buyer"}[c.origin_thc_by_seller]
        self.unloading.value = c.carriage_includes_unloading
        self.buyer_door.value = c.named_place_is_buyer_door

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        m = case_io.case_to_mapping(self.case)
        m.update(incoterm=self.f_rule.read(), mode=self.f_mode.read())
        cond = {
            "fca_place": self.f_fca.read(),
            "carriage_includes_unloading": self.unloading.value,
            "named_place_is_buyer_door": self.buyer_door.value,
        }
        if self.thc_by_seller() is not None:
            cond["origin_thc_by_seller"] = self.thc_by_seller()
        m["conditions"] = cond
        return m, {}

    def compute(self) -> dict[str, Any]:
        code, mode = self.f_rule.read(), self.f_mode.read()
        check_mode(code, mode)  # a sea-only rule for air freight: say so, with the rule to use
        cond = self.conditions()
        rule = incoterms.rule(code)
        return {"rule": rule, "cond": cond, "payers": {i: rule.payer(i, cond) for i in rule.costs}}

    def render(self, r: dict[str, Any]) -> None:
        lang = self.lang
        rule, cond = r["rule"], r["cond"]
        marks = payer_labels(lang)
        modes = T("sea_only", lang) if rule.sea_only else T("any_mode", lang)
        seller_items = [item_label(i, lang) for i, p in r["payers"].items() if p is Payer.SELLER]
        self.shown = {"risk": rule.risk[lang], "modes": modes, **{i: marks[p] for i, p in r["payers"].items()}}
        insurance = ""
        if rule.insurance_clause:
            must = T("seller_must_insure", lang)
            insurance = f"<li>{esc(must)}: ICC ({esc(rule.insurance_clause)}), {rule.insurance_cover_pct}%</li>"
        notes = sorted({c.note for c in rule.costs.values() if c.note})
        self.facts.value = (
            f"<div style='margin:4px 0'><b style='font-size:115%'>{esc(rule.code)} — {esc(rule.name[lang])}</b><ul "
            "style='margin:4px 0;padding-left:18px'>"
            f"<li><b>{esc(T('risk_passes', lang))}:</b> <span class='ukm-risk'>{esc(rule.risk[lang])}</span></li>"
            f"<li><b>{esc(T('modes', lang))}:</b> <span class='ukm-modes'>{esc(modes)}</span></li>{insurance}"
            f"<li><b>{esc(T('seller_pays', lang))}:</b> {esc(', '.join(seller_items))}</li></ul>"
            + "".join(f"<div style='font-size:88%'>({esc(n)}) {esc(note_text(n, lang))}</div>" for n in notes)
            + "</div>"
        )
        self.matrix.value = self._matrix(rule.code, cond, lang)

    def _matrix(self, chosen: str, cond: Conditions, lang: str) -> str:
        """Who pays each cost under every rule: a coloured matrix on a wide screen; on a phone,
        where eleven columns cannot fit, one line per cost item naming the rules under which
        the seller pays it and those under which the buyer does (the same facts, no sideways scroll)."""
        marks = payer_labels(lang)
        lang = lang_or_default(lang)
        all_rules = incoterms.rules()
        payers = {item: {code: r.payer(item, cond) for code, r in all_rules.items()} for item in incoterms.cost_items()}
        head = "".join(f"<th class='{'ukm-chosen' if c == chosen else ''}'>{esc(c)}</th>" for c in all_rules)
        body = []
        for item, by_rule in payers.items():
            cells = "".join(
                f"<td class='ukm-payer{' ukm-chosen' if code == chosen else ''}' style='background:{COLORS[p]}' "
                f"title='{esc(marks[p])}'>{esc(local(SHORT[p], lang))}</td>"
                for code, p in by_rule.items()
            )
            body.append(f"<tr><td>{esc(item_label(item, lang))}</td>{cells}</tr>")
        legend = "".join(
            f"<span style='background:{COLORS[p]}'>{esc(local(SHORT[p], lang))} = "
            f"{esc(marks[p] if p is not Payer.NONE else T('no_duty', lang))}</span>"
            for p in (Payer.SELLER, Payer.BUYER, Payer.NONE)
        )
        wide = (
            "<div class='ukm-wide-only'><table class='ukm-matrix'>"
            f"<thead><tr><th></th>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"
            f"<div class='ukm-legend' style='margin-top:4px'>{legend}</div></div>"
        )
        items = []
        for item, by_rule in payers.items():
            sides = []
            for payer in (Payer.SELLER, Payer.BUYER, Payer.NONE):
                codes = [c for c, p in by_rule.items() if p is payer]
                if not codes:
                    continue
                listed = ", ".join(f"<b>{esc(c)}</b>" if c == chosen else esc(c) for c in codes)
                name = marks[payer] if payer is not Payer.NONE else T("no_duty", lang)
                sides.append(f"<span class='ukm-side' style='background:{COLORS[payer]}'>{esc(name)}: {listed}</span>")
            items.append(f"<li><span class='ukm-item'>{esc(item_label(item, lang))}</span>{''.join(sides)}</li>")
        narrow = (
            f"<div class='ukm-narrow-only'><div class='ukm-note'>{esc(T('matrix_by_item', lang, rule=chosen))}</div>"
            f"<ul class='ukm-item-list'>{''.join(items)}</ul></div>"
        )
        return wide + narrow

    def sources_html(self) -> str:
        return note_html(f"{T('source', self.lang)}: {incoterms.source()}", "ukm-source")


def app(**kw) -> W.Widget:
    return IncotermsExplorer(**kw).widget
