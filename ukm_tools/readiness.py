"""Export readiness: which requirements apply to a producer, a score, and an action plan.

The requirements (NIB, NPWP, HS code, BPOM MD, halal, e-SKA / Form D, PEB through CEISA,
shipping documents, an account for export proceeds, buyer checks...) live in
``data/export_requirements.yaml`` with when each applies (product type, market or market
group such as ``asean``), prerequisites, where to go, typical cost and lead time, and a
yes/no question in plain Indonesian (and English).

:func:`assess` turns a participant's answers ``{code: True/False}`` into

* a score 0-100: the weight of the applicable requirements met, over the weight of all
  applicable requirements (half-up to a whole number);
* an ordered action plan of the unmet ones: prerequisites first, then the heavier weight,
  then the shorter lead time; each step says when it can start and finish if independent
  steps run side by side, so the plan also gives the days until the producer is ready.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ukm_tools import checks
from ukm_tools.datafiles import load_yaml, packaged_yaml
from ukm_tools.dated import Dated, as_date
from ukm_tools.errors import Problem, UkmError, owned
from ukm_tools.messages import LANGS, section
from ukm_tools.money import Money, format_money, round_half_up, to_decimal

if TYPE_CHECKING:  # pandas is imported where a table is made, not with the module
    import pandas as pd

ANY = "any"
T = section("readiness")


@dataclass(frozen=True)
class Requirement:
    """One thing an exporter needs, and when it applies."""

    code: str
    label: Mapping[str, str]
    question: Mapping[str, str]
    product_types: tuple[str, ...]  # ("any",) or specific types
    markets: tuple[str, ...]  # ("any",) or market codes / groups
    prerequisites: tuple[str, ...]
    weight: int
    where: Mapping[str, str]
    typical_cost: Money | None  # None: varies, ask
    typical_cost_max: Money | None
    cost_note: Mapping[str, str]
    lead_time_days: int
    lead_time_estimate: bool
    source: str

    def text(self, what: str, lang: str = "id") -> str:
        texts: Mapping[str, str] = getattr(self, what)
        return texts.get(lang) or texts.get("id", "")

    def cost_text(self, lang: str = "id") -> str:
        if self.typical_cost is None:
            base = T("cost_varies", lang)
        elif self.typical_cost_max is not None:
            base = f"{format_money(self.typical_cost, lang)}-{format_money(self.typical_cost_max, lang)}"
        else:
            base = format_money(self.typical_cost, lang)
        note = self.text("cost_note", lang)
        return f"{base} ({note})" if note else base


@dataclass(frozen=True)
class Market:
    code: str
    label: Mapping[str, str]
    groups: tuple[str, ...]


@dataclass(frozen=True)
class RequirementCatalog(Dated):
    """Product types, markets and requirements from one data file."""

    date: dt.date
    source: str
    product_types: Mapping[str, Mapping[str, str]]
    markets: Mapping[str, Market]
    requirements: tuple[Requirement, ...]

    @owned("readiness")
    def requirement(self, code: str) -> Requirement:
        for r in self.requirements:
            if r.code == code:
                return r
        raise UkmError("unknown_choice", "requirement", code, [r.code for r in self.requirements])

    @owned("readiness")
    def check_choice(self, product_type: str, market: str) -> tuple[str, str]:
        problems = []
        if product_type not in self.product_types:
            problems.append(Problem("unknown_choice", "product_type", product_type, list(self.product_types)))
        m = market.upper() if isinstance(market, str) else market
        if m not in self.markets:
            problems.append(Problem("unknown_choice", "market", market, list(self.markets)))
        if problems:
            raise UkmError(problems=problems)
        return product_type, m

    def applies(self, req: Requirement, product_type: str, market: str) -> bool:
        m = self.markets[market]
        product_ok = ANY in req.product_types or product_type in req.product_types
        market_ok = ANY in req.markets or market in req.markets or any(g in req.markets for g in m.groups)
        return product_ok and market_ok

    @owned("readiness")
    def applicable(self, product_type: str, market: str) -> tuple[Requirement, ...]:
        """The requirements for this product type and market, in the data file's order
        (the order to ask the questions in)."""
        product_type, market = self.check_choice(product_type, market)
        return tuple(r for r in self.requirements if self.applies(r, product_type, market))

    @owned("readiness")
    def questions_dataframe(self, product_type: str, market: str, lang: str = "id") -> pd.DataFrame:
        """The yes/no questions for this product type and market, in asking order."""
        import pandas as pd

        cols = [T(f"col_{k}", lang) for k in ("code", "question", "typical_cost", "days", "source")]
        return pd.DataFrame(
            [
                dict(
                    zip(
                        cols,
                        (r.code, r.text("question", lang), r.cost_text(lang), r.lead_time_days, r.source),
                        strict=True,
                    )
                )
                for r in self.applicable(product_type, market)
            ],
            columns=list(cols),
        )


# --------------------------------------------------------------------------- loading

_REQ_KEYS = {
    "code",
    "label",
    "question",
    "product_types",
    "markets",
    "prerequisites",
    "weight",
    "where",
    "typical_cost",
    "typical_cost_max",
    "cost_note",
    "lead_time_days",
    "lead_time_estimate",
    "source",
}


def _bilingual(raw: Any, field: str, problems: list[Problem], required: bool = True) -> dict[str, str]:
    if raw is None and not required:
        return {}
    if not isinstance(raw, Mapping) or any(not str(raw.get(lang) or "").strip() for lang in LANGS):
        problems.append(Problem("wrong_type", field, raw, "{id: ..., en: ...}"))
        return {}
    return {lang: str(raw[lang]).strip() for lang in LANGS}


def _rupiah(raw: Any, field: str, problems: list[Problem]) -> Money | None:
    if raw is None:
        return None
    try:
        d = to_decimal(raw, field)
    except (UkmError, TypeError):
        problems.append(Problem("not_a_number", field, raw))
        return None
    if d < 0:
        problems.append(Problem("negative", field, raw))
    return Money(d, "IDR")


def _list(raw: Any, field: str, problems: list[Problem]) -> tuple[str, ...]:
    if not isinstance(raw, list) or not all(isinstance(x, str) for x in raw):
        problems.append(Problem("wrong_type", field, raw, "[...]"))
        return ()
    return tuple(raw)


@owned("readiness")
def parse_catalog(data: Any, name: str = "export requirements") -> RequirementCatalog:
    """Validate parsed YAML into a :class:`RequirementCatalog`, reporting every problem."""
    if not isinstance(data, Mapping):
        raise UkmError("malformed_file", "file", name, detail="expected product_types, markets, requirements")
    problems: list[Problem] = []
    product_types = {}
    for code, labels in _mapping(data.get("product_types"), "product_types", problems).items():
        product_types[str(code)] = _bilingual(labels, f"product_types.{code}", problems)
    if not product_types:
        problems.append(Problem("missing_field", "product_types"))
    markets: dict[str, Market] = {}
    for code, m in _mapping(data.get("markets"), "markets", problems).items():
        m = m if isinstance(m, Mapping) else {}
        markets[str(code)] = Market(
            str(code),
            _bilingual(m.get("label"), f"markets.{code}.label", problems),
            _list(m.get("groups", []), f"markets.{code}.groups", problems),
        )
    if not markets:
        problems.append(Problem("missing_field", "markets"))
    groups = {g for m in markets.values() for g in m.groups}
    market_words = sorted(set(markets) | groups | {ANY})
    type_words = sorted(set(product_types) | {ANY})

    reqs: list[Requirement] = []
    raw_reqs = data.get("requirements")
    if not isinstance(raw_reqs, list) or not raw_reqs:
        problems.append(Problem("missing_field", "requirements"))
        raw_reqs = []
    for i, r in enumerate(raw_reqs):
        where = f"requirements[{i}]"
        if not isinstance(r, Mapping):
            problems.append(Problem("wrong_type", where, r, "mapping"))
            continue
        for key in r:
            if key not in _REQ_KEYS:
                problems.append(Problem("unknown_field", f"{where}.{key}", key, sorted(_REQ_KEYS)))
        code = str(r.get("code") or "").strip()
        if not code:
            problems.append(Problem("missing_field", f"{where}.code"))
        types = _list(r.get("product_types"), f"{where}.product_types", problems)
        for t in types:
            if t not in type_words:
                problems.append(Problem("unknown_choice", f"{where}.product_types", t, type_words))
        mkts = _list(r.get("markets"), f"{where}.markets", problems)
        for m in mkts:
            if m not in market_words:
                problems.append(Problem("unknown_choice", f"{where}.markets", m, market_words))
        source = str(r.get("source") or "").strip()
        if not source:
            problems.append(Problem("missing_field", f"{where}.source"))
        estimate = r.get("lead_time_estimate", False)
        if not isinstance(estimate, bool):
            problems.append(Problem("wrong_type", f"{where}.lead_time_estimate", estimate, "true / false"))
        cost, cost_max = (
            _rupiah(r.get("typical_cost"), f"{where}.typical_cost", problems),
            _rupiah(r.get("typical_cost_max"), f"{where}.typical_cost_max", problems),
        )
        if cost is not None and cost_max is not None and cost_max.amount < cost.amount:
            problems.append(Problem("min_above_max", f"{where}.typical_cost", cost.amount, cost_max.amount))
        reqs.append(
            Requirement(
                code=code,
                label=_bilingual(r.get("label"), f"{where}.label", problems),
                question=_bilingual(r.get("question"), f"{where}.question", problems),
                product_types=types,
                markets=mkts,
                prerequisites=_list(r.get("prerequisites", []), f"{where}.prerequisites", problems),
                weight=checks.collect(
                    problems, checks.exact_int, r.get("weight"), f"{where}.weight", minimum=1, default=1
                ),
                where=_bilingual(r.get("where"), f"{where}.where", problems),
                typical_cost=cost,
                typical_cost_max=cost_max,
                cost_note=_bilingual(r.get("cost_note"), f"{where}.cost_note", problems, required=False),
                lead_time_days=checks.collect(
                    problems, checks.exact_int, r.get("lead_time_days"), f"{where}.lead_time_days", default=0
                ),
                lead_time_estimate=bool(estimate),
                source=source,
            )
        )
    codes = [r.code for r in reqs]
    for i, r in enumerate(reqs):
        if codes.count(r.code) > 1 and codes.index(r.code) != i:
            problems.append(Problem("duplicate_code", f"requirements[{i}].code", r.code))
        for p in r.prerequisites:
            if p not in codes:
                problems.append(Problem("unknown_choice", f"requirements[{i}].prerequisites", p, codes))
    if not problems:
        cycle = _find_cycle({r.code: r.prerequisites for r in reqs})
        if cycle:
            problems.append(Problem("prerequisite_cycle", "prerequisites", " -> ".join(cycle)))
    date = _catalog_date(data.get("date"), problems)
    if problems:
        raise UkmError(problems=problems)
    return RequirementCatalog(date, str(data.get("source", "")), product_types, markets, tuple(reqs))


def _catalog_date(raw: Any, problems: list[Problem]) -> dt.date:
    try:
        return as_date(raw, "date")
    except UkmError as e:
        problems.extend(e.problems)
        return dt.date.min


def _mapping(raw: Any, field: str, problems: list[Problem]) -> Mapping[str, Any]:
    if raw is None:
        return {}
    if not isinstance(raw, Mapping):
        problems.append(Problem("wrong_type", field, type(raw).__name__, "{code: ...}"))
        return {}
    return raw


def _find_cycle(graph: Mapping[str, Sequence[str]]) -> list[str] | None:
    """A prerequisite loop (``a -> b -> a``), or None."""
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done

    def visit(node: str, path: list[str]) -> list[str] | None:
        state[node] = 1
        for nxt in graph.get(node, ()):
            if state.get(nxt) == 1:
                stack = path + [node]
                return stack[stack.index(nxt) :] + [nxt]
            if state.get(nxt) is None:
                found = visit(nxt, path + [node])
                if found:
                    return found
        state[node] = 2
        return None

    for node in graph:
        if node not in state:
            found = visit(node, [])
            if found:
                return found
    return None


@lru_cache(maxsize=1)
def _packaged() -> RequirementCatalog:
    return parse_catalog(packaged_yaml("export_requirements.yaml"), "export_requirements.yaml")


@owned("readiness")
def load_requirements(path: str | Path | None = None) -> RequirementCatalog:
    """The packaged requirements, or a trainer's own file in the same format."""
    if path is None:
        return _packaged()
    return parse_catalog(load_yaml(path), str(path))


# --------------------------------------------------------------------------- assessment


@dataclass(frozen=True)
class Action:
    """One step of the plan: an unmet requirement and when it can be done."""

    step: int
    requirement: Requirement
    waits_for: tuple[str, ...]  # unmet prerequisites placed earlier in the plan
    start_day: int  # earliest start if independent steps run side by side
    finish_day: int


@dataclass(frozen=True)
class Assessment:
    """A participant's readiness for one product type and market."""

    product_type: str
    market: str
    score: int  # 0-100
    applicable: tuple[Requirement, ...]
    met: tuple[str, ...]
    plan: tuple[Action, ...]

    @property
    def unmet(self) -> tuple[str, ...]:
        return tuple(a.requirement.code for a in self.plan)

    @property
    def ready_in_days(self) -> int:
        """Days until every applicable requirement is met, steps in parallel where possible."""
        return max((a.finish_day for a in self.plan), default=0)

    @property
    def known_cost(self) -> Money:
        """Sum of the typical (lower) costs of the plan's steps whose cost is known."""
        total = Money.zero("IDR")
        for a in self.plan:
            if a.requirement.typical_cost is not None:
                total = total + a.requirement.typical_cost
        return total

    def to_dataframe(self, lang: str = "id") -> pd.DataFrame:
        """The action plan, one row per step."""
        import pandas as pd

        keys = (
            "step",
            "requirement",
            "where",
            "typical_cost",
            "days",
            "start_day",
            "finish_day",
            "waits_for",
            "source",
        )
        cols = [T(f"col_{k}", lang) for k in keys]
        rows = []
        for a in self.plan:
            r = a.requirement
            days = T("days_estimate", lang, days=r.lead_time_days) if r.lead_time_estimate else str(r.lead_time_days)
            rows.append(
                dict(
                    zip(
                        cols,
                        (
                            a.step,
                            r.text("label", lang),
                            r.text("where", lang),
                            r.cost_text(lang),
                            days,
                            a.start_day,
                            a.finish_day,
                            ", ".join(a.waits_for),
                            r.source,
                        ),
                        strict=True,
                    )
                )
            )
        return pd.DataFrame(rows, columns=list(cols))

    def to_json(self, lang: str = "en") -> dict[str, Any]:
        return {
            "product_type": self.product_type,
            "market": self.market,
            "score": self.score,
            "met": list(self.met),
            "ready_in_days": self.ready_in_days,
            "known_cost": self.known_cost.to_json(),
            "plan": [
                {
                    "step": a.step,
                    "code": a.requirement.code,
                    "label": a.requirement.text("label", lang),
                    "where": a.requirement.text("where", lang),
                    "typical_cost": None
                    if a.requirement.typical_cost is None
                    else a.requirement.typical_cost.to_json(),
                    "typical_cost_max": None
                    if a.requirement.typical_cost_max is None
                    else a.requirement.typical_cost_max.to_json(),
                    "lead_time_days": a.requirement.lead_time_days,
                    "lead_time_estimate": a.requirement.lead_time_estimate,
                    "waits_for": list(a.waits_for),
                    "start_day": a.start_day,
                    "finish_day": a.finish_day,
                    "source": a.requirement.source,
                }
                for a in self.plan
            ],
        }


def _check_answers(answers: Any, catalog: RequirementCatalog) -> dict[str, bool]:
    if not isinstance(answers, Mapping):
        raise UkmError("wrong_type", "answers", type(answers).__name__, "{code: true/false}")
    codes = [r.code for r in catalog.requirements]
    problems = []
    for code, value in answers.items():
        if code not in codes:
            problems.append(Problem("unknown_choice", "answers", code, codes))
        elif not isinstance(value, bool):
            problems.append(Problem("wrong_type", f"answers.{code}", value, "true / false"))
    if problems:
        raise UkmError(problems=problems)
    return dict(answers)


@owned("readiness")
def assess(
    answers: Mapping[str, bool],
    product_type: str,
    market: str,
    catalog: RequirementCatalog | None = None,
) -> Assessment:
    """Score a participant's answers and plan the unmet requirements.

    Args:
        answers: ``{requirement_code: True/False}``; a missing applicable code counts as not
            met. Codes that do not apply to this product/market are accepted and ignored.
        product_type, market: choices from the catalogue (e.g. ``processed_food``, ``MY``).
        catalog: defaults to the packaged requirements.
    Raises:
        UkmError: unknown product type, market or requirement code (naming the allowed values);
        an answer that is not true/false.
    """
    cat = catalog or load_requirements()
    product_type, market = cat.check_choice(product_type, market)
    given = _check_answers(answers, cat)
    applicable = cat.applicable(product_type, market)
    met = tuple(r.code for r in applicable if given.get(r.code) is True)
    total_weight = sum(r.weight for r in applicable)
    met_weight = sum(r.weight for r in applicable if r.code in met)
    score = int(round_half_up(Decimal(met_weight) * 100 / total_weight, 0)) if total_weight else 100
    return Assessment(product_type, market, score, applicable, met, tuple(_plan(applicable, set(met))))


def _plan(applicable: Sequence[Requirement], met: set[str]) -> list[Action]:
    """Unmet requirements in an order where every prerequisite comes first; among those ready
    to start, the heavier weight first, then the shorter lead time, then the code."""
    todo = {r.code: r for r in applicable if r.code not in met}
    # Only prerequisites that apply here and are still unmet hold a step back.
    waits = {c: tuple(p for p in r.prerequisites if p in todo) for c, r in todo.items()}
    placed: dict[str, Action] = {}
    while todo:
        ready = [r for c, r in todo.items() if all(p in placed for p in waits[c])]
        r = min(ready, key=lambda r: (-r.weight, r.lead_time_days, r.code))
        start = max((placed[p].finish_day for p in waits[r.code]), default=0)
        placed[r.code] = Action(len(placed) + 1, r, waits[r.code], start, start + r.lead_time_days)
        del todo[r.code]
    return list(placed.values())
