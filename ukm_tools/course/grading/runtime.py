"""The engine's private runtime folders (kernelspecs, staging copies of submissions, kernel sockets).

One folder per run, ``<tmp>/ukm-grade-<pid>-<random>``, mode 700 while it exists, removed at
the end of the run. A run killed with SIGKILL cannot remove it, and it holds copies of
participants' notebooks, so every run first removes the folders of earlier runs whose process
is dead — and only those: other grading runs may be working on the same machine.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
from pathlib import Path

import psutil

PREFIX = "ukm-grade-"
OWNER_FILE = "owner.json"
_NAME = re.compile(rf"^{re.escape(PREFIX)}(\d+)-[A-Za-z0-9_]+$")


def runtime_base() -> Path:
    """Where runtime folders go: the temp folder, or /tmp when its path would make ipc socket
    paths longer than the 107-byte AF_UNIX limit."""
    base = tempfile.gettempdir()
    return Path(base if len(base) <= 40 else "/tmp")


def _started(pid: int) -> float | None:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return None


def _owner_alive(folder: Path, pid: int) -> bool:
    started = _started(pid)
    if started is None:
        return False
    try:
        fd = os.open(folder / OWNER_FILE, os.O_RDONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        with os.fdopen(fd) as fh:
            recorded = float(json.load(fh)["started"])
    except (OSError, ValueError, KeyError, TypeError):
        return True  # being created right now by a live process: not ours to judge
    return abs(recorded - started) < 1.0  # else the pid was reused by another process


def clean_stale(base: Path | None = None) -> list[Path]:
    """Remove runtime folders of dead runs owned by this user; returns what was removed."""
    base = base or runtime_base()
    removed: list[Path] = []
    try:
        entries = list(os.scandir(base))
    except OSError:
        return removed
    for entry in entries:
        m = _NAME.match(entry.name)
        if not m:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
        except OSError:
            continue
        if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.getuid():
            continue
        folder = Path(entry.path)
        if _owner_alive(folder, int(m.group(1))):
            continue
        shutil.rmtree(folder, ignore_errors=True)
        removed.append(folder)
    return removed


def new_runtime_root() -> Path:
    """A fresh private runtime folder for this run, after removing the dead runs' folders."""
    base = runtime_base()
    clean_stale(base)
    root = Path(tempfile.mkdtemp(prefix=f"{PREFIX}{os.getpid()}-", dir=base))  # mode 700
    started = _started(os.getpid())
    fd = os.open(root / OWNER_FILE, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    with os.fdopen(fd, "w") as fh:
        json.dump({"pid": os.getpid(), "started": started}, fh)
    return root


def remove(root: Path) -> None:
    shutil.rmtree(root, ignore_errors=True)
