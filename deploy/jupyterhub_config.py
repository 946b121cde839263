# JupyterHub configuration of the ukm-tools workshop server (JupyterHub 6.1.1, one machine).
#
# Started by `ukm serve` (or the hub tests) as root: `jupyterhub -f deploy/jupyterhub_config.py`.
# Every value comes from ukm_tools.hub.settings (UKM_HUB_* variables); nothing is decided here
# that the settings do not declare. Logic lives in ukm_tools.hub, this file only wires it.
#
#   participants  log in with the code on their card, land on the hub's home page (Bahasa
#                 Indonesia) and may start JupyterLab as their own system user
#   staff         the same login; the formgrader and the staff pages are services only the
#                 staff group may reach (checked on every request)
import os
import sys
from pathlib import Path

from ukm_tools.calcserver.config import ServerConfig
from ukm_tools.hub.isolation import course_id
from ukm_tools.hub.launch import CLI_SERVICE, CLI_TOKEN_FILE, free_port
from ukm_tools.hub.settings import (
    CULLER_SERVICE,
    FORMGRADER_SERVICE,
    GRADER_SERVICE,
    PARTICIPANTS,
    PORTAL_SERVICE,
    PROXY_BIN,
    STAFF,
    STAFF_SERVICE,
    HubSettings,
)
from ukm_tools.portal.calculators import HANDOFF_ENV
from ukm_tools.portal.calculators import URL_ENV as CALCULATOR_URL_ENV

c = get_config()  # noqa: F821 (provided by traitlets)
s = HubSettings.from_env()
HERE = Path(__file__).resolve().parent
state = s.state_dir
bindir = s.bindir
course = s.course_dir.resolve()

# --- Network: people reach the proxy; everything else stays on 127.0.0.1 -----------------------
c.JupyterHub.ip = s.ip
c.JupyterHub.port = s.port
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = s.hub_port or free_port()
c.ConfigurableHTTPProxy.command = [str(PROXY_BIN)]
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{s.proxy_api_port or free_port()}"
c.ConfigurableHTTPProxy.pid_file = str(state / "proxy.pid")
if s.ssl_cert:
    # A certificate the staff provide (README: plain HTTP on a shared Wi-Fi shows codes to anyone listening).
    c.JupyterHub.ssl_cert = str(s.ssl_cert)
    c.JupyterHub.ssl_key = str(s.ssl_key)

# --- The hub's own state: root only ---------------------------------------------------------
c.JupyterHub.db_url = f"sqlite:///{state / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(state / "jupyterhub_cookie_secret")
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every JupyterLab server
c.JupyterHub.default_url = s.landing_url

# --- Pages in Bahasa Indonesia, 360 px wide ---------------------------------------------------
c.JupyterHub.template_paths = [str(HERE / "templates")]
c.JupyterHub.template_vars = {"server_limit": s.server_limit, "hub_url": s.url}

# --- Login: the code on the card ----------------------------------------------------------------
c.JupyterHub.authenticator_class = "ukm_tools.hub.auth.CardAuthenticator"
c.CardAuthenticator.accounts_url = s.accounts_db_url
c.CardAuthenticator.failed_login_limit = s.failed_login_limit
c.CardAuthenticator.lockout_seconds = s.lockout_s
c.CardAuthenticator.lockout_max_seconds = s.lockout_max_s
c.Authenticator.manage_groups = True  # the account store says who is staff
c.Authenticator.auth_refresh_age = s.auth_refresh_s  # a closed window ends sessions within this time
# Token sessions too (the portal's and JupyterLab's OAuth tokens, a personal API token): JupyterHub 6.1
# otherwise keeps a token working after refresh_user has said no, until the next browser request.
c.Authenticator.auth_refresh_strict = True

# --- JupyterLab servers: each participant as their own system user ------------------------------
c.JupyterHub.spawner_class = "localprocess"
c.Spawner.cmd = [str(bindir / "jupyterhub-singleuser")]
c.Spawner.notebook_dir = "~"
c.Spawner.default_url = "/lab"
# Stop at the hub's first SIGINT instead of asking "Shut down this Jupyter server (y/[n])?" to nobody.
c.Spawner.args = ["--ServerApp.answer_yes=True"]
c.Spawner.disable_user_config = True
c.Spawner.start_timeout = 90
c.Spawner.http_timeout = 90
c.Spawner.environment = {
    "JUPYTER_CONFIG_PATH": str(HERE / "participant"),
    "UKM_EXCHANGE": str(s.exchange_dir.resolve()),
    "UKM_COURSE_ID": course_id(course),
    "UKM_PARAMS_FILE": lambda spawner: str(s.params_dir / f"{spawner.user.name}.json"),
    "JUPYTERHUB_ACTIVITY_INTERVAL": str(s.activity_interval_s),
    "NBFORMAT_VALIDATOR": "fastjsonschema",
    "PATH": os.pathsep.join([str(bindir), "/usr/local/bin", "/usr/bin", "/bin"]),
}
# 200 servers do not fit on one machine: the phone path is the portal, JupyterLab is for a few.
c.JupyterHub.active_server_limit = s.server_limit
c.JupyterHub.last_activity_interval = s.activity_interval_s

# --- Services: formgrader and staff pages (as the course user), the idle culler -----------------
course_env = {
    "UKM_HUB_COURSE_DIR": str(course),
    "PATH": os.pathsep.join([str(bindir), "/usr/local/bin", "/usr/bin", "/bin"]),
    "NBFORMAT_VALIDATOR": "fastjsonschema",
}
for key in ("UKM_DB_URL", "UKM_LANG"):
    if os.environ.get(key):
        course_env[key] = os.environ[key]
# The portal links answers to the calculator server, handing it each participant's case (issue 14).
portal_env = dict(course_env)
if s.calculator_url and s.calculator_dir:
    portal_env[CALCULATOR_URL_ENV] = s.calculator_url
    portal_env[HANDOFF_ENV] = str(ServerConfig(folder=s.calculator_dir).handoff_root)
c.JupyterHub.services = [
    {
        # nbgrader's formgrader in a Jupyter server of its own, in the course folder (nbgrader's
        # documented shared-formgrader set-up); its terminal runs `ukm` commands as the course user.
        "name": FORMGRADER_SERVICE,
        "url": f"http://127.0.0.1:{s.formgrader_port or free_port()}",
        "command": [
            str(bindir / "jupyterhub-singleuser"),
            f"--ServerApp.root_dir={course}",
            "--ServerApp.answer_yes=True",
        ],
        "user": s.course_user,
        "cwd": str(course),
        "environment": {**course_env, "JUPYTERHUB_DEFAULT_URL": "/formgrader"},
        "oauth_no_confirm": True,
    },
    {
        "name": STAFF_SERVICE,
        "url": f"http://127.0.0.1:{s.staff_port or free_port()}",
        "command": [str(s.python), "-m", "ukm_tools.hub.staff"],
        "user": s.course_user,
        "cwd": str(course),
        "environment": course_env,
        "oauth_no_confirm": True,
    },
    {
        # The exercise portal: participants' exercises as phone forms, with hub OAuth (issue 14).
        "name": PORTAL_SERVICE,
        "url": f"http://127.0.0.1:{s.portal_port or free_port()}",
        "command": [str(s.python), "-m", "ukm_tools.portal.app"],
        "user": s.course_user,
        "cwd": str(course),
        "environment": portal_env,
        "oauth_no_confirm": True,
    },
    {
        # Grade-on-submit: grades each new submission in the sandbox and releases its result (no URL).
        "name": GRADER_SERVICE,
        "command": [str(s.python), "-m", "ukm_tools.course.grading.on_submit"],
        "user": s.course_user,
        "cwd": str(course),
        "environment": course_env,
    },
    {
        "name": CULLER_SERVICE,
        "command": [
            sys.executable,
            "-m",
            "jupyterhub_idle_culler",
            f"--timeout={s.cull_timeout_s}",
            f"--cull-every={s.cull_every_s}",
        ],
    },
]

# --- Who may do what ------------------------------------------------------------------------
c.JupyterHub.load_roles = [
    {
        "name": "ukm-staff",
        "description": "Workshop staff: the formgrader and the staff pages",
        "groups": [STAFF],
        "scopes": [
            "self",
            f"access:services!service={FORMGRADER_SERVICE}",
            f"access:services!service={STAFF_SERVICE}",
        ],
    },
    {
        "name": "ukm-participant",
        "description": "Participants: their own server and the exercise portal",
        "groups": [PARTICIPANTS],
        "scopes": ["self", f"access:services!service={PORTAL_SERVICE}"],
    },
    {
        "name": "ukm-idle-culler",
        "description": "Stop idle JupyterLab servers",
        "services": [CULLER_SERVICE],
        "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"],
    },
]

# `ukm` commands (and the tests) drive the running hub through this service's token, kept in the
# root-only state folder (ukm_tools.hub.launch.cli_token).
if (state / CLI_TOKEN_FILE).is_file():
    c.JupyterHub.services.append({"name": CLI_SERVICE, "api_token": (state / CLI_TOKEN_FILE).read_text().strip()})
    c.JupyterHub.load_roles.append(
        {
            "name": "ukm-cli",
            "description": "The ukm command on this machine",
            "services": [CLI_SERVICE],
            "scopes": ["admin:users", "admin:servers", "tokens", "list:users", "read:users", "read:groups"],
        }
    )
