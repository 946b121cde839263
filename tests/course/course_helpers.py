"""Helpers to build fixture courses and simulated submissions."""

from __future__ import annotations

import shutil
from decimal import Decimal
from pathlib import Path

import nbformat

from ukm_tools.course import ops
from ukm_tools.course.roster import Participant
from ukm_tools.course.verify_answers import load_answer_keys
from ukm_tools.exercises.params import product_for

#: The template course's answer key (staff only: the grader loads it from the course folder).
KEYS = load_answer_keys(ops.REPO_TEMPLATE / "answer_keys.py")


def participant_notebook(course: Path, assignment: str, answers: dict[str, str], prelude: str | None = None):
    """The released notebook with each solution cell (by grade_id) replaced; ``prelude`` runs first."""
    nb = nbformat.read(ops.released_notebook(course, assignment), as_version=4)
    for cell in nb.cells:
        gid = cell.metadata.get("nbgrader", {}).get("grade_id")
        if gid in answers:
            cell.source = answers[gid]
    if prelude:
        idx = next(i for i, c in enumerate(nb.cells) if c.cell_type == "code")
        nb.cells.insert(idx + 1, nbformat.v4.new_code_cell(prelude))
    return nb


def submit(course: Path, assignment: str, student: str, nb, work_root: Path) -> None:
    """Hand ``nb`` in through the exchange as ``student`` (what `nbgrader submit` does)."""
    cfg = ops.load_config(course)
    work = work_root / student
    target = work / cfg.CourseDirectory.course_id / assignment
    if target.exists():
        shutil.rmtree(target)
    target.mkdir(parents=True)
    if isinstance(nb, (bytes, str)):
        (target / f"{assignment}.ipynb").write_bytes(nb if isinstance(nb, bytes) else nb.encode())
    else:
        nbformat.write(nb, target / f"{assignment}.ipynb")
    ops.submit_as(course, assignment, student, work)


def grades(course: Path, assignment: str, student: str) -> dict[str, float]:
    from nbgrader.api import Gradebook

    with Gradebook(ops.db_url(course)) as gb:
        sub = gb.find_submission(assignment, student)
        return {g.name: g.score for nb in sub.notebooks for g in nb.grades}


# --- the anti-cheat submissions of harga-incoterms (see test_anticheat.py) ---

A = "harga-incoterms"
CHECKS = ("cek_exw", "cek_fob", "cek_cif")
OWNER = Participant(
    "pemilik",
    "Siti Pemilik",
    product_name="Sirup jeruk kasturi 600 ml",
    hpp=Decimal(18000),
    packing=Decimal(1500),
    quantity=2400,
)

CORRECT = {
    "jawab_exw": 'hasil = build_up(kasus.pricing, "CIF", kasus.rates)\nharga_exw = hasil.step("EXW").unit_idr',
    "jawab_fob": 'harga_fob = hasil.step("FOB").unit_quote.amount',
    "jawab_cif": 'harga_cif = float(hasil.step("CIF").unit_quote.amount)',
}


def _owner_values():
    exp = KEYS[A]("pemilik", product_for("pemilik", OWNER))
    return {k: e.value.amount for k, e in exp.items()}


def _literal_answers(values):
    return {
        "jawab_exw": f'harga_exw = Decimal("{values["harga_exw"]}")',
        "jawab_fob": f'harga_fob = Decimal("{values["harga_fob"]}")',
        "jawab_cif": f'harga_cif = Decimal("{values["harga_cif"]}")',
        "refleksi_harga": "Saya menawarkan FOB Belawan: risiko berpindah saat barang di atas kapal.",
    }


WRONG = {"jawab_exw": "harga_exw = 1", "jawab_fob": "harga_fob = 1", "jawab_cif": "harga_cif = 1"}

CASES = {
    # the owner computes their own answers: full marks
    "pemilik": (CORRECT, None),
    # a participant without a roster product computes their seeded case honestly: full marks
    "jujur": (CORRECT, None),
    # the owner's correct answers, typed as numbers into another participant's notebook
    "penyalin": (None, "from decimal import Decimal"),
    # claims to be the owner (environment and parameters file), then computes "their" answers
    "ngaku": (
        CORRECT,
        (
            "import os, json\n"
            "from ukm_tools.exercises.params import params_document, product_for\n"
            "os.environ['UKM_STUDENT_ID'] = 'pemilik'\n"
            "class _E: product_name, hpp, packing, quantity = 'Sirup jeruk kasturi 600 ml', 18000, 1500, 2400\n"
            "json.dump(params_document('pemilik', product_for('pemilik', _E())), open('.ukm-params.json', 'w'))\n"
            "kasus = latihan.kasus_saya()\n"
        ),
    ),
    # patches ukm_tools so that every check passes, with wrong answers
    "tambal": (
        WRONG,
        (
            "import ukm_tools.exercises as ex, ukm_tools.exercises.checks as ch\n"
            "ex.periksa = lambda *a, **k: print('✓ Jawaban benar.')\n"
            "ch.verify = lambda *a, **k: None\n"
        ),
    ),
    # objects whose == is always True
    "samadengan": (
        {
            "jawab_exw": "class Semua:\n    def __eq__(self, o): return True\n    def __sub__(self, o): return 0\n   "
            " __rsub__ = __sub__\n    def __abs__(self): return 0\n    def __le__(self, o): return True\n"
            "harga_exw = Semua()",
            "jawab_fob": "harga_fob = Semua()",
            "jawab_cif": "harga_cif = Semua()",
        },
        None,
    ),
    # an IPython input transformer that turns every later check cell into a "3" (partial credit)
    "transformer": (
        WRONG,
        (
            "def _kosongkan(lines):\n"
            "    return ['3\\n'] if any('periksa' in l or 'cek_bentuk' in l for l in lines) else lines\n"
            "get_ipython().input_transformers_post.append(_kosongkan)\n"
        ),
    ),
}


def build_anticheat_course(root: Path, *, workers: int):
    """harga-incoterms released, handed in by the participants of ``CASES`` (one honest owner and
    the tricks), collected and graded by the grading engine with ``workers`` sandboxed kernels;
    one more participant on the roster never submitted. The gradebook is wherever the course's
    nbgrader_config.py points (``UKM_DB_URL``, else SQLite in the course). Returns (course, report)."""
    from ukm_tools.course.grade_run import run_grading
    from ukm_tools.course.participants import store_participants

    course = ops.init_course(root / "course")
    others = [
        Participant(s, s.title(), phone="0812 0000 0000", email=f"{s}@contoh.id") for s in CASES if s != "pemilik"
    ]
    store_participants(ops.db_url(course), [OWNER, *others, Participant("absen", "Tidak Hadir")])
    ops.release(course, A)
    literal = _literal_answers(_owner_values())
    for student, (answers, prelude) in CASES.items():
        submit(course, A, student, participant_notebook(course, A, answers or literal, prelude), root / "work")
    assert set(ops.collect(course, A)) == set(CASES)
    report = run_grading(course, A, workers=workers, cell_timeout=20, sandbox=True, plain=True)
    assert {r.student: r.status.value for r in report.results} == {s: "graded" for s in CASES}
    return course, report
