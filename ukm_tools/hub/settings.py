"""Every setting of the workshop server, declared once.

``ukm serve`` (and the tests) build a :class:`HubSettings`, hand it to the hub process as
``UKM_HUB_*`` environment variables (:meth:`HubSettings.to_env`), and
``deploy/jupyterhub_config.py`` reads it back with :meth:`HubSettings.from_env`; the hub
services read the same variables. Nothing else in the hub invents a path, a port or a limit.

The workshop folder (``ukm serve --dir``) holds, by default::

    WORKSHOP/course/     the nbgrader course (owned by the course user, mode 0700)
    WORKSHOP/exchange/   nbgrader's exchange (participants fetch and submit here)
    WORKSHOP/hub/        the hub's private state (mode 0700): hub database, cookie secret,
                         the account store with the hashed login codes, service tokens
    WORKSHOP/parameter/  each participant's exercise parameters (readable by that participant only)
    WORKSHOP/kartu/      login-card PDFs written by `ukm hub accounts`
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import BaseModel, ConfigDict, Field

#: Dates and times shown to staff and participants (UU 27/2022 aside, the workshop is in WIB).
WORKSHOP_TZ = ZoneInfo("Asia/Jakarta")

#: What the workshop server shows people (login page, cards, the projector's banner, staff pages)
#: is in Bahasa Indonesia, like the pages in deploy/templates; the `ukm` commands follow --lang.
HUB_LANG = "id"

REPO = Path(__file__).resolve().parents[2]
DEPLOY_DIR = REPO / "deploy"
HUB_CONFIG = DEPLOY_DIR / "jupyterhub_config.py"
#: configurable-http-proxy installed from npm by `make proxy` (pinned in the Makefile).
PROXY_BIN = Path(sys.prefix) / "node" / "node_modules" / ".bin" / "configurable-http-proxy"

#: How long a login code works when staff name no end (`ukm hub accounts --until`).
CODE_HOURS = 24

#: Hub group names; roles in deploy/jupyterhub_config.py are granted to these groups.
PARTICIPANTS = "participants"
STAFF = "staff"
ROLES = (PARTICIPANTS, STAFF)

#: Hub service names (their pages live under /services/<name>/).
FORMGRADER_SERVICE = "formgrader"
STAFF_SERVICE = "ukm-staf"
CULLER_SERVICE = "idle-culler"
#: The exercise portal (participants' phone forms) and grade-on-submit (issue 14).
PORTAL_SERVICE = "ukm-portal"
GRADER_SERVICE = "ukm-nilai-otomatis"

_ENV_PREFIX = "UKM_HUB_"


class HubSettings(BaseModel):
    """The workshop server's configuration (``UKM_HUB_<FIELD>`` in the environment)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    course_dir: Path
    """The nbgrader course folder (nbgrader_config.py, course.yml, gradebook)."""
    exchange_dir: Path
    """nbgrader's exchange; outside the course folder, which participants may not enter."""
    state_dir: Path
    """The hub's private files (root only, mode 0700)."""
    params_dir: Path
    """Each participant's exercise parameters (``<id>.json``, readable by that participant only)."""
    cards_dir: Path
    """Login-card PDFs (they hold live codes: printed, then deleted)."""
    home_base: Path = Path("/home")
    """Where participants' and staff's home folders are created."""
    ip: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    hub_port: int = Field(default=0, ge=0, le=65535)
    """The hub's internal API port, and below those of the proxy's API and the two staff
    services; all on 127.0.0.1, 0 = a free port chosen when the hub starts."""
    proxy_api_port: int = Field(default=0, ge=0, le=65535)
    formgrader_port: int = Field(default=0, ge=0, le=65535)
    staff_port: int = Field(default=0, ge=0, le=65535)
    portal_port: int = Field(default=0, ge=0, le=65535)
    landing_url: str = "/hub/home"
    """Where a participant lands after logging in (JupyterLab only when they ask for it)."""
    public_url: str = ""
    """The address printed on the cards and the projector, e.g. ``http://192.168.1.10:8000``
    (default: ``http(s)://ip:port``)."""
    course_user: str = "ukm-kursus"
    """System user that owns the course folder and runs the formgrader and staff services."""
    accounts_url: str = ""
    """SQLAlchemy URL of the account store (default: SQLite in the state folder)."""
    server_limit: int = Field(default=30, ge=0)
    """Most JupyterLab servers running at once (``active_server_limit``; 0 = no limit)."""
    cull_timeout_s: int = Field(default=1800, ge=10)
    """A JupyterLab server idle this long is stopped (its files stay)."""
    cull_every_s: int = Field(default=60, ge=1)
    activity_interval_s: int = Field(default=60, ge=1)
    """How often servers report activity and the hub polls the proxy (the culler's clock)."""
    failed_login_limit: int = Field(default=5, ge=1)
    """Wrong codes in a row before an account is locked for a while."""
    lockout_s: int = Field(default=60, ge=1)
    """First lock; each further lock doubles, up to ``lockout_max_s``."""
    lockout_max_s: int = Field(default=900, ge=1)
    auth_refresh_s: int = Field(default=300, ge=1)
    """How often the hub re-checks a session against the account store: a closed window or a
    removed account ends it (browser, JupyterLab and portal alike) within this many seconds."""
    ssl_cert: Path | None = None
    ssl_key: Path | None = None
    calculator_url: str = ""
    """Where participants reach the calculator server (``ukm apps``), e.g. ``http://192.168.1.10:8866``;
    empty: the exercise portal links no calculator."""
    calculator_dir: Path | None = None
    """The calculator server's working folder (``ukm apps --dir``): the portal hands each
    participant's case to it there (:mod:`ukm_tools.calcserver.handoff`); writable by ``course_user``."""
    python: Path = Path(sys.executable)
    """The venv whose ukm_tools, nbgrader and Jupyter the servers and services run."""

    @property
    def scheme(self) -> str:
        return "https" if self.ssl_cert else "http"

    @property
    def url(self) -> str:
        """The hub's address for people: the public URL, else scheme://ip:port/."""
        if self.public_url:
            return self.public_url.rstrip("/") + "/"
        host = "127.0.0.1" if self.ip in ("", "0.0.0.0") else self.ip
        return f"{self.scheme}://{host}:{self.port}/"

    @property
    def login_url(self) -> str:
        return self.url + "hub/login"

    @property
    def api_url(self) -> str:
        return self.url + "hub/api/"

    @property
    def accounts_db_url(self) -> str:
        return self.accounts_url or f"sqlite:///{self.state_dir / 'accounts.sqlite'}"

    @property
    def bindir(self) -> Path:
        return self.python.parent

    @classmethod
    def default(cls, name: str) -> Any:
        """A setting's declared default (for the options of `ukm serve` and the authenticator)."""
        return cls.model_fields[name].default

    @classmethod
    def for_workshop(cls, workshop_dir: Path, **overrides: Any) -> HubSettings:
        """The default layout under one workshop folder (see the module docstring)."""
        root = Path(workshop_dir).resolve()
        values: dict[str, Any] = {
            "course_dir": root / "course",
            "exchange_dir": root / "exchange",
            "state_dir": root / "hub",
            "params_dir": root / "parameter",
            "cards_dir": root / "kartu",
        }
        values.update(overrides)
        return cls(**values)

    def to_env(self) -> dict[str, str]:
        """``UKM_HUB_*`` variables that :meth:`from_env` reads back (unset optionals left out)."""
        env: dict[str, str] = {}
        for name, value in self.model_dump().items():
            if value is None:
                continue
            env[_ENV_PREFIX + name.upper()] = str(value)
        return env

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> HubSettings:
        env = os.environ if environ is None else environ
        values: dict[str, Any] = {}
        for name in cls.model_fields:
            key = _ENV_PREFIX + name.upper()
            if env.get(key, "") != "":
                values[name] = env[key]
        return cls(**values)
