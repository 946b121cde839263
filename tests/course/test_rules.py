"""course.yml completion rules, sessions and tests: validated at load; old course files still load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from ukm_tools.course import ops
from ukm_tools.course.config import load_course, parse_course
from ukm_tools.errors import UkmError

OLD = Path(__file__).parent / "fixtures" / "old-course"  # course.yml and nbgrader_config.py as `ukm init` wrote them


def template_data() -> dict:
    return yaml.safe_load((ops.template_dir() / "course.yml").read_text(encoding="utf-8"))


def write(course: Path, data: dict) -> None:
    (course / "course.yml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_template_declares_tests_sessions_and_rules():
    spec = load_course(ops.template_dir())
    assert spec.tests is not None
    assert (spec.tests.pre.name, spec.tests.post.name) == ("tes-awal", "tes-akhir")
    assert len(spec.tests.topics) == 10 and [s.id for s in spec.sessions] == ["pagi", "siang"]
    rules = spec.completion
    assert (rules.combine, rules.pass_pct, rules.min_sessions, rules.tests) == ("all", 60, 2, {})
    assert spec.pass_rule.min_score_pct == 60  # the grade export's verdict follows the completion mark
    assert spec.assignment("tes-awal").title.startswith("Tes awal")  # `ukm release tes-awal` finds it


def test_course_made_by_an_older_ukm_init_still_loads(tmp_path):
    """A course folder as `ukm init` made it before tests and completion existed: no tests, no
    sessions, no answer keys, `pass_rule:` only, the old nbgrader_config.py."""
    course = ops.init_course(tmp_path / "lama")
    for name in ("course.yml", "nbgrader_config.py"):
        shutil.copy2(OLD / name, course / name)
    shutil.rmtree(course / "kunci-jawaban")
    for test in ("tes-awal", "tes-akhir"):
        shutil.rmtree(course / "source" / test)
    assert (
        "pass_rule" in (course / "course.yml").read_text() and "completion" not in (course / "course.yml").read_text()
    )
    spec = load_course(course)
    assert spec.tests is None and spec.sessions == [] and spec.test_specs() == []
    rules = spec.completion
    assert (rules.combine, rules.pass_pct, rules.min_sessions, rules.tests, rules.modules) == ("all", 60, 0, {}, {})


def test_old_pass_rule_sets_the_completion_mark_and_both_may_be_given():
    data = template_data()
    del data["completion"], data["tests"], data["sessions"]
    data["pass_rule"] = {"min_score_pct": 70, "require_all_assignments": True}
    assert parse_course(data).completion.pass_pct == 70
    data = template_data()
    data["pass_rule"] = {"min_score_pct": 50}
    spec = parse_course(data)
    assert (spec.pass_rule.min_score_pct, spec.completion.pass_pct) == (50, 60)


def test_every_broken_rule_is_named_at_once():
    data = template_data()
    data["completion"] = {
        "combine": "some",
        "pass_pct": 120,
        "modules": {
            "m9-tidak-ada": {"pass_pct": 50},
            "m3-harga": {"required": ["pembayaran"]},
        },
        "min_sessions": 3,
        "tests": {"tes-tengah": 0},
    }
    data["sessions"].append({"id": "pagi", "title": "Lagi"})
    with pytest.raises(UkmError) as e:
        parse_course(data)
    lines = e.value.lines("id")
    assert "completion.combine: 'some' tidak dikenal. Pilihan yang ada: all, any." in lines
    assert any(x.startswith("completion.pass_pct harus di antara") and "(diisi: 120)" in x for x in lines), lines
    data["completion"].pop("combine")
    data["completion"]["pass_pct"] = 60
    with pytest.raises(UkmError) as e:
        parse_course(data)
    assert e.value.lines("id") == [
        "sessions[2].id: 'pagi' sudah dipakai; setiap id harus unik.",
        "completion.modules.m9-tidak-ada: modul 'm9-tidak-ada' tidak ada di bagian modules. Modul yang ada: "
        "m1-ekatalog, m2-syarat, m3-harga, m4-pembayaran, m5-pembiayaan.",
        "completion.modules.m3-harga.required[0]: tugas 'pembayaran' bukan tugas modul m3-harga. "
        "Tugas modul ini: harga-incoterms.",
        "completion.tests.tes-tengah: 'tes-tengah' bukan tes yang dideklarasikan di tests. "
        "Tes yang ada: tes-awal, tes-akhir.",
    ]  # min_sessions 3 is fine here: three sessions are declared (one of them twice)


def test_more_sessions_required_than_declared():
    data = template_data()
    data["completion"]["min_sessions"] = 3
    with pytest.raises(UkmError) as e:
        parse_course(data)
    assert e.value.lines("en") == [
        "completion.min_sessions: at least 3 sessions, but only 2 sessions are declared under sessions."
    ]


def test_tests_must_not_be_modules_and_must_differ():
    data = template_data()
    data["tests"]["pre"]["name"] = "harga-incoterms"
    data["tests"]["post"]["name"] = "harga-incoterms"
    data["tests"]["topics"][0]["module"] = "m7"
    with pytest.raises(UkmError) as e:
        parse_course(data)
    assert [p.code for p in e.value.problems] == [
        "rule_same_test",
        "rule_test_is_assignment",
        "rule_test_is_assignment",
        "rule_unknown_module",
    ]


def test_answer_key_problems_are_named_with_their_file(tmp_path):
    course = ops.init_course(tmp_path / "k")
    key = course / "kunci-jawaban" / "tes-akhir.yml"
    data = yaml.safe_load(key.read_text(encoding="utf-8"))
    data["questions"]["cek_kurs"]["topic"] = "kurs-pajak"
    data["questions"]["cek_peb"]["answer"] = "e"
    key.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    (course / "kunci-jawaban" / "tes-awal.yml").unlink()
    with pytest.raises(UkmError) as e:
        load_course(course)
    assert [(p.code, p.field) for p in e.value.problems] == [
        ("key_file_missing", "test"),
        ("key_answer_not_option", "tes-akhir.yml: questions.cek_peb.answer"),
    ]
    data["questions"]["cek_peb"]["answer"] = "d"
    key.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    shutil.copy2(ops.template_dir() / "kunci-jawaban" / "tes-awal.yml", course / "kunci-jawaban" / "tes-awal.yml")
    with pytest.raises(UkmError) as e:
        load_course(course)
    assert [(p.code, p.value) for p in e.value.problems] == [
        ("key_unknown_topic", "kurs-pajak"),
        ("key_topic_not_asked", "kurs"),
    ]


def test_a_course_with_tests_refuses_a_config_without_the_grader_side_key_check(tmp_path):
    """Without VerifyChoices every well-formed answer would score full marks: refuse to load."""
    course = ops.init_course(tmp_path / "c")
    shutil.copy2(OLD / "nbgrader_config.py", course / "nbgrader_config.py")
    with pytest.raises(UkmError) as e:
        load_course(course)
    assert e.value.code == "tests_need_verify_choices"
    assert "ukm_tools.course.verify_choices.VerifyChoices" in e.value.message("id")
