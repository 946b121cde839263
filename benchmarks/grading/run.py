"""Benchmark: sequential plain ``nbgrader autograde`` vs ``grade_assignment`` (sandbox on).

Builds a course with N submissions of a realistic notebook (pandas imported, four autograded
answers with hidden tests, a manual answer) — mostly honest work, some wrong answers and a few
broken submissions (infinite loop, corrupt JSON, deleted test cell, wrong file name) — then
grades two identical copies in the same run and prints the ratio. Scores of every submission
plain nbgrader graded must be identical.

    .venv/bin/python benchmarks/grading/run.py                 # 200 submissions, both fully
    .venv/bin/python benchmarks/grading/run.py --baseline-subset 40   # extrapolated baseline (labelled)
"""

from __future__ import annotations

import argparse
import copy
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the repository, for tests.*
from tests.course.grading_course import nbgrader_meta  # noqa: E402  (one definition of nbgrader's cell metadata)

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


def _nbgrader(args, cwd, check=True):
    env = dict(os.environ, PATH=f"{BIN}{os.pathsep}{os.environ['PATH']}")
    return subprocess.run([str(BIN / "nbgrader"), *args], cwd=cwd, env=env, check=check, capture_output=True, text=True)


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
        name = f"{A}.ipynb"
        raw = None
        if kind == "infinite-loop":
            _cell(nb, "top").source = "while True:\n    pass\n"
        elif kind == "memory-bomb":
            _cell(nb, "top").source = "blob = [bytearray(10**8) for _ in range(100)]\n" + ANSWERS["top"][0]
        elif kind == "deleted-test":
            nb.cells = [c for c in nb.cells if c.metadata.get("nbgrader", {}).get("grade_id") != "test_margin"]
        elif kind == "wrong-name":
            name = f"{A}-Copy1.ipynb"
        elif kind == "corrupt":
            raw = nbformat.writes(nb)[:500]
        folder = course / "submitted" / student / A
        folder.mkdir(parents=True)
        (folder / "timestamp.txt").write_text("2026-11-20 10:00:00.000000 UTC")
        if raw is not None:
            (folder / name).write_text(raw)
        else:
            nbformat.write(nb, folder / name)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("-n", type=int, default=200, help="submissions (default 200)")
    parser.add_argument(
        "--baseline-subset",
        type=int,
        default=0,
        help="time plain nbgrader on only this many submissions and extrapolate (labelled)",
    )
    parser.add_argument("--timeout", type=int, default=10, help="cell timeout for both runs (s)")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the temporary courses")
    args = parser.parse_args()

    from ukm_tools.course.grading import grade_assignment, progress_reporter

    root = Path(tempfile.mkdtemp(prefix="ukm-bench-"))
    try:
        t = time.monotonic()
        course, kinds = build(root, args.n)
        print(
            f"built {args.n} submissions in {time.monotonic() - t:.1f} s "
            f"({sum(k == 'good' for k in kinds.values())} honest, others: "
            f"{sorted(k for k in kinds.values() if k != 'good')})"
        )
        plain = root / "plain"
        shutil.copytree(course, plain)
        subset = args.baseline_subset if 0 < args.baseline_subset < args.n else 0
        if subset:
            # Same mix: keep the first `subset` students (bad kinds recur every 80).
            for folder in sorted((plain / "submitted").iterdir())[subset:]:
                shutil.rmtree(folder)
        t = time.monotonic()
        proc = _nbgrader(
            ["autograde", A, f"--ExecutePreprocessor.timeout={args.timeout}", f"--Execute.timeout={args.timeout}"],
            plain,
            check=False,
        )
        plain_s = time.monotonic() - t
        graded_plain = subset or args.n
        print(
            f"plain nbgrader autograde (sequential, one process): {graded_plain} submissions in {plain_s:.1f} s "
            f"({plain_s / graded_plain:.2f} s each), exit {proc.returncode}"
        )

        engine = root / "engine"
        shutil.copytree(course, engine)
        t = time.monotonic()
        from ukm_tools.course.quiet import quiet_nbgrader

        with quiet_nbgrader(), progress_reporter() as on_progress:
            report = grade_assignment(
                engine,
                A,
                cell_timeout=args.timeout,
                sandbox=True,
                workers=args.workers,
                on_progress=on_progress if sys.stderr.isatty() else None,
            )
        engine_s = time.monotonic() - t
        from ukm_tools.course.grading.engine import default_workers

        print(
            f"grade_assignment (sandbox on, {args.workers or default_workers(True)} workers): {args.n} submissions in "
            f"{engine_s:.1f} s ({engine_s / args.n:.2f} s each); statuses "
            f"{dict((k.value, v) for k, v in report.counts().items())}"
        )

        ps, es = scores(plain), scores(engine)
        by_student = report.by_student()
        compared = mismatched = 0
        for student, kind in kinds.items():
            # Deleted test cells (plain nbgrader scores them 0; the engine restores them) and
            # memory bombs (the sandbox caps memory) differ by design, so they are not compared.
            if student not in ps or kind not in ("good", "infinite-loop"):
                continue
            compared += 1
            if ps[student][0] != es.get(student, (None,))[0] or ps[student][0] != by_student[student].score:
                mismatched += 1
                print(f"  MISMATCH {student} ({kind}): plain {ps[student][0]} engine {by_student[student].score}")
        print(f"scores compared on {compared} submissions graded by both: {mismatched} mismatches")
        for student, kind in kinds.items():
            if kind != "good":
                r = by_student[student]
                print(f"  {student} {kind:14s} -> {r.status.value} {r.score} ({r.reason[:80]})")
        if subset:
            est = plain_s / subset * args.n
            print(
                f"SPEEDUP (baseline EXTRAPOLATED from {subset} of {args.n} submissions: "
                f"{est:.1f} s estimated): {est / engine_s:.2f}x"
            )
        else:
            print(f"SPEEDUP (both runs on all {args.n} submissions): {plain_s / engine_s:.2f}x")
        assert mismatched == 0, "engine scores differ from plain nbgrader"
    finally:
        if args.keep:
            print("kept", root)
        else:
            shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
