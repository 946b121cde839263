"""The calculator server's settings, declared once: what ``ukm apps`` passes to the server.

Data files (case, fee schedule, requirements) and ages reach the calculators through the
same ``UKM_*`` environment variables a notebook uses (``apply_to_environment``), so a
calculator behaves the same on the server, in Voila and in a notebook.
"""

from __future__ import annotations

import os
from collections.abc import MutableMapping
from dataclasses import dataclass
from pathlib import Path

from ukm_tools.fx import DEFAULT_MAX_RATE_AGE_DAYS
from ukm_tools.payments import DEFAULT_MAX_FEE_AGE_DAYS

DEFAULT_PORT = 8866
DEFAULT_HOST = "127.0.0.1"
# A phone that sleeps drops its connection; within this time it comes back to its page as left.
DEFAULT_CULL_AFTER_S = 10 * 60
# A page left open but untouched this long (a forgotten tab) is closed to free its memory.
DEFAULT_IDLE_AFTER_S = 90 * 60
# Above this a websocket message is refused at the transport (an upload larger than any case file).
MAX_MESSAGE_BYTES = 4 * 1024 * 1024


@dataclass(frozen=True)
class ServerConfig:
    folder: Path  # working folder; saved cases go to folder/kasus-tersimpan/<identity>/
    host: str = DEFAULT_HOST
    port: int = DEFAULT_PORT
    case: Path | None = None
    fees: Path | None = None
    requirements: Path | None = None
    max_rate_age_days: int = DEFAULT_MAX_RATE_AGE_DAYS
    max_fee_age_days: int = DEFAULT_MAX_FEE_AGE_DAYS
    lang: str = "id"
    cull_after_s: float = DEFAULT_CULL_AFTER_S
    idle_after_s: float = DEFAULT_IDLE_AFTER_S

    @property
    def save_root(self) -> Path:
        return self.folder / "kasus-tersimpan"

    @property
    def handoff_root(self) -> Path:
        """Cases the exercise portal hands to a page (:mod:`ukm_tools.calcserver.handoff`)."""
        return self.folder / "kasus-latihan"

    def apply_to_environment(self, env: MutableMapping[str, str] | None = None) -> MutableMapping[str, str]:
        """Set the ``UKM_*`` variables the calculators read (``os.environ`` unless ``env`` given)."""
        env = os.environ if env is None else env
        for name, path in (("UKM_CASE", self.case), ("UKM_FEES", self.fees), ("UKM_REQUIREMENTS", self.requirements)):
            if path is not None:
                env[name] = str(Path(path).resolve())
            else:
                env.pop(name, None)
        env["UKM_SAVE_DIR"] = str(self.save_root.resolve())
        env["UKM_MAX_RATE_AGE_DAYS"] = str(self.max_rate_age_days)
        env["UKM_MAX_FEE_AGE_DAYS"] = str(self.max_fee_age_days)
        env["UKM_LANG"] = self.lang
        return env
