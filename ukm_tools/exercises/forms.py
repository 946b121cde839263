"""Exercise forms: what a notebook asks for, declared in its cells' metadata, as a form for a phone.

The exercise portal (:mod:`ukm_tools.portal`) shows a released nbgrader notebook as a form and
writes the answers back into the same cells nbgrader grades. What each cell is for is declared
in the source notebook, under the cell's ``ukm`` metadata (nbgrader keeps it in the release),
never guessed from code:

* an answer cell (nbgrader ``solution: true``) lists the answers it holds::

      "ukm": {"answers": [{"name": "harga_exw", "type": "rupiah", "label": "Harga EXW per unit",
                           "calculator": "price"}]}

  ``type`` is one of :class:`Kind`: ``rupiah`` and ``usd`` (an amount in that currency),
  ``number`` (``"whole": true`` for a count or a score), ``choice`` (with its ``options``,
  ``{"a": "PIB", "b": "PEB"}``) and ``text`` (a written answer in a markdown answer cell,
  graded by the trainer). ``calculator`` names the ``ukm_tools.widgets`` module whose
  calculator, filled with the participant's case, shows the figures the answer needs;
* ``"ukm": {"case": "pricing"}`` marks the set-up cell whose printout is the participant's own
  case (:data:`CASE_KINDS`); the portal shows the same lines;
* ``"ukm": {"show": "notebook"}`` marks instructions for notebook users only (code, menus);
  the portal leaves them out, so what it shows is written without code.

Everything else a form shows is the notebook's markdown. Code cells (set-up, tests) are never
shown. Answers are typed the Indonesian way (``12.500``; ``1,75``) and read with
:func:`ukm_tools.numbers.parse_number`; the checks a participant sees while typing are the
notebook's visible tests (:func:`ukm_tools.exercises.checks.shape_key`), run on the server.
"""

from __future__ import annotations

import copy
import enum
import html
import keyword
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from ukm_tools.errors import Problem, UkmError
from ukm_tools.exercises.checks import shape_key
from ukm_tools.messages import section
from ukm_tools.numbers import parse_number

T = section("exercises.forms")

META_KEY = "ukm"
#: Cases a set-up cell may print (the functions of :mod:`ukm_tools.exercises` a notebook calls).
CASE_KINDS = ("pricing", "payment", "readiness", "katalog", "financing")
#: Longest written answer kept (a few paragraphs); longer text is refused, not cut.
MAX_TEXT = 4000
#: Longest number or option typed into a field.
MAX_TYPED = 40


class Kind(enum.StrEnum):
    """What an answer field takes."""

    RUPIAH = "rupiah"
    USD = "usd"
    NUMBER = "number"
    CHOICE = "choice"
    TEXT = "text"

    @property
    def currency(self) -> str | None:
        return {"rupiah": "IDR", "usd": "USD"}.get(self.value)

    @property
    def check_kind(self) -> str:
        """The kind of the notebook's visible test (:func:`ukm_tools.exercises.checks.shape_key`)."""
        return {"rupiah": "money", "usd": "money", "choice": "choice"}.get(self.value, "number")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AnswerSpec(_Strict):
    """One answer as an answer cell's metadata declares it."""

    name: str
    type: Kind
    label: str = Field(min_length=1)
    options: dict[str, str] = {}
    whole: bool = False
    calculator: str | None = Field(default=None, pattern=r"^[a-z_]+$")

    @field_validator("name")
    @classmethod
    def _identifier(cls, v: str) -> str:
        if not v.isidentifier() or keyword.iskeyword(v):
            raise ValueError("must be a Python variable name")
        return v

    @model_validator(mode="after")
    def _options_for_choices(self) -> AnswerSpec:
        if (self.type is Kind.CHOICE) != bool(self.options):
            raise ValueError("a choice needs its options, and only a choice has options")
        if self.whole and self.type is not Kind.NUMBER:
            raise ValueError("only a number can be whole")
        return self


class CellMeta(_Strict):
    """A cell's ``ukm`` metadata."""

    answers: list[AnswerSpec] = []
    case: str | None = None
    show: str | None = Field(default=None, pattern=r"^notebook$")

    @field_validator("case")
    @classmethod
    def _known_case(cls, v: str | None) -> str | None:
        if v is not None and v not in CASE_KINDS:
            raise ValueError(f"case must be one of {', '.join(CASE_KINDS)}")
        return v


@dataclass(frozen=True)
class AnswerField:
    """One field of a form: an answer and the cells nbgrader grades it in."""

    name: str
    kind: Kind
    label: str
    cell: str
    """grade_id of the answer cell the answer is written into."""
    graded_by: str
    """grade_id of the cell whose score is this answer's (the test cell after it, or the cell itself)."""
    options: tuple[tuple[str, str], ...] = ()
    whole: bool = False
    calculator: str | None = None

    @property
    def manual(self) -> bool:
        """Graded by the trainer (a written answer), not by the tests."""
        return self.kind is Kind.TEXT


@dataclass(frozen=True)
class Block:
    """A piece of a form, in notebook order: markdown text, the participant's case, or a question's fields."""

    kind: str  # "text" | "case" | "fields"
    text: str = ""
    case: str = ""
    fields: tuple[AnswerField, ...] = ()
    title: str = ""
    """For fields: the question they answer (the last heading before them, ``Soal 1 — ...``)."""


@dataclass(frozen=True)
class Form:
    assignment: str
    blocks: tuple[Block, ...]
    points: Mapping[str, float] = field(default_factory=dict)
    """grade_id -> points of every graded cell."""

    @property
    def fields(self) -> dict[str, AnswerField]:
        return {f.name: f for b in self.blocks for f in b.fields}

    def question(self, graded_by: str) -> Block | None:
        """The block of fields whose score is that of graded cell ``graded_by``."""
        return next((b for b in self.blocks if b.fields and b.fields[0].graded_by == graded_by), None)

    @property
    def cases(self) -> list[str]:
        return [b.case for b in self.blocks if b.kind == "case"]

    @property
    def max_score(self) -> float:
        return float(sum(self.points.values()))


def _meta(cell: Mapping[str, Any], where: str) -> CellMeta:
    raw = cell.get("metadata", {}).get(META_KEY)
    if raw is None:
        return CellMeta()
    try:
        return CellMeta.model_validate(raw)
    except ValidationError as e:
        raise UkmError(
            problems=[
                Problem("form_bad_metadata", where, ".".join(str(p) for p in err["loc"]), params={"detail": err["msg"]})
                for err in e.errors()
            ]
        ) from None


def _source(cell: Mapping[str, Any]) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else str(src)


def read_form(nb: Mapping[str, Any], assignment: str) -> Form:
    """The form of a (released or source) notebook; every metadata problem reported at once.

    Raises:
        UkmError: ``form_bad_metadata`` (a cell's ``ukm`` metadata is malformed),
            ``form_undeclared_answer`` (an answer cell declares no answer), ``form_duplicate_answer``.
    """
    cells = list(nb.get("cells", []))
    problems: list[Problem] = []
    blocks: list[Block] = []
    points: dict[str, float] = {}
    seen: set[str] = set()
    heading = ""
    for index, cell in enumerate(cells):
        grading = cell.get("metadata", {}).get("nbgrader", {})
        grade_id = str(grading.get("grade_id") or f"sel {index + 1}")
        try:
            meta = _meta(cell, grade_id)
        except UkmError as e:
            problems += e.problems
            continue
        if grading.get("grade"):
            points[grade_id] = float(grading.get("points") or 0)
        if meta.show == "notebook":
            continue
        if grading.get("solution"):
            if not meta.answers:
                problems.append(Problem("form_undeclared_answer", grade_id, grade_id))
                continue
            graded_by = grade_id if grading.get("grade") else _next_test(cells, index) or grade_id
            answers = []
            for a in meta.answers:
                if a.name in seen:
                    problems.append(Problem("form_duplicate_answer", grade_id, a.name))
                seen.add(a.name)
                if (a.type is Kind.TEXT) != (cell.get("cell_type") == "markdown"):
                    problems.append(Problem("form_text_in_markdown", grade_id, a.name))
                answers.append(
                    AnswerField(
                        a.name,
                        a.type,
                        a.label,
                        grade_id,
                        graded_by,
                        tuple(a.options.items()),
                        a.whole,
                        a.calculator,
                    )
                )
            blocks.append(Block("fields", fields=tuple(answers), title=heading))
        elif meta.case:
            blocks.append(Block("case", case=meta.case))
        elif cell.get("cell_type") == "markdown":
            text = _source(cell)
            heading = next((line.lstrip("#").strip() for line in text.splitlines() if line.startswith("#")), heading)
            blocks.append(Block("text", text=text))
    if problems:
        raise UkmError(problems=problems)
    return Form(assignment, tuple(blocks), points)


def _next_test(cells: list[Mapping[str, Any]], index: int) -> str | None:
    """The grade_id of the first graded code cell after answer cell ``index`` (before the next answer cell)."""
    for cell in cells[index + 1 :]:
        grading = cell.get("metadata", {}).get("nbgrader", {})
        if grading.get("solution"):
            return None
        if grading.get("grade") and cell.get("cell_type") == "code":
            return str(grading["grade_id"])
    return None


# --------------------------------------------------------------------------- reading what was typed


@dataclass(frozen=True)
class Reading:
    """What a typed answer reads as: its value, or why it cannot be used yet."""

    typed: str
    value: Decimal | str | None = None
    """The number (Decimal), the option or the text; None when empty or not readable."""
    problem: str = ""
    """What is wrong, in plain Indonesian for the participant ("" when nothing is)."""

    @property
    def empty(self) -> bool:
        return not self.typed.strip()

    @property
    def usable(self) -> bool:
        return self.value is not None and not self.problem


#: The visible test's verdicts (:func:`~ukm_tools.exercises.checks.shape_key`) in the form's own words.
_SHAPE_TEXTS = {"shape_not_positive": "not_positive", "shape_not_whole": "not_whole"}


def read_answer(f: AnswerField, typed: str, lang: str = "id") -> Reading:
    """Read what was typed into field ``f`` and run the notebook's visible check on it.

    An empty field is no problem while typing (it is reported at submission as not answered).
    """
    typed = typed if isinstance(typed, str) else ""
    text = typed.strip()
    if not text:
        return Reading(typed)
    if f.kind is Kind.TEXT:
        if len(typed) > MAX_TEXT:
            return Reading(typed, None, T("too_long", lang, limit=MAX_TEXT))
        return Reading(typed, typed.strip())
    if len(text) > MAX_TYPED:
        return Reading(typed, None, T("too_long", lang, limit=MAX_TYPED))
    if f.kind is Kind.CHOICE:
        option = "".join(text.split()).lower()
        if option not in dict(f.options):
            return Reading(typed, None, T("not_an_option", lang))
        return Reading(typed, option)
    try:
        number = parse_number(text, "id", field=f.label)
    except UkmError as e:
        return Reading(typed, None, e.message(lang))
    key = shape_key(number, "integer" if f.whole else f.kind.check_kind)
    if key:
        return Reading(typed, None, T(_SHAPE_TEXTS.get(key, "unusable"), lang))
    return Reading(typed, number)


def read_answers(form: Form, typed: Mapping[str, str], lang: str = "id") -> dict[str, Reading]:
    """Every field of ``form`` read from ``typed`` (name -> text; a missing name is an empty field)."""
    return {name: read_answer(f, str(typed.get(name, "")), lang) for name, f in form.fields.items()}


# --------------------------------------------------------------------------- writing the notebook


def code_for(f: AnswerField, value: Decimal | str | None) -> str:
    """The Python line that gives answer ``f`` its value, as a notebook user would type it.

    Only numbers and listed options reach code (typed text never does), as literals.
    """
    if value is None:
        return f"{f.name} = None"
    if isinstance(value, Decimal):
        return f'{f.name} = Decimal("{value}")'
    if f.kind is Kind.CHOICE and value in dict(f.options):
        return f"{f.name} = {value!r}"
    raise ValueError(f"{f.name}: {value!r} cannot be written as code")


#: Markdown a participant writes may not become HTML or a link where staff read it: no raw HTML or
#: autolink (``<``), no link or image (``[``). Entities show the same characters as text.
_INERT = str.maketrans({"<": "&lt;", ">": "&gt;", "[": "&#91;", "]": "&#93;"})


def inert_markdown(text: str) -> str:
    """``text`` as markdown that renders as the same words and nothing else (idempotent)."""
    return text.translate(_INERT)


def markdown_for(value: str) -> str:
    """A written answer as the markdown cell's text: the participant's words, no HTML, no link."""
    return inert_markdown(html.escape(value, quote=False))


def fill_notebook(nb: Mapping[str, Any], form: Form, readings: Mapping[str, Reading]) -> dict[str, Any]:
    """A copy of the released notebook ``nb`` with the usable answers written into their answer cells.

    Cells keep their nbgrader metadata, so the result is the submission a notebook user who typed
    these answers would have made. An answer cell none of whose answers is usable stays as released.
    """
    out = copy.deepcopy(dict(nb))
    by_cell: dict[str, list[AnswerField]] = {}
    for f in form.fields.values():
        by_cell.setdefault(f.cell, []).append(f)
    for cell in out.get("cells", []):
        grade_id = cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")
        fields = by_cell.get(grade_id or "")
        if not fields:
            continue
        values = {
            f.name: readings[f.name].value if f.name in readings and readings[f.name].usable else None for f in fields
        }
        if all(v is None for v in values.values()):
            continue
        if cell.get("cell_type") == "markdown":
            (f,) = fields
            cell["source"] = markdown_for(str(values[f.name]))
            continue
        lines = [T("code_comment", "id")]
        if any(isinstance(v, Decimal) for v in values.values()):
            lines.append("from decimal import Decimal")
        lines += [code_for(f, values[f.name]) for f in fields]
        cell["source"] = "\n".join(lines) + "\n"
        cell["outputs"] = []
        cell["execution_count"] = None
    return out


def not_answered(form: Form, readings: Mapping[str, Reading]) -> list[AnswerField]:
    """Fields left empty or with an answer that cannot be used (said before a submission)."""
    return [f for name, f in form.fields.items() if not readings.get(name, Reading("")).usable]
