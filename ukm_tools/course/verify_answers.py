"""nbgrader preprocessors that make the grader, not the notebook, decide personal answers.

Registered in the course's nbgrader_config.py around nbgrader's ``Execute``::

    c.Autograde.autograde_preprocessors = [WriteParticipantParams, Execute, VerifyAnswers, ...]

* :class:`WriteParticipantParams` (before Execute) writes the participant's id and
  product into ``.ukm-params.json`` beside the notebook, so the in-kernel hidden tests
  can give friendly messages on the right numbers (it overwrites any such file the
  participant submitted).
* :class:`VerifyAnswers` (after Execute, before SaveAutoGrades) runs in the grader
  process, outside the sandboxed kernel. For every test cell listed in
  :data:`ukm_tools.exercises.tugas.ASSIGNMENTS` it reads the answer records the cell
  emitted (MIME :data:`ukm_tools.exercises.ANSWERS_MIME`), recomputes the expected
  answers for ``resources['nbgrader']['student']`` — nbgrader's student id, never the
  notebook's claim — from the roster in the gradebook and the domain core, and when an
  answer is missing or wrong puts an error output *first* in that cell, so nbgrader's
  own scoring gives the cell 0 (it stops at the first error or execute_result).
"""

from __future__ import annotations

import json
import os
from typing import Any

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from ukm_tools.exercises import ANSWERS_MIME
from ukm_tools.exercises.checks import verify
from ukm_tools.exercises.params import PARAMS_FILE, params_document, product_for
from ukm_tools.exercises.tugas import ASSIGNMENTS, expected_for

ERROR_NAME = "JawabanBelumTepat"


def _product(resources: dict[str, Any], student: str):
    from ukm_tools.course.participants import load_participant

    entry = None
    db_url = resources.get("nbgrader", {}).get("db_url")
    if db_url:
        entry = load_participant(db_url, student)
    return product_for(student, entry)


class WriteParticipantParams(NbGraderPreprocessor):
    """Write ``.ukm-params.json`` (id and product) into the notebook's folder before it runs."""

    filename = Unicode(PARAMS_FILE, help="Name of the parameters file written beside the notebook.").tag(config=True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        path = resources.get("metadata", {}).get("path")
        if assignment in ASSIGNMENTS and path:
            student = resources["nbgrader"]["student"]
            doc = params_document(student, _product(resources, student))
            target = os.path.join(path, self.filename)
            if os.path.islink(target):
                os.unlink(target)
            with open(target, "w", encoding="utf-8") as f:
                json.dump(doc, f, ensure_ascii=False)
        return nb, resources


def _answer_payloads(cell, assignment: str, question: str) -> list[dict[str, Any]]:
    found = []
    for out in cell.get("outputs", []):
        if out.get("output_type") not in ("display_data", "execute_result", "update_display_data"):
            continue
        data = out.get("data", {}).get(ANSWERS_MIME)
        if isinstance(data, str):
            try:
                data = json.loads(data)
            except ValueError:
                data = None
        if isinstance(data, dict) and data.get("assignment") == assignment and data.get("question") == question:
            found.append(data)
    return found


def judge_cell(cell, assignment: str, student: str, product) -> list[str]:
    """Problems with one test cell's emitted answers (empty list: the answers are right)."""
    question = cell.metadata["nbgrader"]["grade_id"]
    expected = expected_for(assignment, question, student, product)
    payloads = _answer_payloads(cell, assignment, question)
    if not payloads:
        return [
            "Jawaban tidak tercatat: sel pemeriksaan tidak berjalan sampai selesai. Jalankan ulang semua sel "
            "(Restart & Run All) lalu kumpulkan lagi."
        ]
    problems: list[str] = []
    for payload in payloads:
        answers: dict[str, Any] = payload["answers"] if isinstance(payload.get("answers"), dict) else {}
        for exp in expected:
            msg = verify(answers.get(exp.name), exp)
            if msg and msg not in problems:
                problems.append(msg)
    return problems


class VerifyAnswers(NbGraderPreprocessor):
    """Recompute expected answers outside the kernel; zero a test cell whose answers are wrong."""

    def preprocess(self, nb, resources):
        self._assignment = resources["nbgrader"]["assignment"]
        self._student = resources["nbgrader"]["student"]
        self._product = None
        if self._assignment not in ASSIGNMENTS:
            return nb, resources
        self._product = _product(resources, self._student)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        question = cell.metadata["nbgrader"].get("grade_id")
        if question not in ASSIGNMENTS[self._assignment].questions:
            return cell, resources
        problems = judge_cell(cell, self._assignment, self._student, self._product)
        if problems:
            text = "\n".join(problems)
            self.log.info("%s/%s %s: answer rejected by the grader", self._student, self._assignment, question)
            cell.outputs.insert(
                0, new_output("error", ename=ERROR_NAME, evalue=text, traceback=[f"{ERROR_NAME}: {text}"])
            )
        return cell, resources
