"""``ukm serve``: prepare the machine, start JupyterHub, show where to find it.

- :func:`free_port` and :func:`lan_address` pick where things listen;
- :func:`hub_command` is the exact process the hub runs as (also used by the tests, so they
  run the configuration `ukm serve` runs);
- :func:`banner` is what the projector shows: the URL and a QR code of it;
- :func:`wait_until_up` polls the hub's API until it answers;
- :func:`end_sessions` logs one user out everywhere (`ukm hub reset-code`).
"""

from __future__ import annotations

import io
import os
import secrets
import socket
import time
from pathlib import Path
from urllib.parse import quote

from ukm_tools.errors import UkmError
from ukm_tools.hub.settings import HUB_CONFIG, HUB_LANG, PROXY_BIN, HubSettings
from ukm_tools.messages import section

T = section("hub.launch")

CLI_SERVICE = "ukm-cli"
CLI_TOKEN_FILE = "ukm-cli.token"


def free_port(host: str = "127.0.0.1") -> int:
    """A TCP port nobody listens on right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((host, 0))
        return s.getsockname()[1]


def lan_address() -> str:
    """The address of the interface that carries the default route (the Wi-Fi router's network).

    Connecting a UDP socket sends nothing; it only asks the kernel which source address it
    would use. Raises ``hub_no_lan`` when that is the loopback or there is no route.
    """
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.connect(("192.0.2.1", 9))  # TEST-NET-1: never routed, never contacted
            address = s.getsockname()[0]
        except OSError:
            address = ""
    if not address or address.startswith("127.") or address == "0.0.0.0":
        raise UkmError("hub_no_lan", "lan")
    return address


def qr_text(url: str) -> str:
    """A QR code of ``url`` drawn with block characters, for a terminal on the projector."""
    import qrcode

    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(url)
    qr.make(fit=True)
    out = io.StringIO()
    qr.print_ascii(out=out, invert=True)
    return out.getvalue()


def banner(settings: HubSettings) -> str:
    """What `ukm serve` prints once the hub answers: the address for people, as text and QR."""
    lines = [T("banner_address", HUB_LANG, url=settings.url), T("banner_how", HUB_LANG), qr_text(settings.url)]
    if settings.scheme == "http" and not settings.ip.startswith("127."):
        lines.append(T("banner_plain_http", HUB_LANG))
    return "\n".join(lines)


def cli_token(settings: HubSettings) -> str:
    """The API token of the ``ukm-cli`` service (root-only file in the state folder), made once."""
    path = settings.state_dir / CLI_TOKEN_FILE
    if not path.is_file():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32))
    return path.read_text().strip()


def end_sessions(settings: HubSettings, username: str) -> bool:
    """Log ``username`` out everywhere on the hub running at ``settings.url``; False when none answers.

    JupyterHub's login cookie is one value per user, not per browser, and a new code does not
    change it: whoever logged in with a lost card would stay in. Deleting the hub's record of the
    user (through the ``ukm-cli`` service) ends every cookie and token and stops the server; the
    files, the system user and the account with its new code stay, and the next login makes a
    fresh record.
    """
    import httpx

    token_file = settings.state_dir / CLI_TOKEN_FILE
    if not token_file.is_file():
        return False
    url = settings.api_url + "users/" + quote(username, safe="")
    headers = {"Authorization": f"token {token_file.read_text().strip()}"}
    try:
        answer = httpx.delete(url, headers=headers, timeout=120, verify=False)
    except httpx.HTTPError:
        return False
    return answer.status_code in (204, 404)  # 404: the hub never saw this user, so no session to end


def check_can_start(settings: HubSettings) -> None:
    from ukm_tools.hub.isolation import paths_servers_need, unreachable_for_others

    if not PROXY_BIN.exists():
        raise UkmError("hub_no_proxy", "proxy", str(PROXY_BIN))
    if bool(settings.ssl_cert) != bool(settings.ssl_key):
        raise UkmError("hub_tls_pair", "ssl")
    blocked = unreachable_for_others(*paths_servers_need(settings))
    if blocked:
        raise UkmError("hub_unreachable_venv", "python", str(settings.python), [str(b) for b in blocked])


def hub_command(settings: HubSettings) -> tuple[list[str], dict[str, str], Path]:
    """argv, environment and working folder of the hub process."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("UKM_HUB_") and not k.startswith("JUPYTERHUB_")}
    env.update(settings.to_env())
    env["PATH"] = os.pathsep.join([str(settings.bindir), env.get("PATH", "/usr/bin:/bin")])
    argv = [str(settings.bindir / "jupyterhub"), "-f", str(HUB_CONFIG)]
    return argv, env, settings.state_dir


def process_tree(pid: int) -> list[int]:
    """``pid`` and every process below it, from /proc (the hub's proxy, services and servers)."""
    if pid <= 1:  # never the whole machine
        return []
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        children.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def stop_hub(proc, timeout_s: float = 60) -> None:
    """SIGTERM the hub and wait; then end whatever it started and left behind.

    JupyterHub stops its proxy, services and servers on SIGTERM, except when the signal comes
    before its handlers are installed (while starting): then they would outlive it.
    """
    import signal
    import subprocess

    descendants = [p for p in process_tree(proc.pid) if p != proc.pid]
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout_s)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(10)
    for pid in descendants + [p for d in descendants for p in process_tree(d)]:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass


def wait_until_up(settings: HubSettings, timeout_s: float = 60, log: Path | None = None, proc=None) -> None:
    """Poll ``/hub/api/`` through the proxy until it answers (or the process died / time ran out)."""
    import httpx

    deadline = time.monotonic() + timeout_s
    url = settings.api_url
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            break
        try:
            if httpx.get(url, timeout=2, verify=False).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise UkmError("hub_did_not_start", "hub", int(timeout_s), str(log or "-"))
