"""Export readiness self-assessment: plain yes/no questions, a score and a personal action plan.

Questions, applicability, weights, costs and lead times come from the requirements data
(:mod:`ukm_tools.readiness`); the score and the ordered plan from :func:`readiness.assess`.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any

import ipywidgets as W

from ukm_tools.errors import UkmError
from ukm_tools.readiness import Assessment, RequirementCatalog, assess, load_requirements
from ukm_tools.widgets import case_io
from ukm_tools.widgets.base import Calculator, ChoiceField, env_int, esc, full_width, html_table, rate_banner, wrap_row

DEFAULT_MAX_REQUIREMENTS_AGE_DAYS = 365
YES, NO = "ya", "belum"


def catalog() -> RequirementCatalog:
    """The trainer's requirements file (``UKM_REQUIREMENTS`` = path) or the packaged one."""
    return load_requirements(os.environ.get("UKM_REQUIREMENTS") or None)


class ReadinessCalculator(Calculator):
    key = "readiness"
    title = ("Cek kesiapan ekspor", "Export readiness check")
    intro = (
        "Jawab pertanyaan di bawah. Anda mendapat skor dan rencana langkah: apa dulu, ke mana, kira-kira berapa biaya dan berapa lama.",
        "Answer the questions below. You get a score and a step-by-step plan: what first, where to go, typical cost and time.",
    )

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
                ("Jenis produk", "Product type"),
                [((v["id"], v["en"]), k) for k, v in cat.product_types.items()],
                next(iter(cat.product_types)),
            )
        )
        self.f_market = self.field(
            ChoiceField(
                "market",
                ("Negara tujuan", "Destination market"),
                [((m.label["id"], m.label["en"]), code) for code, m in cat.markets.items()],
                next(iter(cat.markets)),
            )
        )
        self.f_product.input.observe(self._on_choice, "value")
        self.f_market.input.observe(self._on_choice, "value")
        self.questions = W.VBox(layout=full_width())
        self.questions.add_class("ukm-questions")
        self.score = W.HTML(layout=full_width())
        self.score.add_class("ukm-result")
        self.plan = W.HTML(layout=full_width())
        self.plan.add_class("ukm-plan")

    def body(self) -> list[W.Widget]:
        return [
            wrap_row([self.f_product.box, self.f_market.box]),
            self.questions,
            self.message,
            self.score,
            self.plan,
            self.source_info,
        ]

    # --- questions ---------------------------------------------------------------------------
    def _build_questions(self) -> None:
        reqs = self.catalog.applicable(self.f_product.read(), self.f_market.read())
        rows = []
        self.toggles = {}
        for r in reqs:
            q = W.HTML(f"<div style='margin-top:6px'>{esc(r.text('question', self.lang))}</div>", layout=full_width())
            toggle = W.ToggleButtons(
                options=[(self.t(("Ya, sudah", "Yes")), YES), (self.t(("Belum", "Not yet")), NO)],
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
        product = extras.get("product_type", "processed_food")
        self.f_product.input.value = (
            product if product in self.catalog.product_types else next(iter(self.catalog.product_types))
        )
        market = extras.get("market") or (case.buyer.country.upper() if case.buyer and case.buyer.country else "OTHER")
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
        lang, t = self.lang, self.t
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
            after = t(
                (
                    f"Semua siap dalam sekitar <b class='ukm-days'>{a.ready_in_days}</b> hari bila langkah yang tidak saling menunggu dikerjakan bersamaan; "
                    f"perkiraan biaya yang diketahui: <b class='ukm-cost'>{esc(self.shown['known_cost'])}</b>.",
                    f"Everything ready in about <b class='ukm-days'>{a.ready_in_days}</b> days if independent steps run side by side; "
                    f"known typical cost: <b class='ukm-cost'>{esc(self.shown['known_cost'])}</b>.",
                )
            )
        else:
            after = t(
                (
                    "Semua persyaratan sudah terpenuhi. Selamat, Anda siap ekspor!",
                    "Every requirement is met. Congratulations, you are ready to export!",
                )
            )
        self.score.value = (
            f"<div style='font-size:120%;margin:8px 0 4px'>{esc(t(('Skor kesiapan', 'Readiness score')))}: <b class='ukm-score'>{a.score}</b>/100</div>{bar}"
            f"<div style='margin:4px 0'>{after}</div>"
        )
        if not a.plan:
            self.plan.value = ""
            return
        header = [
            t(("Langkah", "Step")),
            t(("Yang perlu diurus", "What to do")),
            t(("Ke mana", "Where")),
            t(("Perkiraan biaya", "Typical cost")),
            t(("Hari ke (mulai-selesai)", "Day (start-end)")),
        ]
        rows = []
        for step in a.plan:
            r = step.requirement
            wait = (
                f" ({t(('setelah', 'after'))} {', '.join(self.catalog.requirement(c).text('label', lang) for c in step.waits_for)})"
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
        self.plan.value = (
            f"<h4 style='margin:8px 0 2px'>{esc(t(('Rencana langkah Anda', 'Your action plan')))}</h4>"
            + html_table(header, rows, numeric_from=5)
        )

    def sources_html(self) -> str:
        c = self.catalog
        return rate_banner(
            c,
            c.source,
            ("daftar persyaratan", "requirements list"),
            today=self.today,
            max_age_days=self.max_req_age_days,
            lang=self.lang,
        )


def app(**kw) -> W.Widget:
    return ReadinessCalculator(**kw).widget
