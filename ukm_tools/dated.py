"""Data that carry a date (rate sheets, fee schedules, requirement lists) and can go stale."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

from ukm_tools.errors import Problem, UkmError
from ukm_tools.messages import Bilingual, format_date, local

# Every date and time a participant or the office sees is Indonesian western time.
JAKARTA = ZoneInfo("Asia/Jakarta")


def now_jakarta() -> dt.datetime:
    return dt.datetime.now(JAKARTA)


def today_jakarta() -> dt.date:
    return now_jakarta().date()


def as_date(raw: Any, field: str = "date") -> dt.date:
    """A data file's ``YYYY-MM-DD`` date (or a YAML date) as a plain :class:`datetime.date`.

    YAML reads ``2025-12-01 10:00`` as a datetime, which cannot be subtracted from a date:
    it is cut to its day here so :meth:`Dated.age_days` always works.

    Raises:
        UkmError: ``wrong_type`` naming ``field`` when ``raw`` is not a date.
    """
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise UkmError("wrong_type", field, raw, "YYYY-MM-DD") from None


class Dated:
    """Mixin for a frozen dataclass with a ``date: datetime.date`` field."""

    date: dt.date

    def age_days(self, today: dt.date | None = None) -> int:
        return ((today or today_jakarta()) - self.date).days

    def is_stale(self, max_age_days: int, today: dt.date | None = None) -> bool:
        return self.age_days(today) > max_age_days


def stale_warning(data: Dated, what: Bilingual | str, today: dt.date, max_age_days: int, lang: str) -> str | None:
    """The one staleness warning (page banner and quotation PDF alike), or None when fresh.

    ``what`` names the data, e.g. :data:`ukm_tools.fx.RATE_SHEET_NAME` ("lembar kurs").
    """
    if not data.is_stale(max_age_days, today):
        return None
    params = {
        "what": local(what, lang),
        "date": format_date(data.date, lang),
        "age": data.age_days(today),
        "max_age": max_age_days,
    }
    return Problem("stale_rates", None, None, None, params).message(lang)
