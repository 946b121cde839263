"""The one YAML loader: hostile files fail fast with one clear line, good files load as before."""

from __future__ import annotations

import re
import time

import pytest

from ukm_tools import safe_yaml
from ukm_tools.case import load_case
from ukm_tools.errors import UkmError
from ukm_tools.safe_yaml import UPLOAD_LIMITS, Limits

BILLION_LAUGHS = """
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def refused(text: str, limits: Limits = safe_yaml.DEFAULT_LIMITS) -> UkmError:
    with pytest.raises(UkmError) as e:
        safe_yaml.load(text, "kasus.yaml", limits)
    return e.value


def test_billion_laughs_is_refused_quickly():
    # 9 levels of 9 aliases: 9**9 (387 million) strings once expanded.
    t0 = time.perf_counter()
    err = refused(BILLION_LAUGHS)
    assert time.perf_counter() - t0 < 2
    assert err.code == "yaml_too_many_aliases" and err.field == "file"
    assert "alias" in err.message("id") and "kasus.yaml" in err.message("id")


def test_a_few_aliases_are_fine():
    data = safe_yaml.load("base: &b {hpp: 1}\nother: *b\n", "ok.yaml")
    assert data == {"base": {"hpp": 1}, "other": {"hpp": 1}}


def test_recursive_alias_does_not_loop():
    # a list that contains itself is counted once, not followed forever; it loads as PyYAML builds it
    data = safe_yaml.load("a: &a [1, *a]\n", "rekursif.yaml", UPLOAD_LIMITS)
    assert data["a"][1] is data["a"]


@pytest.mark.parametrize("opener, closer", [("[", "]"), ("{a: ", "}")])
def test_5000_deep_nesting_is_refused_with_its_line(opener, closer):
    err = refused(opener * 5000 + "1" + closer * 5000)
    assert err.code == "yaml_too_deep"
    assert "baris 1" in err.message("id") and "40" in err.message("id")


def test_deep_block_nesting_names_the_line():
    text = "".join("  " * i + f"k{i}:\n" for i in range(60)) + "  " * 60 + "1\n"
    err = refused(text)
    # the 41st level opens on line 40/41 (where the parser reports the mapping's start)
    assert err.code == "yaml_too_deep" and re.search(r"line 4[01]:", err.message("en"))


def test_duplicate_key_is_refused_naming_both_lines():
    err = refused("case: x\nunit_costs:\n  hpp: 216000\n  packing: 18000\n  hpp: 1500000\n")
    assert err.code == "yaml_duplicate_key"
    assert err.message("id") == (
        "Berkas 'kasus.yaml' baris 5: kunci 'hpp' ditulis dua kali (pertama di baris 3). Hapus salah satunya."
    )


def test_too_large_is_refused_before_parsing():
    err = refused("a: " + "x" * 70_000, UPLOAD_LIMITS)
    assert err.code == "yaml_too_large" and "64000" in err.message("en")


def test_syntax_error_is_one_line_with_its_place():
    err = refused("case: x\n  quantity: [1,\n")
    assert err.code == "malformed_file"
    assert len(err.message("id").splitlines()) == 1 and "line 2" in err.message("en")


def test_unsafe_tags_are_not_constructed():
    err = refused("a: !!python/object/apply:os.system ['true']\n")
    assert err.code == "malformed_file"


def test_every_packaged_case_and_data_file_still_loads():
    from ukm_tools.case import packaged_case

    assert packaged_case("kasturi-syrup").quantity > 0


def test_case_files_go_through_the_bounded_loader(tmp_path):
    path = tmp_path / "dua-kali.yaml"
    path.write_text("case: x\ncase: y\n", encoding="utf-8")
    with pytest.raises(UkmError) as e:
        load_case(path)
    assert e.value.code == "yaml_duplicate_key"


@pytest.mark.parametrize("packaged", [False, True], ids=["from outside", "packaged (libyaml)"])
def test_both_parsers_refuse_the_same_files(packaged):
    # Packaged files (data, catalogue) are parsed by libyaml for speed; every check but the
    # depth bound while composing is the same for them.
    for text, code in (
        (BILLION_LAUGHS, "yaml_too_many_aliases"),
        ("a: 1\nb: 2\na: 3\n", "yaml_duplicate_key"),
        ("a: [1,\n", "malformed_file"),
        ("a: !!python/name:os.system\n", "malformed_file"),
    ):
        with pytest.raises(safe_yaml.YamlRefused) as e:
            safe_yaml.parse(text, packaged=packaged)
        assert e.value.code == code
    assert safe_yaml.parse("base: &b {hpp: 1}\nother: *b\n", packaged=packaged) == {
        "base": {"hpp": 1},
        "other": {"hpp": 1},
    }


def test_the_message_catalogue_is_read_through_the_same_loader(tmp_path):
    from ukm_tools.messages import CatalogueError, load_catalogue

    (tmp_path / "common.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    with pytest.raises(CatalogueError, match="yaml_too_many_aliases"):
        load_catalogue(tmp_path)
