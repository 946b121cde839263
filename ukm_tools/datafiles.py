"""Reading the packaged data files (and a trainer's replacements) with clear errors."""

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


def parse_yaml(text: str, name: str, limits: safe_yaml.Limits = safe_yaml.DEFAULT_LIMITS) -> Any:
    """YAML text through the project's one bounded loader (:mod:`ukm_tools.safe_yaml`)."""
    return safe_yaml.load(text, name, limits)


def load_yaml(path: str | Path) -> Any:
    return parse_yaml(read_text(path), str(path))


@cache
def packaged_yaml(name: str) -> Any:
    """A YAML file from ``ukm_tools/data`` (cached: the data are read-only)."""
    text = resources.files("ukm_tools.data").joinpath(name).read_text(encoding="utf-8")
    return safe_yaml.load(text, name, packaged=True)  # shipped with the code: libyaml's parser
