"""The calculator sessions a server holds: opening one, noticing activity, ending idle ones.

A *session* is one open calculator page: Solara gives it a virtual kernel context (its own
widgets, in this process) and :func:`open_calculator` builds the calculator inside it with
the participant's own case store. Two ways a session ends, both releasing its objects:

* its page closes or loses its connection: Solara closes the context at once (the page's
  unload beacon) or after ``cull_after`` seconds without a connection (phones that sleep
  reconnect within that time and find their page as they left it);
* it stays connected but nobody touches it for ``idle_after`` seconds (a forgotten tab):
  :meth:`Registry.reap_idle`, run periodically by the server, closes it.

The registry holds only weak references to calculators, so it never keeps one alive, and
counts what is still in memory (:meth:`Registry.stats`) for the status endpoint and tests.
"""

from __future__ import annotations

import threading
import time
import weakref
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ukm_tools.calcserver.identity import Identity
from ukm_tools.widgets.case_store import CaseStore
from ukm_tools.widgets.gallery import App


@dataclass
class Session:
    kernel_id: str
    app: str  # the calculator's path, e.g. "harga-ekspor"
    opened: float = field(default_factory=time.monotonic)
    last_active: float = field(default_factory=time.monotonic)


class Registry:
    """Every live session of this process (thread-safe: websockets run in worker threads)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._sessions: dict[str, Session] = {}
        self._calculators: weakref.WeakSet[Any] = weakref.WeakSet()
        self.opened_total = 0
        self.closed_total = 0
        self.culled_idle_total = 0

    def add(self, kernel_id: str, app: App, calculator: Any) -> Session:
        session = Session(kernel_id, app.path)
        with self._lock:
            self._sessions[kernel_id] = session
            self._calculators.add(calculator)
            self.opened_total += 1
        return session

    def touch(self, kernel_id: str) -> None:
        session = self._sessions.get(kernel_id)
        if session is not None:
            session.last_active = time.monotonic()

    def forget(self, kernel_id: str) -> None:
        with self._lock:
            if self._sessions.pop(kernel_id, None) is not None:
                self.closed_total += 1

    def idle(self, idle_after_s: float, now: float | None = None) -> list[str]:
        now = time.monotonic() if now is None else now
        with self._lock:
            return [k for k, s in self._sessions.items() if now - s.last_active > idle_after_s]

    def reap_idle(self, idle_after_s: float, contexts: Mapping[str, Any] | None = None) -> int:
        """Close the contexts of sessions idle for longer than ``idle_after_s``; returns how many.

        ``contexts`` maps kernel ids to Solara contexts (default: Solara's own registry).
        """
        if contexts is None:
            from solara.server import kernel_context

            contexts = kernel_context.contexts
        closed = 0
        for kernel_id in self.idle(idle_after_s):
            context = contexts.get(kernel_id)
            if context is None:
                self.forget(kernel_id)
                continue
            context.close(reason="cull")  # calls forget() through its on_close callback
            closed += 1
        self.culled_idle_total += closed
        return closed

    def stats(self) -> dict[str, int]:
        """Counts only (no identities): open sessions, calculators still in memory, totals."""
        with self._lock:
            return {
                "sessions_open": len(self._sessions),
                "calculators_in_memory": len(self._calculators),
                "sessions_opened_total": self.opened_total,
                "sessions_closed_total": self.closed_total,
                "sessions_culled_idle_total": self.culled_idle_total,
            }


REGISTRY = Registry()


def _watch_activity(context: Any, registry: Registry) -> None:
    """Count every message from the page (typing, clicks) as activity of its session.

    Solara hands each browser message to the kernel's comm manager; wrapping that one
    instance's ``comm_msg`` (not the class) sees all of them without patching Solara.
    """
    manager = context.kernel.comm_manager
    original = manager.comm_msg
    kernel_id = context.id

    def comm_msg(*args: Any, **kwargs: Any) -> Any:
        registry.touch(kernel_id)
        return original(*args, **kwargs)

    manager.comm_msg = comm_msg


def open_calculator(
    app: App, identity: Identity, save_root: Any, registry: Registry = REGISTRY, handed: tuple[Any, Any] | None = None
) -> Any:
    """Build ``app``'s calculator for the current Solara context, saving into ``identity``'s store;
    ``handed``: the case and extras it opens with (a participant's exercise case), else the course's."""
    from solara.server import kernel_context

    from ukm_tools.widgets.base import Calculator

    cls = app.calculator_class()
    store = CaseStore(save_root / identity.key)
    case, extras = handed if handed is not None else (None, None)
    calculator = cls(case, extras=extras, store=store) if issubclass(cls, Calculator) else cls()
    context = kernel_context.get_current_context()
    registry.add(context.id, app, calculator)
    kernel_id = context.id
    context.on_close(lambda: registry.forget(kernel_id))
    _watch_activity(context, registry)
    return calculator
