"""Per-participant exercise parameters and answer checks for the course notebooks.

In a notebook::

    from ukm_tools import exercises as latihan
    kasus = latihan.kasus_saya()          # this participant's product and costs
    ...
    latihan.cek_bentuk(harga_exw, "money", "harga_exw")            # visible test: form only
    latihan.periksa("harga-incoterms", "cek_exw", globals())        # hidden test

:func:`periksa` only records the answers, as a display output of type
:data:`ANSWERS_MIME`: the expected answers are the course's answer key, which the grader
loads outside the kernel and nothing here can import; the grader decides and its verdict,
in plain Indonesian, appears in the participant's feedback
(:mod:`ukm_tools.course.verify_answers`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ukm_tools.exercises.checks import MISSING, Expected, record, shape_problem, verify
from ukm_tools.exercises.params import Product, current_identity, product_for, seeded_product
from ukm_tools.exercises.tugas import ASSIGNMENTS, PersonalCase, case_for

ANSWERS_MIME = "application/vnd.ukm.answers+json"

__all__ = [
    "ANSWERS_MIME",
    "ASSIGNMENTS",
    "Expected",
    "JawabanBelumTepat",
    "PersonalCase",
    "Product",
    "case_for",
    "case_lines",
    "cek_bentuk",
    "current_identity",
    "kasus_saya",
    "katalog_saya",
    "kesiapan_saya",
    "periksa",
    "pesanan_saya",
    "product_for",
    "record",
    "seeded_product",
    "verify",
]


class JawabanBelumTepat(AssertionError):
    """Raised in the notebook when an answer is missing, of the wrong form or wrong."""


def kasus_saya(tampilkan: bool = True) -> PersonalCase:
    """This participant's pricing case (their product, seeded shipment costs, the rate sheet)."""
    sid, product = current_identity()
    case = case_for(sid, product)
    if tampilkan:
        print(case.describe())
    return case


def kesiapan_saya(tampilkan: bool = True) -> dict[str, bool]:
    """This participant's (fictional) export-readiness situation: requirement -> already met?"""
    from ukm_tools.exercises.tugas import readiness_situation

    sid, _ = current_identity()
    situation = readiness_situation(sid)
    if tampilkan:
        print("\n".join(readiness_lines(sid, situation)))
    return situation


def readiness_lines(student_id: str, situation: Mapping[str, bool]) -> list[str]:
    """The participant's readiness situation in plain Indonesian, one requirement a line."""
    from ukm_tools.readiness import load_requirements

    catalog = load_requirements()
    lines = [f"Peserta: {student_id} — pangan olahan, tujuan Malaysia"]
    for code, met in situation.items():
        lines.append(f"  [{'sudah' if met else 'BELUM'}] {catalog.requirement(code).text('label', 'id')}")
    return lines


def case_lines(kind: str, student_id: str, product: Product) -> list[str]:
    """What the set-up cell of an exercise prints for this participant (``kind``: one of
    :data:`ukm_tools.exercises.forms.CASE_KINDS`); the exercise portal shows the same lines."""
    from ukm_tools.exercises.tugas import financing_case, katalog_case, readiness_situation

    if kind == "pricing":
        return case_for(student_id, product).describe().split("\n")
    if kind == "payment":
        case = case_for(student_id, product)
        invoice = case.build_up("CIF").step("CIF").shipment_quote
        return [*case.describe().split("\n"), f"Nilai invoice CIF: {invoice.format('id')}"]
    if kind == "readiness":
        return readiness_lines(student_id, readiness_situation(student_id))
    if kind == "katalog":
        return katalog_case(student_id, product).describe().split("\n")
    if kind == "financing":
        return financing_case(student_id, product).describe().split("\n")
    raise ValueError(f"unknown case kind {kind!r}")


def katalog_saya(tampilkan: bool = True):
    """This participant's e-Katalog offer (:class:`~ukm_tools.exercises.tugas.KatalogCase`; ``.price`` is a
    PriceInput)."""
    from ukm_tools.exercises.tugas import katalog_case

    sid, product = current_identity()
    case = katalog_case(sid, product)
    if tampilkan:
        print(case.describe())
    return case


def pesanan_saya(tampilkan: bool = True):
    """This participant's export order and KUR scheme (:class:`~ukm_tools.exercises.tugas.FinancingCase`)."""
    from ukm_tools.exercises.tugas import financing_case

    sid, product = current_identity()
    case = financing_case(sid, product)
    if tampilkan:
        print(case.describe())
    return case


def cek_bentuk(value: Any, kind: str, name: str) -> None:
    """Visible test: the answer has the right form (a number, a text option)."""
    problem = shape_problem(value, kind, name)
    if problem:
        raise JawabanBelumTepat(problem)
    print(f"✓ {name}: bentuk jawaban sudah benar.")


def emit_answers(payload: dict[str, Any]) -> None:
    """Record answers for the grader: a display output of type :data:`ANSWERS_MIME` (hidden tests only)."""
    try:
        from IPython.display import display
    except ImportError:  # outside Jupyter the grader has nothing to read anyway
        return
    display({ANSWERS_MIME: payload, "text/plain": "(jawaban tercatat untuk penilaian)"}, raw=True)


def periksa(assignment: str, grade_id: str, namespace: Mapping[str, Any]) -> None:
    """Hidden test: record the answers for the grader, which decides outside the kernel."""
    names = ASSIGNMENTS[assignment].questions[grade_id]
    answers = {n: record(namespace.get(n, MISSING)) for n in names}
    emit_answers({"assignment": assignment, "question": grade_id, "answers": answers})
    print("Jawaban tercatat; ketepatannya diperiksa oleh penilai.")
