"""Answer keys of the pre-test and post-test: course-side data the grader reads, never the kernel.

Each test ``T`` declared in course.yml has a key file ``<course>/kunci-jawaban/T.yml``::

    questions:
      cek_incoterms: {topic: incoterms, answer: b, answer_text: "Saat barang sudah di atas kapal"}

A question is the ``grade_id`` of its test cell; ``answer`` is the right option (of
``options``, default a-d) and ``answer_text`` that option's text, which a test compares with
the notebook so the key and the question cannot drift apart. The folder is beside ``source/``,
not inside it: nbgrader copies everything in ``source/T/`` into the release participants
fetch. The grading sandbox binds only the submission's folder and the Python installation, so
a kernel cannot open this file; only :class:`ukm_tools.course.verify_choices.VerifyChoices`
reads it, in the grader process.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ukm_tools.datafiles import load_yaml
from ukm_tools.errors import Problem, UkmError

if TYPE_CHECKING:
    from ukm_tools.course.config import CourseSpec

KEYS_DIR = "kunci-jawaban"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class KeyEntry(_Strict):
    """One multiple-choice question: its topic and the right option."""

    topic: str = Field(min_length=1)
    answer: str = Field(min_length=1)
    answer_text: str = ""
    options: list[str] = Field(default_factory=lambda: ["a", "b", "c", "d"], min_length=2)

    @model_validator(mode="after")
    def _normalise(self) -> KeyEntry:
        self.answer = self.answer.strip().lower()
        self.options = [o.strip().lower() for o in self.options]
        return self


class _KeyFile(_Strict):
    questions: dict[str, KeyEntry] = Field(min_length=1)


@dataclass(frozen=True)
class AnswerKey:
    """A test's questions (grade id -> entry), in file order."""

    test: str
    path: Path
    questions: dict[str, KeyEntry]

    def topic_of(self, question: str) -> str | None:
        entry = self.questions.get(question)
        return entry.topic if entry else None


def key_path(course_dir: str | Path, test: str) -> Path:
    return Path(course_dir) / KEYS_DIR / f"{test}.yml"


def read_key(path: str | Path, test: str) -> AnswerKey:
    """Read and check one key file (structure and options; topics are checked against course.yml)."""
    path = Path(path)
    if not path.is_file():
        raise UkmError("key_file_missing", "test", test, path=str(path), keys_dir=KEYS_DIR)
    data: Any = load_yaml(path)  # the project's one bounded YAML loader
    try:
        parsed = _KeyFile.model_validate(data if isinstance(data, dict) else {"questions": data})
    except ValidationError as e:
        from ukm_tools.course.config import _problem

        raise UkmError(problems=[_key_field(_problem(err), path) for err in e.errors()]) from None
    problems = [
        Problem("key_answer_not_option", f"{path.name}: questions.{q}.answer", e.answer, e.options)
        for q, e in parsed.questions.items()
        if e.answer not in e.options
    ]
    if problems:
        raise UkmError(problems=problems)
    return AnswerKey(test, path, parsed.questions)


def _key_field(p: Problem, path: Path) -> Problem:
    return Problem(p.code, f"{path.name}: {p.field}", p.value, p.allowed, p.params)


def load_key(course_dir: str | Path, test: str) -> AnswerKey:
    return read_key(key_path(course_dir, test), test)


def key_problems(course_dir: Path, spec: CourseSpec) -> list[Problem]:
    """Each declared test has a readable key whose questions cover every topic of course.yml."""
    problems: list[Problem] = []
    topics = [t.id for t in spec.tests.topics] if spec.tests else []
    for test in spec.test_specs():
        try:
            key = load_key(course_dir, test.name)
        except UkmError as e:
            problems += e.problems
            continue
        for q, entry in key.questions.items():
            if entry.topic not in topics:
                problems.append(
                    Problem("key_unknown_topic", f"{key.path.name}: questions.{q}.topic", entry.topic, topics)
                )
        asked = {e.topic for e in key.questions.values()}
        for topic in topics:
            if topic not in asked:
                problems.append(Problem("key_topic_not_asked", key.path.name, topic))
    return problems
