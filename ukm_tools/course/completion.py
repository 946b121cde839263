"""Who completed what: the state of every participant per module, per test and for the course.

A module's condition (course.yml ``completion``) is a pass mark: the percentage of the points
of its required assignments, automatic and manual together. Its state for a participant:

* ``completed`` — the points already scored reach the pass mark (exactly at it counts); points
  still to come can only add, so this never changes back;
* ``not_yet`` — a required assignment is not handed in yet, or even with every pending point
  the mark cannot be reached on what is in the gradebook;
* ``needs_attention`` — a required submission could not be graded (error, kernel died, corrupt
  or missing notebook, not graded yet) and its points would decide: staff must look; a failed
  grading never counts as a fail or a pass;
* ``provisional`` — only manual grades still to be given would decide.

Tests counted by ``completion.tests`` work the same way with their own mark; attendance is
``completed`` with at least ``min_sessions`` sessions attended, ``not_yet`` when that is out of
reach, ``needs_attention`` while a session's sign-in sheet has not been imported. The course
is completed when ALL (or ANY, ``combine``) module conditions are, and attendance and counted
tests are. A staff override (:mod:`ukm_tools.course.overrides`) replaces a module's or test's
state and is shown as such, beside the state the gradebook gives.

:func:`completions` is what certificates build on: who completed, which modules, and when.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

import numpy as np
import pandas as pd

from ukm_tools.course.audit import JAKARTA
from ukm_tools.course.course_data import CourseData, load_course_data
from ukm_tools.course.overrides import Override
from ukm_tools.course.scores import NOT_GRADED
from ukm_tools.errors import Problem, UkmError
from ukm_tools.messages import section

T = section("course.completion")
COMPLETED, PROVISIONAL, NEEDS_ATTENTION, NOT_YET = "completed", "provisional", "needs_attention", "not_yet"
STATES = (COMPLETED, PROVISIONAL, NEEDS_ATTENTION, NOT_YET)
ATTENDANCE = "kehadiran"  # the unit name of the attendance condition in tables
# ALL: one not-yet decides; else an attention case; else pending manual grades.
_RANK_ALL = np.array([0, 1, 2, 3])
# ANY: one completed decides; else staff attention before waiting on manual grades.
_RANK_ANY = np.array([0, 2, 1, 3])
_UNIT = 10**6  # points and percentages compared as integers of a millionth: exactly at the mark passes


def state_label(state: str, lang: str = "id") -> str:
    """A state in words (the state itself when the catalogue has no words for it)."""
    return T(f"state_{state}", lang) if state in STATES else state


@dataclass(frozen=True)
class Condition:
    """A module's or a test's condition: which assignments count, and the pass mark."""

    unit: str
    title: str
    kind: str  # "module" or "test"
    required: tuple[str, ...]
    pass_pct: float
    counts: bool  # part of the course's completion rule


def conditions(spec) -> list[Condition]:
    """Every module's condition, then the pre/post tests' (counted only when the rules name them)."""
    rules = spec.completion
    out = []
    for m in spec.modules:
        rule = rules.modules.get(m.id)
        required = tuple(rule.required) if rule and rule.required else tuple(a.name for a in m.assignments)
        pass_pct = rule.pass_pct if rule and rule.pass_pct is not None else rules.pass_pct
        out.append(Condition(m.id, m.title, "module", required, float(pass_pct), True))
    for t in spec.test_specs():
        counted = t.name in rules.tests
        out.append(Condition(t.name, t.title or t.name, "test", (t.name,), float(rules.tests.get(t.name, 0)), counted))
    return out


@dataclass
class UnitResult:
    """One condition's outcome for every participant (arrays in the order of ``CompletionResult.students``)."""

    condition: Condition
    state: np.ndarray  # final state (after overrides), object array of STATES
    computed: np.ndarray  # what the gradebook alone gives
    overridden: np.ndarray  # bool
    pct: np.ndarray  # float, NaN when nothing required has a score
    short_points: np.ndarray  # points missing to the mark (0 when reached)
    pending_points: np.ndarray
    date: np.ndarray  # datetime64 (naive UTC) of the latest required submission; NaT: none


@dataclass
class CompletionResult:
    """Completion of every participant: per condition, attendance, and the course."""

    students: list[str]
    units: dict[str, UnitResult]
    attended: np.ndarray  # sessions attended
    attendance_state: np.ndarray
    state: np.ndarray  # the course's state
    completed_on: list[dt.date | None]  # the day the course became complete (Asia/Jakarta)
    sessions_unknown: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return count_states(self.state)


def count_states(states: np.ndarray) -> dict[str, int]:
    """How many of each state (every state listed, zeros included)."""
    found = pd.Series(states, dtype=object).value_counts()
    return {s: int(found.get(s, 0)) for s in STATES}


def _codes(states: np.ndarray) -> np.ndarray:
    return pd.Categorical(states, categories=STATES).codes.astype(int)


def _units(x) -> np.ndarray:
    return np.rint(np.asarray(x, dtype=float) * _UNIT).astype(np.int64)


def _overrides_at(data: CourseData, unit: str, students: list[str]) -> list[tuple[int, Override]]:
    """(position in ``students``, override) of each of ``unit``'s overrides for a listed participant."""
    mine = {student: ov for (student, u), ov in data.overrides.items() if u == unit}
    if not mine:  # look participants up only when this unit has overrides (20,000 ids otherwise)
        return []
    at = pd.Index(students).get_indexer(pd.Index(list(mine)))
    return [(i, ov) for i, ov in zip(at.tolist(), mine.values(), strict=True) if i >= 0]


def _evaluate_unit(cond: Condition, data: CourseData, wide: dict[str, np.ndarray], students: list[str]) -> UnitResult:
    order = data.scores.assignments
    cols = [order.index(a) for a in cond.required if a in order]
    n = len(students)
    max_each = np.array([data.scores.max_score(order[j]) for j in cols], dtype=float)
    total_max = float(max_each.sum())
    score = wide["score"][:, cols].astype(float)
    status = pd.DataFrame(wide["status"][:, cols])
    pending = wide["pending_points"][:, cols].astype(float)
    attention = status.isin(NOT_GRADED).to_numpy()  # hashing: np.isin sorts object arrays
    lower = np.nansum(score, axis=1)
    unknown = (attention * max_each).sum(axis=1) if cols else np.zeros(n)
    pend = np.nansum(pending, axis=1)
    upper = lower + pend + unknown
    need = _units(cond.pass_pct) * _units(total_max)  # (pass % x max) in units^2
    missing = (status == "not_submitted").to_numpy().any(axis=1)  # required means handed in, whatever the mark
    reached = (_units(lower) * 100 * _UNIT >= need) & ~missing
    reachable = (_units(upper) * 100 * _UNIT >= need) & ~missing
    computed = np.select(
        [reached, ~reachable, attention.any(axis=1), pend > 0],
        [COMPLETED, NOT_YET, NEEDS_ATTENTION, PROVISIONAL],
        NOT_YET,
    ).astype(object)
    any_score = ~np.isnan(score).all(axis=1) if cols else np.zeros(n, bool)
    pct = np.where(any_score, lower / total_max * 100 if total_max else 0.0, np.nan)
    short = np.maximum(cond.pass_pct * total_max / 100 - lower, 0.0)
    dates = (
        pd.DataFrame(wide["timestamp"][:, cols]).max(axis=1).to_numpy("datetime64[ns]")
        if cols
        else np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    )
    state = computed.copy()
    overridden = np.zeros(n, bool)
    for i, ov in _overrides_at(data, cond.unit, students):
        state[i] = ov.status
        overridden[i] = True
    return UnitResult(cond, state, computed, overridden, pct, short, pend, dates)


def _present_by_session(marks: dict[tuple[str, str], bool]) -> dict[str, list[str]]:
    """session -> participants marked present (one pass over every mark)."""
    present: dict[str, list[str]] = {}
    for (session, sid), here in marks.items():
        if here:
            present.setdefault(session, []).append(sid)
    return present


def _attendance(data: CourseData, students: list[str]) -> tuple[np.ndarray, np.ndarray, list[str]]:
    sessions = [s.id for s in data.spec.sessions]
    unknown = [s for s in sessions if s not in data.imported_sessions]
    attended = np.zeros(len(students), int)
    who = pd.Index(students)
    present = _present_by_session(data.marks)
    for s in sessions:
        if s in data.imported_sessions:
            attended += who.isin(present.get(s, []))
    need = data.spec.completion.min_sessions
    state = np.where(
        attended >= need, COMPLETED, np.where(attended + len(unknown) < need, NOT_YET, NEEDS_ATTENTION)
    ).astype(object)
    return attended, state, unknown


def _combine(states: list[np.ndarray], rank: np.ndarray, pick) -> np.ndarray:
    if not states:
        return np.array([], object)
    codes = np.stack([_codes(s) for s in states])
    ranked = rank[codes]
    chosen = pick(ranked, axis=0)
    inverse = np.argsort(rank)
    return np.array(STATES, dtype=object)[inverse[chosen]]


def evaluate(data: CourseData) -> CompletionResult:
    """Every participant's state per module, test and attendance, and for the course."""
    students = data.students
    wide = {c: data.scores.wide(c) for c in ("score", "status", "pending_points", "timestamp")}
    units = {c.unit: _evaluate_unit(c, data, wide, students) for c in conditions(data.spec)}
    attended, attendance_state, unknown = _attendance(data, students)
    modules = [r.state for r in units.values() if r.condition.kind == "module"]
    combine = data.spec.completion.combine
    module_part = _combine(modules, _RANK_ALL, np.max) if combine == "all" else _combine(modules, _RANK_ANY, np.min)
    counted_tests = [r.state for r in units.values() if r.condition.kind == "test" and r.condition.counts]
    state = _combine([module_part, attendance_state, *counted_tests], _RANK_ALL, np.max)
    completed_on = _completion_dates(data, units, state, students, combine)
    return CompletionResult(students, units, attended, attendance_state, state, completed_on, unknown)


def _days(stamps: np.ndarray) -> np.ndarray:
    """Naive UTC datetimes -> calendar days in Asia/Jakarta (NaT stays NaT), as datetime64[D]."""
    local = pd.DatetimeIndex(stamps).tz_localize("UTC").tz_convert(JAKARTA).tz_localize(None)
    return local.to_numpy("datetime64[D]")


def _unit_days(data: CourseData, r: UnitResult, students: list[str]) -> np.ndarray:
    """The day each participant's condition was met: their latest required submission, or the override."""
    days = _days(r.date)
    if r.overridden.any():
        for i, ov in _overrides_at(data, r.condition.unit, students):
            days[i] = np.datetime64(ov.entry.at.date(), "D")
    return days


def _day(d: np.datetime64) -> dt.date | None:
    return None if np.isnat(d) else d.astype(object)


def _completion_dates(data, units, state, students, combine) -> list[dt.date | None]:
    n = len(students)
    done = state == COMPLETED
    nat = np.datetime64("NaT", "D")
    modules = [r for r in units.values() if r.condition.kind == "module"]
    per_module = (
        np.stack([np.where(r.state == COMPLETED, _unit_days(data, r, students), nat) for r in modules])
        if modules
        else np.full((1, n), nat)
    )
    with np.errstate(invalid="ignore"):
        filled = pd.DataFrame(per_module.T)
        part = (filled.max(axis=1) if combine == "all" else filled.min(axis=1)).to_numpy("datetime64[D]")
    days = [part]
    days += [_unit_days(data, r, students) for r in units.values() if r.condition.kind == "test" and r.condition.counts]
    need = data.spec.completion.min_sessions
    dated = sorted((s.date, s.id) for s in data.spec.sessions if s.date)
    if need and dated:
        reached = np.full(n, nat)
        count = np.zeros(n, int)
        who = pd.Index(students)
        by_session = _present_by_session(data.marks)
        for day, sess in dated:  # the day the participant's attendance reached the minimum
            present = who.isin(by_session.get(sess, []))
            count += present
            reached = np.where((count == need) & present & np.isnat(reached), np.datetime64(day, "D"), reached)
        days.append(reached)
    latest = pd.DataFrame(np.stack(days).T).max(axis=1).to_numpy("datetime64[D]")
    return [_day(d) if done[i] else None for i, d in enumerate(latest)]


# --- one participant ---------------------------------------------------------------------------


@dataclass
class UnitProgress:
    """One condition for one participant, with what is still missing (problems to render)."""

    condition: Condition
    state: str
    computed: str
    pct: float | None
    notes: list[Problem]


@dataclass
class Progress:
    """Everything ``ukm progress`` says about one participant."""

    student: str
    name: str
    state: str
    units: list[UnitProgress]
    attended: int
    min_sessions: int
    attendance_notes: list[Problem]


def _fmt(x: float) -> str:
    from decimal import Decimal

    d = Decimal(str(round(float(x), 1))).normalize()
    return f"{d:f}".replace(".", ",")


def progress(data: CourseData, result: CompletionResult, student: str, lang: str = "id") -> Progress:
    """What ``student`` has completed and what is still missing, per condition (labels in ``lang``)."""
    if student not in result.students:
        near = [s for s in result.students if student[:3] in s][:5]
        raise UkmError("progress_unknown_participant", "participant", student, near or result.students[:5])
    i = result.students.index(student)
    res = data.scores.results
    rows = res[res["student"] == student].set_index("assignment")
    units = []
    for unit, r in result.units.items():
        notes: list[Problem] = []
        cond = r.condition
        for a in cond.required:
            row = rows.loc[a]
            if row["status"] == "not_submitted":
                notes.append(Problem("progress_not_submitted", None, a))
            elif row["status"] in NOT_GRADED:
                from ukm_tools.course.reports import status_label

                reason = f" ({row['reason']})" if row["reason"] else ""
                notes.append(
                    Problem(
                        "progress_attention",
                        None,
                        a,
                        None,
                        {"status": status_label(str(row["status"]), lang), "reason": reason},
                    )
                )
            if row["pending"]:
                notes.append(
                    Problem(
                        "progress_pending",
                        None,
                        row["pending"].replace(",", ", "),
                        None,
                        {"points": _fmt(cast(float, row["pending_points"]))},
                    )
                )
        if r.computed[i] != COMPLETED and r.short_points[i] > 0 and not np.isnan(r.pct[i]):
            notes.append(
                Problem(
                    "progress_short",
                    None,
                    None,
                    None,
                    {"pct": _fmt(r.pct[i]), "pass_pct": _fmt(cond.pass_pct), "points": _fmt(r.short_points[i])},
                )
            )
        if r.overridden[i]:
            ov = data.overrides[(student, unit)]
            notes.insert(
                0,
                Problem(
                    "progress_override",
                    None,
                    None,
                    None,
                    {
                        "state": state_label(ov.status, lang),
                        "by": ov.entry.by,
                        "at": f"{ov.entry.at:%d-%m-%Y %H:%M} WIB",
                        "why": ov.entry.why,
                        "computed": state_label(r.computed[i], lang),
                    },
                ),
            )
        pct = None if np.isnan(r.pct[i]) else float(r.pct[i])
        units.append(UnitProgress(cond, r.state[i], r.computed[i], pct, notes))
    need = data.spec.completion.min_sessions
    att_notes = []
    if need and result.attended[i] < need:
        att_notes.append(Problem("progress_sessions", None, int(result.attended[i]), need))
    if result.sessions_unknown:
        att_notes.append(Problem("progress_sessions_unknown", None, ", ".join(result.sessions_unknown)))
    name = str(data.scores.students.loc[student, "name"]) if student in data.scores.students.index else ""
    return Progress(student, name, result.state[i], units, int(result.attended[i]), need, att_notes)


# --- for certificates --------------------------------------------------------------------------


@dataclass(frozen=True)
class ModulePassed:
    module_id: str
    title: str
    completed_on: dt.date | None
    overridden: bool


@dataclass(frozen=True)
class Completion:
    """A participant who completed the course: the modules they passed and when (Asia/Jakarta)."""

    student: str
    name: str
    completed_on: dt.date | None
    modules: tuple[ModulePassed, ...]
    overridden: bool  # some module or test counted only through a staff override


def completions(course_dir: str | Path, data: CourseData | None = None) -> list[Completion]:
    """Participants whose course state is ``completed``, sorted by id (what certificates are issued for)."""
    data = data or load_course_data(course_dir)
    result = evaluate(data)
    modules_of = [r for r in result.units.values() if r.condition.kind == "module"]
    days = {r.condition.unit: _unit_days(data, r, result.students) for r in modules_of}  # once per module
    out = []
    for i, sid in enumerate(result.students):
        if result.state[i] != COMPLETED:
            continue
        modules = tuple(
            ModulePassed(r.condition.unit, r.condition.title, _day(days[r.condition.unit][i]), bool(r.overridden[i]))
            for r in modules_of
            if r.state[i] == COMPLETED
        )
        flagged = any(r.overridden[i] for r in result.units.values() if r.condition.counts)
        name = str(data.scores.students.loc[sid, "name"])
        out.append(Completion(sid, name, result.completed_on[i], modules, flagged))
    return out
