"""Process environment nbgrader needs when ukm-tools drives it from Python."""

from __future__ import annotations

import os
import sys


def ensure_tools_on_path() -> None:
    """Put this interpreter's bin folder first on PATH.

    nbgrader shells out to ``alembic`` when it creates a gradebook, and Jupyter finds
    kernels and ``jupyter-*`` commands on PATH; running ``.venv/bin/ukm`` without an
    activated venv would otherwise fail with "No such file or directory: 'alembic'".
    """
    bindir = os.path.dirname(sys.executable)
    parts = os.environ.get("PATH", "").split(os.pathsep)
    if bindir not in parts:
        os.environ["PATH"] = os.pathsep.join([bindir, *parts])
    # nbformat validation with fastjsonschema is measurably cheaper (stack notes).
    os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")
