"""Load of the exercise portal and grade-on-submit through the real hub (issue 14; not in `make test`).

Starts a hub as the hub tests do (tests/hub/conftest.py: system users, card codes, the portal and
grade-on-submit services) with N participants, then runs N simulated participants as async HTTP
clients: each logs in with the code on the card, opens the portal and harga-incoterms, types its
answers (one draft save per box, Indonesian numbers), presses "Kirim" and polls the result page
until its feedback is there. Arrivals are spread uniformly over the window (default 200 people in
10 minutes); ``--burst`` spreads them over 60 s instead.

Reports p50/p95 submit-to-feedback latency (goal p95 <= 5 s in the normal run), the peak memory
(PSS) of the whole stack (hub, proxy, services and their grading workers, sampled every second)
and of grade-on-submit alone, and checks that every submission was graded exactly once (one
grading attempt each in the engine's status table, one released result each).

Baseline, measured in the same run before the hub starts (on a throw-away copy of the course
with one portal submission, one worker): grading that one submission on a pool started for it
(what grade-on-submit did every round before it kept its pool) and on a warm pool (what it does
now), so the latencies can be read as ratios of one cold grading. Needs root, like the hub.

    sudo .venv/bin/python benchmarks/portal/portal_load.py --participants 200 --window 600
    sudo .venv/bin/python benchmarks/portal/portal_load.py --participants 200 --burst     # 200 in 60 s
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import statistics
import sys
import tempfile
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO))

from tests.hub.conftest import ASSIGNMENT, running_hub  # noqa: E402
from ukm_tools.course import ops  # noqa: E402
from ukm_tools.course.grading.engine import GradingPool, grade_assignment  # noqa: E402
from ukm_tools.course.grading.status import StatusStore, utcnow  # noqa: E402
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


async def participant(
    base: str, username: str, code: str, delay: float, answers: dict[str, str]
) -> tuple[str, datetime, float]:
    """One participant's visit; returns who, when Kirim was pressed (naive UTC) and seconds from
    pressing it to seeing the feedback."""
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
        t0, pressed = time.monotonic(), utcnow()
        sent = await client.post(PORTAL + f"tugas/{ASSIGNMENT}/kirim", data={"_xsrf": token, **answers})
        sent.raise_for_status()
        while 'id="score"' not in (await client.get(PORTAL + f"tugas/{ASSIGNMENT}/hasil")).text:
            if time.monotonic() - t0 > FEEDBACK_LIMIT_S:
                raise TimeoutError(f"{username}: no feedback after {FEEDBACK_LIMIT_S} s")
            await asyncio.sleep(0.5)
        return username, pressed, time.monotonic() - t0


def grader_pid(hub_pid: int) -> int | None:
    """The grade-on-submit service among the hub's processes."""
    for pid in process_tree(hub_pid):
        try:
            with open(f"/proc/{pid}/cmdline", "rb") as f:
                if b"ukm_tools.course.grading.on_submit" in f.read():
                    return pid
        except OSError:
            pass
    return None


def stack_memory(hub_pid: int) -> tuple[float, float]:
    """PSS in MB of the whole stack and of grade-on-submit with its workers, sandboxes and kernels."""
    grader = grader_pid(hub_pid)
    return pss_mb(process_tree(hub_pid)), pss_mb(process_tree(grader)) if grader else 0.0


async def sample_memory(pid: int, stop: asyncio.Event, peak: list[float]) -> None:
    while not stop.is_set():
        whole, grader = await asyncio.to_thread(stack_memory, pid)
        peak[0], peak[1] = max(peak[0], whole), max(peak[1], grader)
        try:
            await asyncio.wait_for(stop.wait(), 1.0)
        except TimeoutError:
            pass


async def run(hub, people: list[str], window_s: float) -> tuple[list[tuple[str, datetime, float]], list[float], int]:
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
    stop, peak = asyncio.Event(), [0.0, 0.0]
    sampler = asyncio.create_task(sample_memory(hub.pid, stop, peak))
    outcomes = await asyncio.gather(*visits, return_exceptions=True)
    stop.set()
    await sampler
    failures = [o for o in outcomes if isinstance(o, BaseException)]
    for f in failures[:5]:
        print("failed:", repr(f))
    return [o for o in outcomes if isinstance(o, tuple)], peak, len(failures)


def wait_for_grading_pool(log: Path, timeout_s: float = 600) -> float:
    """Seconds until grade-on-submit logs that its workers are started (its log goes to the hub's)."""
    t0 = time.monotonic()
    while b"grading pool ready" not in log.read_bytes():
        if time.monotonic() - t0 > timeout_s:
            raise TimeoutError(f"grade-on-submit did not start its workers in {timeout_s:.0f} s (see {log})")
        time.sleep(0.5)
    return time.monotonic() - t0


def baseline(repeat: int = 3) -> tuple[float, float]:
    """Median seconds to grade one portal submission on a pool started for it, and on a warm pool."""
    from tests.course.test_on_submit import submit

    with tempfile.TemporaryDirectory(prefix="ukm-portal-baseline-") as tmp:
        course = ops.init_course(Path(tmp) / "course")
        ops.release(course, ASSIGNMENT)
        submit(course, "p001", fob_wrong=True, when=utcnow())
        cold, warm = [], []
        for _ in range(repeat):
            t0 = time.monotonic()
            grade_assignment(course, ASSIGNMENT, workers=1, students=["p001"], force=True)
            cold.append(time.monotonic() - t0)
        with GradingPool(course, workers=1) as pool:
            pool.start()
            for _ in range(repeat):
                t0 = time.monotonic()
                pool.grade(ASSIGNMENT, students=["p001"], force=True)
                warm.append(time.monotonic() - t0)
    return statistics.median(cold), statistics.median(warm)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--window", type=float, default=600.0, help="seconds over which participants arrive")
    parser.add_argument("--burst", action="store_true", help="arrivals over 60 s (overrides --window)")
    args = parser.parse_args()
    window = 60.0 if args.burst else args.window
    cold_s, warm_s = baseline()
    print(f"baseline, one submission: cold pool {cold_s:.2f} s, warm pool {warm_s:.2f} s ({cold_s / warm_s:.1f}x)")
    started = time.monotonic()
    with running_hub(extra_participants=args.participants, server_limit=0) as hub:
        print(f"hub with {args.participants} participants up in {time.monotonic() - started:.0f} s")
        # Participants come after the office opens the hub, not within seconds of its start.
        ready_s = wait_for_grading_pool(hub.log)
        print(f"grade-on-submit's pool ready {ready_s:.0f} s after the hub answered")
        people = [f"p{i:03d}" for i in range(1, args.participants + 1)]
        t0 = time.monotonic()
        visits, (peak_mb, grader_mb), failed = asyncio.run(run(hub, people, window))
        elapsed = time.monotonic() - t0
        url = db_url(hub.settings.course_dir)
        status_store = StatusStore(url)
        try:
            statuses = {s.student: s for s in status_store.all(ASSIGNMENT) if s.student in set(hub.names.values())}
            attempts = [s.attempts for s in statuses.values()]
        finally:
            status_store.close()
        with ResultStore(url) as results:
            released = len(results.released(ASSIGNMENT))
    lat = sorted(latency for _who, _pressed, latency in visits)
    # Where the time went: from Kirim to the grading's start, and the grading itself (status table).
    queued = [(start - at).total_seconds() for w, at, _ in visits if (start := statuses[w].started_at) is not None]
    grading = [took for w, _, _ in visits if (took := statuses[w].duration_s) is not None]
    p50 = statistics.median(lat) if lat else float("nan")
    p95 = lat[max(0, int(round(0.95 * len(lat))) - 1)] if lat else float("nan")
    print(f"participants {args.participants}, arrivals over {window:.0f} s, run {elapsed:.0f} s, failed {failed}")
    print(f"submit-to-feedback latency: p50 {p50:.2f} s, p95 {p95:.2f} s, max {max(lat, default=float('nan')):.2f} s")
    print(
        f"  as multiples of one cold grading ({cold_s:.2f} s): p50 {p50 / cold_s:.2f}x, p95 {p95 / cold_s:.2f}x;"
        f" of one warm grading ({warm_s:.2f} s): p50 {p50 / warm_s:.2f}x, p95 {p95 / warm_s:.2f}x"
    )
    if queued and grading:
        print(
            f"  from Kirim to the grading's start: p50 {statistics.median(queued):.2f} s, max {max(queued):.2f} s;"
            f" the grading: p50 {statistics.median(grading):.2f} s, max {max(grading):.2f} s"
        )
    print(f"peak memory of the stack (PSS): {peak_mb:.0f} MB, of which grade-on-submit: {grader_mb:.0f} MB")
    once = len(attempts) == args.participants and all(a == 1 for a in attempts) and released == args.participants
    print(f"graded exactly once: {once} (attempts {sorted(set(attempts))}, released results {released})")


if __name__ == "__main__":
    main()
