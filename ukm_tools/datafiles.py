"""Reading the packaged data files (and a trainer's replacements) with clear errors.

Every YAML text goes through :mod:`ukm_tools.safe_yaml`, the project's one bounded loader.
``numbers_as_text`` keeps numbers as written, for files whose numbers the project reads
itself (cases, rate sheets, fee schedules: :mod:`ukm_tools.file_numbers`).
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ukm_tools import safe_yaml
from ukm_tools.errors import UkmError


def read_text(path: str | Path) -> str:
    p = Path(path)
    if not p.is_file():
        raise UkmError("file_not_found", "file", str(p))
    try:
        return p.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as e:
        raise UkmError("malformed_file", "file", str(p), detail=f"not UTF-8 text ({e.reason})") from None


def parse_yaml(
    text: str, name: str, limits: safe_yaml.Limits = safe_yaml.DEFAULT_LIMITS, *, numbers_as_text: bool = False
) -> Any:
    """YAML text through the project's one bounded loader; a refusal names the file ``name``."""
    return safe_yaml.load(text, name, limits, numbers_as_text=numbers_as_text)


def load_yaml(
    path: str | Path, limits: safe_yaml.Limits = safe_yaml.DEFAULT_LIMITS, *, numbers_as_text: bool = False
) -> Any:
    return parse_yaml(read_text(path), str(path), limits, numbers_as_text=numbers_as_text)


@cache
def packaged_yaml(name: str, *, numbers_as_text: bool = False) -> Any:
    """A YAML file from ``ukm_tools/data`` (cached: the data are read-only; do not change what it returns)."""
    text = resources.files("ukm_tools.data").joinpath(name).read_text(encoding="utf-8")
    return safe_yaml.load(text, name, packaged=True, numbers_as_text=numbers_as_text)  # shipped: libyaml
