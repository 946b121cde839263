"""Start `ukm apps` in a subprocess on 127.0.0.1 and a free port; wait (bounded) until it answers."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

READY_TIMEOUT_S = 120


def _die_with_parent() -> None:
    """In the child: get SIGTERM when the test or benchmark process dies, however it dies."""
    import ctypes

    PR_SET_PDEATHSIG = 1
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def get(url: str, timeout: float = 30) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as r:
        return r.read().decode("utf-8")


def status(base: str) -> dict:
    return json.loads(get(f"{base}/status"))


@contextlib.contextmanager
def running_server(
    folder: Path, *args: str, env: dict[str, str] | None = None
) -> Iterator[tuple[str, Path, subprocess.Popen]]:
    """``ukm apps --dir folder --port <free> *args``; yields (base URL, log file, process)."""
    port = free_port()
    folder.mkdir(parents=True, exist_ok=True)
    log_path = folder / "server.log"
    log = open(log_path, "wb")
    environment = dict(os.environ if env is None else env)
    environment.pop("UKM_CASE", None)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from ukm_tools.cli import main; main()",
            "apps",
            "--dir",
            str(folder),
            "--port",
            str(port),
            *args,
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        env=environment,
        cwd=folder,
        preexec_fn=_die_with_parent,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + READY_TIMEOUT_S
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"ukm apps exited with {proc.returncode}: {log_path.read_text()[-3000:]}")
            try:
                get(base + "/", timeout=2)
                break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"ukm apps not ready after {READY_TIMEOUT_S} s: {log_path.read_text()[-3000:]}")
            time.sleep(0.3)
        yield base, log_path, proc
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        log.close()
