"""The personal questions of ekatalog and pembiayaan, graded for real by the grading engine.

The owner (roster product) computes their own answer and gets full marks; another
participant who types the owner's correct figures gets 0, because the grader computes
the expected values for the submission's owner.
"""

import pytest
from course_helpers import KEYS, OWNER, grades, participant_notebook, submit

from ukm_tools.course import ops
from ukm_tools.course.participants import store_participants
from ukm_tools.course.roster import Participant
from ukm_tools.exercises.params import product_for, seeded_product

# assignment -> (solution cell, test cell, answer variable, the owner's own computation)
QUESTIONS = {
    "ekatalog": (
        "jawab_harga_pemerintah",
        "cek_harga_pemerintah",
        "harga_pemerintah",
        "harga_pemerintah = government_price(katalog.price).unit_price",
    ),
    "pembiayaan": (
        "jawab_bunga_kur",
        "cek_bunga_kur",
        "bunga_kur",
        "bunga_kur = finance_order(cash_flow(pesanan.order), scheme=pesanan.scheme).cost.amount",
    ),
}


@pytest.fixture(scope="module")
def course(tmp_path_factory):
    root = tmp_path_factory.mktemp("personal-km")
    course = ops.init_course(root / "course")
    store_participants(ops.db_url(course), [OWNER, Participant("penyalin", "Penyalin")])
    from ukm_tools.course.grade_run import run_grading

    for a, (sol, _, var, own) in QUESTIONS.items():
        ops.release(course, a)
        owner_value = KEYS[a]("pemilik", product_for("pemilik", OWNER))[var].value
        # Sanity: the copied figure really is wrong for the copier.
        assert owner_value != KEYS[a]("penyalin", seeded_product("penyalin"))[var].value
        submit(course, a, "pemilik", participant_notebook(course, a, {sol: own}), root / "work")
        submit(
            course,
            a,
            "penyalin",
            participant_notebook(course, a, {sol: f"{var} = {owner_value.amount}"}),
            root / "work",
        )
        assert set(ops.collect(course, a)) == {"pemilik", "penyalin"}
        report = run_grading(course, a, workers=2, cell_timeout=20, sandbox=True, plain=True)
        assert {r.student: r.status.value for r in report.results} == {"pemilik": "graded", "penyalin": "graded"}
    return course


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("assignment", sorted(QUESTIONS))
def test_owner_passes_and_copier_fails(course, assignment):
    check = QUESTIONS[assignment][1]
    assert grades(course, assignment, "pemilik")[check] == 3.0
    assert grades(course, assignment, "penyalin")[check] == 0.0
