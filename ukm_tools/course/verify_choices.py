"""nbgrader preprocessor: the grader, not the notebook, marks the pre/post-test's multiple choice.

Registered in the course's nbgrader_config.py after nbgrader's ``Execute``::

    c.Autograde.autograde_preprocessors = [..., "nbgrader.preprocessors.Execute",
                                           "ukm_tools.course.verify_choices.VerifyChoices", ...]
    c.VerifyChoices.keys_dir = str(HERE / "kunci-jawaban")

The test notebooks' hidden tests only *record* the chosen option
(:func:`ukm_tools.exercises.tes.catat`, an ``application/vnd.ukm.answers+json`` display
output); no answer key exists in the kernel. For an assignment that has a key file, this
preprocessor reads the records each test cell emitted and, when an answer is missing, not an
option, or wrong — or a test cell is not in the key — puts an error output *first* in that cell,
so nbgrader's own scoring gives it 0. Every record in a cell must be right: emitting all four
options gains nothing. The message never names the right option (feedback of the pre-test
must not give the post-test away).
"""

from __future__ import annotations

import functools
import os
from typing import Any

from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from ukm_tools.course.answer_keys import KEYS_DIR, AnswerKey, read_key
from ukm_tools.course.verify_answers import NOT_RECORDED_MESSAGE, answer_records, reject
from ukm_tools.errors import UkmError
from ukm_tools.exercises.tes import ANSWER

PREPROCESSOR = "ukm_tools.course.verify_choices.VerifyChoices"
NOT_IN_KEY = "Soal ini tidak ada di kunci jawaban; hubungi pengajar."


def recorded_choices(cell, test: str, question: str) -> list[Any]:
    """The answers recorded by one test cell for ``test``/``question`` (records, as emitted)."""
    records = (data.get("answers") for data in answer_records(cell, test, question))
    return [answers.get(ANSWER) if isinstance(answers, dict) else None for answers in records]


def judge_choice(records: list[Any], key: AnswerKey, question: str) -> str | None:
    """None when every recorded answer is the key's option, else what is wrong (never the answer)."""
    entry = key.questions[question]
    if not records:
        return NOT_RECORDED_MESSAGE
    for rec in records:
        if not isinstance(rec, dict) or rec.get("type") in (None, "missing"):
            return 'Jawaban belum diisi. Ganti `None` dengan huruf pilihan Anda, misalnya "a".'
        if rec.get("type") != "str":
            return 'Jawaban harus berupa huruf pilihan di antara tanda kutip, misalnya "a".'
        got = "".join(str(rec.get("value", "")).split()).lower()
        if got not in entry.options:
            return f'Jawaban "{rec.get("value")}" bukan salah satu pilihan ({", ".join(entry.options)}).'
        if got != entry.answer:
            return "Jawaban belum tepat."
    return None


def declared_tests(course_root: str) -> set[str]:
    """Test names course.yml declares (read without the full validation: this runs per notebook,
    so the answer is kept per file version)."""
    path = os.path.join(course_root, "course.yml")
    try:
        stamp = os.stat(path).st_mtime_ns
    except OSError:
        return set()
    return set(_declared_tests(path, stamp))


@functools.lru_cache(maxsize=8)
def _declared_tests(path: str, stamp: int) -> frozenset[str]:
    from ukm_tools.datafiles import load_yaml
    from ukm_tools.errors import UkmError

    try:
        data = load_yaml(path)  # the project's one bounded YAML loader
        tests = data.get("tests") or {}
        return frozenset(str(tests[k]["name"]) for k in ("pre", "post") if isinstance(tests.get(k), dict))
    except (UkmError, OSError, ValueError, AttributeError, KeyError, TypeError):
        return frozenset()


class VerifyChoices(NbGraderPreprocessor):
    """Mark multiple-choice test cells against the course's answer key, outside the kernel."""

    keys_dir = Unicode(
        "", help="Folder of the answer-key files (<test>.yml); empty: kunci-jawaban/ in the course folder."
    ).tag(config=True)

    def _key(self, test: str) -> AnswerKey | None:
        root = self.config.CourseDirectory.get("root") or os.getcwd()
        path = os.path.join(self.keys_dir or os.path.join(root, KEYS_DIR), f"{test}.yml")
        if os.path.isfile(path):
            return read_key(path, test)
        if test in declared_tests(root):
            # A declared test without its key would score every well-formed answer in full.
            raise UkmError("key_file_missing", "test", test, path=path, keys_dir=KEYS_DIR)
        return None  # a module assignment: left to the other preprocessors

    def preprocess(self, nb, resources):
        self._test = resources["nbgrader"]["assignment"]
        self._student = resources["nbgrader"]["student"]
        self._answer_key = self._key(self._test)
        if self._answer_key is None:
            return nb, resources
        return super().preprocess(nb, resources)

    def preprocess_cell(self, cell, resources, index):
        key = self._answer_key
        if key is None or cell.cell_type != "code" or not utils.is_grade(cell) or utils.is_solution(cell):
            return cell, resources
        question = cell.metadata["nbgrader"].get("grade_id")
        problem: str | None
        if question not in key.questions:
            problem = NOT_IN_KEY
            self.log.warning("%s: test cell %s is not in the answer key %s", self._test, question, self._key_path)
        else:
            problem = judge_choice(recorded_choices(cell, self._test, question), key, question)
        if problem:
            self.log.info("%s/%s %s: answer not accepted by the grader", self._student, self._test, question)
            reject(cell, problem)
        return cell, resources

    @property
    def _key_path(self) -> str:
        return str(self._answer_key.path) if self._answer_key else ""
