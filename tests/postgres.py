"""A throw-away PostgreSQL server for the tests: Debian's binaries, a temporary cluster, a free port.

initdb refuses to run as root, so as root the cluster belongs to the ``postgres`` system user
(made by Debian's package) and runs as it; as anyone else it runs as that user. It listens on
127.0.0.1 only, trusts local connections (nobody else can reach it), and is stopped and deleted
when the session ends. Each test gets a database of its own with a unique name.
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


def _bindir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class PostgresServer:
    port: int
    user: str

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def create_database(self, prefix: str = "ukm") -> str:
        """A new empty database with a unique name; returns its SQLAlchemy URL."""
        import sqlalchemy as sa

        name = f"{prefix}_{secrets.token_hex(4)}"
        engine = sa.create_engine(self.url(), isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
        return self.url(name)


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    bindir = _bindir()
    assert bindir, "PostgreSQL server binaries missing: run `make system-deps` (Debian package postgresql)"
    as_root = os.geteuid() == 0
    owner = pwd.getpwnam("postgres") if as_root else pwd.getpwuid(os.geteuid())
    base = Path(tempfile.mkdtemp(prefix="ukm-pg-"))
    os.chmod(base, 0o755)
    data, sockets = base / "data", base / "run"
    sockets.mkdir()
    if as_root:
        os.chown(base, owner.pw_uid, owner.pw_gid)
        os.chown(sockets, owner.pw_uid, owner.pw_gid)
    run_kw: dict[str, Any] = {"user": owner.pw_uid, "group": owner.pw_gid, "extra_groups": []} if as_root else {}
    env = {"PATH": f"{bindir}:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(base)}

    def pg(*argv: str, timeout: int = 120) -> None:
        result = subprocess.run(
            [str(bindir / argv[0]), *argv[1:]],
            env=env,
            cwd=base,
            capture_output=True,
            text=True,
            timeout=timeout,
            **run_kw,
        )
        assert result.returncode == 0, f"{argv[0]} failed: {result.stderr[-2000:]}"

    port = _free_port()
    pg("initdb", "-D", str(data), "-U", owner.pw_name, "--auth=trust", "--encoding=UTF8", "--no-sync")
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=60"
    pg("pg_ctl", "-D", str(data), "-o", options, "-l", str(base / "server.log"), "-w", "-t", "60", "start")
    try:
        yield PostgresServer(port, owner.pw_name)
    finally:
        subprocess.run(
            [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            env=env,
            cwd=base,
            capture_output=True,
            timeout=60,
            **run_kw,
        )
        time.sleep(0.1)
        shutil.rmtree(base, ignore_errors=True)
