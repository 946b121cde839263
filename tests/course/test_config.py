"""course.yml validation: every problem at once, each naming its field."""

import shutil

import pytest
import yaml

from ukm_tools.course.config import AssignmentSpec, load_course, parse_course
from ukm_tools.course.ops import template_dir
from ukm_tools.errors import UkmError


def test_template_course_is_valid():
    spec = load_course(template_dir())
    assert [a.name for a in spec.assignments()] == [
        "ekatalog",
        "syarat-ekspor",
        "harga-incoterms",
        "pembayaran",
        "pembiayaan",
    ]
    harga = spec.assignment("harga-incoterms")
    assert isinstance(harga, AssignmentSpec) and harga.personal


def test_all_errors_named_by_field():
    data = {
        "course_id": "Kursus Saya",
        "title": "x",
        "modules": [
            {"id": "m1", "title": "A", "assignments": [{"name": "a1", "weight": 0}]},
            {"id": "m2", "title": "B", "assignments": [{"name": "a1"}], "bobot": 2},
            {"id": "m3", "assignments": []},
        ],
        "pass_rule": {"min_score_pct": 120},
    }
    with pytest.raises(UkmError) as e:
        parse_course(data)
    lines = e.value.lines("id")
    assert (
        "course_id: 'Kursus Saya' tidak boleh; pakai huruf kecil, angka, '-' atau '_' (misalnya harga-incoterms)."
        in lines
    )
    assert any(line.startswith("modules[0].assignments[0].weight harus di antara 0") for line in lines)
    assert any(line.startswith("modules[1].bobot: kolom tidak dikenal") for line in lines)
    assert "modules[2].title: wajib diisi." in lines
    assert "modules[2].assignments: wajib diisi." in lines
    assert any(line.startswith("pass_rule.min_score_pct harus di antara") for line in lines)
    assert any("must be within" in line for line in e.value.lines("en"))


def test_duplicates_and_missing_source(tmp_path):
    shutil.copytree(template_dir() / "source", tmp_path / "source")
    data = yaml.safe_load((template_dir() / "course.yml").read_text())
    data["modules"][1]["assignments"].append({"name": "ekatalog"})
    data["modules"][0]["assignments"].append({"name": "tidak-ada"})
    (tmp_path / "course.yml").write_text(yaml.safe_dump(data))
    with pytest.raises(UkmError) as e:
        load_course(tmp_path)
    lines = e.value.lines("id")
    assert (
        "modules[0].assignments[1].name: tugas 'tidak-ada' tidak punya folder sumber source/tidak-ada/ di folder "
        "kursus." in lines
    )
    assert any(line.startswith("modules[1].assignments[1].name: tugas 'ekatalog' sudah dipakai") for line in lines)


def test_broken_yaml_is_one_clear_line(tmp_path):
    (tmp_path / "course.yml").write_text("modules: [\n")
    with pytest.raises(UkmError) as e:
        load_course(tmp_path)
    assert e.value.code == "yaml_syntax" and len(e.value.lines("id")) == 1


def test_source_notebooks_have_no_outputs_and_have_hidden_and_manual_cells():
    """Module assignments (the pre/post tests are multiple choice only: tests/course/test_prepost_tests.py)."""
    import nbformat

    modules = {a.name for a in load_course(template_dir()).assignments()}
    for path in sorted(p for p in (template_dir() / "source").glob("*/*.ipynb") if p.parent.name in modules):
        nb = nbformat.read(path, as_version=4)
        metas = [c.metadata.get("nbgrader", {}) for c in nb.cells]
        assert all(not c.get("outputs") for c in nb.cells if c.cell_type == "code"), path
        assert any(
            m.get("grade") and m.get("solution") and c.cell_type == "markdown"
            for m, c in zip(metas, nb.cells, strict=True)
        ), path
        tests = [c for m, c in zip(metas, nb.cells, strict=True) if m.get("grade") and not m.get("solution")]
        assert tests and all("BEGIN HIDDEN TESTS" in c.source and "cek_bentuk" in c.source for c in tests), path


def test_an_unknown_key_lists_the_keys_allowed_where_it_stands():
    # seen: "Allowed fields: ." with nothing after it
    data = yaml.safe_load((template_dir() / "course.yml").read_text(encoding="utf-8"))
    data["judul"] = "Pelatihan"
    data["modules"][0]["nama"] = "x"
    with pytest.raises(UkmError) as e:
        parse_course(data)
    lines = e.value.lines("en")
    assert any(ln.startswith("judul: unknown field") and "course_id, title" in ln for ln in lines), lines
    assert any(ln.startswith("modules[0].nama: unknown field") and "assignments" in ln for ln in lines), lines
