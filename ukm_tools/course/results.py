"""What a participant learns about a graded submission: each question's score and what is wrong.

Grade-on-submit (:mod:`ukm_tools.course.grading.on_submit`) builds a :class:`Result` once a
submission's grading has finished and keeps it in the table ``ukm_result`` of the gradebook
database (one row per participant and assignment, replaced by the next graded submission);
the exercise portal shows it. A result holds only what the participant may see:

* the score and maximum of every graded cell, from nbgrader's gradebook (written answers
  marked as waiting for the trainer until graded by hand);
* for a cell that did not get full marks, the grader's verdicts on the recorded answers
  (:data:`~ukm_tools.course.verify_answers.VERDICTS_KEY`: a catalogue key and plain values, the
  expected answer never among them), read from that cell of the autograded notebook only;
* the grading status when the submission could not be graded normally (a timeout, a broken
  notebook), so a zero never looks like a real score.

No test code, no hidden test, no output of the participant's own code, nothing of anyone else.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from ukm_tools.course.database import TableStore, upsert
from ukm_tools.exercises.checks import Verdict

if TYPE_CHECKING:
    from nbgrader.coursedir import CourseDirectory

TABLE_NAME = "ukm_result"
#: The autograded notebook is read only up to this size (it is the participant's file, graded).
MAX_NOTEBOOK_BYTES = 20 * 1024 * 1024

_metadata = sa.MetaData()
RESULT_TABLE = sa.Table(
    TABLE_NAME,
    _metadata,
    sa.Column("assignment", sa.String(128), primary_key=True),
    sa.Column("student", sa.String(128), primary_key=True),
    # the graded submission: the engine's fingerprint of the submitted folder
    sa.Column("fingerprint", sa.String(128), nullable=False, default=""),
    sa.Column("status", sa.String(32), nullable=False),
    sa.Column("released_at", sa.DateTime, nullable=False),
    sa.Column("document", sa.Text, nullable=False),
)


@dataclass(frozen=True)
class QuestionResult:
    """One graded cell as the participant sees it."""

    cell: str
    """grade_id of the graded cell (a test cell, or a written answer's own cell)."""
    score: float | None
    max_score: float
    waiting_for_trainer: bool = False
    """A written answer not graded by the trainer yet (no score to show)."""
    verdicts: list[dict[str, Any]] = field(default_factory=list)
    """What is wrong (:class:`~ukm_tools.exercises.checks.Verdict` as JSON); empty when full marks."""

    @property
    def full(self) -> bool:
        return self.score is not None and self.score >= self.max_score

    def verdict_objects(self) -> list[Verdict]:
        return [v for v in (Verdict.from_json(d) for d in self.verdicts) if v is not None]


@dataclass(frozen=True)
class Result:
    assignment: str
    student: str
    status: str
    """The grading status (:class:`~ukm_tools.course.grading.status.Status` value)."""
    fingerprint: str
    score: float | None
    max_score: float | None
    questions: list[QuestionResult] = field(default_factory=list)
    submitted_at: datetime | None = None
    """When the graded submission was handed in (naive UTC, nbgrader's timestamp)."""

    def question(self, cell: str) -> QuestionResult | None:
        return next((q for q in self.questions if q.cell == cell), None)

    def to_json(self) -> str:
        data = asdict(self)
        data["submitted_at"] = self.submitted_at.isoformat() if self.submitted_at else None
        return json.dumps(data, ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Result:
        data = json.loads(text)
        questions = [QuestionResult(**q) for q in data.pop("questions", [])]
        submitted = data.pop("submitted_at", None)
        return cls(**data, questions=questions, submitted_at=datetime.fromisoformat(submitted) if submitted else None)


@dataclass(frozen=True)
class Released:
    """A released result's submission (fingerprint) and grading status, without its document."""

    fingerprint: str
    status: str


def course_directory(course_dir: Path) -> CourseDirectory:
    """nbgrader's CourseDirectory of the course (its configuration read once), rooted at ``course_dir``."""
    from nbgrader.coursedir import CourseDirectory

    from ukm_tools.course.ops import load_config

    coursedir = CourseDirectory(config=load_config(course_dir))
    coursedir.root = str(course_dir)
    return coursedir


def participant_folder(coursedir: CourseDirectory, kind: str, assignment: str, student: str) -> Path:
    """``student``'s folder of ``assignment`` as the course's nbgrader configuration names it; ``kind``
    is a CourseDirectory trait (``submitted_directory``, ``autograded_directory``)."""
    return Path(coursedir.format_path(getattr(coursedir, kind), student, assignment))


def autograded_notebooks(coursedir: CourseDirectory, assignment: str, student: str) -> list[Path]:
    folder = participant_folder(coursedir, "autograded_directory", assignment, student)
    return sorted(folder.glob("*.ipynb")) if folder.is_dir() else []


def _verdicts(coursedir: CourseDirectory, assignment: str, student: str) -> dict[str, list[dict[str, Any]]]:
    """grade_id -> the grader's verdicts, from the graded test cells of the autograded notebooks."""
    from ukm_tools.course.verify_answers import VERDICTS_KEY

    found: dict[str, list[dict[str, Any]]] = {}
    for path in autograded_notebooks(coursedir, assignment, student):
        if path.is_symlink() or path.stat().st_size > MAX_NOTEBOOK_BYTES:
            continue
        try:
            nb = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        for cell in nb.get("cells", []) if isinstance(nb, dict) else []:
            meta = cell.get("metadata", {}) if isinstance(cell, dict) else {}
            grading = meta.get("nbgrader", {}) if isinstance(meta, dict) else {}
            if not isinstance(grading, dict) or not grading.get("grade") or grading.get("solution"):
                continue  # only test cells, which nbgrader restored from the release before grading
            verdicts = [v.to_json() for v in map(Verdict.from_json, meta.get(VERDICTS_KEY) or []) if v]
            if verdicts:
                found[str(grading.get("grade_id"))] = verdicts
    return found


def build_result(course_dir: Path, db_url: str, assignment: str, student: str, status: str, fingerprint: str) -> Result:
    """The result of ``student``'s graded submission of ``assignment`` (scores from the gradebook)."""
    from nbgrader.api import Gradebook, MissingEntry

    from ukm_tools.course.grading.checks import fingerprint as folder_fingerprint
    from ukm_tools.course.intake import stored_time

    coursedir = course_directory(Path(course_dir))
    questions: list[QuestionResult] = []
    score = max_score = None
    submitted_at = None
    verdicts = _verdicts(coursedir, assignment, student)
    with Gradebook(db_url, coursedir.course_id) as gb:
        try:
            sub = gb.find_submission(assignment, student)
        except MissingEntry:
            sub = None
        if sub is not None:
            score, max_score, submitted_at = float(sub.score), float(sub.max_score), sub.timestamp
            for nb in sorted(sub.notebooks, key=lambda n: n.name):
                for g in sorted(nb.grades, key=lambda g: g.name):
                    waiting = bool(g.needs_manual_grade) and g.manual_score is None
                    got = None if waiting else float(g.score)
                    full = got is not None and got >= float(g.max_score)
                    questions.append(
                        QuestionResult(
                            g.name,
                            got,
                            float(g.max_score),
                            waiting,
                            [] if full or waiting else verdicts.get(g.name, []),
                        )
                    )
    # A grading that failed before nbgrader recorded the submission (the machine's failure, a broken
    # notebook) leaves no time, or an earlier submission's, in the gradebook: the submitted folder,
    # when it still is the one graded, says when it was handed in (so the portal shows this result).
    folder = participant_folder(coursedir, "submitted_directory", assignment, student)
    if fingerprint and folder_fingerprint(folder) == fingerprint:
        submitted_at = stored_time(folder) or submitted_at
    return Result(assignment, student, status, fingerprint, score, max_score, questions, submitted_at)


class ResultStore(TableStore):
    """Reads and writes ``ukm_result`` in the gradebook database at ``db_url``."""

    metadata = _metadata

    def put(self, result: Result, released_at: datetime) -> None:
        """Release ``result``: it replaces the participant's earlier result of that assignment."""
        values = {
            "fingerprint": result.fingerprint,
            "status": result.status,
            "released_at": released_at,
            "document": result.to_json(),
        }
        with self._engine.begin() as conn:
            upsert(conn, RESULT_TABLE, {"assignment": result.assignment, "student": result.student}, values)

    def get(self, assignment: str, student: str) -> Result | None:
        query = sa.select(RESULT_TABLE.c.document).where(
            RESULT_TABLE.c.assignment == assignment, RESULT_TABLE.c.student == student
        )
        with self._engine.connect() as conn:
            row = conn.execute(query).first()
        return Result.from_json(row.document) if row else None

    def released_states(self, assignment: str) -> dict[str, Released]:
        """Student -> what was released of their submission of ``assignment``."""
        query = sa.select(RESULT_TABLE.c.student, RESULT_TABLE.c.fingerprint, RESULT_TABLE.c.status).where(
            RESULT_TABLE.c.assignment == assignment
        )
        with self._engine.connect() as conn:
            return {r.student: Released(r.fingerprint, r.status) for r in conn.execute(query)}

    def released(self, assignment: str) -> dict[str, datetime]:
        query = sa.select(RESULT_TABLE.c.student, RESULT_TABLE.c.released_at).where(
            RESULT_TABLE.c.assignment == assignment
        )
        with self._engine.connect() as conn:
            return {r.student: r.released_at for r in conn.execute(query)}
