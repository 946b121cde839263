"""Checks on a submitted folder that nbgrader does not report: missing, unreadable or tampered notebooks.

They run in the grader process on the submitted JSON only (no kernel) before nbgrader's
autograde, so a broken submission gets a named status instead of a silent zero.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

import nbformat


@dataclass
class Findings:
    """What the pre-checks saw in one submitted folder."""

    missing: list[str] = field(default_factory=list)
    corrupt: dict[str, str] = field(default_factory=dict)
    tampered: list[str] = field(default_factory=list)
    found: list[str] = field(default_factory=list)


def fingerprint(folder: Path) -> str:
    """Hash of every file's relative name, size and mtime (and timestamp.txt's text).

    Changes whenever the participant resubmits or staff edit the folder, so an unchanged
    submission can be skipped on a rerun.
    """
    h = hashlib.sha256()
    if not folder.is_dir():
        return ""
    for dirpath, dirnames, filenames in os.walk(folder):
        dirnames.sort()
        for name in sorted(filenames):
            path = Path(dirpath) / name
            try:
                st = path.stat()
            except OSError:
                continue
            h.update(f"{path.relative_to(folder)}\0{st.st_size}\0{st.st_mtime_ns}\n".encode())
    stamp = folder / "timestamp.txt"
    if stamp.is_file():
        h.update(stamp.read_bytes())
    return h.hexdigest()[:32]


def _test_cells(nb) -> dict[str, str]:
    """grade_id -> source of autograder test cells (graded, not a solution)."""
    cells = {}
    for cell in nb.cells:
        meta = cell.get("metadata", {}).get("nbgrader", {})
        if meta.get("grade") and not meta.get("solution") and meta.get("grade_id"):
            cells[meta["grade_id"]] = cell.source if isinstance(cell.source, str) else "".join(cell.source)
    return cells


def _read(path: Path):
    if path.stat().st_size == 0:
        raise ValueError("the file is empty (0 bytes)")
    try:
        with path.open(encoding="utf-8") as fh:
            return nbformat.read(fh, as_version=4)
    except (json.JSONDecodeError, nbformat.reader.NotJSONError) as exc:
        raise ValueError(f"not valid notebook JSON ({exc.__class__.__name__})") from exc
    except UnicodeDecodeError as exc:
        raise ValueError("not UTF-8 text") from exc
    except Exception as exc:  # nbformat raises several types for malformed notebooks
        raise ValueError(f"unreadable notebook: {exc.__class__.__name__}: {str(exc)[:200]}") from exc


def inspect_submission(submitted: Path, release: Path, notebooks: list[str]) -> Findings:
    """Compare ``submitted`` with the released assignment.

    Args:
        submitted: ``submitted/<student>/<assignment>``.
        release: ``release/<assignment>`` (what the participant received: hidden tests already
            removed, so an untouched test cell matches it exactly).
        notebooks: notebook names (without ``.ipynb``) the gradebook expects.
    """
    findings = Findings(found=sorted(p.name for p in submitted.glob("*.ipynb")))
    for name in notebooks:
        path = submitted / f"{name}.ipynb"
        if not path.is_file():
            findings.missing.append(f"{name}.ipynb")
            continue
        try:
            nb = _read(path)
        except ValueError as exc:
            findings.corrupt[f"{name}.ipynb"] = str(exc)
            continue
        released_path = release / f"{name}.ipynb"
        if not released_path.is_file():
            continue
        try:
            released = _test_cells(_read(released_path))
        except ValueError:
            continue
        submitted_tests = _test_cells(nb)
        for grade_id, source in released.items():
            if grade_id not in submitted_tests:
                findings.tampered.append(f"test cell {grade_id!r} in {name}.ipynb was deleted")
            elif submitted_tests[grade_id].strip() != source.strip():
                findings.tampered.append(f"test cell {grade_id!r} in {name}.ipynb was edited")
    return findings
