"""Saving a participant's calculator inputs as a case file, and reading it back.

A saved file is an ordinary case file (what ``ukm quote`` reads) plus, optionally, a
``calculators:`` section holding inputs that have no place in the case model (an FX
sensitivity range, readiness answers...). The section is removed before the case is
validated, so files from trainers and from participants are read the same way.

A file is written with ``angka: en`` and every number exact in YAML's notation (``12.125``,
``33.333333333333333333``), so it reads back to the same case; files saved before ``angka:``
existed are known by their first line and read exactly as they always were
(:mod:`ukm_tools.file_numbers`). Everything is read through the project's one bounded YAML
loader; what a participant opens or uploads within :data:`~ukm_tools.safe_yaml.UPLOAD_LIMITS`.
"""

from __future__ import annotations

import base64
import datetime as dt
import enum
import functools
import html
import os
import re
from collections.abc import Mapping
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from ukm_tools.case import Case, case_from_mapping, load_case, packaged_case, plain
from ukm_tools.case_study import CaseStudy
from ukm_tools.datafiles import parse_yaml, read_text
from ukm_tools.errors import UkmError, in_file
from ukm_tools.file_numbers import ANGKA, SAVED_BY_CALCULATOR
from ukm_tools.payments import FeeSchedule, load_fee_schedule
from ukm_tools.safe_yaml import DEFAULT_LIMITS, UPLOAD_LIMITS, Limits

EXTRAS_KEY = "calculators"
_SAFE_NAME = re.compile(r"[^A-Za-z0-9._-]+")


def default_case() -> Case:
    """The trainer's case (``UKM_CASE`` = path of a case file) or the packaged kasturi-syrup case.

    Read once per version of the file and shared (the calculator server opens a page for every
    participant): a case is a frozen model the calculators only read, and a changed file
    (another size or modification time) is read again, as each new page always read it.
    """
    path = os.environ.get("UKM_CASE")
    if path:
        return _trainer_case(path, *_version(path))
    return _packaged_case()


def fee_schedule() -> FeeSchedule:
    """The trainer's bank tariff (``UKM_FEES`` = path) or the packaged example (shared as
    :func:`default_case` is)."""
    path = os.environ.get("UKM_FEES") or None
    return _fee_schedule(path, *(_version(path) if path else (0, 0)))


def _version(path: str) -> tuple[int, int]:
    """The file's modification time and size, (-1, -1) when it cannot be read (the read then
    reports the problem, and nothing is cached for it: a failed read raises)."""
    try:
        info = os.stat(path)
    except OSError:
        return -1, -1
    return info.st_mtime_ns, info.st_size


@functools.lru_cache(maxsize=4)
def _trainer_case(path: str, mtime_ns: int, size: int) -> Case:
    case, _ = read_case_file(path, DEFAULT_LIMITS)  # the trainer's own file
    return case


@functools.lru_cache(maxsize=1)
def _packaged_case() -> Case:
    return packaged_case()


@functools.lru_cache(maxsize=4)
def _fee_schedule(path: str | None, mtime_ns: int, size: int) -> FeeSchedule:
    return load_fee_schedule(path)


def case_study(case: Case) -> CaseStudy:
    """The case's worked figures as the book computes them, with the trainer's bank tariff:
    the calculators that start from a worked figure (the order after bank fees, the break-even,
    the e-Katalog price, the landed cost) read it here."""
    return CaseStudy(case, schedule=fee_schedule())


def case_to_mapping(case: Case) -> dict[str, Any]:
    return plain(case.model_dump(mode="python", by_alias=True, exclude_none=True))


class _ExactDumper(yaml.SafeDumper):
    """Writes a Decimal as the exact number it is (``12.125``, never through a float)."""


def _represent_decimal(dumper: yaml.SafeDumper, value: Decimal) -> yaml.ScalarNode:
    if value == value.to_integral_value():
        return dumper.represent_int(int(value))
    return dumper.represent_scalar("tag:yaml.org,2002:float", format(value, "f"))


_ExactDumper.add_representer(Decimal, _represent_decimal)


def _for_file(value: Any) -> Any:
    """Model values as YAML writes them: Decimals exact, enums by value, tuples as lists."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, Mapping):
        return {str(k): _for_file(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_for_file(v) for v in value]
    if isinstance(value, (Decimal, dt.date, str, int, bool)) or value is None:
        return value
    return str(value)


def dump(case_mapping: Mapping[str, Any], extras: Mapping[str, Any] | None = None) -> str:
    """A case (a mapping as :func:`case_to_mapping` gives it) and the calculators' inputs as a
    case file: ``angka: en`` and every figure exact, so reading it back gives the same case.

    Raises:
        UkmError: the mapping is not a valid case.
    """
    data = dict(case_mapping)
    data.pop(EXTRAS_KEY, None)
    data.pop(ANGKA, None)
    case = case_from_mapping(data)
    out: dict[str, Any] = {ANGKA: "en", **case.model_dump(mode="python", by_alias=True, exclude_none=True)}
    out.pop(EXTRAS_KEY, None)
    if not out.get("plausible"):
        out.pop("plausible", None)
    if extras:
        out[EXTRAS_KEY] = dict(extras)
    header = f"{SAVED_BY_CALCULATOR} Bisa dibuka lagi di kalkulator atau dengan `ukm quote`.\n"
    return header + yaml.dump(_for_file(out), Dumper=_ExactDumper, allow_unicode=True, sort_keys=False)


def split(data: Any, name: str = "case", text: str = "") -> tuple[Case, dict[str, Any]]:
    """A validated case and the calculators' own inputs from a parsed file (``text``: the file
    as written, which tells a case saved before ``angka:`` existed)."""
    if not isinstance(data, Mapping):
        raise UkmError("malformed_file", "file", name, detail="expected a mapping of fields (key: value)")
    data = dict(data)
    extras = data.pop(EXTRAS_KEY, None) or {}
    if not isinstance(extras, Mapping):
        raise UkmError("wrong_type", EXTRAS_KEY, extras, "mapping")
    from ukm_tools.file_numbers import native

    return case_from_mapping(data, name, text), native(dict(extras))


def case_text(data: bytes, name: str, limits: Limits = UPLOAD_LIMITS) -> str:
    """The bytes of a case file (an upload, a saved file) as text: bounded before decoding, strict
    UTF-8 (a BOM allowed); the character bound itself is the YAML loader's.

    Raises:
        UkmError: ``yaml_too_large`` (more bytes than ``limits`` allows characters can take) or
            ``not_utf8``, naming the file ``name``.
    """
    if len(data) > limits.max_chars * 4:  # UTF-8: up to 4 bytes a character
        raise UkmError("yaml_too_large", "file", name, limits.max_chars, size=len(data))
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise UkmError("not_utf8", "file", name) from None


def read_case_text(text: str, name: str = "case", limits: Limits = UPLOAD_LIMITS) -> tuple[Case, dict[str, Any]]:
    """A case file's text (an upload, a saved file), within ``limits``; problems name the file."""
    with in_file(name):
        return split(parse_yaml(text, name, limits, numbers_as_text=True), name, text)


def read_case_file(path: str | Path, limits: Limits = UPLOAD_LIMITS) -> tuple[Case, dict[str, Any]]:
    """A case file on disk: a participant's saved case (within the upload limits) or a trainer's."""
    with in_file(str(path)):
        text = read_text(path)
    return read_case_text(text, str(path), limits)


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
    "case_text",
    "read_case_text",
    "read_case_file",
    "safe_name",
    "data_link",
    "load_case",
]
