"""Where one participant's saved cases live: a private folder, files known by name only.

The calculator server gives every identity (a browser now, a hub login later: see
:mod:`ukm_tools.calcserver.identity`) its own :class:`CaseStore`; in a notebook the store
is the working folder's ``kasus-tersimpan/`` as before. A store

* lists, saves and opens cases by **name** (what the page shows; never a server path);
* remembers which calculator saved each case, so saving under a name another calculator
  used raises :class:`NameTaken` and the page asks before replacing it;
* reads a saved file as hostile input: regular files only (a symlink is refused, so
  nothing outside the folder can be read through it), bounded size, the project's safe
  YAML loader;
* holds at most ``max_cases`` cases and as many documents, so one browser cannot fill the disk.

Writes are atomic (temporary file + rename), so a reload never sees half a file.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ukm_tools.case import Case
from ukm_tools.dated import JAKARTA, now_jakarta
from ukm_tools.errors import UkmError
from ukm_tools.regular_files import read_regular
from ukm_tools.safe_yaml import UPLOAD_LIMITS, Limits
from ukm_tools.widgets import case_io

INDEX = ".kasus.json"  # name -> calculator key and time saved; not a case itself
MAX_CASES = 100


@dataclass(frozen=True)
class SavedCase:
    name: str  # file name shown to the participant, e.g. "sirup-ani.yaml"
    calculator: str | None  # key of the calculator that saved it (None: written elsewhere)
    saved: str  # "YYYY-MM-DD HH:MM" in Asia/Jakarta


class NameTaken(Exception):
    """Saving would replace a case another calculator saved: ask first, then ``replace=True``."""

    def __init__(self, existing: SavedCase):
        super().__init__(existing.name)
        self.existing = existing


class CaseStore:
    """One participant's saved cases (see the module docstring)."""

    def __init__(self, folder: str | Path, *, max_cases: int = MAX_CASES, limits: Limits = UPLOAD_LIMITS):
        self.folder = Path(folder)
        self.max_cases = max_cases
        self.limits = limits

    # --- reading -----------------------------------------------------------------------------
    def _index(self) -> dict[str, dict[str, str]]:
        try:
            data = json.loads(self._read_regular(self.folder / INDEX, 1_000_000))
        except (OSError, ValueError, UkmError):  # a file too large is cut, so not JSON
            return {}
        return data if isinstance(data, dict) else {}

    def list(self) -> list[SavedCase]:
        """Saved cases, newest first."""
        if not self.folder.is_dir():
            return []
        index = self._index()
        found = []
        for entry in os.scandir(self.folder):
            if not entry.name.endswith((".yaml", ".yml")) or not entry.is_file(follow_symlinks=False):
                continue
            meta = index.get(entry.name, {})
            mtime = entry.stat(follow_symlinks=False).st_mtime
            saved = meta.get("saved") or _stamp(mtime)
            found.append((mtime, SavedCase(entry.name, meta.get("calculator"), saved)))
        return [c for _, c in sorted(found, key=lambda x: x[0], reverse=True)]

    def get(self, name: str) -> SavedCase | None:
        return next((c for c in self.list() if c.name == name), None)

    def read_text(self, name: str) -> str:
        path = self.folder / case_io.safe_name(name)
        if path.name != name:
            raise UkmError("case_not_found", "file", name)
        return case_io.case_text(self._read_regular(path, self.limits.max_chars * 4), name, self.limits)

    def read(self, name: str) -> tuple[Case, dict[str, Any]]:
        """The case and calculator extras saved under ``name``.

        Raises:
            UkmError: the file does not exist, is not a regular file, is too large or is not a
                valid case (every problem, one line each, naming the file by its name).
        """
        return case_io.read_case_text(self.read_text(name), name, self.limits)

    def _read_regular(self, path: Path, max_bytes: int) -> bytes:
        """A regular file's bytes, at most ``max_bytes + 1`` of them (so "too large" can be told);
        a symlink, a folder or a device is 'not found'."""
        data = read_regular(path, max_bytes + 1)
        if data is None:
            raise UkmError("case_not_found", "file", path.name)
        return data

    # --- writing -----------------------------------------------------------------------------
    def save(self, name: str, calculator: str, text: str, *, replace: bool = False) -> SavedCase:
        """Write ``text`` under ``name`` (made safe: letters, digits, ``.-_``; ``.yaml`` added).

        Raises:
            NameTaken: the name holds a case another calculator saved (or one of unknown
                origin) and ``replace`` is False.
            UkmError: ``too_many_cases`` when the folder is full and the name is new.
        """
        file_name = case_io.safe_name(name)
        cases = self.list()  # one look at the folder (and its index) for both checks
        existing = next((c for c in cases if c.name == file_name), None)
        if existing is not None and existing.calculator != calculator and not replace:
            raise NameTaken(existing)
        if existing is None and len(cases) >= self.max_cases:
            raise UkmError("too_many_cases", "file", file_name, self.max_cases)
        self._write(self.folder / file_name, text.encode("utf-8"))
        saved = SavedCase(file_name, calculator, now_jakarta().strftime("%Y-%m-%d %H:%M"))
        index = self._index()
        index[file_name] = {"calculator": calculator, "saved": saved.saved}
        self._write(self.folder / INDEX, json.dumps(index, ensure_ascii=False).encode("utf-8"))
        return saved

    def save_document(self, name: str, data: bytes) -> str:
        """Keep a generated document (a quotation PDF) beside the cases; returns its name.

        Raises:
            UkmError: ``too_many_cases`` when ``max_cases`` documents are kept and the name is
                new (a document is named after its case, which an upload can rename at will).
        """
        file_name = case_io.safe_name(name, (".pdf",))
        path = self.folder / file_name
        if not os.path.lexists(path) and self._count((".pdf",)) >= self.max_cases:
            raise UkmError("too_many_cases", "file", file_name, self.max_cases)
        self._write(path, data)
        return file_name

    def _count(self, suffixes: tuple[str, ...]) -> int:
        if not self.folder.is_dir():
            return 0
        return sum(1 for e in os.scandir(self.folder) if e.name.endswith(suffixes))

    def _write(self, path: Path, data: bytes) -> None:
        self.folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        if path.is_symlink():  # never write through a link planted in the folder
            path.unlink()
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        with open(tmp, "wb") as f:
            f.write(data)
        os.replace(tmp, path)


def _stamp(mtime: float) -> str:
    import datetime as dt

    return dt.datetime.fromtimestamp(mtime, JAKARTA).strftime("%Y-%m-%d %H:%M")
