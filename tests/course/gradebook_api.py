"""The course's results read the way nbgrader's object API offers them: one participant and one
assignment at a time (``Gradebook.find_submission`` and its grades). Slow, plainly right: the
reference that the bulk reader (:mod:`ukm_tools.course.scores`) is checked against, in the tests
and in benchmarks/completion."""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from ukm_tools.course.scores import Scores

API_TIMES: dict[str, float] = {}  # seconds of the last read's parts: setup_s, loop_s


def scores_via_gradebook_api(course, students: list[str] | None = None) -> Scores:
    """The same facts as ``load_scores``, read the way nbgrader's API offers them: per participant.
    Records ``setup_s`` (opening the gradebook, listing the students) and ``loop_s`` (the participants)
    in ``API_TIMES``."""
    from nbgrader.api import Gradebook, MissingEntry

    started = time.perf_counter()
    from ukm_tools.course.grading.status import StatusStore
    from ukm_tools.course.reports import SCORED

    names = [a.name for a in course.spec.assignments()] + [t.name for t in course.spec.test_specs()]
    store = StatusStore(course.db_url)
    engine = {(s.student, s.assignment): s for a in names for s in store.all(a)}
    store.close()
    questions = {a: [(q, p) for q, p, _ in course.cells[a]] for a in names}
    results, people = [], []
    sums: dict[tuple[str, str], list[float]] = {}
    counts: dict[tuple[str, str, float], int] = {}
    wanted = None if students is None else set(students)
    with Gradebook(course.db_url) as gb:
        everyone = gb.students
        API_TIMES["setup_s"] = time.perf_counter() - started
        for st in everyone:
            if wanted is not None and st.id not in wanted:
                continue
            people.append((st.id, st.first_name or "", st.email or ""))
            for a in names:
                try:
                    sub = gb.find_submission(a, st.id)
                except MissingEntry:
                    sub = None
                e = engine.get((st.id, a))
                status = e.status.value if e else ("submitted" if sub else "not_submitted")
                shown = sub is not None and (status in SCORED or (e is not None and e.score is not None))
                grades = (
                    [
                        (g.name, g.auto_score, g.manual_score, g.score, g.max_score)
                        for nb in sub.notebooks
                        for g in nb.grades
                    ]
                    if shown
                    else []
                )
                pending = [(q, mx) for q, auto, man, _, mx in grades if auto is None and man is None]
                total = sum(s for *_, s, _ in grades)
                results.append(
                    {
                        "student": st.id,
                        "assignment": a,
                        "status": status,
                        "reason": e.reason if e else "",
                        "submitted": status != "not_submitted",
                        "score": total if shown else np.nan,
                        "max_score": float(sum(p for _, p in questions[a])),
                        "pending_points": float(sum(mx for _, mx in pending)),
                        "pending": ",".join(q for q, _ in pending),
                        "timestamp": pd.Timestamp(sub.timestamp) if sub is not None else pd.NaT,
                    }
                )
                for q, auto, man, score, mx in grades:
                    if auto is None and man is None:
                        continue
                    y = total - score
                    acc = sums.setdefault((a, q), [mx, 0, 0.0, 0.0, 0.0, 0.0, 0.0, 0])
                    acc[1] += 1
                    acc[2] += score
                    acc[3] += score * score
                    acc[4] += y
                    acc[5] += y * y
                    acc[6] += score * y
                    acc[7] += int(score >= mx)
                    counts[(a, q, float(score))] = counts.get((a, q, float(score)), 0) + 1
    API_TIMES["loop_s"] = time.perf_counter() - started - API_TIMES["setup_s"]
    students_df = pd.DataFrame(people, columns=["student", "name", "email"]).set_index("student").sort_index()
    items = pd.DataFrame(
        [(a, q, *v) for (a, q), v in sums.items()],
        columns=["assignment", "question", "max_score", "n", "sum_x", "sum_x2", "sum_y", "sum_y2", "sum_xy", "full"],
    )
    item_counts = pd.DataFrame(
        [(a, q, s, c) for (a, q, s), c in counts.items()], columns=["assignment", "question", "score", "count"]
    )
    # Student-major in the students' order, as Scores.wide() reads it (nbgrader lists them by name).
    rank = {sid: i for i, sid in enumerate(students_df.index)}
    frame = pd.DataFrame(results)
    frame = frame.iloc[np.argsort(frame["student"].map(rank).to_numpy(), kind="stable")].reset_index(drop=True)
    return Scores(students_df, frame, items, item_counts, questions)
