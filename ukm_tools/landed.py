"""Landed cost at the destination: what the buyer pays to get the goods into their store.

    duty  = CIF x duty %                       (0 % with a preferential certificate such as
                                                Form D under ATIGA for ASEAN buyers)
    VAT   = (CIF + duty) x VAT %               (optionally + destination charges)
    total = CIF + duty + VAT + destination charges;   per unit = total / quantity

:func:`landed_cost` works the figure out twice, with and without the preference, and
shows the saving, which is the exporter's argument for getting the certificate of origin. All
amounts are in one currency (usually the quote currency); each tax line is rounded half-up
to the minor unit before it is added, as a customs office bills it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from ukm_tools import checks
from ukm_tools.errors import UkmError, owned
from ukm_tools.messages import section
from ukm_tools.money import Money, RateValue, format_money, format_percent

if TYPE_CHECKING:  # pandas is imported where a table is made, not with the module
    import pandas as pd

__all__ = ["LandedScenario", "LandedCost", "landed_scenario", "landed_cost"]
T = section("landed")


@dataclass(frozen=True)
class LandedScenario:
    """Landed cost of one shipment under one duty rate."""

    cif: Money
    quantity: int
    duty_pct: Decimal
    vat_pct: Decimal
    duty: Money
    vat_base: Money
    vat: Money
    destination_charges: Money
    total: Money
    per_unit: Money  # total / quantity, rounded half-up

    def items(self, lang: str = "id") -> list[tuple[str, str, Money]]:
        """(label, rate, amount) rows in display order."""
        return [
            (T("item_cif", lang), "", self.cif),
            (T("item_duty", lang), format_percent(self.duty_pct, lang), self.duty),
            (T("item_vat", lang), format_percent(self.vat_pct, lang), self.vat),
            (T("item_charges", lang), "", self.destination_charges),
            (T("item_total", lang), "", self.total),
            (T("item_per_unit", lang), "", self.per_unit),
        ]

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        import pandas as pd

        cols = [T(f"col_{k}", lang) for k in ("item", "rate", "amount", "value")]
        return pd.DataFrame(
            [
                dict(zip(cols, (name, rate, format_money(m, lang), m.amount), strict=True))
                for name, rate, m in self.items(lang)
            ]
        )

    def to_json(self) -> dict[str, Any]:
        return {
            "quantity": self.quantity,
            "duty_pct": str(self.duty_pct),
            "vat_pct": str(self.vat_pct),
            **{
                k: getattr(self, k).to_json()
                for k in ("cif", "duty", "vat_base", "vat", "destination_charges", "total", "per_unit")
            },
        }


@dataclass(frozen=True)
class LandedCost:
    """The same shipment without and with a preferential certificate of origin."""

    standard: LandedScenario
    preferential: LandedScenario
    preference: str
    saving: Money  # standard.total - preferential.total
    saving_per_unit: Money  # saving / quantity, rounded half-up

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        import pandas as pd

        cols = [T(f"col_{k}", lang, preference=self.preference) for k in ("item", "without", "with", "saving")]
        rows = []
        for (name, _, a), (_, _, b) in zip(self.standard.items(lang), self.preferential.items(lang), strict=True):
            rows.append(
                dict(
                    zip(
                        cols,
                        (name, format_money(a, lang), format_money(b, lang), format_money(a - b, lang)),
                        strict=True,
                    )
                )
            )
        rows[-1][cols[3]] = format_money(self.saving_per_unit, lang)
        return pd.DataFrame(rows)

    def to_json(self) -> dict[str, Any]:
        return {
            "preference": self.preference,
            "standard": self.standard.to_json(),
            "preferential": self.preferential.to_json(),
            "saving": self.saving.to_json(),
            "saving_per_unit": self.saving_per_unit.to_json(),
        }


@owned("landed")
def landed_scenario(
    cif: Money,
    quantity: int,
    *,
    duty_pct: RateValue,
    vat_pct: RateValue,
    destination_charges: Money | None = None,
    vat_on_charges: bool = False,
) -> LandedScenario:
    """Landed cost of ``quantity`` units whose shipment CIF value is ``cif``.

    Args:
        cif: CIF value of the whole shipment (> 0).
        quantity: units in the shipment (whole number > 0).
        duty_pct: import duty in percent of CIF (>= 0).
        vat_pct: VAT / sales tax in percent (0-100) of CIF + duty.
        destination_charges: port, clearance and delivery charges at the destination (>= 0),
            same currency as ``cif``.
        vat_on_charges: True where the destination also taxes those charges.
    Raises:
        UkmError: every bad input at once (field named: cif, quantity, duty_pct, ...).
    """
    cif_, qty, duty_pct_, vat_pct_ = checks.gather(
        lambda: checks.money(cif, "cif", positive=True),
        lambda: checks.whole_number(quantity, "quantity"),
        lambda: checks.percent(duty_pct, "duty_pct"),
        lambda: checks.percent(vat_pct, "vat_pct", maximum=100),
    )
    charges = (
        Money.zero(cif_.currency)
        if destination_charges is None
        else checks.money(destination_charges, "destination_charges", currency=cif_.currency)
    ).rounded()
    cif_ = cif_.rounded()
    duty = (cif_ * duty_pct_ / 100).rounded()
    vat_base = cif_ + duty + (charges if vat_on_charges else Money.zero(cif_.currency))
    vat = (vat_base * vat_pct_ / 100).rounded()
    total = cif_ + duty + vat + charges
    return LandedScenario(cif_, qty, duty_pct_, vat_pct_, duty, vat_base, vat, charges, total, (total / qty).rounded())


@owned("landed")
def landed_cost(
    cif: Money,
    quantity: int,
    *,
    duty_pct: RateValue,
    vat_pct: RateValue,
    destination_charges: Money | None = None,
    preferential_duty_pct: RateValue = 0,
    preference: str = "Form D (ATIGA)",
    vat_on_charges: bool = False,
) -> LandedCost:
    """Landed cost without and with a preferential duty rate, and the saving.

    ``duty_pct`` is the normal (MFN) rate; ``preferential_duty_pct`` the rate the buyer pays
    when the exporter supplies ``preference`` (0 % for most goods under ATIGA with Form D).
    """
    pref = checks.percent(preferential_duty_pct, "preferential_duty_pct")
    standard = landed_scenario(
        cif,
        quantity,
        duty_pct=duty_pct,
        vat_pct=vat_pct,
        destination_charges=destination_charges,
        vat_on_charges=vat_on_charges,
    )
    if pref > standard.duty_pct:
        raise UkmError("out_of_range", "preferential_duty_pct", pref, f"0-{standard.duty_pct}")
    preferential = landed_scenario(
        cif,
        quantity,
        duty_pct=pref,
        vat_pct=vat_pct,
        destination_charges=destination_charges,
        vat_on_charges=vat_on_charges,
    )
    saving = standard.total - preferential.total
    return LandedCost(standard, preferential, preference, saving, (saving / standard.quantity).rounded())
