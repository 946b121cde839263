"""The `ukm` command: thin over ukm_tools.course and the domain core (no logic of its own).

Each command group lives in its own module and registers itself on :data:`app`; this
file only assembles them, so features do not collide in one long file.
"""

from __future__ import annotations

import importlib

from ukm_tools.cli.base import app

# Modules that add commands to `app` when imported (one per feature area).
_COMMAND_MODULES = [
    "ukm_tools.cli.quote",
    "ukm_tools.cli.katalog",
    "ukm_tools.cli.apps",
    "ukm_tools.cli.course",
    "ukm_tools.cli.completion",
    "ukm_tools.cli.certificates",
    "ukm_tools.cli.demo",
    "ukm_tools.cli.hub",
    "ukm_tools.cli.kit",
]


def main() -> None:
    for name in _COMMAND_MODULES:
        importlib.import_module(name)
    app()
