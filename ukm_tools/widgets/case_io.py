"""Saving a participant's calculator inputs as a case file, and reading it back.

A saved file is an ordinary case file (what ``ukm quote`` reads) plus, optionally, a
``calculators:`` section holding inputs that have no place in the case model (an FX
sensitivity range, readiness answers...). The section is removed before the case is
validated, so files from trainers and from participants are read the same way.
"""

from __future__ import annotations

import base64
import html
import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

from ukm_tools.case import Case, case_from_mapping, load_case, packaged_case, plain
from ukm_tools.case_study import CaseStudy
from ukm_tools.datafiles import parse_yaml
from ukm_tools.errors import UkmError
from ukm_tools.payments import FeeSchedule, load_fee_schedule
from ukm_tools.safe_yaml import DEFAULT_LIMITS, Limits

EXTRAS_KEY = "calculators"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def default_case() -> Case:
    """The trainer's case (``UKM_CASE`` = path of a case file) or the packaged kasturi-syrup case."""
    path = os.environ.get("UKM_CASE")
    if path:
        case, _ = read_case_file(path)
        return case
    return packaged_case()


def fee_schedule() -> FeeSchedule:
    """The trainer's bank tariff (``UKM_FEES`` = path) or the packaged example."""
    return load_fee_schedule(os.environ.get("UKM_FEES") or None)


def case_study(case: Case) -> CaseStudy:
    """The case's worked figures as the book computes them, with the trainer's bank tariff:
    the calculators that start from a worked figure (the order after bank fees, the break-even,
    the e-Katalog price, the landed cost) read it here."""
    return CaseStudy(case, schedule=fee_schedule())


def case_to_mapping(case: Case) -> dict[str, Any]:
    return plain(case.model_dump(mode="python", by_alias=True, exclude_none=True))


def dump(case_mapping: Mapping[str, Any], extras: Mapping[str, Any] | None = None) -> str:
    data = dict(plain(case_mapping))
    data.pop(EXTRAS_KEY, None)
    if extras:
        data[EXTRAS_KEY] = plain(extras)
    header = (
        "# Berkas kasus ukm-tools (disimpan dari kalkulator). Bisa dibuka lagi di kalkulator atau dengan `ukm quote`.\n"
    )
    return header + yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def split(data: Any, name: str = "case") -> tuple[Case, dict[str, Any]]:
    """A validated case and the calculators' own inputs from a parsed file."""
    if not isinstance(data, Mapping):
        raise UkmError("malformed_file", "file", name, detail="expected a mapping of fields (key: value)")
    data = dict(data)
    extras = data.pop(EXTRAS_KEY, None) or {}
    if not isinstance(extras, Mapping):
        raise UkmError("wrong_type", EXTRAS_KEY, extras, "mapping")
    return case_from_mapping(data, name), dict(extras)


def read_case_text(text: str, name: str = "case", limits: Limits = DEFAULT_LIMITS) -> tuple[Case, dict[str, Any]]:
    """A case from YAML text (an uploaded or saved file: pass ``UPLOAD_LIMITS``)."""
    return split(parse_yaml(text, name, limits), name)


def read_case_file(path: str | Path) -> tuple[Case, dict[str, Any]]:
    from ukm_tools.datafiles import read_text

    return read_case_text(read_text(path), str(path))


def safe_name(name: str, suffixes: tuple[str, ...] = (".yaml", ".yml")) -> str:
    """A file name that cannot leave its folder: letters, digits and ``._-`` only, at most 60
    characters, ending in one of ``suffixes`` (the first is added when it has none)."""
    stem = _SAFE_NAME.sub("-", (name or "").strip()).strip(".-")[:60] or "kasus"
    return stem if stem.endswith(suffixes) else stem + suffixes[0]


def data_link(data: bytes, filename: str, mime: str, label: str) -> str:
    """An <a download> link carrying the file itself (works offline, no server route needed)."""
    b64 = base64.b64encode(data).decode("ascii")
    name = html.escape(filename, quote=True)
    return f"<a download='{name}' href='data:{mime};base64,{b64}' class='ukm-download'>{html.escape(label)}</a>"


__all__ = [
    "EXTRAS_KEY",
    "default_case",
    "plain",
    "case_to_mapping",
    "dump",
    "split",
    "read_case_text",
    "read_case_file",
    "safe_name",
    "data_link",
    "load_case",
]
