"""A whole class on one machine: the calculator server under 400 open pages, beside Voila.

    .venv/bin/python benchmarks/calcserver/load.py            # the full run (about 12 minutes)
    .venv/bin/python benchmarks/calcserver/load.py --quick    # 40 sessions over 30 s (a smoke run)

Goals (issue 12), measured on this machine, everything on 127.0.0.1:

* 400 sessions (200 participants x 2 calculators: price build-up and payment methods) held
  open by lightweight websocket clients that replay a recorded session
  (tests/calcserver/recordings, made by ``_record.py`` in Chromium), arriving evenly over
  5 minutes, each typing one new value every 30 s;
* meanwhile 10 real Chromium pages at 360 x 740 px measure the **first usable render**
  (navigation until the price is on the page; each page reloads about every 45 s) and the
  **recompute after a change** (in the page: from the input's change event until the new
  price is in the DOM); goals p95 <= 3 s and p95 <= 100 ms;
* **memory per open session**: the server's RSS with every session open, less its RSS after
  start-up and one page, divided by the sessions open; goal <= 10 MB.

The baseline, measured first in the same run with the same Chromium measurements: today's
Voila (`voila` on the gallery notebooks, one kernel per page) with 10 pages open and no other
load. The server is measured the same quiet way too (10 pages, no class) before the class
arrives, so the two columns compare like with like.

The machine may be shared: the load average is sampled through each part, and the server
CPU time each page open and each change costs (user + system seconds of the server process,
Voila's kernels included) is reported, a figure other work on the machine hardly moves.
Also printed: the full (generation 2) collections of Python's cycle collector during the class
(from /status: each stops every page), what a page that did not render showed, and the
server log's warnings and errors, so a failure names its cause.
Every loop is bounded in count and time; the script stops everything it started.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from tests.calcserver.server import free_port, get, running_server, status  # noqa: E402
from tests.calcserver.wsclient import PageClient, Recording  # noqa: E402

RECORDINGS = ROOT / "tests" / "calcserver" / "recordings"
CHROMIUM = "/usr/bin/chromium"
GOAL_RENDER_S = 3.0
GOAL_RECOMPUTE_MS = 100.0
GOAL_MB_PER_SESSION = 10.0
PRICE_INPUT, PRICE_RESULT = ".ukm-field-hpp input", ".ukm-unit-quote"

# In the page: type a value the way ipywidgets reads it (a change event), then wait until the
# price shown is another one. performance.now() on both ends: no Playwright round trip inside.
RECOMPUTE_JS = """async ([inputSel, value, resultSel]) => {
  const input = document.querySelector(inputSel);
  const before = document.querySelector(resultSel).innerText;
  return await new Promise((resolve) => {
    const t0 = performance.now();
    const done = () => {
      const now = document.querySelector(resultSel);
      if (now && now.innerText !== before) { obs.disconnect(); resolve(performance.now() - t0); }
    };
    const obs = new MutationObserver(done);
    obs.observe(document.body, {childList: true, subtree: true, characterData: true});
    input.value = value;
    input.dispatchEvent(new Event('change', {bubbles: true}));
    setTimeout(() => { obs.disconnect(); resolve(-1); }, 30000);
  });
}"""


def cpu_s(pid: int) -> float:
    """User + system CPU seconds of a process and its children (Voila's kernels)."""
    import psutil

    proc = psutil.Process(pid)
    total = sum(proc.cpu_times()[:2])
    for child in proc.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.NoSuchProcess:
            pass
    return total


class LoadAverage(threading.Thread):
    """Samples the 1-minute load average every 5 s until stopped."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.samples: list[float] = []
        self._done = threading.Event()

    def run(self) -> None:
        import os

        while not self._done.is_set():
            self.samples.append(os.getloadavg()[0])
            self._done.wait(5)

    def stop(self) -> str:
        self._done.set()
        self.join(timeout=10)
        s = self.samples or [float("nan")]
        return f"load average {min(s):.1f}-{max(s):.1f} (mean {statistics.mean(s):.1f}) on {os_cpus()} cores"


def os_cpus() -> int:
    import os

    return os.cpu_count() or 0


def quiet_pages(browser, url: str, pid: int, pages: int, changes: int) -> dict:
    """``pages`` Chromium pages opened one after another, then ``changes`` changes on each, with
    nothing else running on the server: times seen in the page and server CPU per operation."""
    return quiet_pages_with(ChromiumPages, browser, url, pid, pages, changes)


def quiet_pages_with(cls, browser, url: str, pid: int, pages: int, changes: int) -> dict:
    chrome = cls(browser, url, pages)
    load = LoadAverage()
    load.start()
    c0 = cpu_s(pid)
    chrome.open_all()
    c1 = cpu_s(pid)
    for _ in range(changes):
        for page in chrome.pages:
            chrome.change(page)
    c2 = cpu_s(pid)
    chrome.close()
    return {
        "measured": chrome.measured,
        "cpu_per_open_s": (c1 - c0) / pages,
        "cpu_per_change_ms": (c2 - c1) * 1000 / (pages * changes),
        "load": load.stop(),
    }


def p95(values: list[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def idr(n: int) -> str:
    return f"{n:,}".replace(",", ".")


@dataclass
class Measured:
    renders_s: list[float] = field(default_factory=list)
    recomputes_ms: list[float] = field(default_factory=list)
    failures: int = 0


PAGE_STATE_JS = """() => ({
  url: location.pathname,
  widgets: document.querySelectorAll('.jupyter-widgets').length,
  calculator: !!document.querySelector('.ukm-page'),
  price: !!document.querySelector('.ukm-unit-quote'),
  text: document.body ? document.body.innerText.slice(0, 160).replace(/\\s+/g, ' ') : '',
})"""


def page_state(page) -> str:
    """What a page that did not render shows (widgets arrived? Solara's loader? an error?)."""
    try:
        return str(page.evaluate(PAGE_STATE_JS))
    except Exception as e:
        return f"(not readable: {type(e).__name__}: {str(e)[:80]})"


class ChromiumPages:
    """``n`` real 360 px pages of one calculator page URL, each its own browser (context)."""

    def __init__(self, browser, url: str, n: int):
        self.browser, self.url, self.n = browser, url, n
        self.contexts: list = []
        self.pages: list = []
        self.measured = Measured()
        self.values = iter(range(150_000, 10_000_000, 1_000))

    def open_all(self) -> None:
        for _ in range(self.n):
            ctx = self.browser.new_context(viewport={"width": 360, "height": 740})
            page = ctx.new_page()
            page.set_default_timeout(120_000)
            self.contexts.append(ctx)
            self.pages.append(page)
            self.load(page)

    def load(self, page) -> None:
        t0 = time.perf_counter()
        try:
            page.goto(self.url) if page.url == "about:blank" else page.reload()
            page.wait_for_selector(PRICE_RESULT)
            self.measured.renders_s.append(time.perf_counter() - t0)
        except Exception as e:  # a page that never renders is a result too
            self.measured.failures += 1
            print(
                f"  render failed after {time.perf_counter() - t0:.0f} s: {type(e).__name__}: {str(e)[:120]}",
                flush=True,
            )
            print(f"    the page then: {page_state(page)}", flush=True)

    def change(self, page) -> None:
        try:
            ms = page.evaluate(RECOMPUTE_JS, [PRICE_INPUT, idr(next(self.values)), PRICE_RESULT])
        except Exception as e:
            self.measured.failures += 1
            print(f"  change failed: {type(e).__name__}: {str(e)[:120]}", flush=True)
            return
        if ms < 0:
            self.measured.failures += 1
        else:
            self.measured.recomputes_ms.append(ms)

    def close(self) -> None:
        for ctx in self.contexts:
            ctx.close()


# --- Voila, today's way ---------------------------------------------------------------------------
def voila_baseline(browser, pages: int, changes: int) -> dict:
    import psutil

    from ukm_tools.widgets.gallery import voila_command, voila_env, write_gallery

    with tempfile.TemporaryDirectory(prefix="ukm-bench-voila-") as tmp:
        folder = Path(tmp)
        write_gallery(folder)
        port = free_port()
        env = voila_env()
        env.update(UKM_SAVE_DIR=str(folder / "kasus-tersimpan"), UKM_LANG="id")
        env.pop("UKM_CASE", None)
        log = open(folder / "voila.log", "wb")
        proc = subprocess.Popen(voila_command(folder, port), cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base = f"http://127.0.0.1:{port}"
            deadline = time.monotonic() + 120
            while True:
                try:
                    get(base + "/", timeout=2)
                    break
                except OSError:
                    if time.monotonic() > deadline or proc.poll() is not None:
                        raise RuntimeError("voila did not start") from None
                    time.sleep(0.5)
            server = psutil.Process(proc.pid)
            rss_before = server.memory_info().rss
            url = f"{base}/voila/render/01-harga-ekspor.ipynb"
            memory: dict[str, float] = {}

            class Pages(ChromiumPages):
                def close(self) -> None:  # the memory of every kernel, before the pages go
                    memory["total"] = server.memory_info().rss + sum(
                        c.memory_info().rss for c in server.children(recursive=True)
                    )
                    memory["kernels"] = len(server.children(recursive=True))
                    super().close()

            quiet = quiet_pages_with(Pages, browser, url, proc.pid, pages, changes)
            return {
                **quiet,
                "mb_per_page": (memory["total"] - rss_before) / 1e6 / pages,
                "total_mb": memory["total"] / 1e6,
                "kernels": int(memory["kernels"]),
                "opened_s": sum(quiet["measured"].renders_s),  # one after another
            }
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                proc.kill()
            log.close()


# --- the calculator server under a class -------------------------------------------------------------
class Load(threading.Thread):
    """``sessions`` websocket clients arriving evenly over ``arrival_s``, one change per ``every_s``."""

    def __init__(self, base: str, sessions: int, arrival_s: float, every_s: float, run_s: float):
        super().__init__(daemon=True)
        self.base, self.sessions, self.arrival_s, self.every_s, self.run_s = base, sessions, arrival_s, every_s, run_s
        self.recordings = [
            Recording.from_json((RECORDINGS / f"{n}.json").read_text()) for n in ("harga-ekspor", "pembayaran")
        ]
        self.open_s: list[float] = []
        self.change_s: list[float] = []
        self.errors: list[str] = []
        self.opened = 0
        self.started = time.monotonic()
        self.stop_at = self.started + run_s

    def run(self) -> None:
        asyncio.run(self._main())

    async def _participant(self, i: int) -> None:
        await asyncio.sleep(i * self.arrival_s / self.sessions)
        rng = random.Random(i)
        rec = self.recordings[i % 2]  # each participant's two pages: price and payments
        client = PageClient(self.base, rec, browser_cookie=f"peserta{i // 2:04d}" + "x" * 24)
        try:
            self.open_s.append(await client.open(timeout=300))
            self.opened += 1
            await asyncio.sleep(rng.uniform(0, self.every_s))
            n = 0
            while time.monotonic() < self.stop_at:
                value = idr(rng.randrange(150, 400) * 1000) if i % 2 == 0 else idr(rng.randrange(5, 30) * 1000)
                self.change_s.append(await client.change(n, value, timeout=120))
                n += 1
                await asyncio.sleep(max(0.0, self.every_s - self.change_s[-1]))
        except Exception as e:
            self.errors.append(
                f"{type(e).__name__}: {e} (participant {i}, {rec.path}, {time.monotonic() - self.started:.0f} s"
                f" into the run, {client.messages_received} messages received, {len(client.fields)} fields)"
            )
        finally:
            self.clients.append(client)

    async def _main(self) -> None:
        self.clients: list[PageClient] = []
        await asyncio.gather(*(self._participant(i) for i in range(self.sessions)))
        await asyncio.gather(*(c.close(beacon=False) for c in self.clients), return_exceptions=True)


def server_log_problems(path: Path, lines: int = 40) -> list[str]:
    """The server log's warnings, errors and tracebacks (the last ``lines``)."""
    text = path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""
    marks = ("WARNING", "ERROR", "Traceback", "Error", "Exception")
    return [line for line in text.splitlines() if any(m in line for m in marks)][-lines:]


def server_under_load(browser, args) -> dict:
    with tempfile.TemporaryDirectory(prefix="ukm-bench-server-") as tmp, running_server(Path(tmp)) as (base, _l, proc):
        url = f"{base}/kalkulator/harga-ekspor"
        # start-up plus one page: imports done, caches warm; the per-session figure excludes it
        warm = ChromiumPages(browser, url, 1)
        warm.open_all()
        warm.close()
        # the same quiet measurement as Voila's: 10 pages, nothing else
        quiet = quiet_pages(browser, url, proc.pid, args.pages, changes=5)
        time.sleep(8)  # the quiet pages' sessions are culled (5 s after their tabs closed)
        baseline_rss = status(base)["rss_bytes"]
        gc_before = status(base)["gc"]["gen2"]
        load_avg = LoadAverage()
        load_avg.start()
        cpu_start = cpu_s(proc.pid)
        run_s = args.arrival + args.every + 30
        load = Load(base, args.sessions, args.arrival, args.every, run_s)
        load.start()
        chrome = ChromiumPages(browser, url, args.pages)
        chrome.open_all()
        started = time.monotonic()
        next_reload = {i: started + 5 + i * 4.5 for i in range(args.pages)}
        peak = {"sessions_open": 0, "rss_bytes": 0}
        round_no = 0
        while time.monotonic() - started < run_s and round_no < 10_000:
            round_no += 1
            round_start = time.monotonic()
            for i, page in enumerate(chrome.pages):
                if time.monotonic() >= next_reload[i]:
                    chrome.load(page)
                    next_reload[i] = time.monotonic() + 45
                chrome.change(page)
            s = status(base)
            if s["sessions_open"] >= peak["sessions_open"]:
                peak = s
            elapsed = time.monotonic() - started
            print(
                f"  {elapsed:5.0f} s: {s['sessions_open']} sessions open, {s['rss_bytes'] / 1e6:.0f} MB,"
                f" clients opened {load.opened}/{args.sessions}, client errors {len(load.errors)}",
                flush=True,
            )
            time.sleep(max(0.0, 8 - (time.monotonic() - round_start)))
        final = status(base)  # before the clients leave
        gc_after = final["gc"]["gen2"]
        if final["sessions_open"] >= peak["sessions_open"]:
            peak = final
        chrome.close()
        load.join(timeout=300)
        cpu_load = cpu_s(proc.pid) - cpu_start
        open_sessions = peak["sessions_open"]
        operations = (
            len(load.open_s) + len(load.change_s) + len(chrome.measured.renders_s) + len(chrome.measured.recomputes_ms)
        )
        return {
            "quiet": quiet,
            "load": load_avg.stop(),
            "cpu_load_s": cpu_load,
            "operations": operations,
            "elapsed_s": run_s,
            "measured": chrome.measured,
            "mb_per_session": (peak["rss_bytes"] - baseline_rss) / 1e6 / max(1, open_sessions),
            "baseline_mb": baseline_rss / 1e6,
            "peak_mb": peak["rss_bytes"] / 1e6,
            "sessions_open": open_sessions,
            "client_open_p95_s": p95(load.open_s),
            "client_change_p95_ms": p95([x * 1000 for x in load.change_s]),
            "client_changes": len(load.change_s),
            "client_errors": load.errors[:5],
            "client_error_count": len(load.errors),
            "gc_full": gc_after["count"] - gc_before["count"],
            "gc_full_s": gc_after["total_s"] - gc_before["total_s"],
            "gc_full_max_s": gc_after["max_s"],
            "server_log": server_log_problems(_l),
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=400)
    parser.add_argument("--arrival", type=float, default=300, help="seconds over which the sessions arrive")
    parser.add_argument("--every", type=float, default=30, help="seconds between two changes of one session")
    parser.add_argument("--pages", type=int, default=10, help="real Chromium pages measuring")
    parser.add_argument("--quick", action="store_true", help="40 sessions over 30 s, 3 pages")
    args = parser.parse_args()
    if args.quick:
        args.sessions, args.arrival, args.every, args.pages = 40, 30, 10, 3

    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        print(f"Voila, {args.pages} pages of the price calculator (baseline)...", flush=True)
        voila = voila_baseline(browser, args.pages, changes=5)
        print(
            f"Calculator server, {args.sessions} sessions over {args.arrival:.0f} s + {args.pages} Chromium pages...",
            flush=True,
        )
        server = server_under_load(browser, args)
        browser.close()

    sv, vo, sq = server["measured"], voila["measured"], server["quiet"]["measured"]
    print()
    print(f"{'10 pages, nothing else on the server':38} {'':>8} {'server':>10} {'Voila':>10} {'Voila/server':>13}")
    quiet_rows = [
        ("p95 first usable render (s)", p95(sq.renders_s), p95(vo.renders_s)),
        ("p95 recompute after a change (ms)", p95(sq.recomputes_ms), p95(vo.recomputes_ms)),
        ("server CPU per page opened (s)", server["quiet"]["cpu_per_open_s"], voila["cpu_per_open_s"]),
        ("server CPU per change (ms)", server["quiet"]["cpu_per_change_ms"], voila["cpu_per_change_ms"]),
    ]
    for name, s, v in quiet_rows:
        ratio = v / s if s and s == s and v == v else float("nan")
        print(f"{name:38} {'':>8} {s:10.2f} {v:10.2f} {ratio:12.1f}x")
    print(f"  during Voila's pages: {voila['load']}; during the server's: {server['quiet']['load']}")
    print()
    print(f"{args.sessions} sessions + {args.pages} pages (server) beside Voila's 10 quiet pages:")
    rows = [
        ("p95 first usable render (s)", f"<= {GOAL_RENDER_S}", p95(sv.renders_s), p95(vo.renders_s)),
        (
            "median first usable render (s)",
            "",
            statistics.median(sv.renders_s or [float("nan")]),
            statistics.median(vo.renders_s or [float("nan")]),
        ),
        (
            "p95 recompute after a change (ms)",
            f"<= {GOAL_RECOMPUTE_MS:.0f}",
            p95(sv.recomputes_ms),
            p95(vo.recomputes_ms),
        ),
        ("memory per open page (MB)", f"<= {GOAL_MB_PER_SESSION:.0f}", server["mb_per_session"], voila["mb_per_page"]),
    ]
    print()
    print(f"{'':38} {'goal':>8} {'server':>10} {'Voila':>10} {'Voila/server':>13}")
    for name, goal, s, v in rows:
        ratio = v / s if s and s == s and v == v else float("nan")
        print(f"{name:38} {goal:>8} {s:10.2f} {v:10.2f} {ratio:12.1f}x")
    print()
    print(
        f"server: {server['sessions_open']} sessions open at the peak,"
        f" RSS {server['baseline_mb']:.0f} MB after start-up"
        f" and one page -> {server['peak_mb']:.0f} MB; {len(sv.renders_s)} renders and {len(sv.recomputes_ms)}"
        f" recomputes measured in Chromium, {sv.failures} failures"
    )
    print(
        f"clients: p95 open {server['client_open_p95_s']:.2f} s, p95 change {server['client_change_p95_ms']:.0f} ms"
        f" (server round trip), {server['client_changes']} changes, {server['client_error_count']} errors"
        + (f": {server['client_errors']}" if server["client_errors"] else "")
    )
    print(
        f"under the class: {server['load']}; server CPU {server['cpu_load_s']:.0f} s over"
        f" {server['elapsed_s']:.0f} s ({server['cpu_load_s'] / server['elapsed_s'] * 100:.0f}% of one core)"
        f" for {server['operations']} opens and changes"
    )
    print(
        f"full collections (gen 2) during the class: {server['gc_full']}, {server['gc_full_s']:.2f} s in all,"
        f" the longest of the run {server['gc_full_max_s']:.2f} s"
    )
    if server["server_log"]:
        print("server log (warnings and errors):")
        for line in server["server_log"]:
            print(f"  {line[:300]}")
    print(
        f"Voila: {voila['kernels']} kernels for {args.pages} pages, {voila['total_mb']:.0f} MB in all,"
        f" {args.pages} pages opened in {voila['opened_s']:.0f} s, {vo.failures} failures"
    )
    verdict = (
        p95(sv.renders_s) <= GOAL_RENDER_S
        and p95(sv.recomputes_ms) <= GOAL_RECOMPUTE_MS
        and server["mb_per_session"] <= GOAL_MB_PER_SESSION
    )
    print("goals met" if verdict else "goals NOT met")


if __name__ == "__main__":
    main()
