"""Data that carry a date (rate sheets, fee schedules, requirement lists) and can go stale."""

from __future__ import annotations

import datetime as dt
from typing import Any

from ukm_tools.errors import UkmError


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
        return ((today or dt.date.today()) - self.date).days

    def is_stale(self, max_age_days: int, today: dt.date | None = None) -> bool:
        return self.age_days(today) > max_age_days
