"""Benchmark: the grading engine against plain nbgrader and against the previous engine, interleaved.

Two courses of N submissions each, mostly honest work, some wrong answers and a few broken
submissions (infinite loop, corrupt JSON, deleted test cell, wrong file name, memory bomb):

* synthetic: a realistic notebook (pandas imported, four autograded answers with hidden tests,
  a manual answer);
* harga-incoterms: the real course assignment from `ukm init`, every participant with their
  own numbers (a third with a roster product), answers checked outside the kernel.

Each round times, on fresh copies of the same courses: sequential plain ``nbgrader autograde``
on the synthetic course (skip with --skip-plain), then the OLD and the NEW engine on each
course, in alternating order from round to round (old-new, new-old, ...) so that the load of a
shared machine hits both alike. The old engine is a checkout of an earlier commit with its own
venv (--old DIR; --make-old REF creates it with `git worktree add` and `make setup`). Medians
of the rounds are reported; scores must be identical between the engines, and between plain
nbgrader and the engine on the submissions both grade the same way.

    .venv/bin/python benchmarks/grading/run.py --old /tmp/ukm-old --rounds 3
    .venv/bin/python benchmarks/grading/run.py --make-old b3ff2ae --old /tmp/ukm-old   # first time
"""

from __future__ import annotations

import argparse
import copy
import json
import os
import random
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests.*
from tests.course.course_helpers import CORRECT, WRONG  # noqa: E402  (the honest and wrong answers of the tests)
from tests.course.grading_course import nbgrader_meta, write_submission  # noqa: E402  (shared with the tests)

BIN = Path(sys.executable).parent
A = "ps1"


ANSWERS = {
    "landed": (
        "def landed_cost(fob, freight, insurance):\n    return fob + freight + insurance\n",
        "def landed_cost(fob, freight, insurance):\n    return fob + freight\n",
    ),
    "per_unit": (
        "def per_unit(df):\n    return (df['cost'] / df['units']).round(2).tolist()\n",
        "def per_unit(df):\n    return (df['cost'] / df['units']).tolist()\n",
    ),
    "top": (
        "def top_product(df):\n    return df.sort_values('cost', ascending=False)['product'].iloc[0]\n",
        "def top_product(df):\n    return df['product'].iloc[0]\n",
    ),
    "margin": (
        "def margin(price, cost):\n    return round((price - cost) / price * 100, 1)\n",
        "def margin(price, cost):\n    return (price - cost) / cost\n",
    ),
}
TESTS = {
    "landed": ("assert landed_cost(100, 20, 5) == 125", "assert landed_cost(1, 2, 3) == 6", 2),
    "per_unit": ("assert per_unit(data) == [2.5, 1.33, 4.0]", "assert per_unit(data.head(1)) == [2.5]", 2),
    "top": ("assert top_product(data) == 'sirup'", "assert top_product(data.tail(2)) == 'sirup'", 1),
    "margin": ("assert margin(200, 150) == 25.0", "assert margin(10, 9) == 10.0", 3),
}


def source_notebook():
    nb = new_notebook(metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nb.cells.append(new_markdown_cell("# Biaya ekspor", metadata=nbgrader_meta("intro", locked=True)))
    nb.cells.append(
        new_code_cell(
            "import pandas as pd\nimport numpy as np\n"
            "data = pd.DataFrame({'product': ['kopi', 'teh', 'sirup'], 'cost': [250.0, 400.0, 1200.0], "
            "'units': [100, 300, 300]})",
            metadata=nbgrader_meta("setup", locked=True),
        )
    )
    for key, (good, _bad) in ANSWERS.items():
        body = good.split("\n", 1)
        nb.cells.append(
            new_code_cell(
                f"{body[0]}\n    ### BEGIN SOLUTION\n{body[1].rstrip()}\n    ### END SOLUTION",
                metadata=nbgrader_meta(key, solution=True),
            )
        )
        visible, hidden, points = TESTS[key]
        nb.cells.append(
            new_code_cell(
                f"{visible}\n### BEGIN HIDDEN TESTS\n{hidden}\n### END HIDDEN TESTS",
                metadata=nbgrader_meta(f"test_{key}", grade=True, locked=True, points=points),
            )
        )
    nb.cells.append(
        new_markdown_cell("YOUR ANSWER HERE", metadata=nbgrader_meta("explain", grade=True, solution=True, points=2))
    )
    return nb


def _cell(nb, grade_id):
    return next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def _nbgrader(args, cwd, check=True, preexec_fn=None):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run(
        [str(BIN / "nbgrader"), *args],
        cwd=cwd,
        env=env,
        check=check,
        capture_output=True,
        text=True,
        preexec_fn=preexec_fn,
    )


def spoil(nb, kind: str, assignment: str, test_cell: str) -> tuple[str, str | None]:
    """Make an honest notebook the broken ``kind`` of submission; returns (file name, raw text or None)."""
    if kind == "infinite-loop":
        nb.cells.insert(3, new_code_cell("while True:\n    pass\n"))
    elif kind == "memory-bomb":
        nb.cells.insert(3, new_code_cell("blob = [bytearray(10**8) for _ in range(100)]\n"))
    elif kind == "deleted-test":
        nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != test_cell]
    elif kind == "wrong-name":
        return f"{assignment}-Copy1.ipynb", None
    elif kind == "corrupt":
        return f"{assignment}.ipynb", nbformat.writes(nb)[:500]
    return f"{assignment}.ipynb", None


def build(root: Path, n: int, seed: int = 7) -> tuple[Path, dict[str, str]]:
    """The course and each student's kind of submission."""
    rng = random.Random(seed)
    course = root / "course"
    (course / "source" / A).mkdir(parents=True)
    (course / "nbgrader_config.py").write_text("c = get_config()\nc.CourseDirectory.course_id = 'bench'\n")
    nbformat.write(source_notebook(), course / "source" / A / f"{A}.ipynb")
    _nbgrader(["generate_assignment", A, "--force"], course)
    release = nbformat.read(course / "release" / A / f"{A}.ipynb", as_version=4)
    bad = {1: "infinite-loop", 2: "corrupt", 3: "deleted-test", 4: "wrong-name", 5: "memory-bomb"}
    kinds = {}
    for i in range(n):
        student = f"p{i:03d}"
        kind = bad.get(i % 80, "good")
        nb = copy.deepcopy(release)
        for key, (good, wrong) in ANSWERS.items():
            _cell(nb, key).source = wrong if rng.random() < 0.2 else good
        _cell(nb, "explain").source = "Marginnya cukup."
        name, raw = spoil(nb, kind, A, "test_margin")
        write_submission(course, A, student, nb, name=name, raw=raw)
        kinds[student] = kind
    return course, kinds


def scores(course: Path) -> dict[str, tuple[float, bool]]:
    con = sqlite3.connect(course / "gradebook.db")
    rows = con.execute(
        "SELECT s.student_id, SUM(COALESCE(g.manual_score, g.auto_score, 0)), MIN(COALESCE(g.auto_score, -1) >= 0 "
        "OR g.needs_manual_grade) FROM submitted_assignment s JOIN submitted_notebook n ON n.assignment_id = s.id "
        "JOIN grade g ON g.notebook_id = n.id GROUP BY s.student_id"
    ).fetchall()
    return {student: (score, bool(ok)) for student, score, ok in rows}


HARGA = "harga-incoterms"
HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
GOAL = 1.10  # the new engine at most 10% slower than the old one


def build_harga(root: Path, n: int, seed: int = 11) -> tuple[Path, dict[str, str]]:
    """The real assignment, N participants (a third with their own product), submissions in submitted/."""
    from ukm_tools.course import ops
    from ukm_tools.course.participants import store_participants
    from ukm_tools.course.roster import Participant

    rng = random.Random(seed)
    course = ops.init_course(root / "harga")
    people = []
    for i in range(n):
        sid = f"h{i:03d}"
        if i % 3 == 0:
            people.append(
                Participant(
                    sid,
                    f"Peserta {i}",
                    product_name="Sirup jeruk kasturi 600 ml",
                    hpp=Decimal(12000 + 500 * (i % 20)),
                    packing=Decimal(1500),
                    quantity=1200 + 100 * (i % 10),
                )
            )
        else:
            people.append(Participant(sid, f"Peserta {i}"))
    store_participants(ops.db_url(course), people)
    ops.generate(course, HARGA)
    release = nbformat.read(ops.released_notebook(course, HARGA), as_version=4)
    bad = {1: "infinite-loop", 2: "corrupt", 3: "deleted-test", 4: "wrong-name", 5: "memory-bomb"}
    kinds = {}
    for i, person in enumerate(people):
        kind = bad.get(i % 80, "good")
        nb = copy.deepcopy(release)
        for cell in nb.cells:
            gid = cell.metadata.get("nbgrader", {}).get("grade_id")
            if gid in CORRECT:
                cell.source = WRONG[gid] if rng.random() < 0.15 else CORRECT[gid]
            elif gid == "refleksi_harga":
                cell.source = "FOB Belawan: risiko berpindah saat barang di atas kapal."
        name, raw = spoil(nb, kind, HARGA, "cek_cif")
        write_submission(course, HARGA, person.student_id, nb, name=name, raw=raw)
        kinds[person.student_id] = kind
    return course, kinds


def make_old(ref: str, target: Path) -> None:
    """A checkout of ``ref`` with its own venv (git worktree + make setup)."""
    if not (target / ".venv" / "bin" / "python").exists():
        if not target.exists():
            subprocess.run(["git", "-C", str(REPO), "worktree", "add", "--detach", str(target), ref], check=True)
        subprocess.run(["make", "setup"], cwd=target, check=True)


CPUACCT = Path("/sys/fs/cgroup/cpuacct")  # cgroup v1's CPU accounting (this machine); absent: rusage


class CpuMeter:
    """CPU seconds of one command and of every process it starts, however they end.

    A fresh ``cpuacct`` cgroup that the command joins before it execs counts every descendant
    exactly: the fork server's workers and the sandboxed kernels included, which
    ``RUSAGE_CHILDREN`` misses whenever a parent exits without reaping them. Without the cgroup
    (not root, cgroup v2 only) it falls back to the reaped children's rusage and says so.
    """

    def __init__(self, label: str) -> None:
        self.group: Path | None = CPUACCT / f"ukm-bench-{os.getpid()}-{label}"
        try:
            self.group.mkdir()
        except OSError:
            self.group = None
        self.start = self._rusage()

    @staticmethod
    def _rusage() -> float:
        import resource

        usage = resource.getrusage(resource.RUSAGE_CHILDREN)
        return usage.ru_utime + usage.ru_stime

    @property
    def exact(self) -> bool:
        return self.group is not None

    def join(self) -> None:
        """preexec_fn of the measured command: it (and all it starts) joins the cgroup."""
        if self.group is not None:
            (self.group / "cgroup.procs").write_text(str(os.getpid()))

    def seconds(self) -> float:
        """CPU seconds used; removes the cgroup (waiting a little for stragglers to exit)."""
        if self.group is None:
            return self._rusage() - self.start
        procs = self.group / "cgroup.procs"
        deadline = time.monotonic() + 30
        while procs.read_text().strip() and time.monotonic() < deadline:
            time.sleep(0.2)  # a process of the run is still exiting
        used = int((self.group / "cpuacct.usage").read_text()) / 1e9
        try:
            self.group.rmdir()
        except OSError:
            print(f"  (cgroup {self.group} still has processes {procs.read_text().split()}; left in place)")
        return used


def engine_once(python: Path, course: Path, assignment: str, timeout: int) -> dict:
    """Grade ``course`` with the engine the interpreter ``python`` imports (a fresh process)."""
    load, meter = os.getloadavg()[0], CpuMeter(course.name)
    proc = subprocess.run(
        [str(python), str(HERE / "_engine_once.py"), str(course), assignment, str(timeout)],
        capture_output=True,
        text=True,
        cwd=str(course.parent),
        preexec_fn=meter.join,
    )
    cpu = meter.seconds()
    if proc.returncode != 0:
        raise SystemExit(f"engine run failed ({python}):\n{proc.stderr[-3000:]}")
    result = json.loads(proc.stdout.strip().splitlines()[-1])
    result["load"] = (load + os.getloadavg()[0]) / 2
    result["cpu"] = cpu
    return result


def fresh(course: Path, target: Path) -> Path:
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(course, target, ignore=shutil.ignore_patterns("autograded", "feedback", "backups", ".ukm-locks"))
    return target


def compare(a: dict, b: dict, kinds: dict[str, str], label: str) -> int:
    """Submissions both runs graded but scored differently (the broken kinds excepted)."""
    bad = 0
    for student, kind in kinds.items():
        if kind not in ("good", "infinite-loop"):
            continue
        if a["scores"].get(student) != b["scores"].get(student):
            bad += 1
            print(f"  MISMATCH {label} {student} ({kind}): {a['scores'].get(student)} vs {b['scores'].get(student)}")
    return bad


def med(values: list[float]) -> float:
    return statistics.median(values)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=200, help="submissions per course (default 200)")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; medians are reported (default 3)")
    parser.add_argument("--timeout", type=int, default=10, help="cell timeout of every run (s)")
    parser.add_argument("--old", type=Path, help="checkout of the previous engine with its own .venv")
    parser.add_argument("--make-old", metavar="REF", help="create --old from this commit first")
    parser.add_argument("--skip-plain", action="store_true", help="do not time sequential plain nbgrader")
    parser.add_argument("--keep", action="store_true", help="keep the temporary courses")
    args = parser.parse_args()
    if args.make_old:
        if not args.old:
            parser.error("--make-old needs --old DIR")
        make_old(args.make_old, args.old)
    new_python = Path(sys.executable)
    old_python = args.old / ".venv" / "bin" / "python" if args.old else None

    root = Path(tempfile.mkdtemp(prefix="ukm-bench-"))
    times: dict[str, list[float]] = {}
    cpu: dict[str, list[float]] = {}
    loads: list[float] = []
    mismatches = 0
    try:
        t = time.monotonic()
        synthetic, synthetic_kinds = build(root / "synthetic", args.n)
        harga, harga_kinds = build_harga(root, args.n)
        print(
            f"built {args.n} synthetic and {args.n} {HARGA} submissions in {time.monotonic() - t:.1f} s; "
            f"broken kinds: {sorted(k for k in synthetic_kinds.values() if k != 'good')}"
        )
        probe = CpuMeter("probe")
        probe.seconds()
        print(
            "CPU seconds: "
            + (
                "exact (a cpuacct cgroup per run)"
                if probe.exact
                else "reaped children only (no cpuacct cgroup: a floor)"
            )
        )
        engines = [("new", new_python)] + ([("old", old_python)] if old_python else [])
        for r in range(args.rounds):
            print(f"--- round {r + 1}/{args.rounds} (load average now {os.getloadavg()[0]:.1f})")
            if not args.skip_plain:
                plain = fresh(synthetic, root / "plain")
                load, t, meter = os.getloadavg()[0], time.monotonic(), CpuMeter("plain")
                proc = _nbgrader(
                    [
                        "autograde",
                        A,
                        f"--ExecutePreprocessor.timeout={args.timeout}",
                        f"--Execute.timeout={args.timeout}",
                    ],
                    plain,
                    check=False,
                    preexec_fn=meter.join,
                )
                times.setdefault("plain synthetic", []).append(time.monotonic() - t)
                cpu.setdefault("plain synthetic", []).append(meter.seconds())
                loads.append((load + os.getloadavg()[0]) / 2)
                plain_scores = {"scores": {s: v for s, (v, _) in scores(plain).items()}}
                print(f"plain nbgrader, sequential: {times['plain synthetic'][-1]:.1f} s (exit {proc.returncode})")
            order = engines if r % 2 == 0 else list(reversed(engines))
            for course, assignment, kinds, label in (
                (synthetic, A, synthetic_kinds, "synthetic"),
                (harga, HARGA, harga_kinds, HARGA),
            ):
                runs = {}
                for name, python in order:
                    result = engine_once(python, fresh(course, root / f"{label}-{name}"), assignment, args.timeout)
                    runs[name] = result
                    times.setdefault(f"{name} {label}", []).append(result["elapsed"])
                    cpu.setdefault(f"{name} {label}", []).append(result["cpu"])
                    loads.append(result["load"])
                    counts: dict[str, int] = {}
                    for status in result["statuses"].values():
                        counts[status] = counts.get(status, 0) + 1
                    print(
                        f"{name} engine, {label}: {result['elapsed']:.1f} s, {result['cpu']:.1f} CPU-s, "
                        f"load {result['load']:.1f}, {counts}"
                    )
                if "old" in runs:
                    mismatches += compare(runs["old"], runs["new"], kinds, f"{label} old/new")
                if label == "synthetic" and not args.skip_plain:
                    mismatches += compare(plain_scores, runs["new"], kinds, "synthetic plain/new")

        print(
            f"\n=== medians of {args.rounds} round(s), {args.n} submissions per course, load average "
            f"{statistics.mean(loads):.1f} on {os.cpu_count()} cores during the runs"
        )
        for key, values in sorted(times.items()):
            print(
                f"{key:28s} median {med(values):7.1f} s  {med(cpu[key]):7.1f} CPU-s   "
                f"runs {', '.join(f'{v:.1f}' for v in values)} s; {', '.join(f'{v:.1f}' for v in cpu[key])} CPU-s"
            )
        if "plain synthetic" in times:
            speedup = med(times["plain synthetic"]) / med(times["new synthetic"])
            cpu_speedup = med(cpu["plain synthetic"]) / med(cpu["new synthetic"])
            print(f"SPEEDUP new engine vs sequential nbgrader (synthetic): wall {speedup:.2f}x, CPU {cpu_speedup:.2f}x")
        for label in ("synthetic", HARGA):
            if f"old {label}" in times:
                ratio = med(times[f"new {label}"]) / med(times[f"old {label}"])
                cpu_ratio = med(cpu[f"new {label}"]) / med(cpu[f"old {label}"])
                verdict = "within" if ratio <= GOAL else "OVER"
                cpu_verdict = "within" if cpu_ratio <= GOAL else "OVER"
                print(
                    f"NEW/OLD {label}: wall {ratio:.3f} ({verdict} the {GOAL:.2f} goal), CPU {cpu_ratio:.3f} "
                    f"({cpu_verdict}; CPU time is what a busy shared machine disturbs least)"
                )
        print(f"score mismatches: {mismatches}")
        assert mismatches == 0, "engines disagree on scores"
    finally:
        if args.keep:
            print("kept", root)
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
