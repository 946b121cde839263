"""Benchmark: completion + analytics from bulk gradebook reads vs nbgrader's Gradebook API per participant.

Builds synthetic gradebooks with bulk SQL (tests/course/synthetic_gradebook.py: nbgrader's schema,
5 module assignments + the pre/post tests, grades, engine statuses, roster fields, attendance) of
2,000 and 20,000 participants, then times in the same run:

* **bulk**: everything `ukm report` computes — read the course (scores, roster fields, attendance,
  audit log), completion states, learning gain, item statistics, assignment statistics, funnel and
  office summary (``workshop_report.compute_report``). Goal: under 2 s at 20,000, and linear
  (20,000 vs 2,000 close to 10x).
* **baseline**: the same results read through nbgrader's ``Gradebook`` objects one participant and
  assignment at a time (``find_submission`` and its grades), then the same completion and analytics;
  its results must equal the bulk ones. It is run on ``--baseline-size`` participants and the
  per-participant rate is extrapolated to the larger size (labelled as such) unless ``--full-baseline``.
* the Excel workbook write, and the dashboard write, separately.

    .venv/bin/python benchmarks/completion/bench_completion.py
    .venv/bin/python benchmarks/completion/bench_completion.py --sizes 2000 20000 --repeats 3 --baseline-size 2000
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests.*
from tests.course.gradebook_api import API_TIMES as READ_TIMES  # noqa: E402
from tests.course.gradebook_api import scores_via_gradebook_api  # noqa: E402
from tests.course.synthetic_gradebook import SyntheticCourse, random_cohort  # noqa: E402
from ukm_tools.course import ops  # noqa: E402
from ukm_tools.course.course_data import load_course_data  # noqa: E402
from ukm_tools.course.workshop_report import compute_report  # noqa: E402


def build(root: Path, n: int) -> SyntheticCourse:
    t = time.perf_counter()
    course = SyntheticCourse(ops.init_course(root / f"kursus-{n}"))
    random_cohort(course, n)
    size = (course.db_path.stat().st_size) / 1e6
    print(f"  built {n:,} participants in {time.perf_counter() - t:.1f} s (gradebook {size:.0f} MB)", flush=True)
    return course


API_TIMES: dict[str, float] = {}  # CPU of the last timed run


def bulk(course: SyntheticCourse):
    data = load_course_data(course.course)
    return compute_report(data)


def baseline(course: SyntheticCourse, students: list[str] | None):
    """The report computed from the per-participant reads, and the seconds of those reads
    (setup once, the participant loop) and of everything else."""
    t = time.perf_counter()
    data = load_course_data(course.course)
    data.scores = scores_via_gradebook_api(course, students)
    if students is not None:
        data.profiles = data.profiles.reindex(data.scores.students.index)
    report = compute_report(data)
    setup_s, loop_s = READ_TIMES["setup_s"], READ_TIMES["loop_s"]
    return report, setup_s, loop_s, time.perf_counter() - t - setup_s - loop_s


def same_results(a, b, whole: bool) -> bool:
    """Bulk and baseline give the same states per participant and, over the whole class, the same
    item statistics (on a subset only the states compare: item statistics are about the class)."""
    sa = pd.DataFrame({u: r.state for u, r in a.completion.units.items()}, index=a.completion.students)
    sb = pd.DataFrame({u: r.state for u, r in b.completion.units.items()}, index=b.completion.students)
    if not sa.loc[sb.index].equals(sb) or list(a.completion.state[sa.index.get_indexer(sb.index)]) != list(
        b.completion.state
    ):
        return False
    if not whole:
        return True
    qa = a.questions.set_index(["assignment", "question"])[["n", "mean", "facility", "discrimination"]]
    qb = b.questions.set_index(["assignment", "question"])[["n", "mean", "facility", "discrimination"]]
    return bool(np.allclose(qa.to_numpy(float), qb.loc[qa.index].to_numpy(float), equal_nan=True))


def _children_cpu() -> float:
    """CPU seconds of this process's finished child processes (the grade-row reader of large gradebooks)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def timed(fn, repeats: int):
    """Median wall time, every wall time, the last result, and the median CPU time of this process
    and its child processes (CPU time shows the work itself when other processes share the cores)."""
    times, cpu, out = [], [], None
    for _ in range(repeats):
        c, t = time.process_time() + _children_cpu(), time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - t)
        cpu.append(time.process_time() + _children_cpu() - c)
    API_TIMES["cpu"] = statistics.median(cpu)
    return statistics.median(times), times, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--sizes", type=int, nargs="+", default=[2000, 20000])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--baseline-size", type=int, default=2000)
    ap.add_argument("--full-baseline", action="store_true", help="run the baseline on every size in full")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="ukm-bench-completion-") as tmp:
        root = Path(tmp)
        rows, cpu = {}, {}
        for n in args.sizes:
            print(f"\n{n:,} participants x (5 modules + pre/post tests)", flush=True)
            course = build(root, n)
            bulk(course)  # warm: imports, file cache
            med, times, report = timed(lambda c=course: bulk(c), args.repeats)
            print(
                f"  bulk completion + analytics: median {med:.2f} s of {', '.join(f'{t:.2f}' for t in times)} "
                f"(CPU {API_TIMES['cpu']:.2f} s, reading processes included; "
                f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)",
                flush=True,
            )
            cpu[n] = API_TIMES["cpu"]
            who = (
                None
                if args.full_baseline or n <= args.baseline_size
                else report.completion.students[: args.baseline_size]
            )
            base, setup_s, loop_s, rest_s = baseline(course, who)
            per = loop_s / len(base.completion.students)
            label = "measured" if who is None else f"loop measured on {len(who):,} participants, extrapolated"
            base_n = setup_s + per * n + rest_s
            print(
                f"  nbgrader Gradebook API per participant: {base_n:.1f} s ({label}; {per * 1000:.1f} ms/participant, "
                f"{setup_s:.1f} s to open the gradebook and list the students, {rest_s:.1f} s the rest)"
            )
            same = same_results(report, base, whole=who is None)
            print(
                f"  same results ({'states and item statistics' if who is None else 'states of those participants'}): "
                f"{same}; bulk is {base_n / med:.0f}x faster",
                flush=True,
            )
            from ukm_tools.course.dashboard import write_dashboard
            from ukm_tools.course.report_workbook import write_workbook

            xlsx_s, _, path = timed(lambda r=report, p=root / f"laporan-{n}.xlsx": write_workbook(r, p), 1)
            html_s, _, html = timed(lambda r=report, p=root / f"dasbor-{n}.html": write_dashboard(r, p), 1)
            # Memory in a separate run: tracing allocations slows the write it measures.
            tracemalloc.start()
            write_workbook(report, root / f"laporan-{n}-mem.xlsx")
            xlsx_peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()
            print(
                f"  Excel workbook write: {xlsx_s:.2f} s ({path.stat().st_size / 1e6:.1f} MB file, "
                f"peak {xlsx_peak / 1e6:.0f} MB of Python allocations while writing); "
                f"dashboard write: {html_s:.2f} s ({html.stat().st_size / 1e6:.1f} MB)",
                flush=True,
            )
            rows[n] = med
        if len(rows) >= 2:
            small, large = min(rows), max(rows)
            print(
                f"\nscaling: {large:,} vs {small:,} participants: {rows[large] / rows[small]:.1f}x the wall time and "
                f"{cpu[large] / cpu[small]:.1f}x the CPU time for {large / small:.0f}x the participants "
                f"(linear: {large / small:.0f}x); goal < 2 s at {large:,}: "
                f"{'met' if rows[large] < 2 else 'NOT met'} ({rows[large]:.2f} s wall, {cpu[large]:.2f} s CPU)"
            )


if __name__ == "__main__":
    main()
