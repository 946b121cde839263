"""course.yml: the workshop's modules, their assignments and pass rules, validated.

The file sits beside nbgrader_config.py in the course folder. Every problem found is
reported at once as a :class:`~ukm_tools.errors.UkmError` whose fields name the exact
place (``modules[1].assignments[0].weight``), in Bahasa Indonesia or English. The
completion rules, sessions and pre/post tests are declared in :mod:`ukm_tools.course.rules`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ukm_tools.course.rules import CompletionRules, SessionSpec, TestSpec, TestsSpec, rule_problems
from ukm_tools.datafiles import load_yaml
from ukm_tools.errors import Problem, UkmError

COURSE_FILE = "course.yml"
_NAME = r"^[a-z0-9][a-z0-9_-]{0,63}$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)


class AssignmentSpec(_Strict):
    """One nbgrader assignment (its folder name under source/)."""

    name: str = Field(pattern=_NAME)
    title: str = ""
    weight: float = Field(default=1.0, gt=0, le=100)
    personal: bool = False


class ModuleSpec(_Strict):
    """One book module and the assignments that assess it."""

    id: str = Field(pattern=_NAME)
    title: str = Field(min_length=1)
    page: str | None = Field(default=None, pattern=_NAME)  # its page book/modul/<page>.md, if the book has one
    calculator: str | None = Field(default=None, pattern=_NAME)  # the ukm_tools.widgets module its page links to
    assignments: list[AssignmentSpec] = Field(min_length=1)


class PassRule(_Strict):
    """When a participant passes: a minimum weighted score and, optionally, every assignment graded."""

    min_score_pct: float = Field(default=60.0, ge=0, le=100)
    require_all_assignments: bool = True


class CertificateSpec(_Strict):
    """What certificates print besides the gradebook's facts, and where their QR codes point."""

    city: str = ""  # where the training took place, printed beside the date
    issuer: str = ""  # the office that signs, e.g. Dinas Koperasi UKM Perindag Kota Medan
    # The address where the office hosts verifikasi.html (the QR links to <verify_url>#<code>).
    verify_url: str = Field(default="", pattern=r"^(https?://\S+)?$")


class CourseSpec(_Strict):
    course_id: str = Field(pattern=_NAME)
    title: str = Field(min_length=1)
    language: str = Field(default="id", pattern=r"^(id|en)$")
    modules: list[ModuleSpec] = Field(min_length=1)
    pass_rule: PassRule = PassRule()
    tests: TestsSpec | None = None
    sessions: list[SessionSpec] = Field(default_factory=list)
    completion: CompletionRules = Field(default_factory=CompletionRules)  # old files: from pass_rule (below)
    certificate: CertificateSpec = CertificateSpec()

    @model_validator(mode="after")
    def _one_pass_mark(self) -> CourseSpec:
        # Old files: pass_rule only, which then also means the completion rule. New files: the
        # grade export's verdict uses the completion pass mark unless pass_rule is given too.
        if "completion" not in self.model_fields_set:
            self.completion = CompletionRules.from_pass_rule(self.pass_rule)
        elif "pass_rule" not in self.model_fields_set:
            self.pass_rule = PassRule(min_score_pct=self.completion.pass_pct)
        return self

    def assignments(self) -> list[AssignmentSpec]:
        return [a for m in self.modules for a in m.assignments]

    def test_specs(self) -> list[TestSpec]:
        """The pre-test and post-test (empty when the course declares none)."""
        return self.tests.all() if self.tests else []

    def pages(self) -> list[str]:
        """The book's module pages (book/modul/<page>.md), in the course's order."""
        return [m.page for m in self.modules if m.page]

    def module_for_page(self, page: str) -> ModuleSpec:
        """The module whose book page is ``page``."""
        for m in self.modules:
            if m.page == page:
                return m
        raise UkmError("unknown_choice", "page", page, [m.page for m in self.modules if m.page])

    def assignment(self, name: str) -> AssignmentSpec | TestSpec:
        found: list[AssignmentSpec | TestSpec] = [*self.assignments(), *self.test_specs()]
        for a in found:
            if a.name == name:
                return a
        known = [a.name for a in self.assignments()] + [t.name for t in self.test_specs()]
        raise UkmError("unknown_choice", "assignment", name, known)


def _field_path(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "course.yml"


def _problem(err: Mapping[str, Any]) -> Problem:
    field = _field_path(err["loc"])
    kind = err["type"]
    value = err.get("input")
    if kind == "missing":
        return Problem("missing_field", field)
    if kind == "extra_forbidden":  # the key as written, and the keys allowed where it stands
        from ukm_tools.case import fields_at

        return Problem("unknown_field", field, err["loc"][-1], fields_at(tuple(err["loc"][:-1]), CourseSpec))
    if kind == "string_pattern_mismatch":
        return Problem("bad_name", field, value)
    if kind in ("greater_than", "greater_than_equal", "less_than", "less_than_equal"):
        ctx = err.get("ctx", {})
        lo = ctx.get("gt", ctx.get("ge", "…"))
        hi = ctx.get("lt", ctx.get("le", "…"))
        return Problem("out_of_range", field, value, f"{lo}–{hi}")
    if kind == "too_short":
        return Problem("missing_field", field)
    if kind == "literal_error":  # pydantic gives "'all' or 'any'": list the values, in no language
        return Problem("unknown_choice", field, value, re.findall(r"'([^']*)'", err.get("ctx", {}).get("expected", "")))
    return Problem(
        "wrong_type",
        field,
        value if not isinstance(value, (dict, list)) else type(value).__name__,
        err.get("msg", kind),
    )


def parse_course(data: Any, course_dir: Path | None = None) -> CourseSpec:
    """Validate a course mapping; with ``course_dir`` also check every source folder exists."""
    if not isinstance(data, dict):
        raise UkmError("malformed_file", "file", COURSE_FILE, detail="expected a mapping (course_id, title, modules)")
    try:
        spec = CourseSpec.model_validate(data)
    except ValidationError as e:
        raise UkmError(problems=[_problem(err) for err in e.errors()]) from None
    problems: list[Problem] = []
    seen: set[str] = set()
    for i, m in enumerate(spec.modules):
        for j, a in enumerate(m.assignments):
            field = f"modules[{i}].assignments[{j}].name"
            if a.name in seen:
                problems.append(Problem("duplicate_assignment", field, a.name))
            seen.add(a.name)
            if course_dir is not None and not (Path(course_dir) / "source" / a.name).is_dir():
                problems.append(Problem("missing_source", field, a.name))
    problems += rule_problems(spec, course_dir)
    if problems:
        raise UkmError(problems=problems)
    return spec


def load_course(course_dir: str | Path) -> CourseSpec:
    """Read and validate ``course_dir/course.yml``."""
    path = Path(course_dir) / COURSE_FILE
    if not path.is_file():
        raise UkmError("file_not_found", "file", str(path))
    data = load_yaml(path)  # the project's one bounded YAML loader
    return parse_course(data, Path(course_dir))


def is_valid_name(name: str) -> bool:
    return re.match(_NAME, name) is not None
