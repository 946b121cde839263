"""The workshop's completion rules, sessions and pre/post tests as declared in course.yml.

Three optional sections sit beside ``modules`` (all validated at load, every problem at once)::

    tests:                       # pre-test and post-test: not modules
      pre:  {name: tes-awal,  title: "Tes awal"}
      post: {name: tes-akhir, title: "Tes akhir"}
      topics:                    # the essential topics of the day; each test asks about every one
        - {id: incoterms, title: "Incoterms 2020", module: m3-harga}
    sessions:                    # the sessions of the day; attendance is imported per session
      - {id: pagi, title: "Sesi pagi", date: 2026-02-14}
    completion:
      combine: all               # all: every module's condition; any: at least one of them
      pass_pct: 60               # a module's pass mark: % of the points of its required assignments
      modules:                   # per module, optional: another pass mark, fewer required assignments
        m3-harga: {pass_pct: 70, required: [harga-incoterms]}
      min_sessions: 2            # sessions attended at least
      tests: {tes-akhir: 0}      # tests that count, with their pass mark (0: taking it is enough)

Course files written before these sections existed carry ``pass_rule:`` only; they load
unchanged and mean: every module, all its assignments required, ``pass_rule.min_score_pct``
as the pass mark, no attendance minimum, tests not counted (:meth:`CompletionRules.from_pass_rule`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from pydantic import BaseModel, ConfigDict, Field

from ukm_tools.errors import Problem

if TYPE_CHECKING:
    from ukm_tools.course.config import CourseSpec

_NAME = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class TestSpec(_Strict):
    """One test (an nbgrader assignment of multiple-choice questions; its folder under source/)."""

    name: str = Field(pattern=_NAME)
    title: str = ""


class TopicSpec(_Strict):
    """An essential topic of the day; each test has a question on it."""

    id: str = Field(pattern=_NAME)
    title: str = Field(min_length=1)
    module: str | None = None


class TestsSpec(_Strict):
    """The pre-test and post-test of the day and the topics they ask about."""

    pre: TestSpec
    post: TestSpec
    topics: list[TopicSpec] = Field(min_length=1)

    def all(self) -> list[TestSpec]:
        return [self.pre, self.post]


class SessionSpec(_Strict):
    """A session of the workshop day (attendance is recorded per session)."""

    id: str = Field(pattern=_NAME)
    title: str = Field(min_length=1)
    date: dt.date | None = None


class ModuleRule(_Strict):
    """A module's own pass mark and required assignments (defaults: the course pass mark, all)."""

    pass_pct: float | None = Field(default=None, ge=0, le=100)
    required: list[str] | None = Field(default=None, min_length=1)


class CompletionRules(_Strict):
    """When a participant has completed the workshop."""

    combine: Literal["all", "any"] = "all"
    pass_pct: float = Field(default=60.0, ge=0, le=100)
    modules: dict[str, ModuleRule] = Field(default_factory=dict)
    min_sessions: int = Field(default=0, ge=0)
    tests: dict[str, float] = Field(default_factory=dict)

    @classmethod
    def from_pass_rule(cls, pass_rule) -> CompletionRules:
        """The meaning of an old course file's ``pass_rule:`` (no completion section)."""
        return cls(combine="all", pass_pct=pass_rule.min_score_pct)


def _ids(kind: str, items: list[str], field: str) -> list[Problem]:
    seen: set[str] = set()
    out = []
    for i, item in enumerate(items):
        if item in seen:
            out.append(Problem("rule_duplicate_id", f"{field}[{i}].{kind}", item))
        seen.add(item)
    return out


def rule_problems(spec: CourseSpec, course_dir: Path | None = None) -> list[Problem]:
    """Everything wrong with how the sections refer to each other (and to the course folder)."""
    problems: list[Problem] = []
    modules = {m.id: m for m in spec.modules}
    module_ids = list(modules)
    rules = spec.completion
    problems += _ids("id", [s.id for s in spec.sessions], "sessions")
    for mid, rule in rules.modules.items():
        field = f"completion.modules.{mid}"
        if mid not in modules:
            problems.append(Problem("rule_unknown_module", field, mid, module_ids))
            continue
        own = [a.name for a in modules[mid].assignments]
        for j, name in enumerate(rule.required or []):
            if name not in own:
                problems.append(
                    Problem("rule_not_module_assignment", f"{field}.required[{j}]", name, own, {"module": mid})
                )
    if rules.min_sessions > len(spec.sessions):
        problems.append(
            Problem("rule_too_many_sessions", "completion.min_sessions", rules.min_sessions, len(spec.sessions))
        )
    test_names = [t.name for t in spec.tests.all()] if spec.tests else []
    for name in rules.tests:
        if name not in test_names:
            problems.append(Problem("rule_unknown_test", f"completion.tests.{name}", name, test_names))
        elif not 0 <= rules.tests[name] <= 100:
            problems.append(Problem("out_of_range", f"completion.tests.{name}", rules.tests[name], "0–100"))
    if spec.tests:
        problems += _test_problems(spec, spec.tests, module_ids, course_dir)
    return problems


def _test_problems(spec: CourseSpec, tests: TestsSpec, module_ids: list[str], course_dir: Path | None) -> list[Problem]:
    problems: list[Problem] = []
    if tests.pre.name == tests.post.name:
        problems.append(Problem("rule_same_test", "tests.post.name", tests.post.name))
    assignments = {a.name for a in spec.assignments()}
    for kind, test in (("pre", tests.pre), ("post", tests.post)):
        field = f"tests.{kind}.name"
        if test.name in assignments:
            problems.append(Problem("rule_test_is_assignment", field, test.name))
        if course_dir is not None and not (Path(course_dir) / "source" / test.name).is_dir():
            problems.append(Problem("missing_source", field, test.name))
    problems += _ids("id", [t.id for t in tests.topics], "tests.topics")
    for i, topic in enumerate(tests.topics):
        if topic.module is not None and topic.module not in module_ids:
            problems.append(Problem("rule_unknown_module", f"tests.topics[{i}].module", topic.module, module_ids))
    if course_dir is not None and not problems:
        from ukm_tools.course.answer_keys import key_problems

        problems += key_problems(Path(course_dir), spec)
        problems += _grader_configured(Path(course_dir))
    return problems


def _grader_configured(course_dir: Path) -> list[Problem]:
    """Tests are only safe when the course's nbgrader config runs the grader-side key check."""
    from ukm_tools.course.ops import CONFIG_FILE, load_config
    from ukm_tools.course.verify_choices import PREPROCESSOR

    if not (course_dir / CONFIG_FILE).is_file():
        return []
    listed = load_config(course_dir).Autograde.get("autograde_preprocessors", [])
    names = [p if isinstance(p, str) else f"{p.__module__}.{p.__name__}" for p in listed]
    if PREPROCESSOR in names:
        return []
    return [Problem("tests_need_verify_choices", CONFIG_FILE, PREPROCESSOR)]
