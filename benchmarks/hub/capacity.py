"""Per-participant memory and CPU on this machine, for the capacity plan (deploy/CAPACITY.md).

Measures, each as a participant would cause it:
1. one JupyterLab server (idle, after start-up) and its kernel after running the participant's
   copy of harga-incoterms (imports, case data, answers): resident memory (PSS, so shared
   library pages are split fairly) and CPU seconds;
2. one calculator page as `ukm apps` serves it today (Voila: one kernel per open page): the
   server's and each page's memory, measured as the difference after opening 1 and 3 pages.

The exercise portal of issue 14 does not exist yet; its per-session cost is to be measured the
same way when it lands. Prints a table; nothing here is part of `make test`.

    .venv/bin/python benchmarks/hub/capacity.py
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from ukm_tools.hub.launch import process_tree as tree

REPO = Path(__file__).resolve().parents[2]
MB = 1024 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in open(f"/proc/{pid}/smaps_rollup"):
                if line.startswith("Pss:"):
                    total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total / MB


def cpu_s(pids: list[int]) -> float:
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])
        except OSError:
            pass
    return total / ticks


def wait_http(url: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5):
                return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"{url} did not answer")


def jupyterlab(work: Path) -> dict[str, float]:
    """A JupyterLab server, then the participant's notebook run in a kernel of it."""
    from nbclient import NotebookClient

    from ukm_tools.course import ops

    course = ops.init_course(work / "course")
    notebook = ops.generate(course, "harga-incoterms") / "harga-incoterms.ipynb"
    port = free_port()
    env = {**os.environ, "JUPYTER_RUNTIME_DIR": str(work / "rt"), "HOME": str(work)}
    argv = [
        sys.executable,
        "-m",
        "jupyterlab",
        f"--port={port}",
        "--ServerApp.ip=127.0.0.1",
        "--no-browser",
        "--IdentityProvider.token=bench",
        f"--ServerApp.root_dir={work}",
    ]
    if os.geteuid() == 0:
        argv.append("--allow-root")
    t0 = time.monotonic()
    server = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_http(f"http://127.0.0.1:{port}/api/status?token=bench")
        start_s = time.monotonic() - t0
        wait_http(f"http://127.0.0.1:{port}/lab?token=bench")  # the lab page built once
        time.sleep(2)
        server_pids = tree(server.pid)
        idle = {"server_pss_mb": pss_mb(server_pids), "server_cpu_s": cpu_s(server_pids), "server_start_s": start_s}
    finally:
        server.terminate()
        server.wait(30)
    import nbformat

    nb = nbformat.read(notebook, as_version=4)
    client = NotebookClient(
        nb,
        timeout=120,
        kernel_name="python3",
        allow_errors=True,
        resources={"metadata": {"path": str(notebook.parent)}},
    )
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):  # cell by cell: the kernel stays up to be measured
            client.execute_cell(cell, index)
        # The local provisioner's Popen (the only kind this benchmark starts).
        process = getattr(client.km.provisioner if client.km else None, "process", None)
        assert process is not None, "no kernel process to measure"
        pid = process.pid
        kernel = {"kernel_pss_mb": pss_mb(tree(pid)), "kernel_cpu_s": cpu_s(tree(pid))}
    return {**idle, **kernel}


def calculators(work: Path) -> dict[str, float]:
    """Voila as `ukm apps` runs it: memory after 1 and after 3 open calculator pages."""
    from ukm_tools.widgets.gallery import voila_command, voila_env, write_gallery

    folder = work / "gallery"
    pages = [p for p in write_gallery(folder) if p.name != "index.ipynb"]
    port = free_port()
    proc = subprocess.Popen(
        voila_command(folder, port), cwd=folder, env=voila_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    try:
        base = f"http://127.0.0.1:{port}/voila/render/"
        wait_http(f"http://127.0.0.1:{port}/")
        time.sleep(1)
        empty = pss_mb(tree(proc.pid))
        with urllib.request.urlopen(base + pages[0].name, timeout=120) as r:
            r.read()
        time.sleep(2)
        one = pss_mb(tree(proc.pid))
        cpu_one = cpu_s(tree(proc.pid))
        for page in pages[1:3]:
            with urllib.request.urlopen(base + page.name, timeout=120) as r:
                r.read()
        time.sleep(2)
        three = pss_mb(tree(proc.pid))
    finally:
        proc.terminate()
        proc.wait(30)
    return {
        "voila_server_pss_mb": empty,
        "voila_first_page_mb": one - empty,
        "voila_per_page_mb": (three - one) / 2,
        "voila_cpu_s_first_page": cpu_one,
    }


def main() -> None:
    os.environ.setdefault("NBFORMAT_VALIDATOR", "fastjsonschema")
    from ukm_tools.course.environment import ensure_tools_on_path

    ensure_tools_on_path()
    with tempfile.TemporaryDirectory(prefix="ukm-capacity-") as tmp:
        work = Path(tmp)
        results = {**jupyterlab(work), **calculators(work)}
    load = os.getloadavg()[0]
    print(json.dumps({k: round(v, 1) for k, v in results.items()} | {"loadavg_1min": round(load, 1)}, indent=2))
    lab = results["server_pss_mb"] + results["kernel_pss_mb"]
    print(
        f"one JupyterLab participant (server + kernel after the exercise): {lab:.0f} MB, "
        f"{results['server_cpu_s'] + results['kernel_cpu_s']:.1f} CPU-s to get there"
    )
    print(f"one calculator page (Voila kernel): {results['voila_per_page_mb']:.0f} MB")


if __name__ == "__main__":
    main()
