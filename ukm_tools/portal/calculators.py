"""Links from an exercise form to the calculators, each opened with the participant's own case.

An answer cell may name the calculator that computes it (``"calculator": "price"`` in the
notebook's metadata, :mod:`ukm_tools.exercises.forms`). When the workshop runs the calculator
server (``ukm apps``), the form links that answer to ``<calculator server>/kalkulator/<page>``
with only an opaque token: the participant's case (:func:`ukm_tools.exercises.calculator_case`)
is left in the calculator server's hand-over folder (:mod:`ukm_tools.calcserver.handoff`), never
put in the URL, and the case holds business figures only, no name or id.

Both settings come from the hub configuration (``HubSettings.calculator_url`` and
``calculator_dir``), which passes them to the portal in these two environment variables.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ukm_tools.calcserver.handoff import PARAM, HandoffBox
from ukm_tools.exercises.params import Product
from ukm_tools.widgets.gallery import APPS, App

URL_ENV = "UKM_PORTAL_CALCULATOR_URL"
HANDOFF_ENV = "UKM_PORTAL_HANDOFF_DIR"
#: Case files kept in memory (a class of 200 opening forms again and again; each costs tens of ms).
MAX_CACHED = 1000


def app_for(module: str) -> App | None:
    """The calculator page of a ``ukm_tools.widgets`` module (what the metadata names)."""
    return next((a for a in APPS if a.module == module), None)


@dataclass
class CalculatorLinks:
    base_url: str
    box: HandoffBox
    _texts: dict[tuple[str, Product], str] = field(default_factory=dict, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> CalculatorLinks | None:
        """The links the hub configured; None: no calculator server, the form links none."""
        env = os.environ if env is None else env
        url, folder = env.get(URL_ENV, "").strip(), env.get(HANDOFF_ENV, "").strip()
        if not url or not folder:
            return None
        return cls(url.rstrip("/"), HandoffBox(Path(folder)))

    def links(self, modules: Iterable[str], student: str, product: Product) -> dict[str, tuple[App, str]]:
        """Module -> (its page, the link opening it with ``student``'s case); one hand-over for all
        the calculators of a page, written only when the page has one."""
        apps = {m: app for m in dict.fromkeys(modules) if (app := app_for(m)) is not None}
        if not apps:
            return {}
        token = self.box.put(self.case_text(student, product))
        return {m: (app, f"{self.base_url}/kalkulator/{app.path}?{PARAM}={quote(token)}") for m, app in apps.items()}

    def case_text(self, student: str, product: Product) -> str:
        """The case file handed over for ``student`` (computed once per participant and product;
        the course's case is read once per process, as the calculator server reads it)."""
        from ukm_tools.exercises.calculator_case import calculator_case, calculator_extras
        from ukm_tools.widgets import case_io

        key = (student, product)
        with self._lock:
            text = self._texts.get(key)
        if text is None:
            text = case_io.dump(
                case_io.case_to_mapping(calculator_case(student, product, self._base)), calculator_extras(student)
            )
            with self._lock:
                if len(self._texts) >= MAX_CACHED:
                    self._texts.clear()
                self._texts[key] = text
        return text

    @cached_property
    def _base(self) -> Any:
        """The course's case, read on first use (cached_property locks the first computation)."""
        from ukm_tools.widgets import case_io

        return case_io.default_case()
