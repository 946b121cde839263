"""Every worked figure of a case study, computed once from its case file.

The book's pages, the slides, the handouts, the trainer kit and the calculators' starting
values all show figures of the same case (``data/cases/kasturi-syrup.yaml``). They read them
here, so a figure is computed in one place from one file and cannot drift between materials:
the profit the case study shows after the bank's L/C fees is the margin of the order's cash
flow in the financing module, the e-Katalog price is the one the calculator opens with, the
break-even carton count is the same everywhere.

Nothing here is new arithmetic: each figure is a call into the domain core (pricing, payments,
fx, financing, readiness, katalog, landed, breakeven, pricing_methods) with the inputs the
case file declares. Figures are computed when first asked for and kept.

Example::

    study = CaseStudy(packaged_case("kasturi-syrup"))
    study.profit              # Money: the shipment's profit after bank fees, at the buying rate
    study.break_even.units    # cartons to sell to pay back the start-up costs
    study.key_figures()       # name -> KeyFigure (label and value) for handouts and tests
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from ukm_tools import breakeven, financing, fx, katalog, landed, payments, pricing_methods, readiness
from ukm_tools.case import Case, KatalogTerms, OrderPlan, PaymentPlan, ReadinessState, SecondOrder
from ukm_tools.fx import RateKind, RateSheet
from ukm_tools.incoterms import SEA_MODES
from ukm_tools.messages import Msg, section
from ukm_tools.money import Money, format_money
from ukm_tools.pricing import PriceBuildUp

# Cost items the buyer pays after the goods arrive (its own landed cost, not in a CIF price).
DESTINATION_ITEMS = ("destination_thc", "unloading_at_destination", "delivery_to_buyer")
T = section("case_study")


@dataclass(frozen=True)
class KeyFigure:
    """One headline figure of a case, as materials show it."""

    label: Msg  # its name, in either language (``label["id"]``)
    value: Money | int
    places: int | None = None  # a unit price's decimals (what its quantity needs); None: the currency's

    def text(self, lang: str = "id") -> str:
        """The figure as every material shows it (a unit price with all its decimals)."""
        return str(self.value) if isinstance(self.value, int) else format_money(self.value, lang, self.places)


class CaseStudy:
    """The figures of one case file (and, optionally, a rate sheet and a bank tariff)."""

    def __init__(
        self, case: Case, sheet: RateSheet | None = None, schedule: payments.FeeSchedule | None = None
    ) -> None:
        self.case = case
        self.sheet = case.rate_sheet(sheet)
        self.schedule = schedule or payments.load_fee_schedule()
        # Sections a trainer's own case file may leave out: the workshop's defaults.
        self.payment = case.payment or PaymentPlan()
        self.order_plan = case.order or OrderPlan()
        self.readiness_state = case.readiness or ReadinessState()
        self.katalog_terms = case.katalog or KatalogTerms()
        self.second_order = case.second_order or SecondOrder()
        self._quotes: dict[str, PriceBuildUp] = {}

    # ----------------------------------------------------------------- the quotation

    @property
    def unit(self) -> str:
        return self.case.product.unit

    def quote(self, rule: str | None = None) -> PriceBuildUp:
        rule = rule or self.case.incoterm
        if rule not in self._quotes:
            self._quotes[rule] = self.case.quote(rule, self.sheet)
        return self._quotes[rule]

    @property
    def invoice(self) -> Money:
        """The shipment total of the quoted rule, in the quote currency."""
        return self.quote().final.shipment_quote

    @property
    def planned_profit(self) -> Money:
        """The markup the price was built to earn on the whole shipment (IDR)."""
        q = self.quote()
        return q.markup_per_unit * self.case.quantity

    # ----------------------------------------------------------------- payment and proceeds

    def bank_fees(self, method: str | None = None) -> payments.CostBreakdown:
        """The exporter's bank fees for the invoice under a payment method (the agreed one by default)."""
        m = financing.payment_method(method or self.payment.method)
        return payments.method_cost(
            m.method_code,
            self.invoice,
            self.schedule,
            amendments=self.payment.amendments if m.key == self.payment.method else 0,
            tenor_days=m.tenor_days,
        )

    def received(self, method: str | None = None) -> fx.Converted:
        """Rupiah credited for the invoice less the bank's fees, sold at the buying rate."""
        return fx.proceeds_to_idr(self.invoice - self.bank_fees(method).total, self.sheet)

    def order(self, method: str | None = None) -> financing.OrderInput:
        method = method or self.payment.method
        return financing.order_from_quote(
            self.quote(),
            self.case.pricing_input(),
            materials_share_pct=self.order_plan.materials_share_pct,
            production_days=self.order_plan.production_days,
            method=method,
            order_value=self.received(method).money,
        )

    def cash_flow(self, method: str | None = None) -> financing.CashFlowTimeline:
        return financing.cash_flow(self.order(method))

    @cached_property
    def loan_scheme(self) -> financing.LoanScheme:
        """The scheme the order's working capital is borrowed under (the case file's order plan)."""
        return financing.loan_scheme(self.order_plan.loan_scheme)

    def loan(self, method: str | None = None) -> financing.OrderFinancing:
        return financing.finance_order(self.cash_flow(method), scheme=self.loan_scheme)

    @cached_property
    def shipment_costs(self) -> Money:
        """Everything the shipment costs the exporter in rupiah (HPP, packing, export costs, freight, insurance)."""
        o = self.order()
        return o.materials + o.production_costs + o.export_costs

    @cached_property
    def profit(self) -> Money:
        """The shipment's profit after the bank's fees and at the buying rate: the cash flow's margin."""
        return self.cash_flow().margin

    # ----------------------------------------------------------------- the buyer's side

    @cached_property
    def destination_charges(self) -> Money:
        total = Money.zero(self.case.quote_currency)
        for c in self.case.costs:
            if c.item in DESTINATION_ITEMS:
                amount = Money(c.amount, c.currency)
                if c.currency != total.currency:
                    amount = fx.convert(amount, total.currency, self.sheet, RateKind.MID).money
                total = total + (amount * self.case.quantity if c.per_unit else amount)
        return total

    @cached_property
    def cif_value(self) -> Money:
        """The goods' value at the buyer's border the buyer's duties are charged on: the CIF
        quote (CIP for a shipment not by sea), whatever rule the case quotes."""
        rule = "CIF" if self.case.mode in SEA_MODES else "CIP"
        return self.quote(rule).final.shipment_quote

    @cached_property
    def landed(self) -> landed.LandedCost:
        """The buyer's cost at its door, without and with the preference (Form D)."""
        imp = self.case.import_
        return landed.landed_cost(
            self.cif_value,
            self.case.quantity,
            duty_pct=imp.normal_duty_pct,
            vat_pct=imp.vat_pct,
            destination_charges=self.destination_charges,
            preferential_duty_pct=imp.duty_pct,
        )

    # ----------------------------------------------------------------- readiness and start-up

    @property
    def market(self) -> str:
        return self.readiness_state.market or (self.case.buyer.country if self.case.buyer else "") or "MY"

    def readiness(self, when: str = "at_start") -> readiness.Assessment:
        """The readiness plan with what the business has ``at_start`` or ``now``."""
        have = getattr(self.readiness_state, when)
        return readiness.assess({code: True for code in have}, self.readiness_state.product_type, self.market)

    @cached_property
    def start_up_costs(self) -> Money:
        """A cautious start-up budget: the upper end of every known cost of the start plan."""
        total = Money.zero("IDR")
        for a in self.readiness("at_start").plan:
            top = a.requirement.typical_cost_max or a.requirement.typical_cost
            if top is not None:
                total = total + top
        return total

    @cached_property
    def break_even(self) -> breakeven.BreakEven:
        """Units to sell so that what each earns after costs pays back the start-up budget."""
        q = self.case.quantity
        return breakeven.break_even(
            self.start_up_costs,
            (self.received().money / q).rounded(),
            (self.shipment_costs / q).rounded(),
            units_per_carton=self.case.product.units_per_carton,
        )

    # ----------------------------------------------------------------- the e-Katalog sale

    @cached_property
    def katalog_price_before_ppn(self) -> Money:
        """The seller's own price per unit at its premises (before PPN and delivery)."""
        if self.katalog_terms.price_before_ppn is not None:
            return Money(self.katalog_terms.price_before_ppn, "IDR")
        uc = self.case.unit_costs
        return katalog.price_at_premises(Money(uc.hpp, "IDR"), uc.markup_pct)

    def katalog_input(self, pkp: bool) -> katalog.PriceInput:
        k = self.katalog_terms
        start = k.valid_from or self.sheet.date
        return katalog.PriceInput(
            price_before_ppn=self.katalog_price_before_ppn,
            min_order=k.min_order,
            pkp=pkp,
            valid_from=start,
            valid_until=k.valid_until or self.case.valid_until(start),
            delivery_per_order=Money(k.delivery_per_order, "IDR"),
        )

    def katalog_offer(self, pkp: bool) -> katalog.GovernmentPrice:
        return katalog.government_price(self.katalog_input(pkp))

    # ----------------------------------------------------------------- other prices (Modul 3)

    @cached_property
    def incremental(self) -> pricing_methods.IncrementalPrice:
        return pricing_methods.incremental_price(
            self.case.pricing_input(), self.case.incoterm, self.sheet, self.second_order.fixed_share_pct
        )

    @cached_property
    def second_order_offer(self) -> Money:
        """What the buyer offers per unit for a repeat order (a share of the cost-plus price)."""
        return (self.incremental.cost_plus_quote * self.second_order.buyer_offer_pct / 100).rounded()

    @cached_property
    def reverse(self) -> pricing_methods.ReversePrice | None:
        """The highest CIF price a shelf in the destination allows, per unit in the shelf's currency."""
        shelf = self.case.destination_shelf
        if shelf is None:
            return None
        per_unit_dest = self.destination_charges / self.case.quantity
        # the buyer's own costs, in the shelf's currency at middle rates (through rupiah)
        dest_idr = fx.convert(per_unit_dest, "IDR", self.sheet, RateKind.MID).money
        dest_local = fx.convert(dest_idr, shelf.currency, self.sheet, RateKind.MID).money
        return pricing_methods.reverse_price(
            Money(shelf.price_per_piece, shelf.currency) * self.case.product.pieces_per_unit,
            retailer_markup_pct=shelf.retailer_markup_pct,
            distributor_markup_pct=shelf.distributor_markup_pct,
            duty_pct=self.case.import_.duty_pct,
            import_tax_pct=self.case.import_.vat_pct,
            destination_charges_per_unit=dest_local,
        )

    # ----------------------------------------------------------------- headline figures

    def key_figures(self) -> dict[str, KeyFigure]:
        """The figures every material of the case must show alike, by a stable name."""
        u = self.unit
        cif, fob = self.quote(), self.quote("FOB")
        loan = self.loan()
        # unit prices as the invoice states them: x quantity = the shipment total shown
        places = {"exw_unit_idr": cif.unit_decimals_idr, "fob_unit": fob.unit_decimals, "cif_unit": cif.unit_decimals}
        values: dict[str, tuple[Money | int, dict[str, object]]] = {
            "exw_unit_idr": (cif.step("EXW").unit_idr, {"unit": u}),
            "fob_unit": (fob.final.unit_quote, {"unit": u}),
            "cif_unit": (cif.final.unit_quote, {"unit": u, "rule": cif.rule}),
            "invoice": (self.invoice, {"rule": cif.rule}),
            "bank_fees": (self.bank_fees().total, {}),
            "received_idr": (self.received().money.rounded(), {}),
            "planned_profit": (self.planned_profit.rounded(), {}),
            "profit": (self.profit.rounded(), {}),
            "peak_working_capital": (self.cash_flow().peak_working_capital.rounded(), {}),
            "loan_cost": (loan.cost, {"scheme": self.loan_scheme.name}),
            "break_even_units": (self.break_even.units, {"unit": u}),
            "katalog_price": (self.katalog_offer(False).unit_price, {"unit": u}),
            "katalog_price_pkp": (self.katalog_offer(True).unit_price, {"unit": u}),
            "landed_saving": (self.landed.saving, {}),
        }
        return {
            name: KeyFigure(T.msg(f"fig_{name}", **params), value, places.get(name))
            for name, (value, params) in values.items()
        }


def pieces(case: Case, units: int) -> int:
    """How many pieces (bottles) ``units`` priced units (cartons) hold."""
    return units * case.product.pieces_per_unit


__all__ = ["CaseStudy", "KeyFigure", "DESTINATION_ITEMS", "pieces"]
