"""The strict type checking of the domain core covers every module of the core, and only those."""

import tomllib
from pathlib import Path

import pytest

pytestmark = pytest.mark.timeout(30)

ROOT = Path(__file__).resolve().parents[1]


def test_every_domain_core_module_is_checked_strictly():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["mypy"]
    strict = next(o for o in config["overrides"] if o.get("disallow_untyped_defs"))
    core = {"ukm_tools"} | {f"ukm_tools.{p.stem}" for p in (ROOT / "ukm_tools").glob("*.py") if p.stem != "__init__"}
    assert set(strict["module"]) == core
    assert config["check_untyped_defs"] is True  # the rest of the tree: bodies checked, annotations optional
