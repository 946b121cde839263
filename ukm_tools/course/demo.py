"""The whole workshop cycle on the embedded default, for `ukm demo` / `make demo`.

Demo roster (30 invented participants, package data) -> course from the template ->
generate and release -> simulated submissions through nbgrader's exchange (right, partly
wrong, and a few broken ones) -> collect -> grade (the engine) -> feedback -> export.
"""

from __future__ import annotations

import hashlib
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import nbformat

from ukm_tools.course import ops
from ukm_tools.errors import UkmError

MARKER = ".ukm-demo"
DEFAULT_ASSIGNMENTS = ("harga-incoterms", "syarat-ekspor")
_SOLUTION = re.compile(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", re.S)


def demo_roster_path() -> Path:
    return Path(str(resources.files("ukm_tools.data") / "demo" / "peserta-demo.csv"))


def _kind(student: str, index: int) -> str:
    """Which simulated submission a participant hands in (deterministic)."""
    broken = {
        3: "corrupt-json",
        7: "infinite-loop",
        11: "deleted-test-cell",
        17: "wrong-notebook-name",
        23: "not-submitted",
    }
    if index in broken:
        return broken[index]
    return "partly-wrong" if int(hashlib.sha256(student.encode()).hexdigest(), 16) % 4 == 0 else "passes-all"


def _solutions(course: Path, assignment: str) -> dict[str, str]:
    nb = nbformat.read(course / "source" / assignment / f"{assignment}.ipynb", as_version=4)
    out = {}
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if meta.get("solution") and cell.cell_type == "code":
            m = _SOLUTION.search(cell.source)
            if m:
                out[meta["grade_id"]] = m.group(1).rstrip()
    return out


def simulated_notebook(course: Path, assignment: str, kind: str):
    """The released notebook filled in the way a participant of ``kind`` would."""
    nb = nbformat.read(ops.released_notebook(course, assignment), as_version=4)
    sols = _solutions(course, assignment)
    first_wrong = True
    for cell in list(nb.cells):
        meta = cell.metadata.get("nbgrader", {})
        gid = meta.get("grade_id")
        if gid in sols:
            cell.source = sols[gid]
            if kind == "partly-wrong" and first_wrong and "=" in sols[gid]:
                # the last assignment in the cell gets a wrong literal
                var = sols[gid].splitlines()[-1].split("=")[0].strip()
                cell.source = sols[gid] + f'\n{var} = "x" if isinstance({var}, str) else 1'
                first_wrong = False
        elif meta.get("solution") and cell.cell_type == "markdown":
            cell.source = (
                "Saya akan mulai dengan pembeli di Malaysia dan menawarkan harga FOB Belawan dulu, "
                "karena risiko berpindah saat barang di atas kapal."
            )
        if kind == "deleted-test-cell" and meta.get("grade") and not meta.get("solution"):
            nb.cells.remove(cell)
    if kind == "infinite-loop":
        nb.cells.insert(2, nbformat.v4.new_code_cell("while True:\n    pass"))
    return nb


@dataclass
class DemoResult:
    out: Path
    course: Path
    roster: Path
    submissions: dict[str, dict[str, str]] = field(default_factory=dict)
    reports: dict[str, Any] = field(default_factory=dict)  # assignment -> its GradingReport
    feedback_dirs: dict[str, Path] = field(default_factory=dict)
    exports: dict[str, Path] = field(default_factory=dict)


def prepare_out(out: Path) -> Path:
    out = Path(out).resolve()
    if out.exists():
        if not (out / MARKER).is_file() and any(out.iterdir()):
            raise UkmError("demo_out_not_ours", "out", str(out))
        shutil.rmtree(out)
    out.mkdir(parents=True)
    (out / MARKER).write_text("made by ukm demo; safe to delete\n", encoding="utf-8")
    return out


def run_demo(
    out: Path,
    assignments: tuple[str, ...] = DEFAULT_ASSIGNMENTS,
    *,
    cell_timeout: int = 5,
    workers: int | None = None,
    sandbox: bool = True,
    say: Callable[[str], None] = print,
    plain_progress: bool = False,
    roster_file: Path | None = None,
) -> DemoResult:
    from ukm_tools.course.grade_run import run_grading
    from ukm_tools.course.participants import store_participants
    from ukm_tools.course.reports import export
    from ukm_tools.course.roster import import_roster

    out = prepare_out(out)
    if sandbox:
        from ukm_tools.course.grading.sandbox import sandbox_available

        if not sandbox_available():
            # The demo grades only its own simulated notebooks; staff grading keeps the sandbox on.
            say("Catatan: bubblewrap tidak terpasang (make system-deps); demo menilai tanpa sandbox.")
            sandbox = False
    if not sandbox:
        say("Demo menilai TANPA sandbox: hanya notebook simulasi demo sendiri, tidak pernah notebook peserta.")
    course = ops.init_course(out / "kursus")
    roster = out / "peserta-demo.csv"
    shutil.copy2(roster_file or demo_roster_path(), roster)
    participants = import_roster(roster).participants
    store_participants(ops.db_url(course), participants)
    say(f"1. Kursus dibuat: {course}; {len(participants)} peserta demo diimpor dari {roster}")
    result = DemoResult(out, course, roster)
    work = out / "peserta-laptop"
    for assignment in assignments:
        ops.release(course, assignment)
        say(f"2. [{assignment}] dirilis ke exchange: {ops.load_config(course).Exchange.root}")
        kinds: dict[str, str] = {}
        for i, p in enumerate(participants):
            kind = _kind(p.student_id, i)
            kinds[p.student_id] = kind
            if kind == "not-submitted":
                continue
            target = work / p.student_id / ops.load_config(course).CourseDirectory.course_id / assignment
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir(parents=True)
            name = f"{assignment}.ipynb" if kind != "wrong-notebook-name" else f"{assignment} (1).ipynb"
            if kind == "corrupt-json":
                (target / name).write_text('{"cells": [ {"cell_type": "code", "source": "harga', encoding="utf-8")
            else:
                nbformat.write(simulated_notebook(course, assignment, kind), target / name)
            ops.submit_as(course, assignment, p.student_id, work / p.student_id)
        result.submissions[assignment] = kinds
        collected = ops.collect(course, assignment)
        say(f"3. [{assignment}] {len(collected)} jawaban dikumpulkan ke {course / 'submitted'}")
        # Unsandboxed only for the demo's own simulated notebooks (said above); staff grading never is.
        report = run_grading(
            course,
            assignment,
            workers=workers,
            cell_timeout=cell_timeout,
            sandbox=sandbox,
            confirm_unsandboxed=not sandbox,
            plain=plain_progress,
        )
        result.reports[assignment] = report
        counts = ", ".join(
            f"{getattr(k, 'value', k)}: {v}" for k, v in sorted(report.counts().items(), key=lambda kv: str(kv[0]))
        )
        say(
            f"4. [{assignment}] dinilai dalam {report.elapsed_s:.1f} s ({counts}); cadangan gradebook: "
            f"{report.backup_path}"
        )
        fb = ops.feedback(course, assignment)
        result.feedback_dirs[assignment] = course / "feedback"
        say(
            f"5. [{assignment}] {sum(r.ok for r in fb)} umpan balik HTML (tanpa tes tersembunyi) di "
            f"{course / 'feedback'}"
        )
    result.exports = export(course, out / "ekspor-nilai", list(assignments))
    say(f"6. Ekspor nilai (tanpa telepon/email): {out / 'ekspor-nilai'}")
    return result
