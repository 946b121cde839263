"""The report's dashboard in headless Chromium: opened from file:// with the network blocked, at
360 px (a phone) and at desktop width."""

from __future__ import annotations

import pytest

from tests.course.synthetic_gradebook import Sub, SyntheticCourse, full_marks, random_cohort
from ukm_tools.course import ops

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]


@pytest.fixture(scope="module")
def dashboard(tmp_path_factory):
    from ukm_tools.course.overrides import set_override
    from ukm_tools.course.workshop_report import write_report

    root = tmp_path_factory.mktemp("dasbor")
    course = SyntheticCourse(ops.init_course(root / "course"))
    random_cohort(course, 80, seed=11)
    # One more, whose grading failed on one module while the rest is done: staff must look.
    long_id = "peserta-dengan-id-yang-sangat-panjang-sekali"
    course.add_students(
        [{"id": long_id, "name": "Nama Panjang", "email": "rahasia@contoh.id", "phone": "0812 9999 1111"}]
    )
    course.attend({(s.id, long_id): True for s in course.spec.sessions})
    course.submit(
        [
            Sub(
                long_id,
                a.name,
                full_marks(course, a.name),
                status="kernel_died" if a.name == "pembayaran" else "graded",
            )
            for a in course.spec.assignments()
        ]
    )
    set_override(
        course.db_url, course.spec, "p00001", "m2-syarat", "selesai", why="Dinilai lisan oleh pelatih.", by="Bu Rina"
    )
    return write_report(course.course, root / "laporan", include_personal=True)["html"]


def _open(open_page, path, width):
    p = open_page(width, 800)
    p.page.goto(path.as_uri())
    return p, p.blocked


def test_dashboard_on_a_phone_offline(open_page, dashboard):
    p, blocked = _open(open_page, dashboard, 360)
    page = p.page
    assert blocked == [] and p.errors == []
    # Nothing wider than the screen: no number hidden behind a sideways scroll.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    for section in ("ringkasan", "corong", "sebaran", "tes", "peserta", "dinas"):
        box = page.locator(f"#{section}").bounding_box()
        assert box and box["width"] <= 360 and box["height"] > 40, section
    assert page.locator("html").get_attribute("lang") == "id"
    # The distribution charts are drawn at phone size: their text is not shrunk below its size.
    scales = page.evaluate(
        "[...document.querySelectorAll('#sebaran svg')]"
        ".map(s => s.getBoundingClientRect().width / s.viewBox.baseVal.width)"
    )
    assert len(scales) == 7 and min(scales) >= 1.0, scales
    assert page.locator("#tes .topic").count() == 10
    assert "perlu diulang" in page.locator("#tes").inner_text()  # cargo insurance did not land
    # Staff's cases first and open; every participant by id only.
    first = page.locator("#peserta details").first
    assert first.get_attribute("open") is not None and first.locator("summary").inner_text().startswith("perlu dicek")
    assert page.locator("#peserta .who").count() == 81
    text = page.content()
    assert "rahasia@contoh.id" not in text and "0812 9999" not in text and "Nama Panjang" not in text
    p.screenshot("dasbor-360")


def test_dashboard_on_a_desktop(open_page, dashboard):
    p, blocked = _open(open_page, dashboard, 1280)
    assert blocked == [] and p.errors == []
    widths = p.page.evaluate(
        "[...document.querySelectorAll('#sebaran figure')].map(f => f.getBoundingClientRect().width)"
    )
    assert max(widths) <= 420  # charts stay at a readable size instead of stretching
    funnel = p.page.locator("#corong").inner_text()
    assert "terdaftar" in funnel and "selesai" in funnel
    p.screenshot("dasbor-1280")
