"""Data that carry a date (rate sheets, fee schedules, requirement lists) and can go stale."""

from __future__ import annotations

import datetime as dt


class Dated:
    """Mixin for a frozen dataclass with a ``date: datetime.date`` field."""

    date: dt.date

    def age_days(self, today: dt.date | None = None) -> int:
        return ((today or dt.date.today()) - self.date).days

    def is_stale(self, max_age_days: int, today: dt.date | None = None) -> bool:
        return self.age_days(today) > max_age_days
