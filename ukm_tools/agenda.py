"""The workshop day as data: sessions of timed blocks, each with its start and end minute.

One agenda file (``data/workshop/agenda.yaml``, or a course's own ``agenda.yml``) is behind the
book's agenda page, the printed agenda and the trainer kit: the times are computed here from the
blocks' lengths, so moving a break moves every later time everywhere. Its format is documented
in the packaged file. Sessions carry the ids of course.yml's sessions, so attendance recorded per
session and the day's timetable name the same sessions.

Pure: reads a mapping, returns values; no files written.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ukm_tools.case import problems_from_pydantic
from ukm_tools.datafiles import load_yaml, packaged_yaml
from ukm_tools.errors import Problem, UkmError, owned
from ukm_tools.messages import section

Kind = Literal[
    "registrasi",
    "pembukaan",
    "tes",
    "materi",
    "demo",
    "uji-diri",
    "latihan",
    "diskusi",
    "studi-kasus",
    "rehat",
    "ishoma",
    "evaluasi",
    "penutupan",
]
BREAKS = ("rehat", "ishoma")
T = section("agenda")


def kind_label(kind: str, lang: str = "id") -> str:
    """How a kind of block is named for participants (the book's agenda, the printed agenda)."""
    return T(f"kind_{kind}", lang)


def page_label(page: str, module_pages: Sequence[str], lang: str = "id") -> str:
    """How the agenda names a book page: "Modul 3" for the course's third module page."""
    if page == "intro":
        return T("page_intro", lang)
    if page == "studi-kasus":
        return T("page_case", lang)
    name = page.removeprefix("modul/")
    if name in module_pages:
        return T("page_module", lang, number=list(module_pages).index(name) + 1)
    return page


_TIME = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class BlockSpec(_Model):
    minutes: int = Field(gt=0, le=240)
    kind: Kind
    title: str = Field(min_length=1)
    page: str = ""
    exercise: str = ""
    test: Literal["pre", "post"] | None = None
    fasilitator: str = ""
    pendamping: str = ""


class SessionSpec(_Model):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,63}$")
    title: str = Field(min_length=1)
    blocks: list[BlockSpec] = Field(min_length=1)


class AgendaSpec(_Model):
    title: str = Field(min_length=1)
    start: str
    group_size: int = Field(default=10, gt=0, le=50)
    pendamping: list[str] = []
    sessions: list[SessionSpec] = Field(min_length=1)

    _t = field_validator("start", mode="before")(lambda cls, v: _check_time(v))


def _check_time(v: Any) -> str:
    if isinstance(v, int):  # YAML reads 8:00 unquoted as a number of minutes (sexagesimal)
        v = f"{v // 60:02d}:{v % 60:02d}"
    if not isinstance(v, str) or not _TIME.match(v.strip()):
        raise UkmError("agenda_bad_time", "start", v)
    return v.strip()


@dataclass(frozen=True)
class Block:
    """One timed activity of the day."""

    session: str
    spec: BlockSpec
    start: dt.time
    end: dt.time

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def minutes(self) -> int:
        return self.spec.minutes

    @property
    def title(self) -> str:
        return self.spec.title

    @property
    def is_break(self) -> bool:
        return self.spec.kind in BREAKS

    def span(self) -> str:
        """``08.00–08.30``: Indonesian time notation."""
        return f"{self.start:%H.%M}–{self.end:%H.%M}"


@dataclass(frozen=True)
class Session:
    id: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def start(self) -> dt.time:
        return self.blocks[0].start

    @property
    def end(self) -> dt.time:
        return self.blocks[-1].end

    def span(self) -> str:
        return f"{self.start:%H.%M}–{self.end:%H.%M}"


@dataclass(frozen=True)
class Agenda:
    title: str
    group_size: int
    pendamping: tuple[str, ...]
    sessions: tuple[Session, ...]

    @property
    def blocks(self) -> tuple[Block, ...]:
        return tuple(b for s in self.sessions for b in s.blocks)

    @property
    def session_ids(self) -> list[str]:
        return [s.id for s in self.sessions]

    def minutes(self, kind: str) -> int:
        """Total minutes of one kind of block (``latihan``: time on exercises)."""
        return sum(b.minutes for b in self.blocks if b.kind == kind)

    def exercises(self) -> list[str]:
        return [b.spec.exercise for b in self.blocks if b.spec.exercise]

    def page_blocks(self, page: str) -> list[Block]:
        return [b for b in self.blocks if b.spec.page == page]

    @owned("agenda")
    def check_course(
        self, session_ids: list[str] | None, assignments: list[str], tests: dict[str, str] | None = None
    ) -> None:
        """Raise when the agenda and a course disagree: other sessions, or an exercise it does not have.

        ``session_ids``: course.yml's sessions (None or empty: the course declares none, the
        agenda's own are used). ``tests``: pre/post -> the course's test names, if any.
        """
        problems = []
        if session_ids and list(session_ids) != self.session_ids:
            problems.append(Problem("agenda_sessions_differ", "sessions", self.session_ids, list(session_ids)))
        for i, s in enumerate(self.sessions):
            for j, b in enumerate(s.blocks):
                if b.spec.exercise and b.spec.exercise not in assignments:
                    field = f"sessions[{i}].blocks[{j}].exercise"
                    problems.append(Problem("agenda_unknown_exercise", field, b.spec.exercise, assignments))
        if problems:
            raise UkmError(problems=problems)


@owned("agenda")
def parse_agenda(data: Any, name: str = "agenda") -> Agenda:
    """Validate an agenda mapping and time every block; every problem is reported at once."""
    if not isinstance(data, Mapping):
        raise UkmError("malformed_file", "file", name, detail="expected a mapping (title, start, sessions)")
    try:
        spec = AgendaSpec.model_validate(data)
    except ValidationError as e:
        raise UkmError(problems=problems_from_pydantic(e, AgendaSpec)) from None
    hh, mm = (int(x) for x in _TIME.fullmatch(spec.start).groups())  # type: ignore[union-attr]  # validated
    minute = hh * 60 + mm
    first = minute
    sessions = []
    for s in spec.sessions:
        blocks = []
        for b in s.blocks:
            if minute + b.minutes >= 24 * 60:
                raise UkmError("agenda_past_midnight", "sessions", minute + b.minutes - first, spec.start)
            blocks.append(Block(s.id, b, _clock(minute), _clock(minute + b.minutes)))
            minute += b.minutes
        sessions.append(Session(s.id, s.title, tuple(blocks)))
    return Agenda(spec.title, spec.group_size, tuple(spec.pendamping), tuple(sessions))


def _clock(minute: int) -> dt.time:
    return dt.time(minute // 60, minute % 60)


AGENDA_FILE = "agenda.yml"


def load_agenda(path: str | None = None) -> Agenda:
    """A trainer's agenda file, or the packaged workshop day."""
    if path is None:
        return parse_agenda(packaged_yaml("workshop/agenda.yaml"), "workshop/agenda.yaml")
    return parse_agenda(load_yaml(path), str(path))
