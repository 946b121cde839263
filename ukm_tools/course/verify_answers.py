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
  emitted (MIME :data:`ukm_tools.exercises.ANSWERS_MIME`; the hidden tests only record),
  computes the expected answers for ``resources['nbgrader']['student']`` — nbgrader's
  student id, never the notebook's claim — with the course's answer key
  (``answer_keys.py`` in the course folder, loaded here by path: it is not part of the
  package, so neither the sandbox nor a participant's server can import it) from the
  roster in the gradebook, and when an answer is missing or wrong puts an error output
  *first* in that cell, so nbgrader's own scoring gives the cell 0 (it stops at the first
  error or execute_result).
"""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from ukm_tools.exercises import ANSWERS_MIME
from ukm_tools.exercises.checks import Expected, Verdict, judge
from ukm_tools.exercises.forms import inert_markdown
from ukm_tools.exercises.params import PARAMS_FILE, Product, params_document, product_for
from ukm_tools.exercises.tugas import ASSIGNMENTS

ERROR_NAME = "JawabanBelumTepat"
ANSWER_KEYS_FILE = "answer_keys.py"

AnswerKeys = Mapping[str, Callable[[str, Product], dict[str, Expected]]]


class AnswerKeyError(RuntimeError):
    """The course's answer key is missing or has no entry for an assignment (a course set-up problem)."""


_LOADED: dict[Path, tuple[int, AnswerKeys]] = {}


def load_answer_keys(path: str | Path) -> AnswerKeys:
    """``KEYS`` of the answer-key file at ``path`` (loaded by path, never imported by name; cached per mtime)."""
    path = Path(path).resolve()
    try:
        mtime = path.stat().st_mtime_ns
    except OSError as exc:
        raise AnswerKeyError(f"answer key {path} not found: {exc.strerror}") from None
    cached = _LOADED.get(path)
    if cached and cached[0] == mtime:
        return cached[1]
    name = f"_ukm_answer_keys_{abs(hash(path))}"
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None or spec.loader is None:
        raise AnswerKeyError(f"answer key {path} cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module  # dataclasses and pickling look modules up by name
    spec.loader.exec_module(module)
    keys = getattr(module, "KEYS", None)
    if not isinstance(keys, Mapping):
        raise AnswerKeyError(f"answer key {path} defines no KEYS mapping")
    _LOADED[path] = (mtime, keys)
    return keys


def answer_keys_path(course_root: str | Path, configured: str = ANSWER_KEYS_FILE) -> Path:
    path = Path(configured)
    return path if path.is_absolute() else Path(course_root) / path


def expected_answers(keys: AnswerKeys, assignment: str, student: str, product: Product) -> dict[str, Expected]:
    """Every expected answer of ``assignment`` for one participant."""
    if assignment not in keys:
        raise AnswerKeyError(f"the answer key has no entry for assignment {assignment!r}")
    return keys[assignment](student, product)


def expected_for(keys: AnswerKeys, assignment: str, grade_id: str, student: str, product: Product) -> list[Expected]:
    """The expected answers of one test cell for one participant."""
    return pick(expected_answers(keys, assignment, student, product), assignment, grade_id)


def pick(every: dict[str, Expected], assignment: str, grade_id: str) -> list[Expected]:
    names = ASSIGNMENTS[assignment].questions[grade_id]
    missing = [n for n in names if n not in every]
    if missing:
        raise AnswerKeyError(f"the answer key of {assignment!r} has no expected value for {', '.join(missing)}")
    return [every[n] for n in names]


def _product(resources: dict[str, Any], student: str):
    from ukm_tools.course.participants import load_participant

    entry = None
    db_url = resources.get("nbgrader", {}).get("db_url")
    if db_url:
        entry = load_participant(db_url, student)
    return product_for(student, entry)


class InertParticipantMarkdown(NbGraderPreprocessor):
    """Make every markdown cell the participant wrote or changed inert before staff read it.

    nbgrader's formgrader renders the autograded notebook's markdown as HTML unsanitized, so a
    written answer (or an added cell) holding HTML or a ``javascript:`` link would run in the
    trainer's formgrader, which can change anyone's grades. A cell whose text is that of a cell
    of the released notebook (instructions, an untouched answer stub) is left as it is.
    """

    def preprocess(self, nb, resources):
        released = self._released_markdown(resources)
        for cell in nb.cells:
            if cell.cell_type == "markdown" and cell.source not in released:
                cell.source = inert_markdown(cell.source)
        return nb, resources

    def _released_markdown(self, resources) -> set[str]:
        from nbgrader.coursedir import CourseDirectory

        coursedir = CourseDirectory(config=self.config)
        coursedir.root = self.config.CourseDirectory.get("root", None) or os.getcwd()
        grading = resources.get("nbgrader", {})
        folder = coursedir.format_path(coursedir.release_directory, ".", grading.get("assignment", ""))
        try:
            with open(os.path.join(folder, f"{grading.get('notebook', '')}.ipynb"), encoding="utf-8") as f:
                cells = json.load(f).get("cells", [])
        except (OSError, ValueError, AttributeError):
            return set()  # no release to compare with: every markdown cell is made inert
        return {"".join(c["source"]) if isinstance(c.get("source"), list) else str(c.get("source", "")) for c in cells}


#: Output types staff pages may show of code a participant ran: text and pixels, and ukm's answer
#: records. HTML, script, SVG, markdown and LaTeX outputs would be rendered live in the formgrader.
SHOWN_OUTPUT_TYPES = frozenset({"text/plain", "image/png", "image/jpeg", "image/gif", ANSWERS_MIME})
#: What stands in for an output of which nothing can be shown.
HIDDEN_OUTPUT = "(keluaran ini tidak ditampilkan: hanya teks dan gambar yang ditampilkan kepada pengajar)"


class InertOutputs(NbGraderPreprocessor):
    """Keep only text, pixel and answer-record data in the outputs of the graded notebook.

    The participant's code runs in the grading kernel, and whatever it displays is stored in the
    autograded notebook that nbgrader's formgrader renders unsanitized (``display(HTML(...))``
    would run script in the trainer's browser). Runs after the grader's own preprocessors; a
    score never depends on what is dropped (nbgrader reads errors and ``text/plain`` only).
    """

    def preprocess_cell(self, cell, resources, index):
        for out in cell.get("outputs", []):
            if "data" in out:
                kept = {k: v for k, v in out["data"].items() if k in SHOWN_OUTPUT_TYPES}
                out["data"] = kept or {"text/plain": HIDDEN_OUTPUT}
            if "metadata" in out:
                # An image's width/height metadata lands unquoted in an <img> tag ("1 onerror=...").
                out["metadata"] = {}
        return cell, resources


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


def answer_records(cell, assignment: str, question: str) -> list[dict[str, Any]]:
    """The answer records (MIME :data:`ANSWERS_MIME`) one test cell emitted for ``assignment``/``question``."""
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


def reject(cell, text: str) -> None:
    """Put an error output first in test ``cell``: nbgrader's scoring stops there and gives it 0."""
    cell.outputs.insert(0, new_output("error", ename=ERROR_NAME, evalue=text, traceback=[f"{ERROR_NAME}: {text}"]))


#: Cell metadata where the grader keeps its verdicts on a test cell's answers (what the exercise
#: portal shows in plain words; nbgrader's own feedback shows the error output instead).
VERDICTS_KEY = "ukm_verdicts"
#: The verdict when a test cell recorded no answers (its visible test stopped it first).
NOT_RECORDED = "not_recorded"
NOT_RECORDED_MESSAGE = (
    "Jawaban tidak tercatat: sel pemeriksaan tidak berjalan sampai selesai. Jalankan ulang semua sel "
    "(Restart & Run All) lalu kumpulkan lagi."
)


def cell_verdicts(cell, expected: list[Expected], assignment: str) -> list[Verdict]:
    """What is wrong with one test cell's emitted answers (empty list: the answers are right)."""
    question = cell.metadata["nbgrader"]["grade_id"]
    payloads = answer_records(cell, assignment, question)
    if not payloads:
        return [Verdict(NOT_RECORDED, question)]
    found: list[Verdict] = []
    for payload in payloads:
        answers: dict[str, Any] = payload["answers"] if isinstance(payload.get("answers"), dict) else {}
        for exp in expected:
            verdict = judge(answers.get(exp.name), exp)
            if verdict and verdict not in found:
                found.append(verdict)
    return found


def notebook_message(verdict: Verdict) -> str:
    """A verdict as the notebook says it (with the answer's variable name)."""
    if verdict.key == NOT_RECORDED:
        return NOT_RECORDED_MESSAGE
    return verdict.message("id")


def judge_cell(cell, expected: list[Expected], assignment: str) -> list[str]:
    """Problems with one test cell's emitted answers, as the notebook says them (empty list: right)."""
    return [notebook_message(v) for v in cell_verdicts(cell, expected, assignment)]


class VerifyAnswers(NbGraderPreprocessor):
    """Decide recorded answers outside the kernel with the course's answer key; zero a cell whose answers are wrong."""

    answer_keys = Unicode(
        ANSWER_KEYS_FILE,
        help="The course's answer-key file (relative to the course folder): a Python file defining KEYS, "
        "{assignment: function(student_id, product) -> {answer name: Expected}}. Keep it out of participants' reach.",
    ).tag(config=True)

    def preprocess(self, nb, resources):
        # Only the grader's own verdicts count, never submitted ones: the portal shows this key from
        # every graded cell, including cells and assignments this preprocessor does not judge.
        for cell in nb.cells:
            cell.metadata.pop(VERDICTS_KEY, None)
        self._assignment = resources["nbgrader"]["assignment"]
        self._student = resources["nbgrader"]["student"]
        self._product = None
        if self._assignment not in ASSIGNMENTS:
            return nb, resources
        root = self.config.CourseDirectory.get("root", None) or os.getcwd()
        keys = load_answer_keys(answer_keys_path(root, self.answer_keys))
        self._product = _product(resources, self._student)
        self._expected = expected_answers(keys, self._assignment, self._student, self._product)
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        question = cell.metadata["nbgrader"].get("grade_id")
        if question not in ASSIGNMENTS[self._assignment].questions:
            return cell, resources
        expected = pick(self._expected, self._assignment, question)
        verdicts = cell_verdicts(cell, expected, self._assignment)
        if verdicts:
            cell.metadata[VERDICTS_KEY] = [v.to_json() for v in verdicts]
            text = "\n".join(notebook_message(v) for v in verdicts)
            self.log.info("%s/%s %s: answer rejected by the grader", self._student, self._assignment, question)
            reject(cell, text)
        return cell, resources
