"""Everything a page needs, loaded before the first page opens.

The domain imports pandas (and the calculators some more modules) only when first used,
so the command line stays quick. On the server the first pages open in several threads at
once, and two threads importing pandas at the same moment can meet a half-initialised
module: measured in the load benchmark, a page whose calculator failed with
``AttributeError: partially initialized module 'pandas' has no attribute 'DataFrame'``
and never rendered (the lost Chromium render and the client that waited in vain for its
fields). Building each calculator once at start-up, in one thread, imports all of it and
fills the shared caches (course case, fee schedule, catalogues) before any page asks.
"""

from __future__ import annotations

import logging
import tempfile
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)


def warm_up() -> int:
    """Build (and close) one calculator of every kind; returns how many were built."""
    import ipywidgets as W

    from ukm_tools.widgets.base import Calculator
    from ukm_tools.widgets.case_store import CaseStore
    from ukm_tools.widgets.gallery import APPS

    made: list[W.Widget] = []
    previous = W.Widget._widget_construction_callback
    W.Widget.on_widget_constructed(made.append)
    built = 0
    try:
        with tempfile.TemporaryDirectory(prefix="ukm-warmup-") as tmp:
            for app in APPS:
                cls = app.calculator_class()
                try:
                    calc: Any = cls(store=CaseStore(Path(tmp))) if issubclass(cls, Calculator) else cls()
                    calc.widget  # noqa: B018 (building the page is the point)
                    built += 1
                except Exception:  # a page that cannot be built says so when it is opened
                    log.exception("warming up %s", app.path)
    finally:
        W.Widget.on_widget_constructed(previous)
        for widget in made:
            widget.close()
    return built
