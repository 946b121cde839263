"""Pre-test and post-test helpers for the participant's notebook: check the form, record the choice.

In a test notebook::

    from ukm_tools.exercises import tes
    tes.cek_pilihan(jawaban_1, "jawaban_1")                 # visible test: one of a, b, c, d?
    tes.catat("tes-awal", "cek_incoterms", jawaban_1)        # hidden test: record it, nothing more

There is no answer key here, nor anywhere the kernel can read: the grader marks the recorded
choice against the course's key file (:mod:`ukm_tools.course.verify_choices`).
"""

from __future__ import annotations

from typing import Any

from ukm_tools.exercises.checks import MISSING, record

OPTIONS = ("a", "b", "c", "d")
ANSWER = "pilihan"  # the record's name, read by ukm_tools.course.verify_choices


class JawabanBelumLengkap(AssertionError):
    """Raised in the notebook when an answer is missing or not one of the options."""


def cek_pilihan(value: Any, name: str, options: tuple[str, ...] = OPTIONS) -> None:
    """Visible test: the answer is one of the option letters (not whether it is right)."""
    rec = record(value)
    if rec["type"] == "missing":
        raise JawabanBelumLengkap(f'`{name}` belum diisi. Ganti `None` dengan huruf pilihan Anda, misalnya "a".')
    if rec["type"] != "str":
        raise JawabanBelumLengkap(f'`{name}` harus berupa huruf pilihan di antara tanda kutip, misalnya "a".')
    if "".join(rec["value"].split()).lower() not in options:
        raise JawabanBelumLengkap(f'`{name}` = "{rec["value"]}" bukan salah satu pilihan ({", ".join(options)}).')
    print(f"✓ {name}: jawaban tercatat.")


def catat(test: str, question: str, value: Any = MISSING) -> None:
    """Hidden test: emit the chosen option for the grader (no verdict is given in the kernel)."""
    from ukm_tools.exercises import emit_answers

    emit_answers({"assignment": test, "question": question, "answers": {ANSWER: record(value)}})
