"""The one YAML loader: hostile or broken files are refused with one line, never a hang or a traceback."""

from __future__ import annotations

import datetime as dt

import pytest

from ukm_tools import safe_yaml
from ukm_tools.course.config import load_course
from ukm_tools.datafiles import load_yaml
from ukm_tools.errors import UkmError
from ukm_tools.safe_yaml import Limits, Number, YamlRefused

pytestmark = pytest.mark.timeout(30)


def billion_laughs(levels: int = 9) -> str:
    """The classic: each level repeats the previous one nine times (9^9 = 387 million strings)."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def refused(text: str, **kw) -> UkmError:
    with pytest.raises(UkmError) as e:
        safe_yaml.load(text, "kasus.yaml", **kw)
    return e.value


def one_line(err: UkmError, lang: str) -> str:
    lines = err.lines(lang)
    assert len(lines) == 1 and "\n" not in lines[0] and "Traceback" not in lines[0]
    return lines[0]


def test_billion_laughs_is_refused_naming_the_line():
    err = refused(billion_laughs())
    assert err.code == "yaml_too_many_aliases"
    # a5 is the first level past 200,000 expanded items (9^6 = 531,441): line 6
    assert one_line(err, "id").startswith("Berkas 'kasus.yaml' baris 6: alias YAML")
    assert "Write the content out without aliases" in one_line(err, "en")


def test_a_few_aliases_are_fine():
    data = safe_yaml.load(billion_laughs(3), "kasus.yaml")
    assert len(data["a2"]) == 9 and data["a2"][0][0] == ["lol"] * 9


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "]" * 5000,  # flow style
        "".join("  " * i + "- \n" for i in range(5000))[:900_000],  # block style (within the size bound)
        "a: " + "{k: " * 5000 + "1" + "}" * 5000,  # nested mappings
    ],
    ids=["flow-sequence", "block-sequence", "flow-mapping"],
)
def test_5000_deep_nesting_is_one_line_not_a_recursion_error(text):
    err = refused(text)
    assert err.code == "yaml_too_deep"
    assert "terlalu dalam (lebih dari 40 tingkat)" in one_line(err, "id")


def test_duplicate_key_is_refused_with_both_lines():
    err = refused("case: a\nunit_costs:\n  hpp: 18000\n  packing: 1500\n  hpp: 20000\n")
    assert err.code == "yaml_duplicate_key"
    assert one_line(err, "id") == (
        "Berkas 'kasus.yaml' baris 5: kunci 'hpp' ditulis dua kali (pertama di baris 3). Hapus salah satunya."
    )


def test_merge_keys_may_be_overridden():
    data = safe_yaml.load("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\n", "kasus.yaml")
    assert data["c"] == {"x": 3, "y": 2}


def test_recursive_alias_is_refused():
    assert refused("a: &x [1, *x]\n").code == "yaml_recursive_alias"


def test_size_is_checked_before_parsing():
    err = refused("a: " + "x" * 70_000 + "\n", limits=safe_yaml.UPLOAD_LIMITS)
    assert err.code == "yaml_too_large" and "70004 karakter; paling banyak 64000" in one_line(err, "id")


def test_syntax_error_names_line_and_column_without_parser_jargon():
    err = refused("case: x\nquantity: 200\n  hpp: 1\n")
    text = one_line(err, "id")
    assert err.code == "yaml_syntax" and text.startswith("Berkas 'kasus.yaml' baris 3, kolom 6:")
    assert "mapping values" not in text


def test_only_safe_tags_are_built():
    assert refused("a: !!python/object/apply:os.system ['true']\n").code == "yaml_syntax"


def test_numbers_can_be_kept_as_written():
    data = safe_yaml.load("a: 16.420\nb: 1_000\nc: '2'\nd: 2025-12-01\ne: true\n", "x", numbers_as_text=True)
    assert data == {"a": "16.420", "b": "1_000", "c": "2", "d": dt.date(2025, 12, 1), "e": True}
    assert isinstance(data["a"], Number) and data["a"].native == 16.42 and data["b"].native == 1000
    assert not isinstance(data["c"], Number)  # quoted: text the author meant as text


def test_limits_are_per_call():
    with pytest.raises(YamlRefused) as e:
        safe_yaml.parse("[[[1]]]", Limits(max_depth=2))
    assert e.value.code == "yaml_too_deep" and e.value.line == 1


def test_data_and_course_files_go_through_it(tmp_path):
    bad = tmp_path / "rates.yaml"
    bad.write_text(billion_laughs(), encoding="utf-8")
    with pytest.raises(UkmError) as e:
        load_yaml(bad)
    assert e.value.code == "yaml_too_many_aliases"
    (tmp_path / "course.yml").write_text("title: a\ntitle: b\n", encoding="utf-8")
    with pytest.raises(UkmError) as e:
        load_course(tmp_path)
    assert e.value.code == "yaml_duplicate_key"
