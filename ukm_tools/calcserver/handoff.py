"""Handing a case to a calculator page: how the exercise portal opens a calculator pre-filled.

The portal (another server, another origin) cannot write into a browser's case store: it does
not know the browser's identity cookie, and must not put the participant's figures or identity
in a URL (UU 27/2022: a link ends up in browser history, screenshots, a chat). So it leaves the
case file in this server's hand-over folder under a random token and links the page with only
that token (``/kalkulator/<page>?kasus=<token>``):

* the token is 256 random bits; the file is named by a hash of it, so listing the folder (or a
  backup of it) gives no working link;
* the first browser that opens the link **claims** it (an atomic rename that adds its identity
  key to the name); afterwards the link opens the case for that browser only, so a reload works
  but a copied link opens nothing elsewhere;
* a hand-over lasts :data:`TTL_S` from when the portal wrote it; older files are removed when the
  portal writes the next one;
* a file is read as hostile input: a regular file only (never through a symlink), bounded size;
* a link that opens nothing (expired, claimed by another browser, unreadable) opens the course's
  case, and the page says so (:attr:`Handover.refused`): the participant must not mistake the
  course's figures for their own.

Written by :mod:`ukm_tools.portal.calculators`; claimed by the calculator pages
(:mod:`ukm_tools.calcserver.pages`).
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import secrets
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: How long a link from the portal opens its case: a workshop session, not the whole day.
TTL_S = 3 * 3600
#: The query parameter of the link.
PARAM = "kasus"
#: A case file is a few kB; anything larger was not written by the portal.
MAX_BYTES = 256 * 1024
_TOKEN = re.compile(r"^[A-Za-z0-9_-]{43}$")
_KEY = re.compile(r"^[0-9a-f]{32}$")


def _key(token: str) -> str:
    return hashlib.sha256(("ukm-handoff:" + token).encode("ascii")).hexdigest()[:32]


class HandoffBox:
    """The hand-over folder (``ServerConfig.handoff_root``): the portal puts, a page takes."""

    def __init__(self, folder: str | Path, ttl_s: float = TTL_S) -> None:
        self.folder = Path(folder)
        self.ttl_s = ttl_s

    def put(self, text: str, now: float | None = None) -> str:
        """Leave a case file's ``text``; returns the token for the link."""
        now = time.time() if now is None else now
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        self.sweep(now)
        token = secrets.token_urlsafe(32)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".tmp-")
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                out.write(text)
            os.utime(tmp, (now, now))
            os.replace(tmp, self.folder / f"{_key(token)}.yaml")
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return token

    def take(self, token: str | None, identity_key: str, now: float | None = None) -> str | None:
        """The case text behind ``token`` for the browser ``identity_key``: claimed by the first
        browser that asks, then for that browser only, until it expires. None otherwise."""
        if not token or not _TOKEN.match(token) or not _KEY.match(identity_key):
            return None
        now = time.time() if now is None else now
        key = _key(token)
        claimed = self.folder / f"{key}.{identity_key}.open"
        try:
            os.rename(self.folder / f"{key}.yaml", claimed)  # atomic: one browser wins
        except FileNotFoundError:
            pass  # already claimed (by this browser or another), expired, or never written
        except OSError:
            return None
        return self._read(claimed, now)

    def _read(self, path: Path, now: float) -> str | None:
        try:
            fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
        except OSError:
            return None
        with os.fdopen(fd, "rb") as f:
            info = os.fstat(f.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES or now - info.st_mtime > self.ttl_s:
                return None
            data = f.read(MAX_BYTES + 1)
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            return None

    def sweep(self, now: float | None = None) -> int:
        """Remove hand-overs older than the TTL (claimed or not); returns how many."""
        now = time.time() if now is None else now
        removed = 0
        try:
            entries = list(os.scandir(self.folder))
        except FileNotFoundError:
            return 0
        for entry in entries:
            try:
                info = entry.stat(follow_symlinks=False)
            except OSError:
                continue
            if now - info.st_mtime > self.ttl_s or entry.name.startswith(".tmp-") and now - info.st_mtime > 60:
                try:
                    os.unlink(entry.path)
                    removed += 1
                except OSError:
                    pass
        return removed


@dataclass(frozen=True)
class Handover:
    """What a page's link hands over: the case and the calculators' extras, or nothing."""

    case: tuple[Any, dict[str, Any]] | None = None
    #: the link carried a token that opened nothing: expired, another browser's, or unreadable
    refused: bool = False


def handed_case(search: str | None, identity_key: str, folder: str | Path, now: float | None = None) -> Handover:
    """The case a page's link hands over (``?kasus=<token>`` in ``search``), read as a case file
    (:func:`ukm_tools.widgets.case_io.read_case_text`)."""
    from urllib.parse import parse_qs

    from ukm_tools.errors import UkmError
    from ukm_tools.widgets import case_io

    tokens = parse_qs(search or "").get(PARAM) or []
    if not tokens:
        return Handover()
    text = HandoffBox(folder).take(tokens[0], identity_key, now)
    if text is None:
        return Handover(refused=True)
    try:
        return Handover(case=case_io.read_case_text(text, "kasus-latihan.yaml"))
    except UkmError:
        log.warning("a hand-over case could not be read; the page opens the course's case")
        return Handover(refused=True)
