"""Item and module analytics, and the completion funnel.

Per question, over the graded answers of submissions that have a score (pending manual
answers and failed gradings left out):

* attempts ``n`` and mean points;
* **facility index** = mean points / maximum points (0..1): the share of the points the group
  got, so 0.9 is an easy question and 0.2 a hard one (Moodle's quiz statistics use the same);
* **discrimination index** = the corrected item-total correlation: Pearson's r between the
  points of this question and the *rest* of the same submission's points (its total minus this
  question), over the same answers. Near 1: those who did well overall got this right; near 0
  or negative: the question does not separate them (often a confusing or wrong key). None when
  fewer than 2 answers or nobody's points vary. (The same definition as Moodle's
  "discrimination index"; chosen over the upper/lower 27% index because it needs no arbitrary
  cut and works with partial credit.)
* the score distribution: how many answers got each number of points.

Per assignment: handed in, graded, needs attention, mean percentage and the distribution of
percentages in ten bands. The funnel counts, each stage within the previous one: registered ->
attended (at least one session; skipped when no sign-in sheet was imported) -> submitted (at
least one module assignment handed in) -> completed (the course).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ukm_tools.course.completion import COMPLETED, CompletionResult
from ukm_tools.course.course_data import CourseData
from ukm_tools.course.scores import NOT_GRADED
from ukm_tools.messages import section

BANDS = [f"{lo}–{lo + 9}" for lo in range(0, 90, 10)] + ["90–100"]
T = section("course.analytics")
#: Review hints (see the sheet 'soal'): thresholds commonly used for classroom tests.
EASY_ABOVE, HARD_BELOW, WEAK_DISCRIMINATION = 0.9, 0.3, 0.2


def discrimination(n, sx, sx2, sy, sy2, sxy) -> np.ndarray:
    """Pearson r from sums (vectorised); NaN when n < 2 or either variance is zero."""
    n = np.asarray(n, float)
    cov = n * np.asarray(sxy, float) - np.asarray(sx, float) * np.asarray(sy, float)
    vx = n * np.asarray(sx2, float) - np.asarray(sx, float) ** 2
    vy = n * np.asarray(sy2, float) - np.asarray(sy, float) ** 2
    with np.errstate(invalid="ignore", divide="ignore"):
        r = cov / np.sqrt(vx * vy)
    ok = (n >= 2) & (vx > 1e-9 * np.maximum(n, 1) ** 2) & (vy > 1e-9 * np.maximum(n, 1) ** 2)
    return np.where(ok, np.clip(r, -1.0, 1.0), np.nan)


def question_stats(data: CourseData) -> pd.DataFrame:
    """One row per (assignment, question) in course order: n, mean, facility, discrimination, topic."""
    items = data.scores.items.copy()
    items["mean"] = items["sum_x"] / items["n"]
    items["facility"] = np.where(items["max_score"] > 0, items["mean"] / items["max_score"], np.nan)
    items["discrimination"] = discrimination(
        items["n"], items["sum_x"], items["sum_x2"], items["sum_y"], items["sum_y2"], items["sum_xy"]
    )
    order = [(a, q, p) for a in data.module_assignments + data.test_names for q, p in data.scores.questions.get(a, [])]
    frame = pd.DataFrame(order, columns=["assignment", "question", "points"])
    frame = frame.merge(items.drop(columns=["max_score"]), on=["assignment", "question"], how="left")
    frame["n"] = frame["n"].fillna(0).astype(int)
    frame["topic"] = _topics(data, frame)
    return frame[["assignment", "question", "topic", "points", "n", "mean", "facility", "discrimination"]]


def _topics(data: CourseData, frame: pd.DataFrame) -> list[str]:
    keys = data.keys
    return [
        keys[a].topic_of(q) or "" if a in keys else ""
        for a, q in zip(frame["assignment"], frame["question"], strict=True)
    ]


def question_hint(facility: float, disc: float, lang: str = "id") -> str:
    """A short review hint for the trainer (empty when nothing stands out)."""
    hints = []
    if not np.isnan(facility) and facility > EASY_ABOVE:
        hints.append(T("hint_easy", lang))
    if not np.isnan(facility) and facility < HARD_BELOW:
        hints.append(T("hint_hard", lang))
    if not np.isnan(disc) and disc < WEAK_DISCRIMINATION:
        hints.append(T("hint_weak_discrimination", lang))
    return "; ".join(hints)


def distribution(counts: pd.DataFrame, assignment: str, question: str) -> list[tuple[float, int]]:
    """(points, answers) of one question, ascending."""
    rows = counts[(counts["assignment"] == assignment) & (counts["question"] == question)]
    return [(float(s), int(c)) for s, c in zip(rows["score"], rows["count"], strict=True)]


def assignment_stats(data: CourseData) -> pd.DataFrame:
    """One row per assignment and test: handed in, graded, attention, pending, mean %, ten bands."""
    scores = data.scores
    order = scores.assignments
    score, submitted = scores.wide("score").astype(float), scores.wide("submitted").astype(bool)
    status, pending = scores.wide("status"), scores.wide("pending_points").astype(float)
    rows = []
    for a in data.module_assignments + data.test_names:
        j = order.index(a)
        top = scores.max_score(a)
        pct = score[:, j][~np.isnan(score[:, j])] / top * 100 if top else np.zeros(0)
        pct = pd.Series(pct)
        bands = (
            np.bincount(np.minimum((pct.to_numpy() // 10).astype(int), 9), minlength=10)
            if len(pct)
            else np.zeros(10, int)
        )
        rows.append(
            {
                "assignment": a,
                "kind": "test" if a in data.test_names else "module",
                "max_score": top,
                "submitted": int(submitted[:, j].sum()),
                "graded": int(len(pct)),
                "attention": int(pd.Series(status[:, j], dtype=object).isin(NOT_GRADED).sum()),
                "provisional": int((pending[:, j] > 0).sum()),
                "mean_pct": float(pct.mean()) if len(pct) else np.nan,
                "median_pct": float(pct.median()) if len(pct) else np.nan,
                **{band: int(k) for band, k in zip(BANDS, bands, strict=True)},
            }
        )
    return pd.DataFrame(rows)


@dataclass
class FunnelStage:
    key: str
    label: str
    count: int


def funnel(data: CourseData, result: CompletionResult) -> list[FunnelStage]:
    """registered -> attended -> submitted -> completed, each stage within the previous one."""
    n = len(result.students)
    stages = [FunnelStage("registered", T("funnel_registered", "id"), n)]
    keep = np.ones(n, bool)
    if data.imported_sessions:
        keep &= result.attended > 0
        stages.append(FunnelStage("attended", T("funnel_attended", "id"), int(keep.sum())))
    res = data.scores.results
    handed = res[res["assignment"].isin(data.module_assignments) & res["submitted"]]["student"].unique()
    keep &= pd.Index(result.students).isin(handed)  # hashing: np.isin sorts object arrays
    stages.append(FunnelStage("submitted", T("funnel_submitted", "id"), int(keep.sum())))
    keep &= result.state == COMPLETED
    stages.append(FunnelStage("completed", T("funnel_completed", "id"), int(keep.sum())))
    return stages


def module_states(result: CompletionResult) -> pd.DataFrame:
    """Per module and test: how many participants are in each state, and how many were overridden."""
    from ukm_tools.course.completion import count_states

    rows = []
    for unit, r in result.units.items():
        rows.append(
            {
                "unit": unit,
                "title": r.condition.title,
                "kind": r.condition.kind,
                "pass_pct": r.condition.pass_pct,
                "required": ", ".join(r.condition.required),
                "counts": r.condition.counts,
                **count_states(r.state),
                "overridden": int(r.overridden.sum()),
            }
        )
    return pd.DataFrame(rows)
