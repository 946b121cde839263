"""The five modules are listed once, in course.yml: the book, its slides, the exercises and the
calculators all follow that list (a module added or renamed there shows up everywhere or fails here)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from ukm_tools.course.config import load_course
from ukm_tools.course.ops import REPO_TEMPLATE

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"


@pytest.fixture(scope="module")
def course():
    return load_course(REPO_TEMPLATE)


def test_the_course_file_names_five_modules_with_pages_and_calculators(course):
    assert course.pages() == ["ekatalog", "syarat-ekspor", "harga-incoterms", "pembayaran", "pembiayaan"]
    assert all(m.calculator for m in course.modules)


def test_the_book_reads_the_module_list_from_the_course_file(course, monkeypatch):
    monkeypatch.syspath_prepend(str(BOOK))
    import bookkit
    import build

    from ukm_tools.widgets.gallery import APPS

    assert build.module_pages() == bookkit.module_pages() == course.pages()
    for m in course.modules:  # each page links the calculator its module names
        assert bookkit.calculator(m.page).slug == next(a.slug for a in APPS if a.module == m.calculator)


def test_every_module_has_its_page_slides_and_table_of_contents_entry(course):
    toc = yaml.safe_load((BOOK / "_toc.yml").read_text())
    chapters = next(p["chapters"] for p in toc["parts"] if p["caption"] == "Modul")
    assert [c["file"] for c in chapters] == [f"modul/{p}" for p in course.pages()]
    for page in course.pages():
        assert (BOOK / "modul" / f"{page}.md").is_file()
        assert (BOOK / "slides" / f"{page}.md").is_file()


def test_every_module_links_a_calculator_of_the_gallery(course):
    from ukm_tools.widgets.gallery import APPS

    assert {m.calculator for m in course.modules} <= {a.module for a in APPS}


def test_the_exercises_check_exactly_the_course_assignments(course):
    from ukm_tools.exercises.tugas import ASSIGNMENTS

    assert sorted(ASSIGNMENTS) == sorted(a.name for a in course.assignments())
    tests = [t.name for t in course.test_specs()]  # the pre/post tests (issue 15) are released from source/ too
    assert sorted(p.name for p in (REPO_TEMPLATE / "source").iterdir()) == sorted([*ASSIGNMENTS, *tests])
