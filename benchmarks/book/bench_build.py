"""Book build time: full build from an empty cache vs rebuild after editing one page's text.

Goal (issue 4): the rebuild takes <= 10 s and <= 15% of the full build. The book is copied
to a temporary folder, so the working tree and its cache are not touched. Prints both times
and the ratio. Run: make bench-book  (or .venv/bin/python benchmarks/book/bench_build.py).
"""

from __future__ import annotations

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BOOK = ROOT / "book"
sys.path.insert(0, str(BOOK))

import build  # noqa: E402


def _cpu_children() -> float:
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def jb_build(src: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the build and its kernels)."""
    env = dict(
        os.environ,
        NBFORMAT_VALIDATOR="fastjsonschema",
        PYTHONPATH=os.pathsep.join(filter(None, [str(src), os.environ.get("PYTHONPATH")])),
    )
    cmd = build.jupyter_book_cmd("build", str(src), "-W", "-n", "--keep-going")
    t0, c0 = time.perf_counter(), _cpu_children()
    subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - t0, _cpu_children() - c0


def main() -> None:
    build.vendor_js()
    with tempfile.TemporaryDirectory() as tmp:
        src = Path(tmp) / "book"
        shutil.copytree(BOOK, src, ignore=shutil.ignore_patterns("_build", "_reveal", "__pycache__"))
        full_run = jb_build(src)
        page = src / "modul" / "pembayaran.md"
        page.write_text(
            page.read_text(encoding="utf-8").replace(
                "Ada lima cara utama.", "Ada lima cara utama (teks diubah untuk uji kecepatan).", 1
            ),
            encoding="utf-8",
        )
        rebuild_run = jb_build(src)
        html = (src / "_build" / "html" / "modul" / "pembayaran.html").read_text(encoding="utf-8")
        assert "teks diubah untuk uji kecepatan" in html, "the edit did not reach the HTML"
    (full, full_cpu), (rebuild, rebuild_cpu) = full_run, rebuild_run
    ratio = rebuild / full
    print(f"load average at the end:         {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"full build (empty cache):        {full:6.1f} s wall, {full_cpu:6.1f} s CPU")
    print(f"rebuild after one text edit:     {rebuild:6.1f} s wall, {rebuild_cpu:6.1f} s CPU")
    print(f"rebuild / full:                  {ratio:6.1%} wall, {rebuild_cpu / full_cpu:6.1%} CPU")
    ok = rebuild <= 10 and ratio <= 0.15
    print(f"goal (<= 10 s and <= 15%, wall): {'met' if ok else 'NOT met'}")


if __name__ == "__main__":
    main()
