"""Python's cycle collector on the calculator server: short pauses with a class open.

The collector holds the interpreter lock while it runs, so a collection of the oldest
generation stops every page at once. Measured with 400 sessions open (a calculator and
its Solara kernel are some thousands of objects each): 11 such collections while the class
arrived, up to 1.9 s each, 9 s in all; and the reaper's collection after any page closed
cost as much. Pages that opened meanwhile waited through them.

So, the objects that stay are moved out of the collector's way (``gc.freeze``): everything
loaded at start-up, and the calculators of open sessions, a few seconds after they were
built. Automatic collections then only look at what is new. A closed session's widgets
(cycles: only the collector frees them) are freed by one full collection (``unfreeze``,
collect, ``freeze``) when enough of them wait to be worth it, relative to the sessions
still open, or when the oldest has waited :data:`MAX_WAIT_S`, at the latest.

Every collection is timed (:class:`PauseWatch`, via ``gc.callbacks``) for ``/status``
and the load benchmark: counts and seconds per generation, no identities.
"""

from __future__ import annotations

import gc
import threading
import time
from dataclasses import dataclass
from typing import Any

#: Closed sessions' objects are freed within this many seconds at the latest.
MAX_WAIT_S = 120.0
#: ... or as soon as this share of the open sessions' number waits to be freed: a full
#: collection costs in proportion to what is open, so it frees at least that much each time.
WAITING_SHARE = 1 / 8
#: Objects that are garbage but were frozen (a recompute's temporary cycles) are freed by a
#: full collection at least this often.
FULL_EVERY_S = 15 * 60.0
#: Two full collections are at least this many seconds apart per open session (400 open: 100 s),
#: so calculators that stay in memory after their session (a leak) cannot make them constant.
GAP_PER_SESSION_S = 0.25


class PauseWatch:
    """Times every collection through ``gc.callbacks`` (installed once per process)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._started: float | None = None
        self.count = [0, 0, 0]
        self.total_s = [0.0, 0.0, 0.0]
        self.max_s = [0.0, 0.0, 0.0]

    def __call__(self, phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            self._started = time.perf_counter()
            return
        if self._started is None:
            return
        took = time.perf_counter() - self._started
        self._started = None
        generation = info.get("generation", 2)
        with self._lock:
            self.count[generation] += 1
            self.total_s[generation] += took
            self.max_s[generation] = max(self.max_s[generation], took)

    def stats(self) -> dict[str, Any]:
        with self._lock:
            return {
                f"gen{g}": {
                    "count": self.count[g],
                    "total_s": round(self.total_s[g], 4),
                    "max_s": round(self.max_s[g], 4),
                }
                for g in range(3)
            }


WATCH = PauseWatch()


def install() -> PauseWatch:
    """Time collections from now on."""
    if WATCH not in gc.callbacks:
        gc.callbacks.append(WATCH)
    return WATCH


@dataclass
class Collector:
    """When to free closed sessions (a full collection) and when only to freeze the new objects."""

    max_wait_s: float = MAX_WAIT_S
    waiting_share: float = WAITING_SHARE
    full_every_s: float = FULL_EVERY_S
    gap_per_session_s: float = GAP_PER_SESSION_S
    waiting_since: float | None = None
    last_full: float = 0.0

    def decide(self, sessions_open: int, calculators_in_memory: int, now: float) -> str:
        """``"collect"``: unfreeze and collect everything; ``"freeze"``: collect the young
        generations and freeze the survivors (cheap)."""
        if not self.last_full:
            self.last_full = now - self.full_every_s / 2  # a first collection need not wait long
        waiting = max(0, calculators_in_memory - sessions_open)
        if waiting == 0:
            self.waiting_since = None
        elif self.waiting_since is None:
            self.waiting_since = now
        since_full = now - self.last_full
        due = (
            waiting > 0
            and since_full >= self.gap_per_session_s * sessions_open
            and (waiting >= self.waiting_share * sessions_open or now - (self.waiting_since or now) >= self.max_wait_s)
        ) or since_full >= self.full_every_s
        if due:
            self.last_full = now
            # Still waiting if a closing page's thread held a calculator for a moment: the
            # next step collects again (the share rule), so waiting_since stays as it is.
            return "collect"
        return "freeze"

    def step(self, sessions_open: int, calculators_in_memory: int, now: float | None = None) -> str:
        action = self.decide(sessions_open, calculators_in_memory, time.monotonic() if now is None else now)
        if action == "collect":
            gc.unfreeze()
            gc.collect()
        else:
            gc.collect(1)  # the young generations' garbage is not frozen with the survivors
        gc.freeze()
        return action
