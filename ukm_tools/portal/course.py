"""What the portal reads from the course: released assignments, their forms, deadlines, the roster.

The portal runs as the course user in the course folder (like the staff pages). Everything
here is read from the course as nbgrader and ``ukm`` keep it, never from a request: the
released notebook (``release/<a>/<a>.ipynb``, solutions and hidden tests already removed),
the assignment's due date in the gradebook (nbgrader's ``duedate``, set in the formgrader or
with ``nbgrader db assignment add --duedate``), and the participant's product in the roster.
Forms are cached per notebook modification time, the roster and due dates for a few seconds.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from ukm_tools.exercises.forms import Form, read_form
from ukm_tools.exercises.params import Product, product_for

#: Seconds the roster, due dates and the list of released assignments are reused.
CACHE_S = 5.0


@dataclass(frozen=True)
class Released:
    """An assignment participants can work on."""

    name: str
    title: str
    due: datetime | None
    """Naive UTC (nbgrader's ``duedate``); None: no deadline."""

    def open_at(self, now: datetime) -> bool:
        return self.due is None or now <= self.due


class CourseView:
    """The course as the portal sees it (thread-safe: handlers read it from worker threads)."""

    def __init__(self, course_dir: Path) -> None:
        from ukm_tools.course.ops import check_course_dir, db_url, load_config

        self.course_dir = check_course_dir(course_dir)
        self.db_url = db_url(self.course_dir)
        config = load_config(self.course_dir)
        self.course_id: str = config.CourseDirectory.course_id
        self.outbound = Path(config.Exchange.root) / self.course_id / "outbound"
        self._lock = threading.Lock()
        self._forms: dict[str, tuple[int, Form, dict[str, Any]]] = {}
        self._released: tuple[float, list[Released]] = (0.0, [])
        self._people: dict[str, tuple[float, Any]] = {}

    # ---------------------------------------------------------------- assignments

    def released(self) -> list[Released]:
        """Assignments released to participants, in the course's order (course.yml)."""
        with self._lock:
            stamp, cached = self._released
            if time.monotonic() - stamp < CACHE_S:
                return cached
        from ukm_tools.course.config import load_course

        dues = self._due_dates()
        found = [
            Released(a.name, a.title or a.name, dues.get(a.name))
            for a in load_course(self.course_dir).assignments()
            if self.notebook(a.name).is_file() and (self.outbound / a.name).is_dir()
        ]
        with self._lock:
            self._released = (time.monotonic(), found)
        return found

    def assignment(self, name: str) -> Released | None:
        return next((a for a in self.released() if a.name == name), None)

    def _due_dates(self) -> dict[str, datetime | None]:
        from nbgrader.api import Gradebook

        with Gradebook(self.db_url, self.course_id) as gb:
            return {a.name: a.duedate for a in gb.assignments}

    def notebook(self, name: str) -> Path:
        return self.course_dir / "release" / name / f"{name}.ipynb"

    def form(self, name: str) -> tuple[Form, dict[str, Any]]:
        """The form of a released assignment and its released notebook (as JSON)."""
        path = self.notebook(name)
        mtime = path.stat().st_mtime_ns
        with self._lock:
            cached = self._forms.get(name)
        if cached and cached[0] == mtime:
            return cached[1], cached[2]
        nb = json.loads(path.read_text(encoding="utf-8"))
        form = read_form(nb, name)
        with self._lock:
            self._forms[name] = (mtime, form, nb)
        return form, nb

    # ---------------------------------------------------------------- participants

    def participant(self, student: str) -> Any | None:
        """The roster entry of ``student`` (None: not a participant of this course)."""
        with self._lock:
            cached = self._people.get(student)
        if cached and time.monotonic() - cached[0] < CACHE_S:
            return cached[1]
        from ukm_tools.course.participants import load_participant

        entry = load_participant(self.db_url, student)
        with self._lock:
            self._people[student] = (time.monotonic(), entry)
        return entry

    def product(self, student: str) -> Product:
        return product_for(student, self.participant(student))
