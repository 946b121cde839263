"""Runs every benchmark script under benchmarks/ (not part of `make test`)."""

import runpy
import sys
from pathlib import Path

here = Path(__file__).parent
scripts = sorted(
    p for p in here.rglob("*.py") if p.name not in ("run_all.py", "__init__.py") and not p.name.startswith("_")
)
only = sys.argv[1:]
for script in scripts:
    if only and not any(o in str(script) for o in only):
        continue
    print(f"\n=== {script.relative_to(here)}")
    runpy.run_path(str(script), run_name="__main__")
