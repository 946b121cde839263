"""One real JupyterHub for the whole session, started exactly as `ukm serve` starts it.

The hub runs deploy/jupyterhub_config.py on 127.0.0.1 (free ports) with configurable-http-proxy
from `make proxy`, a fresh course with harga-incoterms released, two participants and one staff
member made by the same code as `ukm hub accounts` (system users with unique names, removed at
the end with their homes), the formgrader and staff services, the exercise portal,
grade-on-submit and the idle culler. Needs root,
as the hub does to start servers as other users; CI runs as root.

Settings that differ from a workshop, so the suite stays short: at most one JupyterLab server
at a time (the limit is tested with the second participant), locks of 3-6 s after 3 wrong
codes, idle servers culled after 30 s, activity reported every 5 s, sessions re-checked every 2 s.
"""

from __future__ import annotations

import os
import secrets
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import httpx
import pytest

from ukm_tools.course import ops
from ukm_tools.course.participants import store_participants
from ukm_tools.course.roster import Participant
from ukm_tools.hub import isolation, launch, provision, sysusers
from ukm_tools.hub.accounts import Window, now_utc
from ukm_tools.hub.settings import PROXY_BIN, HubSettings

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ASSIGNMENT = "harga-incoterms"
CHROMIUM = "/usr/bin/chromium"
CALC_URL = "http://127.0.0.1:8866"


@dataclass
class Hub:
    settings: HubSettings
    base: Path
    codes: dict[str, str]
    names: dict[str, str]
    cards: Path
    course_id: str
    token: str
    log: Path
    users: dict[str, sysusers.SystemUser] = field(default_factory=dict)
    pid: int = 0
    """The hub process (its proxy and services run below it)."""

    @property
    def ani(self) -> str:
        return self.names["ani"]

    @property
    def budi(self) -> str:
        return self.names["budi"]

    @property
    def staf(self) -> str:
        return self.names["staf"]

    def api(self) -> httpx.Client:
        """The hub's REST API with the ukm-cli service token (admin of users and servers)."""
        return httpx.Client(
            base_url=self.settings.url + "hub/api/", headers={"Authorization": f"token {self.token}"}, timeout=30
        )

    def ensure_known(self, username: str) -> None:
        """The hub knows people from their first login: log in once if it does not know them yet."""
        with self.api() as api:
            if api.get(f"users/{username}").status_code == 404:
                with self.browser_session(username):
                    pass

    def user_token(self, username: str, note: str = "test") -> str:
        self.ensure_known(username)
        with self.api() as api:
            r = api.post(f"users/{username}/tokens", json={"note": note, "expires_in": 3600})
            r.raise_for_status()
            return r.json()["token"]

    @contextmanager
    def browser_session(self, username: str) -> Iterator[httpx.Client]:
        """An httpx client logged in through the login form, as a browser would be."""
        with httpx.Client(base_url=self.settings.url, timeout=30) as client:
            r = login(client, username, self.codes[username])
            assert r.status_code == 302 and r.headers["location"].endswith("/hub/home"), r.text[-500:]
            yield client

    def server_ready(self, username: str) -> bool:
        with self.api() as api:
            r = api.get(f"users/{username}")
            server = r.json().get("servers", {}).get("") if r.status_code == 200 else None
        return bool(server and server.get("ready"))

    def ensure_server(self, username: str, timeout_s: float = 90) -> None:
        """Start the user's JupyterLab server (as their system user) unless it runs; wait until ready."""
        self.ensure_known(username)
        with self.api() as api:
            if not self.server_ready(username):
                r = api.post(f"users/{username}/server")
                assert r.status_code in (201, 202, 400), r.text
            deadline = time.monotonic() + timeout_s
            while not self.server_ready(username):
                assert time.monotonic() < deadline, f"server of {username} not ready: {self.log.read_text()[-3000:]}"
                time.sleep(0.5)

    def stop_server(self, username: str) -> None:
        with self.api() as api:
            api.delete(f"users/{username}/server")
            deadline = time.monotonic() + 60
            while api.get(f"users/{username}").json().get("servers"):
                assert time.monotonic() < deadline
                time.sleep(0.5)


def login(client: httpx.Client, username: str, code: str) -> httpx.Response:
    """Post the login form the way the page does (xsrf cookie and field from the form)."""
    page = client.get("hub/login", params={"username": username})
    assert page.status_code == 200
    xsrf = client.cookies.get("_xsrf", path="/hub/") or client.cookies.get("_xsrf")
    return client.post(
        "hub/login", data={"username": username, "password": code, "_xsrf": xsrf}, follow_redirects=False
    )


def run_as(user: sysusers.SystemUser, code: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run Python ``code`` as ``user`` (no supplementary groups), as their server or terminal would."""
    return subprocess.run(
        ["/usr/bin/python3", "-c", code],
        user=user.uid,
        group=user.gid,
        extra_groups=[],
        env={"HOME": str(user.home), "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"},
        cwd=cwd or user.home,
        capture_output=True,
        text=True,
        timeout=30,
    )


def ukm(settings: HubSettings, *args: str, timeout: int = 180) -> subprocess.CompletedProcess:
    """The ``ukm`` command as staff run it on the server: as root, which continues as the course's
    owner for course commands. A non-zero exit fails the test with the command's stderr."""
    result = subprocess.run([str(settings.bindir / "ukm"), *args], capture_output=True, text=True, timeout=timeout)
    assert result.returncode == 0, result.stderr
    return result


def _user(name: str) -> sysusers.SystemUser:
    user = sysusers.lookup(name)
    assert user is not None, f"system user {name} was not created"
    return user


def _open_for_others(paths: list[Path]) -> dict[Path, int]:
    """Give o+x to folders on the way to ``paths`` that lack it (a pyenv or a CI checkout under
    /root); returns their old modes, restored at the end."""
    modes = {}
    for folder in isolation.unreachable_for_others(*paths):
        modes[folder] = os.stat(folder).st_mode & 0o7777
        os.chmod(folder, modes[folder] | 0o001)
    return modes


@pytest.fixture(scope="session")
def hub():
    if os.geteuid() != 0:
        pytest.skip("the workshop server needs root (system users per participant); CI runs as root")
    with running_hub() as started:
        yield started


@contextmanager
def running_hub(extra_participants: int = 0, **overrides) -> Iterator[Hub]:
    """A hub as the fixture describes, with ``extra_participants`` more participants (``p001``...
    in ``Hub.names``) and ``overrides`` of its settings (the load benchmark uses both)."""
    assert PROXY_BIN.exists(), f"configurable-http-proxy missing at {PROXY_BIN}: run `make proxy`"
    base = Path(tempfile.mkdtemp(prefix="ukm-hub-test-"))
    os.chmod(base, 0o755)
    tag = secrets.token_hex(3)
    keys = ["ani", "budi", "staf", *(f"p{i:03d}" for i in range(1, extra_participants + 1))]
    names = {key: f"t{tag}-{key}" for key in keys}
    options = {
        "home_base": base / "home",
        "course_user": f"t{tag}-kursus",
        "port": launch.free_port(),
        "server_limit": 1,
        "cull_timeout_s": 30,
        "cull_every_s": 5,
        "activity_interval_s": 5,
        "failed_login_limit": 3,
        "lockout_s": 3,
        "lockout_max_s": 6,
        "auth_refresh_s": 2,
        # The portal links the calculator server (not started here: tests/calcserver opens the links).
        "calculator_url": CALC_URL,
        "calculator_dir": base / "ukm-apps",
        **overrides,
    }
    settings = HubSettings.for_workshop(base, **options)
    opened: dict[Path, int] = {}
    created: list[str] = []
    proc = None
    log = base / "jupyterhub.log"
    t0 = time.monotonic()

    def mark(what: str) -> None:
        print(f"hub fixture: {what} at {time.monotonic() - t0:.1f} s")

    try:
        course = ops.init_course(settings.course_dir)
        people = [Participant(names["ani"], "Ani Lestari"), Participant(names["budi"], "Budi Santoso")]
        people += [Participant(names[k], f"Peserta {k}") for k in keys[3:]]
        store_participants(ops.db_url(course), people)
        mark("gradebook with the roster")
        created.append(settings.course_user)
        isolation.prepare_course(settings)
        opened = _open_for_others(isolation.paths_servers_need(settings))
        ukm(settings, "release", ASSIGNMENT, "--course", str(course))
        mark("released")
        created += list(names.values())
        window = Window(now_utc() - timedelta(hours=1), now_utc() + timedelta(hours=8))
        result = provision.create_accounts(
            settings,
            people,
            [provision.StaffMember(names["staf"], "Staf Dinas")],
            window=window,
            cards_path=base / "kartu" / "kartu.pdf",
        )
        codes = {card.issued.username: card.issued.code for card in result.issued}
        mark("accounts")
        token = launch.cli_token(settings)
        argv, env, cwd = launch.hub_command(settings)
        with log.open("wb") as out:
            proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        launch.wait_until_up(settings, 90, log, proc)
        mark("hub up")
        users = {key: _user(name) for key, name in [*names.items(), ("kursus", settings.course_user)]}
        assert result.cards is not None
        yield Hub(settings, base, codes, names, result.cards, isolation.course_id(course), token, log, users, proc.pid)
    finally:
        if proc is not None:
            launch.stop_hub(proc)
        if log.exists():
            ARTIFACTS.mkdir(exist_ok=True)
            shutil.copy(log, ARTIFACTS / f"hub-jupyterhub-{base.name}.log")  # one per hub started
        for name in created:
            try:
                sysusers.remove_user(name)
            except Exception as e:  # keep cleaning up the others
                print(f"could not remove system user {name}: {e}")
        for folder, mode in opened.items():
            os.chmod(folder, mode)
        shutil.rmtree(base, ignore_errors=True)


@dataclass(frozen=True)
class Submitted:
    inbound: Path
    fetched: Path


@pytest.fixture(scope="session")
def ani_submitted(hub) -> Submitted:
    """Ani's JupyterLab server (started by the hub as her system user) fetches harga-incoterms and
    submits it through nbgrader's assignment list, as the buttons in her JupyterLab do; she also
    leaves a note in her home."""
    hub.ensure_server(hub.ani)
    token = hub.user_token(hub.ani, note="jupyterlab")
    server = f"{hub.settings.url}user/{hub.ani}/"
    form = {"course_id": hub.course_id, "assignment_id": ASSIGNMENT}
    with httpx.Client(base_url=server, headers={"Authorization": f"token {token}"}, timeout=120) as lab:
        listed = lab.get("assignments", params={"course_id": hub.course_id}).json()
        assert listed["success"] and [a["assignment_id"] for a in listed["value"]] == [ASSIGNMENT], listed
        fetched = lab.post("assignments/fetch", data=form).json()
        assert fetched["success"], fetched
        note = lab.put("api/contents/catatan.txt", json={"type": "file", "format": "text", "content": "rahasia Ani"})
        assert note.status_code in (200, 201), note.text
        submitted = lab.post("assignments/submit", data=form).json()
        assert submitted["success"], submitted
    inbound = hub.settings.exchange_dir / hub.course_id / "inbound"
    mine = [p for p in inbound.iterdir() if p.name.startswith(hub.ani + "+")]
    assert len(mine) == 1, mine
    return Submitted(mine[0], hub.users["ani"].home / hub.course_id / ASSIGNMENT)
