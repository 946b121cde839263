"""The grader decides personal answers: no notebook trick makes a wrong answer pass.

One small course, six submissions of harga-incoterms graded by nbgrader with the
course's preprocessors (VerifyAnswers runs in the grader process, outside the kernel).
"""

import os
from decimal import Decimal

import pytest

from tests.course.helpers import grades, participant_notebook, submit
from ukm_tools.course import ops
from ukm_tools.course.participants import store_participants
from ukm_tools.course.roster import Participant
from ukm_tools.exercises.params import product_for
from ukm_tools.exercises.tugas import ASSIGNMENTS

A = "harga-incoterms"
CHECKS = ("cek_exw", "cek_fob", "cek_cif")
OWNER = Participant("pemilik", "Siti Pemilik", product_name="Sirup jeruk kasturi 600 ml", hpp=Decimal(18000), packing=Decimal(1500), quantity=2400)

CORRECT = {
    "jawab_exw": 'hasil = build_up(kasus.pricing, "CIF", kasus.rates)\nharga_exw = hasil.step("EXW").unit_idr',
    "jawab_fob": 'harga_fob = hasil.step("FOB").unit_quote.amount',
    "jawab_cif": 'harga_cif = float(hasil.step("CIF").unit_quote.amount)',
}


def _owner_values():
    exp = ASSIGNMENTS[A].expected("pemilik", product_for("pemilik", OWNER))
    return {k: e.value.amount for k, e in exp.items()}


def _literal_answers(values):
    return {
        "jawab_exw": f'harga_exw = Decimal("{values["harga_exw"]}")',
        "jawab_fob": f'harga_fob = Decimal("{values["harga_fob"]}")',
        "jawab_cif": f'harga_cif = Decimal("{values["harga_cif"]}")',
    }


WRONG = {"jawab_exw": "harga_exw = 1", "jawab_fob": "harga_fob = 1", "jawab_cif": "harga_cif = 1"}

CASES = {
    # the owner computes their own answers: full marks
    "pemilik": (CORRECT, None),
    # the same correct answers, typed as numbers into another participant's notebook
    "penyalin": (None, "from decimal import Decimal"),
    # claims to be the owner (environment and parameters file), then computes "their" answers
    "ngaku": (CORRECT, (
        "import os, json\n"
        "from ukm_tools.exercises.params import params_document, product_for\n"
        "os.environ['UKM_STUDENT_ID'] = 'pemilik'\n"
        "class _E: product_name, hpp, packing, quantity = 'Sirup jeruk kasturi 600 ml', 18000, 1500, 2400\n"
        "json.dump(params_document('pemilik', product_for('pemilik', _E())), open('.ukm-params.json', 'w'))\n"
        "kasus = latihan.kasus_saya()\n"
    )),
    # patches ukm_tools so that every check passes, with wrong answers
    "tambal": (WRONG, (
        "import ukm_tools.exercises as ex, ukm_tools.exercises.checks as ch, ukm_tools.exercises.tugas as tg\n"
        "ex.periksa = lambda *a, **k: print('✓ Jawaban benar.')\n"
        "ch.verify = lambda *a, **k: None\n"
        "tg.expected_for = lambda *a, **k: []\n"
    )),
    # objects whose == is always True
    "samadengan": ({
        "jawab_exw": "class Semua:\n    def __eq__(self, o): return True\n    def __sub__(self, o): return 0\n    __rsub__ = __sub__\n    def __abs__(self): return 0\n    def __le__(self, o): return True\nharga_exw = Semua()",
        "jawab_fob": "harga_fob = Semua()",
        "jawab_cif": "harga_cif = Semua()",
    }, None),
    # an IPython input transformer that turns every later check cell into a "3" (partial credit)
    "transformer": (WRONG, (
        "def _kosongkan(lines):\n"
        "    return ['3\\n'] if any('periksa' in l or 'cek_bentuk' in l for l in lines) else lines\n"
        "get_ipython().input_transformers_post.append(_kosongkan)\n"
    )),
}


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_owner_correct_answers_get_full_marks(graded):
    g = grades(graded, A, "pemilik")
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

    raw = results["penyalin"].path.read_text(encoding="utf-8")
    # Text as a reader sees it (syntax highlighting splits code into many spans).
    html = BeautifulSoup(raw, "html.parser").get_text()
    assert "application/vnd.ukm.answers" not in raw
    assert "latihan.periksa" not in html and "HIDDEN TESTS" not in html
    assert "latihan.cek_bentuk(harga_exw" in html  # visible tests stay
    assert "belum tepat" in html  # the grader's plain-Indonesian verdict is shown
    source_html = (graded / "source" / A / f"{A}.ipynb").read_text()
    assert "latihan.periksa" in source_html  # the hidden code exists and was really stripped
