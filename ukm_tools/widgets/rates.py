"""Buying / selling rate inputs for one currency, over a case's rate sheet.

The fields start with the sheet's rates. When a participant types the day's rates from
their bank's board, the case gets its own ``rates:`` section dated today with the source
"entered by participant", so the quote says which rates it used and the staleness warning
goes away for the right reason. Only the typed currency is dated today: every other rate
keeps its own date and source, so a quote in SGD still says its rate is from the old sheet.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ukm_tools.fx import RateSheet
from ukm_tools.messages import section
from ukm_tools.widgets.base import ChoiceField, NumberField

ENTERED_SOURCE = "Diisi peserta dari papan kurs bank"  # written into the saved case file, as data
T = section("widgets.rates")


class RateFields:
    def __init__(self, calc, prefix: str = ""):
        self.calc = calc
        self.buy = calc.field(
            NumberField(
                f"{prefix}buy",
                T.msg("buy"),
                hint=T.msg("buy_hint"),
            )
        )
        self.sell = calc.field(
            NumberField(
                f"{prefix}sell",
                T.msg("sell"),
                hint=T.msg("sell_hint"),
            )
        )

    def follow(self, currency: ChoiceField) -> None:
        """Refill the rates from the calculator's ``base_sheet`` whenever ``currency`` changes."""
        currency.input.observe(self._on_currency, "value")

    def _on_currency(self, change: dict) -> None:
        calc = self.calc
        if calc._hold:
            return
        with calc.holding():
            self.fill(calc.base_sheet, change["new"], calc.lang)
        calc.refresh()

    def fill(self, sheet: RateSheet, currency: str, lang: str) -> None:
        if currency in sheet.rates:
            r = sheet.rates[currency]
            self.buy.show(r.buy, lang)
            self.sell.show(r.sell, lang)

    def rates_mapping(self, sheet: RateSheet, currency: str, lang: str, today: dt.date) -> dict[str, Any] | None:
        """A case ``rates:`` mapping when the typed rates differ from the sheet's; else None."""
        if currency not in sheet.rates:
            return None
        buy, sell = self.calc.read_all(
            {"buy": lambda: self.buy.read(lang), "sell": lambda: self.sell.read(lang)}
        ).values()
        r = sheet.rates[currency]
        if buy == r.buy and sell == r.sell:
            return None
        # Only the typed currency is dated today: the others keep the date and source they came with.
        rates: dict[str, Any] = {
            c: {
                "buy": x.buy,
                "mid": x.mid,
                "sell": x.sell,
                "date": x.date or sheet.date,
                "source": x.source or sheet.source,
            }
            for c, x in sheet.rates.items()
            if c != currency
        }
        rates[currency] = {"buy": buy, "sell": sell}  # the sheet derives the middle rate
        return {"date": today.isoformat(), "source": ENTERED_SOURCE, "rates": rates}
