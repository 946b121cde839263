"""Readiness check: questions from the data, score and plan equal readiness.assess()."""

import datetime as dt

import pytest

from ukm_tools.money import format_money
from ukm_tools.readiness import assess, load_requirements
from ukm_tools.widgets.readiness import ReadinessCalculator

pytestmark = pytest.mark.timeout(60)
CATALOG = load_requirements()


@pytest.fixture
def calc(kw):
    c = ReadinessCalculator(**kw)
    assert c.widget.children  # built: the page shows its fields and first result
    return c


def expected(answers, product="processed_food", market="MY", lang="id"):
    a = assess(answers, product, market)
    return {
        "score": str(a.score),
        "ready_in_days": str(a.ready_in_days),
        "known_cost": format_money(a.known_cost, lang),
        "steps": str(len(a.plan)),
    }


def test_questions_follow_product_and_market_from_case(calc):
    # the packaged case sells processed food to a Malaysian buyer
    assert calc.f_market.read() == "MY"
    assert list(calc.toggles) == [r.code for r in CATALOG.applicable("processed_food", "MY")]
    first = CATALOG.applicable("processed_food", "MY")[0]
    assert first.question["id"] in calc.questions.children[0].children[0].value
    assert calc.shown == expected({})


def test_answers_change_score_and_plan(calc):
    for code in ("nib", "npwp", "hs_code", "halal"):
        calc.answer(code, True)
    answers = {c: c in ("nib", "npwp", "hs_code", "halal") for c in calc.toggles}
    assert calc.shown == expected(answers)
    a = assess(answers, "processed_food", "MY")
    assert f">{a.score}<" in calc.score.value
    plan_text = calc.plan.value
    positions = [plan_text.index(step.requirement.label["id"]) for step in a.plan]
    assert positions == sorted(positions)  # the plan in the domain's order
    assert CATALOG.requirement("nib").label["id"] not in plan_text  # met: not in the plan


def test_all_yes_means_ready(calc):
    for code in list(calc.toggles):
        calc.answer(code, True)
    assert calc.shown["score"] == "100" and calc.shown["steps"] == "0"
    assert "siap ekspor" in calc.score.value


def test_market_change_keeps_given_answers(calc):
    calc.answer("nib", True)
    calc.f_market.input.value = "SA"
    assert list(calc.toggles) == [r.code for r in CATALOG.applicable("processed_food", "SA")]
    assert calc.toggles["nib"].value == "ya"
    assert calc.shown == expected({"nib": True}, market="SA")


def test_english_questions(calc):
    calc.set_lang("en")
    first = CATALOG.applicable("processed_food", "MY")[0]
    assert first.question["en"] in calc.questions.children[0].children[0].value
    assert calc.shown == expected({}, lang="en")
    assert "Readiness score" in calc.score.value


def test_save_and_reopen_answers(calc, kw):
    calc.f_product.input.value = "craft"
    calc.answer("nib", True)
    calc.answer("npwp", True)
    path = calc.store.folder / calc.case_panel.save()
    again = ReadinessCalculator.from_case_file(path, **kw)
    assert again.widget.children  # built: the page shows its fields and first result
    assert again.f_product.read() == "craft"
    assert again.shown == expected({"nib": True, "npwp": True}, product="craft")


def test_requirements_source_and_age(kw):
    c = ReadinessCalculator(**kw)
    assert c.widget.children  # built: the page shows its fields and first result
    assert "Permendag 23/2023" in c.source_info.value and "ukm-stale" not in c.source_info.value
    old = ReadinessCalculator(**{**kw, "today": dt.date(2027, 6, 1)})
    assert old.widget.children  # built: the page shows its fields and first result
    assert "ukm-stale" in old.source_info.value


def test_a_trainers_requirements_file_without_an_other_market(kw):
    """The case's buyer is in Malaysia; a trainer's file lists only SG and SA: the first one is chosen."""
    from importlib import resources

    import yaml

    from ukm_tools.readiness import parse_catalog

    data = yaml.safe_load(
        resources.files("ukm_tools.data").joinpath("export_requirements.yaml").read_text(encoding="utf-8")
    )
    data["markets"] = {k: v for k, v in data["markets"].items() if k in ("SG", "SA")}
    for r in data["requirements"]:
        r["markets"] = [m for m in r["markets"] if m in ("any", "SG", "SA", "asean")] or ["any"]
    calc = ReadinessCalculator(requirements=parse_catalog(data), **kw)
    assert calc.widget.children  # built: the page shows its fields and first result
    assert calc.f_market.input.value == "SG" and calc.error is None and calc.result is not None
