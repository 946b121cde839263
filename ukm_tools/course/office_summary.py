"""The figures the SME office reports upward: how many were registered, trained and completed,
broken down by the roster's optional fields (gender, district, sector, business scale).

*Trained* (dilatih) means attended at least one session; a course without sessions, or whose
sign-in sheets were not imported, counts those who handed in at least one assignment or test.

Small numbers identify people, so in a breakdown any count under :data:`MIN_CELL` (5) is
suppressed (shown as "<5"). Where exactly one cell of a column is suppressed, the column
total would give it away by subtraction, so the next smallest cell of that column is hidden
too (shown as "—"). A breakdown is given for a field only when someone filled it in; those who
did not are counted under "tidak diisi".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ukm_tools.course.completion import COMPLETED, CompletionResult
from ukm_tools.course.course_data import CourseData
from ukm_tools.course.profiles import FIELDS, choices
from ukm_tools.messages import section

T = section("course.office_summary")

MIN_CELL = 5
SMALL, HIDDEN = "<5", "—"
MEASURES = ("registered", "trained", "completed")


def measure_label(measure: str, lang: str = "id") -> str:
    """registered, trained, completed in words."""
    return T(f"measure_{measure}", lang)


@dataclass
class Cell:
    """A count, and how it may be shown."""

    value: int
    shown: str  # the number, "<5" or "—"

    @property
    def suppressed(self) -> bool:
        return self.shown in (SMALL, HIDDEN)


@dataclass
class Breakdown:
    """One field's table: category -> measure -> cell."""

    column: str  # roster column, e.g. kecamatan
    label: str
    rows: dict[str, dict[str, Cell]]


@dataclass
class OfficeSummary:
    registered: int
    trained: int
    completed: int
    breakdowns: list[Breakdown]


def _suppress(values: dict[str, int]) -> dict[str, Cell]:
    cells = {k: Cell(v, SMALL if v < MIN_CELL else str(v)) for k, v in values.items()}
    small = [k for k, c in cells.items() if c.suppressed]
    if len(small) == 1 and len(cells) > 1:
        # The total minus the others would reveal the one small cell: hide the next smallest too.
        rest = sorted((c.value, k) for k, c in cells.items() if not c.suppressed)
        if rest:
            cells[rest[0][1]].shown = HIDDEN
    return cells


def office_summary(data: CourseData, result: CompletionResult) -> OfficeSummary:
    students = np.asarray(result.students, dtype=object)
    if data.imported_sessions:
        trained = result.attended > 0
    else:
        res = data.scores.results
        handed = res[res["submitted"]]["student"].unique()
        trained = pd.Index(result.students).isin(handed)
    completed = result.state == COMPLETED
    measures = {"registered": np.ones(len(students), bool), "trained": trained, "completed": completed}
    breakdowns = []
    for column, attr in FIELDS.items():
        values = data.profiles[attr].reindex(result.students).fillna("").to_numpy(object)
        if not any(values):
            continue
        fc = choices()[column]
        not_filled = T("not_filled", "id")
        seen = set(values)
        categories = [v for v in fc.values if v in seen] + ([not_filled] if "" in seen else [])
        codes = pd.Categorical(np.where(values == "", not_filled, values), categories=categories).codes
        per_measure = {
            m: _suppress(
                dict(zip(categories, np.bincount(codes[mask], minlength=len(categories)).tolist(), strict=True))
            )
            for m, mask in measures.items()
        }
        rows = {c: {m: per_measure[m][c] for m in MEASURES} for c in categories}
        breakdowns.append(Breakdown(column, fc.label.get("id", column), rows))
    return OfficeSummary(len(students), int(trained.sum()), int(completed.sum()), breakdowns)
