"""Export readiness: applicability, weighted score, ordered action plan, data validation."""

import copy

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from ukm_tools.datafiles import packaged_yaml
from ukm_tools.errors import UkmError
from ukm_tools.money import Money
from ukm_tools.readiness import assess, load_requirements, parse_catalog

pytestmark = pytest.mark.timeout(60)

BASE = {
    "nib",
    "npwp",
    "hs_code",
    "export_price",
    "eska",
    "peb_ceisa",
    "shipping_documents",
    "export_proceeds_account",
    "buyer_check",
    "payment_terms",
}
FOOD = {"bpom_md", "halal", "labelling", "bpom_export_certificate"}


@pytest.fixture(scope="module")
def catalog():
    return load_requirements()


def codes(reqs):
    return {r.code for r in reqs}


def test_every_requirement_is_sourced_and_bilingual(catalog):
    assert len(catalog.requirements) >= 16
    for r in catalog.requirements:
        assert r.source and r.weight > 0 and r.lead_time_days >= 0
        for what in ("label", "question", "where"):
            assert r.text(what, "id") and r.text(what, "en")
        assert r.typical_cost is None or r.typical_cost.currency == "IDR"
    halal = catalog.requirement("halal")
    assert halal.typical_cost == Money.of(0, "IDR")  # self-declare route for micro/small firms
    assert "Rp300.000" in halal.cost_text("id")
    assert catalog.requirement("bpom_md").cost_text("id").startswith("Rp200.000-Rp3.000.000")


@pytest.mark.parametrize(
    "product, market, expected",
    [
        ("processed_food", "MY", BASE | FOOD | {"form_d"}),
        ("processed_food", "JP", BASE | FOOD),
        ("fresh", "SG", BASE | {"phytosanitary", "form_d"}),
        ("craft", "US", BASE),
        ("craft", "vn", BASE | {"form_d"}),  # market codes are case-insensitive
    ],
)
def test_applicability_by_product_and_market(catalog, product, market, expected):
    assert codes(catalog.applicable(product, market)) == expected


def test_nothing_done_plans_prerequisites_first(catalog):
    a = assess({}, "processed_food", "MY")
    assert a.score == 0
    order = [x.requirement.code for x in a.plan]
    # Kahn order with (weight desc, lead time asc): NIB (15) first; BPOM MD (12, needs NIB)
    # then NPWP (10) and halal (10, needs NIB; NPWP wins on shorter lead time 1 < 21 days).
    assert order[:4] == ["nib", "bpom_md", "npwp", "halal"]
    pos = {c: i for i, c in enumerate(order)}
    for x in a.plan:
        for p in x.requirement.prerequisites:
            assert pos[p] < pos[x.requirement.code]
    # Critical path: NIB 1 day, BPOM MD 30 days, labelling 14 days = day 45.
    assert a.ready_in_days == 45
    label = a.plan[pos["labelling"]]
    assert (label.start_day, label.finish_day, label.waits_for) == (31, 45, ("bpom_md", "halal"))
    assert a.known_cost == Money.of(200_000, "IDR")  # only BPOM MD has a known non-zero cost


def test_weighted_score_and_plan_skip_met_prerequisites(catalog):
    # Processed food to Malaysia: applicable weights sum to 114 (NIB 15, NPWP 10, HS 8, price 8,
    # BPOM MD 12, halal 10, labelling 6, SKE 4, e-SKA 6, Form D 5, PEB 8, documents 6,
    # account 6, buyer 5, terms 5). Met: NIB + NPWP + HS = 33 -> 33 / 114 = 28.9 % -> 29.
    a = assess({"nib": True, "npwp": True, "hs_code": True}, "processed_food", "MY")
    assert sum(r.weight for r in a.applicable) == 114
    assert a.score == 29
    assert set(a.met) == {"nib", "npwp", "hs_code"}
    first = a.plan[0]
    assert first.requirement.code == "bpom_md" and first.waits_for == () and first.start_day == 0
    assert a.ready_in_days == 44  # BPOM 30 + labelling 14, NIB already held
    df = a.to_dataframe("id")
    assert df.columns[0] == "Langkah" and df.iloc[0]["Persyaratan"] == "Izin edar BPOM MD"
    assert df.iloc[0]["Lama (hari)"] == "30 (perkiraan)"
    assert len(df) == len(a.plan) == 12


def test_all_met_scores_100_with_empty_plan(catalog):
    answers = {r.code: True for r in catalog.applicable("craft", "MY")}
    a = assess(answers, "craft", "MY")
    assert a.score == 100 and a.plan == () and a.ready_in_days == 0
    assert list(a.to_dataframe("en").columns)[:2] == ["Step", "Requirement"]


def test_answers_for_other_products_are_ignored(catalog):
    # BPOM MD does not apply to crafts: answering it changes nothing.
    assert assess({"bpom_md": True}, "craft", "US").score == 0
    # A false answer is the same as no answer.
    assert assess({"nib": False}, "craft", "US").unmet == assess({}, "craft", "US").unmet


def test_unknown_choices_name_allowed_values():
    with pytest.raises(UkmError) as e:
        assess({}, "furniture", "Mars")
    problems = {(p.code, p.field) for p in e.value.problems}
    assert problems == {("unknown_choice", "product_type"), ("unknown_choice", "market")}
    assert "processed_food" in e.value.problems[0].allowed
    assert "furniture" in e.value.message("id") and "Jenis produk" in e.value.message("id")
    with pytest.raises(UkmError) as e:
        assess({"nibb": True}, "craft", "MY")
    assert (e.value.code, e.value.field, e.value.problems[0].value) == ("unknown_choice", "answers", "nibb")
    with pytest.raises(UkmError) as e:
        assess({"nib": "ya"}, "craft", "MY")  # type: ignore[dict-item]  # the wrong type on purpose
    assert (e.value.code, e.value.field) == ("wrong_type", "answers.nib")
    with pytest.raises(UkmError) as e:
        assess(["nib"], "craft", "MY")  # type: ignore[arg-type]  # the wrong type on purpose
    assert (e.value.code, e.value.field) == ("wrong_type", "answers")


def _data():
    return copy.deepcopy(packaged_yaml("export_requirements.yaml"))


def test_catalog_rejects_prerequisite_loop():
    data = _data()
    nib = next(r for r in data["requirements"] if r["code"] == "nib")
    nib["prerequisites"] = ["bpom_md"]  # bpom_md already needs nib
    with pytest.raises(UkmError) as e:
        parse_catalog(data)
    assert e.value.code == "prerequisite_cycle"
    assert e.value.problems[0].value in ("nib -> bpom_md -> nib", "bpom_md -> nib -> bpom_md")


@pytest.mark.parametrize(
    "change, code, field",
    [
        (lambda r: r.update(prerequisites=["nobody"]), "unknown_choice", "requirements[0].prerequisites"),
        (lambda r: r.update(markets=["Atlantis"]), "unknown_choice", "requirements[0].markets"),
        (lambda r: r.update(product_types=["furniture"]), "unknown_choice", "requirements[0].product_types"),
        (lambda r: r.update(weight=0), "not_positive", "requirements[0].weight"),
        (lambda r: r.update(lead_time_days=-2), "negative", "requirements[0].lead_time_days"),
        (lambda r: r.update(typical_cost=-1), "negative", "requirements[0].typical_cost"),
        (lambda r: r.pop("source"), "missing_field", "requirements[0].source"),
        (lambda r: r.update(question={"id": "Sudah?"}), "wrong_type", "requirements[0].question"),
        (lambda r: r.update(wieght=3), "unknown_field", "requirements[0].wieght"),
    ],
)
def test_catalog_validation_names_the_field(change, code, field):
    data = _data()
    change(data["requirements"][0])
    with pytest.raises(UkmError) as e:
        parse_catalog(data)
    assert (code, field) in [(p.code, p.field) for p in e.value.problems]


def test_trainer_file_and_duplicates(tmp_path):
    data = _data()
    path = tmp_path / "req.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert len(load_requirements(path).requirements) == len(data["requirements"])
    data["requirements"].append(copy.deepcopy(data["requirements"][0]))
    with pytest.raises(UkmError) as e:
        parse_catalog(data)
    assert any(p.code == "duplicate_code" for p in e.value.problems)


@settings(max_examples=150, deadline=None)
@given(
    product=st.sampled_from(["processed_food", "fresh", "craft"]),
    market=st.sampled_from(["MY", "SG", "SA", "JP", "US", "OTHER"]),
    data=st.data(),
)
def test_plan_properties(product, market, data):
    catalog = load_requirements()
    applicable = catalog.applicable(product, market)
    answers = {r.code: data.draw(st.booleans()) for r in applicable}
    a = assess(answers, product, market, catalog)
    assert 0 <= a.score <= 100
    assert set(a.met) | set(a.unmet) == codes(applicable) and not set(a.met) & set(a.unmet)
    placed = set()
    for x in a.plan:
        assert all(p in placed for p in x.waits_for)
        assert x.finish_day == x.start_day + x.requirement.lead_time_days
        placed.add(x.requirement.code)
    # Meeting one more requirement never lowers the score.
    if a.unmet:
        better = dict(answers, **{a.unmet[0]: True})
        assert assess(better, product, market, catalog).score >= a.score


def test_json_and_question_views(catalog):
    a = assess({"nib": True, "npwp": True, "hs_code": True}, "processed_food", "MY")
    j = a.to_json("id")
    assert j["score"] == 29 and j["ready_in_days"] == 44
    assert j["plan"][0]["code"] == "bpom_md"
    assert j["plan"][0]["typical_cost"] == {"amount": "200000", "currency": "IDR"}
    assert j["plan"][0]["typical_cost_max"] == {"amount": "3000000", "currency": "IDR"}
    q = catalog.questions_dataframe("craft", "MY", "id")
    assert q["Kode"].tolist()[:3] == ["nib", "npwp", "hs_code"]
    assert q.set_index("Kode").loc["nib", "Pertanyaan"] == "Apakah usaha Anda sudah punya NIB dari OSS?"
    assert "form_d" in q["Kode"].tolist()


def test_catalog_date_is_a_date_that_can_go_stale():
    import datetime as dt

    from ukm_tools.readiness import load_requirements

    cat = load_requirements()
    assert isinstance(cat.date, dt.date)
    assert cat.is_stale(0, today=cat.date + dt.timedelta(days=1))
    assert not cat.is_stale(0, today=cat.date)
