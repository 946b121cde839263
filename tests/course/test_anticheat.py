"""The grader decides personal answers: no notebook trick makes a wrong answer pass.

One small course, six submissions of harga-incoterms graded by the engine through
nbgrader's pipeline with the course's preprocessors (VerifyAnswers runs in the grader
process, outside the sandboxed kernel).
"""

import pytest
from course_helpers import CHECKS, A, grades

from ukm_tools.course import ops


@pytest.mark.slow
@pytest.mark.timeout(240)
@pytest.mark.parametrize("student", ["pemilik", "jujur"])
def test_own_correct_answers_get_full_marks(graded, student):
    g = grades(graded, A, student)
    assert [g[c] for c in CHECKS] == [2.0, 3.0, 3.0]


@pytest.mark.slow
@pytest.mark.parametrize("student", ["penyalin", "ngaku", "tambal", "samadengan", "transformer"])
def test_tricks_score_zero(graded, student):
    g = grades(graded, A, student)
    assert [g[c] for c in CHECKS] == [0.0, 0.0, 0.0], g


@pytest.mark.slow
def test_feedback_has_no_hidden_tests(graded):
    results = {r.student: r for r in ops.feedback(graded, A, ["pemilik", "penyalin"])}
    assert all(r.ok for r in results.values())
    from bs4 import BeautifulSoup

    path = results["penyalin"].path
    assert path is not None
    raw = path.read_text(encoding="utf-8")
    # Text as a reader sees it (syntax highlighting splits code into many spans).
    html = BeautifulSoup(raw, "html.parser").get_text()
    assert "application/vnd.ukm.answers" not in raw
    assert "latihan.periksa" not in html and "HIDDEN TESTS" not in html
    assert "latihan.cek_bentuk(harga_exw" in html  # visible tests stay
    assert "belum tepat" in html  # the grader's plain-Indonesian verdict is shown
    assert "belum dinilai pengajar" in html  # the ungraded reflection is pending, not a silent 0
    assert (
        "Jawaban Anda" in html
        and "(Nilai: 0.0 / 3.0)" in html
        and "Student's answer" not in html
        and "Score:" not in html
    )
    source_html = (graded / "source" / A / f"{A}.ipynb").read_text()
    assert "latihan.periksa" in source_html  # the hidden code exists and was really stripped
