"""Grade one course with whichever ukm_tools this interpreter imports; print one JSON line.

Used by run.py to time the old engine (a checkout of an earlier commit, its own venv) and the
new one with the same call:  <venv>/bin/python _engine_once.py COURSE ASSIGNMENT TIMEOUT
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from pathlib import Path


def scores(course: Path, assignment: str) -> dict[str, float]:
    con = sqlite3.connect(course / "gradebook.db")
    rows = con.execute(
        "SELECT s.student_id, SUM(COALESCE(g.manual_score, g.auto_score, 0)) FROM submitted_assignment s "
        "JOIN assignment a ON a.id = s.assignment_id JOIN submitted_notebook n ON n.assignment_id = s.id "
        "JOIN grade g ON g.notebook_id = n.id WHERE a.name = ? GROUP BY s.student_id",
        (assignment,),
    ).fetchall()
    return dict(rows)


def main() -> None:
    course, assignment, timeout = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    import ukm_tools
    from ukm_tools.course.environment import ensure_tools_on_path
    from ukm_tools.course.grading import grade_assignment
    from ukm_tools.course.quiet import quiet_nbgrader

    ensure_tools_on_path()
    started = time.monotonic()
    with quiet_nbgrader():
        report = grade_assignment(course, assignment, cell_timeout=timeout, sandbox=True)
    elapsed = time.monotonic() - started
    print(
        json.dumps(
            {
                "code": str(Path(ukm_tools.__file__).parent),
                "elapsed": elapsed,
                "statuses": {r.student: r.status.value for r in report.results},
                "scores": scores(course, assignment),
            }
        )
    )


if __name__ == "__main__":
    main()
