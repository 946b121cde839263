"""Export readiness self-assessment: plain yes/no questions, a score and a personal action plan.

Questions, applicability, weights, costs and lead times come from the requirements data
(:mod:`ukm_tools.readiness`); the score and the ordered plan from :func:`readiness.assess`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import ipywidgets as W

from ukm_tools.case import ReadinessState
from ukm_tools.errors import UkmError
from ukm_tools.messages import section
from ukm_tools.readiness import Assessment, RequirementCatalog, assess, load_requirements
from ukm_tools.widgets import case_io
from ukm_tools.widgets.base import (
    Calculator,
    ChoiceField,
    env_int,
    esc,
    full_width,
    heading,
    html_table,
    output_area,
    rate_banner,
    wrap_row,
)

DEFAULT_MAX_REQUIREMENTS_AGE_DAYS = 365
YES, NO = "ya", "belum"

T = section("widgets.readiness", "readiness")


def catalog() -> RequirementCatalog:
    """The trainer's requirements file (``UKM_REQUIREMENTS`` = path) or the packaged one."""
    return load_requirements(os.environ.get("UKM_REQUIREMENTS") or None)


class ReadinessCalculator(Calculator):
    texts = T
    key = "readiness"

    def __init__(
        self,
        case=None,
        *,
        requirements: RequirementCatalog | None = None,
        max_requirements_age_days: int | None = None,
        **kw,
    ):
        self.catalog = requirements or catalog()
        self.max_req_age_days = (
            env_int("UKM_MAX_REQUIREMENTS_AGE_DAYS", DEFAULT_MAX_REQUIREMENTS_AGE_DAYS)
            if max_requirements_age_days is None
            else max_requirements_age_days
        )
        self.answers: dict[str, bool] = {}
        self.toggles: dict[str, W.ToggleButtons] = {}
        super().__init__(case, **kw)

    def setup(self) -> None:
        cat = self.catalog
        self.f_product = self.field(
            ChoiceField(
                "product_type",
                T.msg("product_type"),
                [(v, k) for k, v in cat.product_types.items()],
                next(iter(cat.product_types)),
            )
        )
        self.f_market = self.field(
            ChoiceField(
                "market",
                T.msg("market"),
                [(m.label, code) for code, m in cat.markets.items()],
                next(iter(cat.markets)),
            )
        )
        self.f_product.input.observe(self._on_choice, "value")
        self.f_market.input.observe(self._on_choice, "value")
        self.questions = W.VBox(layout=full_width())
        self.questions.add_class("ukm-questions")
        self.score = output_area("ukm-result")
        self.plan = output_area("ukm-plan")

    def body(self) -> list[W.Widget]:
        return [
            wrap_row([self.f_product.box, self.f_market.box]),
            self.questions,
            *self.results(self.score, self.plan),
        ]

    # --- questions ---------------------------------------------------------------------------
    def _build_questions(self) -> None:
        reqs = self.catalog.applicable(self.f_product.read(), self.f_market.read())
        rows = []
        self.toggles = {}
        for r in reqs:
            q = W.HTML(f"<div style='margin-top:6px'>{esc(r.text('question', self.lang))}</div>", layout=full_width())
            toggle = W.ToggleButtons(
                options=[(T("yes_done", self.lang), YES), (T("not_yet", self.lang), NO)],
                value=YES if self.answers.get(r.code) else NO,
                style={"button_width": "auto"},
            )
            toggle.add_class(f"ukm-q-{r.code}")
            toggle.observe(lambda ch, code=r.code: self._on_answer(code, ch["new"]), "value")
            self.toggles[r.code] = toggle
            rows.append(
                W.VBox([q, toggle], layout=W.Layout(width="100%", border_bottom="1px dashed #ddd", padding="0 0 4px 0"))
            )
        self.questions.children = rows

    def answer(self, code: str, yes: bool) -> None:
        """Answer a question from code (tests, trainers' demos)."""
        self.toggles[code].value = YES if yes else NO

    def _on_answer(self, code: str, value: str) -> None:
        self.answers[code] = value == YES
        if not self._hold:
            self.refresh()

    def _on_choice(self, change: dict) -> None:
        if self._hold:
            return
        self._build_questions()
        self.refresh()

    def relabel(self) -> None:
        super().relabel()
        if hasattr(self, "questions"):
            self._build_questions()

    # --- case <-> inputs -----------------------------------------------------------------------
    def apply_case(self, case, extras: dict[str, Any]) -> None:
        state = case.readiness or ReadinessState()
        product = extras.get("product_type", state.product_type)
        self.f_product.input.value = (
            product if product in self.catalog.product_types else next(iter(self.catalog.product_types))
        )
        market = (
            extras.get("market")
            or state.market
            or (case.buyer.country.upper() if case.buyer and case.buyer.country else "OTHER")
        )
        markets = self.catalog.markets
        # A trainer's requirements file need not have an OTHER market: then its first one.
        self.f_market.input.value = (
            market if market in markets else ("OTHER" if "OTHER" in markets else next(iter(markets)))
        )
        answers = extras.get("answers") or {}
        if not isinstance(answers, Mapping):
            raise UkmError("wrong_type", "calculators.readiness.answers", type(answers).__name__, "{code: true/false}")
        self.answers = {k: bool(v) for k, v in answers.items()}
        self._build_questions()

    def case_mapping(self) -> tuple[dict[str, Any], dict[str, Any]]:
        return case_io.case_to_mapping(self.case), {
            "product_type": self.f_product.read(),
            "market": self.f_market.read(),
            "answers": {code: self.answers.get(code, False) for code in self.toggles},
        }

    # --- compute and show ------------------------------------------------------------------------
    def compute(self) -> Assessment:
        answers = {code: self.answers.get(code, False) for code in self.toggles}
        return assess(answers, self.f_product.read(), self.f_market.read(), self.catalog)

    def render(self, a: Assessment) -> None:
        lang = self.lang
        from ukm_tools.money import format_money

        self.shown = {
            "score": str(a.score),
            "ready_in_days": str(a.ready_in_days),
            "known_cost": format_money(a.known_cost, lang),
            "steps": str(len(a.plan)),
        }
        color = "#2e7d32" if a.score >= 80 else "#ef6c00" if a.score >= 50 else "#c62828"
        bar = (
            f"<div style='background:#eee;border-radius:4px;height:14px;width:100%;max-width:400px'>"
            f"<div style='background:{color};height:14px;border-radius:4px;width:{a.score}%'></div></div>"
        )
        if a.plan:
            days = f"<b class='ukm-days'>{a.ready_in_days}</b>"
            cost = f"<b class='ukm-cost'>{esc(self.shown['known_cost'])}</b>"
            after = T("ready_in", lang, days=days, cost=cost)
        else:
            after = esc(T("all_met", lang))
        self.score.value = (
            f"<div style='font-size:120%;margin:8px 0 4px'>{esc(T('score', lang))}: <b "
            f"class='ukm-score'>{a.score}</b>/100</div>{bar}"
            f"<div style='margin:4px 0'>{after}</div>"
        )
        if not a.plan:
            self.plan.value = ""
            return
        header = [
            T("col_step", lang),
            T("col_what", lang),
            T("col_where", lang),
            T("col_cost", lang),
            T("col_days", lang),
        ]
        rows = []
        for step in a.plan:
            r = step.requirement
            wait = (
                f" ({T('after', lang)} "
                f"{', '.join(self.catalog.requirement(c).text('label', lang) for c in step.waits_for)})"
                if step.waits_for
                else ""
            )
            rows.append(
                [
                    str(step.step),
                    r.text("label", lang) + wait,
                    r.text("where", lang),
                    r.cost_text(lang),
                    f"{step.start_day}-{step.finish_day}",
                ]
            )
        self.plan.value = heading(T("plan", lang)) + html_table(header, rows, numeric_from=5)

    def sources_html(self) -> str:
        c = self.catalog
        return rate_banner(
            c,
            c.source,
            T.msg("requirements_list"),
            today=self.today,
            max_age_days=self.max_req_age_days,
            lang=self.lang,
        )


def app(**kw) -> W.Widget:
    return ReadinessCalculator(**kw).widget
