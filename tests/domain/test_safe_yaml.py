"""The one YAML loader: hostile or broken files are refused fast with one clear line (never a hang
or a traceback), good files load as before, numbers can be kept as written."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from ukm_tools import safe_yaml
from ukm_tools.case import load_case
from ukm_tools.course.config import load_course
from ukm_tools.datafiles import load_yaml
from ukm_tools.errors import UkmError
from ukm_tools.safe_yaml import UPLOAD_LIMITS, Limits, Number, YamlRefused

pytestmark = pytest.mark.timeout(30)


def billion_laughs(levels: int = 9) -> str:
    """The classic: each level repeats the previous one nine times (9^9 = 387 million strings)."""
    lines = ["a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for i in range(1, levels):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]")
    return "\n".join(lines) + "\n"


BILLION_LAUGHS = billion_laughs()


def refused(text: str, limits: Limits = safe_yaml.DEFAULT_LIMITS, **kw) -> UkmError:
    with pytest.raises(UkmError) as e:
        safe_yaml.load(text, "kasus.yaml", limits, **kw)
    return e.value


def one_line(err: UkmError, lang: str) -> str:
    lines = err.lines(lang)
    assert len(lines) == 1 and "\n" not in lines[0] and "Traceback" not in lines[0]
    return lines[0]


def test_billion_laughs_is_refused_quickly_naming_the_line():
    t0 = time.perf_counter()
    err = refused(BILLION_LAUGHS)
    assert time.perf_counter() - t0 < 2
    assert err.code == "yaml_too_many_aliases" and err.field == "file"
    # a5 is the first level past 200,000 expanded items (9^6 = 531,441): line 6
    assert one_line(err, "id").startswith("Berkas 'kasus.yaml' baris 6: alias YAML")
    assert "Write the content out without aliases" in one_line(err, "en")


def test_a_few_aliases_are_fine():
    assert safe_yaml.load("base: &b {hpp: 1}\nother: *b\n", "ok.yaml") == {"base": {"hpp": 1}, "other": {"hpp": 1}}
    data = safe_yaml.load(billion_laughs(3), "kasus.yaml")
    assert len(data["a2"]) == 9 and data["a2"][0][0] == ["lol"] * 9


@pytest.mark.parametrize("packaged", [False, True], ids=["from outside", "packaged (libyaml)"])
def test_recursive_alias_is_refused_not_followed(packaged):
    # a list that contains itself would send every reader that walks the result round forever
    with pytest.raises(YamlRefused) as e:
        safe_yaml.parse("b: 1\na: &loop [1, *loop]\n", packaged=packaged)
    assert e.value.code == "yaml_recursive_alias" and e.value.line == 2
    err = refused("a: &x\n  k: *x\n", UPLOAD_LIMITS)
    assert one_line(err, "id") == (
        "Berkas 'kasus.yaml' baris 1: alias *x menunjuk ke bagian yang memuat dirinya sendiri. "
        "Tulis isinya langsung tanpa alias."
    )


@pytest.mark.parametrize(
    "text",
    [
        "[" * 5000 + "1" + "]" * 5000,  # flow style
        "".join("  " * i + "- \n" for i in range(5000))[:900_000],  # block style (within the size bound)
        "a: " + "{k: " * 5000 + "1" + "}" * 5000,  # nested mappings
    ],
    ids=["flow-sequence", "block-sequence", "flow-mapping"],
)
def test_5000_deep_nesting_is_one_line_not_a_recursion_error(text):
    err = refused(text)
    assert err.code == "yaml_too_deep"
    assert "terlalu dalam (lebih dari 40 tingkat)" in one_line(err, "id")


def test_deep_block_nesting_names_the_line():
    text = "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "1\n"
    err = refused(text)
    # the 41st level opens on line 40/41 (where the parser reports the mapping's start)
    assert err.code == "yaml_too_deep" and err.problems[0].params["line"] in (40, 41)


def test_duplicate_key_is_refused_naming_both_lines():
    err = refused("case: x\nunit_costs:\n  hpp: 216000\n  packing: 18000\n  hpp: 1500000\n")
    assert err.code == "yaml_duplicate_key"
    assert one_line(err, "id") == (
        "Berkas 'kasus.yaml' baris 5: kunci 'hpp' ditulis dua kali (pertama di baris 3). Hapus salah satunya."
    )


def test_merge_keys_may_be_overridden():
    data = safe_yaml.load("base: &b {x: 1, y: 2}\nc:\n  <<: *b\n  x: 3\n", "kasus.yaml")
    assert data["c"] == {"x": 3, "y": 2}


def test_too_large_is_refused_before_parsing():
    err = refused("a: " + "x" * 70_000 + "\n", UPLOAD_LIMITS)
    assert err.code == "yaml_too_large" and "70004 karakter; paling banyak 64000" in one_line(err, "id")


def test_syntax_error_names_line_and_column_without_parser_jargon():
    err = refused("case: x\nquantity: 200\n  hpp: 1\n")
    text = one_line(err, "id")
    assert err.code == "yaml_syntax" and text.startswith("Berkas 'kasus.yaml' baris 3, kolom 6:")
    assert "mapping values" not in text
    assert "line 2" in one_line(refused("case: x\n  quantity: [1,\n"), "en")


def test_unsafe_tags_are_not_constructed():
    assert refused("a: !!python/object/apply:os.system ['true']\n").code == "yaml_syntax"


@pytest.mark.parametrize("packaged", [False, True], ids=["from outside", "packaged (libyaml)"])
def test_numbers_can_be_kept_as_written(packaged):
    text = "a: 16.420\nb: 1_000\nc: '2'\nd: 2025-12-01\ne: true\n"
    data = safe_yaml.parse(text, packaged=packaged, numbers_as_text=True)
    assert data == {"a": "16.420", "b": "1_000", "c": "2", "d": dt.date(2025, 12, 1), "e": True}
    assert isinstance(data["a"], Number) and data["a"].native == 16.42 and data["b"].native == 1000
    assert not isinstance(data["c"], Number)  # quoted: text the author meant as text
    assert safe_yaml.parse(text, packaged=packaged)["a"] == 16.42  # without it: YAML's own reading


@pytest.mark.parametrize("numbers_as_text", [False, True], ids=["YAML's reading", "kept as written"])
@pytest.mark.parametrize("packaged", [False, True], ids=["from outside", "packaged (libyaml)"])
def test_an_integer_too_long_for_python_is_a_message_not_a_crash(packaged, numbers_as_text):
    # 5,000 digits (an upload fits 64,000 characters): Python refuses to convert more than 4,300,
    # which escaped the loader as a bare ValueError (a traceback for `ukm quote`, nothing at all
    # on the calculator page).
    with pytest.raises(YamlRefused) as e:
        safe_yaml.parse("case: x\nquantity: " + "9" * 5000 + "\n", packaged=packaged, numbers_as_text=numbers_as_text)
    assert e.value.code == "yaml_number_too_long" and e.value.line == 2
    err = refused("case: x\nquantity: " + "9" * 5000 + "\n", UPLOAD_LIMITS, numbers_as_text=numbers_as_text)
    assert one_line(err, "id") == (
        "Berkas 'kasus.yaml' baris 2: angka terlalu panjang (lebih dari 4300 digit). Periksa angka di baris itu."
    )


def test_limits_are_per_call():
    with pytest.raises(YamlRefused) as e:
        safe_yaml.parse("[[[1]]]", Limits(max_depth=2))
    assert e.value.code == "yaml_too_deep" and e.value.line == 1


@pytest.mark.parametrize("packaged", [False, True], ids=["from outside", "packaged (libyaml)"])
def test_both_parsers_refuse_the_same_files(packaged):
    # Packaged files (data, catalogue) are parsed by libyaml for speed; every check but the
    # depth bound while composing is the same for them.
    for text, code in (
        (BILLION_LAUGHS, "yaml_too_many_aliases"),
        ("a: 1\nb: 2\na: 3\n", "yaml_duplicate_key"),
        ("a: [1,\n", "yaml_syntax"),
        ("a: !!python/name:os.system\n", "yaml_syntax"),
    ):
        with pytest.raises(YamlRefused) as e:
            safe_yaml.parse(text, packaged=packaged)
        assert e.value.code == code
    assert safe_yaml.parse("base: &b {hpp: 1}\nother: *b\n", packaged=packaged) == {
        "base": {"hpp": 1},
        "other": {"hpp": 1},
    }


def test_every_packaged_case_and_data_file_still_loads():
    from ukm_tools.case import packaged_case

    assert packaged_case("kasturi-syrup").quantity > 0


def test_case_data_and_course_files_go_through_it(tmp_path):
    path = tmp_path / "dua-kali.yaml"
    path.write_text("case: x\ncase: y\n", encoding="utf-8")
    with pytest.raises(UkmError) as e:
        load_case(path)
    assert e.value.code == "yaml_duplicate_key"
    bad = tmp_path / "rates.yaml"
    bad.write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(UkmError) as e:
        load_yaml(bad)
    assert e.value.code == "yaml_too_many_aliases"
    (tmp_path / "course.yml").write_text("title: a\ntitle: b\n", encoding="utf-8")
    with pytest.raises(UkmError) as e:
        load_course(tmp_path)
    assert e.value.code == "yaml_duplicate_key"


def test_the_message_catalogue_is_read_through_the_same_loader(tmp_path):
    from ukm_tools.messages import CatalogueError, load_catalogue

    (tmp_path / "common.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(CatalogueError, match="yaml_too_many_aliases"):
        load_catalogue(tmp_path)
