"""Helpers to build fixture courses and simulated submissions."""

from __future__ import annotations

import shutil
from pathlib import Path

import nbformat

from ukm_tools.course import ops


def participant_notebook(course: Path, assignment: str, answers: dict[str, str], prelude: str | None = None):
    """The released notebook with each solution cell (by grade_id) replaced; ``prelude`` runs first."""
    nb = nbformat.read(ops.released_notebook(course, assignment), as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    if prelude:
        idx = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
        nb.cells.insert(idx + 1, nbformat.v4.new_code_cell(prelude))
    return nb


def submit(course: Path, assignment: str, student: str, nb, work_root: Path) -> None:
    """Hand ``nb`` in through the exchange as ``student`` (what `nbgrader submit` does)."""
    cfg = ops.load_config(course)
    work = work_root / student
    target = work / cfg.CourseDirectory.course_id / assignment
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if isinstance(nb, (bytes, str)):
        (target / f"{assignment}.ipynb").write_bytes(nb if isinstance(nb, bytes) else nb.encode())
    else:
        nbformat.write(nb, target / f"{assignment}.ipynb")
    ops.submit_as(course, assignment, student, work)


def grades(course: Path, assignment: str, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(ops.db_url(course)) as gb:
        sub = gb.find_submission(assignment, student)
        return {g.name: g.score for nb in sub.notebooks for g in nb.grades}
