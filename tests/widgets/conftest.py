"""Shared fixtures for driving calculator widgets from Python."""

import datetime as dt

import pytest

# The packaged rate sheet is dated 2025-12-01; a day within the staleness limit keeps
# most tests free of the warning, which has tests of its own.
FRESH_DAY = dt.date(2025, 12, 3)


@pytest.fixture
def kw(tmp_path):
    """Keyword arguments every calculator test passes: a fixed day and a private save folder."""
    return {"today": FRESH_DAY, "save_dir": tmp_path / "saved", "max_rate_age_days": 7}
