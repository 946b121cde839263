"""Load of the exercise portal and grade-on-submit through the real hub (issue 14; not in `make test`).

Starts a hub as the hub tests do (tests/hub/conftest.py: system users, card codes, the portal and
grade-on-submit services) with N participants, then runs N simulated participants as async HTTP
clients: each logs in with the code on the card, opens the portal and harga-incoterms, types its
answers (one draft save per box, Indonesian numbers), presses "Kirim" and polls the result page
until its feedback is there. Arrivals are spread uniformly over the window (default 200 people in
10 minutes); ``--burst`` spreads them over 60 s instead.

Reports p50/p95 submit-to-feedback latency (goal p95 <= 5 s in the normal run), the peak memory
(PSS) of the whole stack (hub, proxy, services and their grading workers, sampled every second),
and checks that every submission was graded exactly once (one grading attempt each in the
engine's status table, one released result each). Needs root, like the hub.

    sudo .venv/bin/python benchmarks/portal/portal_load.py --participants 200 --window 600
    sudo .venv/bin/python benchmarks/portal/portal_load.py --participants 200 --window 60     # the burst
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.hub.conftest import ASSIGNMENT, running_hub  # noqa: E402
from ukm_tools.course.grading.status import StatusStore  # noqa: E402
from ukm_tools.course.ops import db_url  # noqa: E402
from ukm_tools.course.results import ResultStore  # noqa: E402
from ukm_tools.course.verify_answers import answer_keys_path, expected_for, load_answer_keys  # noqa: E402
from ukm_tools.exercises.params import product_for  # noqa: E402
from ukm_tools.hub.launch import process_tree  # noqa: E402

PORTAL = "services/ukm-portal/"
XSRF = re.compile(r'name="_xsrf" value="([^"]+)"')
#: Seconds a participant waits for feedback before the run counts it as lost.
FEEDBACK_LIMIT_S = 600


def pss_mb(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                total += sum(int(line.split()[1]) for line in f if line.startswith("Pss:"))
        except OSError:
            pass
    return total / 1024


def indonesian(amount: Decimal) -> str:
    return str(amount).replace(".", ",")


async def participant(base: str, username: str, code: str, delay: float, answers: dict[str, str]) -> float:
    """One participant's visit; returns seconds from pressing Kirim to seeing the feedback."""
    await asyncio.sleep(delay)
    async with httpx.AsyncClient(base_url=base, timeout=120, follow_redirects=True) as client:
        await client.get("hub/login", params={"username": username})
        xsrf = client.cookies.get("_xsrf", path="/hub/") or client.cookies.get("_xsrf")
        r = await client.post("hub/login", data={"username": username, "password": code, "_xsrf": xsrf})
        r.raise_for_status()
        (await client.get(PORTAL)).raise_for_status()
        form = await client.get(PORTAL + f"tugas/{ASSIGNMENT}")
        found = XSRF.search(form.text)
        if found is None:
            raise RuntimeError(f"{username}: no form ({form.status_code})")
        token = found.group(1)
        for name, typed in answers.items():
            saved = await client.post(
                PORTAL + f"tugas/{ASSIGNMENT}/draf", data={"_xsrf": token, "_field": name, "typed": typed}
            )
            saved.raise_for_status()
        t0 = time.monotonic()
        sent = await client.post(PORTAL + f"tugas/{ASSIGNMENT}/kirim", data={"_xsrf": token, **answers})
        sent.raise_for_status()
        while 'id="score"' not in (await client.get(PORTAL + f"tugas/{ASSIGNMENT}/hasil")).text:
            if time.monotonic() - t0 > FEEDBACK_LIMIT_S:
                raise TimeoutError(f"{username}: no feedback after {FEEDBACK_LIMIT_S} s")
            await asyncio.sleep(0.5)
        return time.monotonic() - t0


async def sample_memory(pid: int, stop: asyncio.Event, peak: list[float]) -> None:
    while not stop.is_set():
        peak[0] = max(peak[0], await asyncio.to_thread(lambda: pss_mb(process_tree(pid))))
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except TimeoutError:
            pass


async def run(hub, people: list[str], window_s: float) -> tuple[list[float], float, int]:
    rng = random.Random(14)
    keys = load_answer_keys(answer_keys_path(hub.settings.course_dir))
    visits = []
    for key in people:
        username = hub.names[key]
        product = product_for(username)
        typed = {
            e.name: indonesian(e.value.amount)
            for q in ("cek_exw", "cek_fob", "cek_cif")
            for e in expected_for(keys, ASSIGNMENT, q, username, product)
        }
        typed["refleksi_harga"] = "FOB, karena pembeli punya forwarder sendiri."
        visits.append(participant(hub.settings.url, username, hub.codes[username], rng.uniform(0, window_s), typed))
    stop, peak = asyncio.Event(), [0.0]
    sampler = asyncio.create_task(sample_memory(hub.pid, stop, peak))
    outcomes = await asyncio.gather(*visits, return_exceptions=True)
    stop.set()
    await sampler
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    for f in failures[:5]:
        print("failed:", repr(f))
    return [o for o in outcomes if isinstance(o, float)], peak[0], len(failures)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--window", type=float, default=600.0, help="seconds over which participants arrive")
    args = parser.parse_args()
    started = time.monotonic()
    with running_hub(extra_participants=args.participants, server_limit=0) as hub:
        print(f"hub with {args.participants} participants up in {time.monotonic() - started:.0f} s")
        people = [f"p{i:03d}" for i in range(1, args.participants + 1)]
        t0 = time.monotonic()
        latencies, peak_mb, failed = asyncio.run(run(hub, people, args.window))
        elapsed = time.monotonic() - t0
        url = db_url(hub.settings.course_dir)
        status_store = StatusStore(url)
        try:
            attempts = [s.attempts for s in status_store.all(ASSIGNMENT) if s.student in set(hub.names.values())]
        finally:
            status_store.close()
        with ResultStore(url) as results:
            released = len(results.released(ASSIGNMENT))
    lat = sorted(latencies)
    p50 = statistics.median(lat) if lat else float("nan")
    p95 = lat[max(0, int(round(0.95 * len(lat))) - 1)] if lat else float("nan")
    print(f"participants {args.participants}, arrivals over {args.window:.0f} s, run {elapsed:.0f} s, failed {failed}")
    print(f"submit-to-feedback latency: p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(lat, default=float('nan')):.2f} s")
    print(f"peak memory of the stack (PSS): {peak_mb:.0f} MB")
    once = len(attempts) == args.participants and all(a == 1 for a in attempts) and released == args.participants
    print(f"graded exactly once: {once} (attempts {sorted(set(attempts))}, released results {released})")


if __name__ == "__main__":
    main()
