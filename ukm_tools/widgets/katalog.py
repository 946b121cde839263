"""e-Katalog calculator for one product: government price with/without PPN, listing check, checklist.

A view over :mod:`ukm_tools.katalog` (the price, the PPN rule and tax base, the listing's
validation and the registration checklist all come from there) on the common
:class:`~ukm_tools.widgets.base.Calculator`. It opens with the case file's e-Katalog sale
(the ``katalog:`` section; the price, when the file gives none, is the case's HPP plus its
markup) and leaves the participant's own identity (brand, NIB, KBLI, NPWP, KSWP) empty.
A price problem stops the calculation and shows above its box; a listing field that is still
missing or malformed shows above its box in amber while the price is still worked out.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import ipywidgets as W

from ukm_tools import katalog as kt
from ukm_tools.case import Case, KatalogTerms
from ukm_tools.errors import UkmError
from ukm_tools.messages import section
from ukm_tools.money import IDR, Money, format_money
from ukm_tools.widgets import case_io
from ukm_tools.widgets.base import (
    Calculator,
    CheckField,
    ChoiceField,
    DateField,
    NumberField,
    Text,
    TextField,
    esc,
    facts_html,
    heading,
    note_html,
    output_area,
    wrap_row,
)

T = section("widgets.katalog", "katalog")
PRODUCT_KEYS = ("product_name", "specification", "sale_unit", "brand", "origin", "delivery_area")
IDENTITY_KEYS = ("nib", "kbli", "npwp")
HAVE_KEYS = ("ktp", "email", "spse_account", "sikap_complete", "etalase_open", "product_photos")


@dataclass(frozen=True)
class KatalogResult:
    prices: dict[bool, kt.GovernmentPrice]  # for a seller that is not PKP (False) and one that is
    pkp: bool  # the seller's own status
    check: kt.ListingCheck
    checklist: kt.Checklist

    @property
    def price(self) -> kt.GovernmentPrice:
        return self.prices[self.pkp]


def case_listing(case: Case) -> dict[str, Any]:
    """The case's e-Katalog sale as the calculator's starting inputs (no identity numbers)."""
    terms = case.katalog or KatalogTerms()
    try:  # the case study's e-Katalog price (the one the book shows)
        price = case_io.case_study(case).katalog_price_before_ppn.amount
    except UkmError:  # a case it cannot be worked out from: the HPP plus markup
        price = kt.price_at_premises(Money.of(case.unit_costs.hpp, IDR), case.unit_costs.markup_pct).amount
    return {
        "product_name": case.product.name,
        "specification": case.product.description,
        "sale_unit": case.product.unit,
        "origin": case.seller.city if case.seller else "",
        "delivery_area": terms.delivery_area or (case.seller.city if case.seller else ""),
        "price_before_ppn": price,
        "delivery_per_order": terms.delivery_per_order,
        "min_order": terms.min_order,
        "valid_from": terms.valid_from,
        "valid_until": terms.valid_until,
    }


class KatalogCalculator(Calculator):
    """One product: inputs -> delivered price with/without PPN, listing messages, checklist."""

    texts = T
    key = "katalog"

    def setup(self) -> None:
        self.f_text: dict[str, TextField] = {
            k: self.field(TextField(k, T.field_msg(k))) for k in (*PRODUCT_KEYS, *IDENTITY_KEYS)
        }
        self.f_price = self.field(NumberField("price_before_ppn", T.field_msg("price_before_ppn")))
        self.f_delivery = self.field(
            NumberField("delivery_per_order", T.field_msg("delivery_per_order"), placeholder="0")
        )
        self.f_min = self.field(NumberField("min_order", T.field_msg("min_order"), min_width="110px"))
        self.f_from = self.field(DateField("valid_from", T.field_msg("valid_from")))
        self.f_until = self.field(DateField("valid_until", T.field_msg("valid_until")))
        kswp: list[tuple[Text, str]] = [
            (T.msg("kswp_unknown"), ""),
            ("valid", "valid"),
            (T.msg("kswp_invalid"), "tidak valid"),
        ]
        self.f_kswp = self.field(ChoiceField("kswp_status", T.field_msg("kswp_status"), kswp, ""))
        # One tick box a line on a phone, two side by side on a wider screen.
        self.f_pkp = self.field(CheckField("pkp", T.msg("pkp"), min_width="260px"))
        reqs = kt.requirement_texts()
        self.f_have = {k: self.field(CheckField(f"have_{k}", reqs[k], min_width="260px")) for k in HAVE_KEYS}
        self.have_title = self.label(W.HTML(), "value", T.msg("have"), "<b>{}</b>")
        self.price_box = output_area("ukm-katalog-price")
        self.listing_box = output_area("ukm-katalog-listing")
        self.checklist_box = output_area("ukm-katalog-checklist")

    def body(self) -> list[W.Widget]:
        t = self.f_text
        return [
            wrap_row([t["product_name"].box, t["specification"].box, t["sale_unit"].box]),
            wrap_row([t["brand"].box, t["origin"].box, t["delivery_area"].box]),
            wrap_row([self.f_price.box, self.f_delivery.box, self.f_min.box]),
            wrap_row([self.f_from.box, self.f_until.box]),
            wrap_row([t["nib"].box, t["kbli"].box, t["npwp"].box, self.f_kswp.box]),
            wrap_row([self.f_pkp.box]),
            self.have_title,
            wrap_row([f.box for f in self.f_have.values()], "0 12px"),
            *self.results(self.price_box, self.listing_box, self.checklist_box),
        ]

    # --- case file -> inputs and back ----------------------------------------------------------
    def apply_case(self, case: Case, extras: dict[str, Any]) -> None:
        lang = self.lang
        start = case_listing(case)
        for k, f in self.f_text.items():
            f.raw = str(extras.get(k, start.get(k, "")) or "")
        self.f_price.show(start["price_before_ppn"], lang)
        self.f_delivery.show_optional(start["delivery_per_order"], lang)
        self.f_min.show(start["min_order"], lang)
        valid_from = start["valid_from"] or self.today
        self.f_from.raw = valid_from
        self.f_until.raw = start["valid_until"] or dt.date(valid_from.year, 12, 31)
        kswp = extras.get("kswp_status", "")
        if kswp not in [v for _, v in self.f_kswp.options]:
            raise UkmError(
                "unknown_choice", f"{case_io.EXTRAS_KEY}.{self.key}.kswp_status", kswp, ["", "valid", "tidak valid"]
            )
        self.f_kswp.raw = kswp
        self.f_pkp.raw = bool(extras.get("pkp", False))
        have = extras.get("have") or []
        if not isinstance(have, list):
            raise UkmError("wrong_type", f"{case_io.EXTRAS_KEY}.{self.key}.have", type(have).__name__, "list")
        for k, tick in self.f_have.items():
            tick.raw = k in have

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        v = self._price_inputs()
        m = case_io.case_to_mapping(self.case)
        # The sale's figures belong to the case (every tool reads them there); the listing's
        # words and the seller's identity are this calculator's own.
        m["katalog"] = {
            **(m.get("katalog") or {}),
            "price_before_ppn": v["price_before_ppn"],
            "delivery_per_order": v["delivery_per_order"] or 0,
            "min_order": v["min_order"],
            "delivery_area": self.f_text["delivery_area"].read(),
            "valid_from": v["valid_from"].isoformat(),
            "valid_until": v["valid_until"].isoformat(),
        }
        own: dict[str, Any] = {k: f.read() for k, f in self.f_text.items() if k != "delivery_area"}
        own.update(
            kswp_status=self.f_kswp.read(),
            pkp=self.f_pkp.read(),
            have=[k for k, tick in self.f_have.items() if tick.read()],
        )
        return m, own

    # --- compute and show ----------------------------------------------------------------------
    def _price_inputs(self) -> dict[str, Any]:
        lang = self.lang
        return self.read_all(
            {
                "price_before_ppn": lambda: self.f_price.read(lang),
                "delivery_per_order": lambda: self.f_delivery.read_optional(lang),
                "min_order": lambda: self.f_min.read_int(lang),
                "valid_from": lambda: self.f_from.read(),
                "valid_until": lambda: self.f_until.read(),
            }
        )

    def _raw_listing(self) -> dict[str, Any]:
        """The listing as typed, for :func:`ukm_tools.katalog.check_listing` (numbers the ``lang`` way)."""
        raw: dict[str, Any] = {k: f.raw for k, f in self.f_text.items()}
        raw.update(
            price_before_ppn=self.f_price.raw,
            delivery_per_order=self.f_delivery.raw,
            min_order=self.f_min.raw,
            valid_from=self.f_from.raw,
            valid_until=self.f_until.raw,
            kswp_status=self.f_kswp.raw,
            pkp="ya" if self.f_pkp.read() else "tidak",
        )
        return raw

    def compute(self) -> KatalogResult:
        v = self._price_inputs()
        delivery = Money.of(v["delivery_per_order"] or 0, IDR)
        prices = {
            pkp: kt.government_price(
                kt.PriceInput(
                    price_before_ppn=Money.of(v["price_before_ppn"], IDR),
                    delivery_per_order=delivery,
                    min_order=v["min_order"],
                    pkp=pkp,
                    valid_from=v["valid_from"],
                    valid_until=v["valid_until"],
                )
            )
            for pkp in (False, True)
        }
        check = kt.check_listing(self._raw_listing(), self.lang, self.today)
        have = set(check.have) | {k for k, tick in self.f_have.items() if tick.read()}
        return KatalogResult(prices, self.f_pkp.read(), check, kt.checklist(have))

    def render(self, r: KatalogResult) -> None:
        lang = self.lang
        self.shown = {
            "unit_price": format_money(r.price.unit_price, lang),
            "not_pkp": format_money(r.prices[False].unit_price, lang),
            "pkp": format_money(r.prices[True].unit_price, lang),
        }
        self.price_box.value = self._price_html(r)
        self._show_listing(r.check)
        self.checklist_box.value = self._checklist_html(r.checklist)

    def _price_html(self, r: KatalogResult) -> str:
        lang = self.lang
        fm = lambda m: format_money(m, lang)  # noqa: E731
        chosen, no, yes = r.price, r.prices[False], r.prices[True]
        rows = [
            (
                T("before", lang),
                f"{fm(no.unit_before_ppn)} ({T('delivery', lang)} {fm(no.delivery_per_unit.rounded())})",
            ),
            (T("if_not", lang), self.shown["not_pkp"]),
            (f"{T('if_pkp', lang)} ({yes.rule.label(lang)}; PPN {fm(yes.ppn)})", self.shown["pkp"]),
            (T("listed", lang), self.shown["unit_price"]),
            (f"{T('min_total', lang)} ({chosen.min_order})", fm(chosen.order_total(chosen.min_order))),
            (T("valid", lang), f"{chosen.valid_from.isoformat()} – {chosen.valid_until.isoformat()}"),
        ]
        notes = "".join(f"<li>{esc(n.text(lang))}</li>" for n in chosen.notes)
        return (
            heading(T("price_head", lang))
            + facts_html(rows, strong=(2 if r.pkp else 1, 3))
            + f"<p class='ukm-ppn-statement'>{esc(chosen.statement(lang))}</p>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + note_html(chosen.rule.source, "ukm-source")
        )

    def _show_listing(self, check: kt.ListingCheck) -> None:
        """Each listing gap above its box (amber: the price still stands); the rest in the box."""
        lang = self.lang
        at: dict[str, list[str]] = {}
        general: list[str] = []
        for p in check.problems:
            f = self.field_for(p.field)
            (at.setdefault(f.name, []) if f is not None else general).append(p.message(lang, self.texts))
        for f in self._fields:
            f.set_warnings(at.get(f.name, []), lang)
        if check.listing is not None:
            ok = esc(T("listing_ok", lang))
            self.listing_box.value = f"<p class='ukm-listing-ok' style='color:#1b7f3b'>✔ {ok}</p>"
            return
        items = "".join(f"<li>{esc(line)}</li>" for line in general)
        marked = esc(T("listing_marked", lang, n=len(check.problems)))
        self.listing_box.value = (
            f"<div class='ukm-listing-bad'><b>{esc(T('listing_bad', lang))}</b> {marked}"
            + (f"<ul style='color:#8a5300'>{items}</ul>" if items else "")
            + "</div>"
        )

    def _checklist_html(self, checklist: kt.Checklist) -> str:
        lang = self.lang
        parts = []
        for i, s in enumerate(checklist.steps, 1):
            needs = "".join(f"<li>{'☑' if n.have else '☐'} {esc(n.text[lang])}</li>" for n in s.needs)
            parts.append(
                f"<p><b>{i}. {esc(s.title[lang])}</b> — {esc(s.state(lang))}<br><small>{esc(s.where[lang])}</small></p>"
                f"<ul style='list-style:none;padding-left:8px'>{needs}</ul>"
            )
        nxt = checklist.next_step
        head = f"<p><b>{esc(T('next', lang))}:</b> {esc(nxt.title[lang])}</p>" if nxt else ""
        return head + "".join(parts)

    def sources_html(self) -> str:
        return note_html(f"{T('from_case', self.lang)}: {self.case.title or self.case.case}")

    # --- what code that drove the old widget read ------------------------------------------------
    @property
    def price(self) -> kt.GovernmentPrice | None:
        return None if self.result is None else self.result.price

    @property
    def check(self) -> kt.ListingCheck | None:
        return None if self.result is None else self.result.check

    @property
    def checklist(self) -> kt.Checklist | None:
        return None if self.result is None else self.result.checklist


def app(**kw: Any) -> W.Widget:
    """The calculator's widget, for a notebook cell or the calculator server."""
    return KatalogCalculator(**kw).widget
