"""One grading run per course and assignment at a time.

Two ``ukm grade`` runs of the same assignment would both grade everything (attempt counters and
statuses wrong); runs of different assignments do not block each other, so a long grader of
one assignment never holds up a staff regrade of another. The lock is an ``flock`` on a file
in the course folder: the kernel releases it when its holder dies, so the lock of a killed run
is stale by construction and the next run takes it over (and says so). The file records who
holds it and since when, for the message another run shows.
"""

from __future__ import annotations

import fcntl
import getpass
import json
import os
import re
import socket
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ukm_tools.dated import JAKARTA
from ukm_tools.errors import UkmError

LOCK_FOLDER = ".ukm-locks"


@dataclass(frozen=True)
class Holder:
    """Who holds (or held) a grading lock."""

    pid: int
    user: str
    host: str
    since: datetime
    command: str = ""

    def describe(self) -> str:
        return f"{self.user}@{self.host} PID {self.pid}" + (f" ({self.command})" if self.command else "")

    def since_local(self) -> str:
        return self.since.astimezone(JAKARTA).strftime("%d-%m-%Y %H:%M:%S")

    @classmethod
    def read(cls, text: str) -> Holder | None:
        try:
            data = json.loads(text)
            return cls(
                int(data["pid"]),
                str(data["user"]),
                str(data["host"]),
                datetime.fromisoformat(data["since"]),
                str(data.get("command", "")),
            )
        except (ValueError, KeyError, TypeError):
            return None


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name for this uid (containers)
        return f"uid {os.getuid()}"


def lock_path(course_dir: Path, assignment: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", assignment)
    return Path(course_dir) / LOCK_FOLDER / f"grade-{safe}.lock"


def _read(fd: int) -> Holder | None:
    os.lseek(fd, 0, os.SEEK_SET)
    return Holder.read(os.read(fd, 65536).decode("utf-8", errors="replace"))


@contextmanager
def assignment_lock(course_dir: Path, assignment: str) -> Iterator[Holder | None]:
    """Hold the grading lock of ``assignment`` in ``course_dir``; yields the stale holder taken over, if any.

    Raises:
        UkmError: ``grading_locked`` naming the live holder and since when.
    """
    path = lock_path(course_dir, assignment)
    path.parent.mkdir(mode=0o700, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o600)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read(fd)
            raise UkmError(
                "grading_locked",
                "assignment",
                assignment,
                holder=holder.describe() if holder else "?",
                since=holder.since_local() if holder else "?",
            ) from None
        stale = _read(fd)  # a holder recorded here whose lock was released: its run died
        me = Holder(os.getpid(), _user(), socket.gethostname(), datetime.now(UTC), " ".join(sys.argv)[:200])
        record = {
            "pid": me.pid,
            "user": me.user,
            "host": me.host,
            "since": me.since.isoformat(),
            "command": me.command,
        }
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        try:
            yield stale
        finally:
            os.ftruncate(fd, 0)  # released cleanly: nothing stale for the next run to report
    finally:
        os.close(fd)  # releases the flock
