"""e-Katalog calculator for one product: government price with/without PPN, listing check, checklist.

A thin ipywidgets view over :mod:`ukm_tools.katalog`: the price, the PPN (rate and tax
base from the packaged data), the listing's validation messages and the registration
checklist all come from there. Numbers are read with
:func:`ukm_tools.numbers.parse_number` in the interface language's convention; wrong
input shows a message and the last good price stays. Self-contained on purpose; it may
later share helpers with the other calculators.
"""

from __future__ import annotations

import datetime as dt
import html
from decimal import Decimal
from typing import Any

import ipywidgets as W

from ukm_tools import katalog as kt
from ukm_tools.errors import Problem, UkmError
from ukm_tools.messages import lang_or_default, section
from ukm_tools.money import IDR, Money, format_money, format_number
from ukm_tools.numbers import parse_number
from ukm_tools.widgets.base import LANG_OPTIONS, as_user_error, problems_html

T = section("widgets.katalog", "katalog")
TEXT_KEYS = ("product_name", "specification", "sale_unit", "brand", "origin", "delivery_area", "nib", "kbli", "npwp")
NUMBER_KEYS = ("price_before_ppn", "delivery_per_order", "min_order")
HAVE_KEYS = ("ktp", "email", "spse_account", "sikap_complete", "etalase_open", "product_photos")
# The participant types their own identity; the product and its price start from the example.
OWN_FIELDS = ("brand", "nib", "kbli", "npwp")


def _defaults(lang: str) -> dict[str, str]:
    example = kt.example_listing()
    return {
        **{k: str(example[k]) for k in TEXT_KEYS if k not in OWN_FIELDS},
        **{k: format_number(example[k], lang) for k in NUMBER_KEYS},
    }


def _esc(s: Any) -> str:
    return html.escape(str(s))


class KatalogCalculator:
    """One product: inputs -> delivered price with/without PPN, listing messages, checklist.

    ``calc.price`` is the last good :class:`~ukm_tools.katalog.GovernmentPrice` for the
    chosen PKP status, ``calc.check`` the current :class:`~ukm_tools.katalog.ListingCheck`
    and ``calc.checklist`` the current :class:`~ukm_tools.katalog.Checklist`.
    """

    def __init__(self, lang: str = "id", today: dt.date | None = None) -> None:
        self.lang = lang_or_default(lang)
        self.today = today or dt.date.today()
        self.price: kt.GovernmentPrice | None = None
        self.prices: dict[bool, kt.GovernmentPrice] = {}
        self.price_problems: list[Problem] = []
        self.check: kt.ListingCheck | None = None
        self.checklist: kt.Checklist | None = None
        self._busy = False
        self.lang_toggle = W.ToggleButtons(options=LANG_OPTIONS, value=self.lang)
        # continuous_update=False: recompute when a field is left (Enter/Tab), not on every key.
        defaults = _defaults(self.lang)
        self.inputs: dict[str, W.Text] = {
            k: W.Text(value=defaults.get(k, ""), continuous_update=False) for k in (*TEXT_KEYS, *NUMBER_KEYS)
        }
        self.valid_from = W.DatePicker(value=self.today)
        self.valid_until = W.DatePicker(value=dt.date(self.today.year, 12, 31))
        self.kswp = W.Dropdown(value=None)
        self.pkp = W.Checkbox(value=False)
        self.have = {k: W.Checkbox(value=False, indent=False) for k in HAVE_KEYS}
        self.title = W.HTML()
        self.have_title = W.HTML()
        self.messages = W.HTML()
        self.price_box = W.HTML()
        self.listing_box = W.HTML()
        self.checklist_box = W.HTML()
        self._set_kswp_options("")
        self._relabel()
        for w in [*self.inputs.values(), self.valid_from, self.valid_until, self.kswp, self.pkp, *self.have.values()]:
            w.observe(self._changed, names="value")
        self.lang_toggle.observe(self._lang_changed, names="value")
        box = W.Layout(display="flex", flex_flow="row wrap", width="100%")
        product = [
            self.inputs[k] for k in ("product_name", "specification", "sale_unit", "brand", "origin", "delivery_area")
        ]
        price = [self.inputs[k] for k in NUMBER_KEYS] + [self.valid_from, self.valid_until, self.pkp]
        ident = [self.inputs[k] for k in ("nib", "kbli", "npwp")] + [self.kswp]
        self.widget = W.VBox(
            [
                self.lang_toggle,
                self.title,
                W.Box(product, layout=box),
                W.Box(price, layout=box),
                W.Box(ident, layout=box),
                self.have_title,
                W.Box(list(self.have.values()), layout=box),
                self.messages,
                self.price_box,
                self.listing_box,
                self.checklist_box,
            ]
        )
        self.refresh()

    # ---------------------------------------------------------------- labels

    def _set_kswp_options(self, value: str) -> None:
        lang = self.lang
        self._busy = True
        try:
            self.kswp.options = [
                (T("kswp_unknown", lang), ""),
                ("valid", "valid"),
                (T("kswp_invalid", lang), "tidak valid"),
            ]
            self.kswp.value = value
        finally:
            self._busy = False

    def _relabel(self) -> None:
        lang = self.lang
        style = {"description_width": "initial"}
        for k, w in self.inputs.items():
            w.description = kt.field_label(k, lang)
            w.style = style
        self.valid_from.description = kt.field_label("valid_from", lang)
        self.valid_until.description = kt.field_label("valid_until", lang)
        self.kswp.description = kt.field_label("kswp_status", lang)
        self.pkp.description = T("pkp", lang)
        for w in (self.valid_from, self.valid_until, self.kswp, self.pkp):
            w.style = style
        reqs = kt.requirement_texts()
        for k, w in self.have.items():
            w.description = reqs[k][lang]
        self.title.value = f"<h3>{_esc(T('title', lang))}</h3>"
        self.have_title.value = f"<b>{_esc(T('have', lang))}</b>"

    def _lang_changed(self, change) -> None:
        old, new = change["old"], change["new"]
        self._busy = True
        try:
            for key in NUMBER_KEYS:
                w = self.inputs[key]
                try:
                    if w.value.strip():
                        w.value = format_number(parse_number(w.value, old, key), new)
                except UkmError:
                    pass  # left as typed; its message says what is wrong
        finally:
            self._busy = False
        self.lang = new
        self._set_kswp_options(self.kswp.value)
        self._relabel()
        self.refresh()

    def _changed(self, change) -> None:
        if not self._busy:
            self.refresh()

    # ---------------------------------------------------------------- computing

    def _raw(self) -> dict[str, Any]:
        raw: dict[str, Any] = {k: self.inputs[k].value for k in (*TEXT_KEYS, *NUMBER_KEYS)}
        raw.update(
            valid_from=self.valid_from.value,
            valid_until=self.valid_until.value,
            kswp_status=self.kswp.value,
            pkp=self.pkp.value,
        )
        return raw

    def compute_prices(self) -> dict[bool, kt.GovernmentPrice]:
        """The delivered price for a non-PKP and a PKP seller (raises UkmError)."""
        p: list[Problem] = []
        vals: dict[str, Decimal] = {}
        for key in NUMBER_KEYS:
            text = self.inputs[key].value
            if key == "delivery_per_order" and not text.strip():
                vals[key] = Decimal(0)
                continue
            try:
                vals[key] = parse_number(text, self.lang, key)
            except UkmError as e:
                p.extend(e.problems)
        if "min_order" in vals and vals["min_order"] != vals["min_order"].to_integral_value():
            p.append(Problem("not_integer", "min_order", self.inputs["min_order"].value))
        for key, w in (("valid_from", self.valid_from), ("valid_until", self.valid_until)):
            if w.value is None:
                p.append(Problem("missing_field", key))
        if p:
            raise UkmError(problems=p)
        out = {}
        for pkp in (False, True):
            out[pkp] = kt.government_price(
                kt.PriceInput(
                    price_before_ppn=Money.of(vals["price_before_ppn"], IDR),
                    delivery_per_order=Money.of(vals["delivery_per_order"], IDR),
                    min_order=int(vals["min_order"]),
                    pkp=pkp,
                    valid_from=self.valid_from.value,
                    valid_until=self.valid_until.value,
                )
            )
        return out

    def refresh(self) -> None:
        try:
            self.prices = self.compute_prices()
            self.price = self.prices[self.pkp.value]
            self.price_problems = []
        except Exception as e:
            self.price_problems = list(as_user_error(e, "e-Katalog calculator").problems)
        self.check = kt.check_listing(self._raw(), self.lang, self.today)
        have = set(self.check.have) | {k for k, w in self.have.items() if w.value}
        self.checklist = kt.checklist(have)
        self._render()

    # ---------------------------------------------------------------- showing

    def _render(self) -> None:
        lang = self.lang
        stale = T("stale", lang) if self.price else None
        self.messages.value = problems_html(self.price_problems, lang, T, stale)
        if self.prices:
            self.price_box.value = self._price_html()
        # Listing problems that are price problems are already shown above.
        check = self.check
        assert check is not None  # refresh() checks the listing before drawing
        shown = {p.field for p in self.price_problems}
        rest = [p for p in check.problems if p.field not in shown]
        if check.listing is not None:
            self.listing_box.value = f"<p style='color:#1b7f3b'>✔ {_esc(T('listing_ok', lang))}</p>"
        else:
            items = "".join(f"<li>{_esc(p.message(lang))}</li>" for p in rest)
            self.listing_box.value = (
                f"<p><b>{_esc(T('listing_bad', lang))}</b></p><ul style='color:#8a5300'>{items}</ul>" if items else ""
            )
        self.checklist_box.value = self._checklist_html()

    def _price_html(self) -> str:
        lang = self.lang
        fm = lambda m: format_money(m, lang)  # noqa: E731
        chosen = self.prices[self.pkp.value]
        no, yes = self.prices[False], self.prices[True]
        line = lambda label, value, bold: (  # noqa: E731
            f"<tr><td>{_esc(label)}</td><td "
            f"style='text-align:right'>{'<b>' if bold else ''}{_esc(value)}{'</b>' if bold else ''}</td></tr>"
        )
        rows = [
            line(
                T("before", lang),
                f"{fm(no.unit_before_ppn)} ({T('delivery', lang)} {fm(no.delivery_per_unit.rounded())})",
                False,
            ),
            line(T("if_not", lang), fm(no.unit_price), not self.pkp.value),
            line(
                f"{T('if_pkp', lang)} ({yes.rule.label(lang)}; PPN {fm(yes.ppn)})", fm(yes.unit_price), self.pkp.value
            ),
            line(T("listed", lang), fm(chosen.unit_price), True),
            line(f"{T('min_total', lang)} ({chosen.min_order})", fm(chosen.order_total(chosen.min_order)), False),
            line(T("valid", lang), f"{chosen.valid_from.isoformat()} – {chosen.valid_until.isoformat()}", False),
        ]
        notes = "".join(f"<li>{_esc(n[lang])}</li>" for n in chosen.notes)
        return (
            f"<p><b>{_esc(T('price_head', lang))}</b></p><table>{''.join(rows)}</table>"
            f"<p>{_esc(chosen.statement(lang))}</p>"
            + (f"<ul>{notes}</ul>" if notes else "")
            + f"<p><small>{_esc(chosen.rule.source)}</small></p>"
        )

    def _checklist_html(self) -> str:
        lang, checklist = self.lang, self.checklist
        assert checklist is not None  # refresh() builds the checklist before drawing
        parts = []
        for i, s in enumerate(checklist.steps, 1):
            state = s.state(lang)
            needs = "".join(f"<li>{'☑' if n.have else '☐'} {_esc(n.text[lang])}</li>" for n in s.needs)
            parts.append(
                f"<p><b>{i}. {_esc(s.title[lang])}</b> — {_esc(state)}<br><small>{_esc(s.where[lang])}</small></p>"
                f"<ul style='list-style:none'>{needs}</ul>"
            )
        nxt = checklist.next_step
        head = f"<p><b>{_esc(T('next', lang))}:</b> {_esc(nxt.title[lang])}</p>" if nxt else ""
        return head + "".join(parts)


def app(lang: str = "id") -> W.Widget:
    """The calculator's widget, for a notebook cell or the Voila gallery."""
    return KatalogCalculator(lang).widget
