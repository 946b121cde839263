"""The pre-test and post-test: their answer keys agree with the notebooks, live outside the release
and the kernel, and grading with the sandbox on marks only the recorded choice against them."""

from __future__ import annotations

import json
import re

import nbformat
import pytest
from course_helpers import submit

from ukm_tools.course import ops
from ukm_tools.course.answer_keys import KEYS_DIR, load_key
from ukm_tools.course.config import load_course
from ukm_tools.course.verify_choices import judge_choice, recorded_choices

TEST = "tes-awal"
OPTION = re.compile(r"^- \*\*([a-d])\*\*\. (.+)$", re.M)


@pytest.mark.parametrize("test", ["tes-awal", "tes-akhir"])
def test_key_and_notebook_agree_question_by_question(test):
    template = ops.template_dir()
    key = load_key(template, test)
    nb = nbformat.read(template / "source" / test / f"{test}.ipynb", as_version=4)
    options: list[dict[str, str]] = []
    graded = []
    for cell in nb.cells:
        meta = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "markdown" and OPTION.search(cell.source):
            options.append(dict(OPTION.findall(cell.source)))
        elif meta.get("solution"):
            # The solution region is empty: the key lives in kunci-jawaban/ only.
            assert re.search(r"### BEGIN SOLUTION\n### END SOLUTION", cell.source), cell.source
        elif meta.get("grade"):
            graded.append(meta["grade_id"])
            # The hidden test records this question's choice under this test's name, nothing more.
            assert f'tes.catat("{test}", "{meta["grade_id"]}", ' in cell.source
            assert "### BEGIN HIDDEN TESTS" in cell.source and meta["points"] == 1
    assert graded == list(key.questions)
    for (q, entry), opts in zip(key.questions.items(), options, strict=True):
        assert opts[entry.answer] == entry.answer_text, q
    tests = load_course(template).tests
    assert tests is not None
    topics = [t.id for t in tests.topics]
    assert sorted(e.topic for e in key.questions.values()) == sorted(topics)  # one question per topic


def test_pre_and_post_ask_the_same_topics_with_the_options_in_another_order():
    pre, post = load_key(ops.template_dir(), "tes-awal"), load_key(ops.template_dir(), "tes-akhir")
    assert [e.answer_text for e in pre.questions.values()] == [e.answer_text for e in post.questions.values()]
    assert [e.answer for e in pre.questions.values()] != [e.answer for e in post.questions.values()]


def test_the_grader_accepts_only_the_right_option_in_every_record():
    key = load_key(ops.template_dir(), TEST)
    q, entry = next(iter(key.questions.items()))
    wrong = next(o for o in entry.options if o != entry.answer)

    def cell(*values):
        outs = [
            {
                "output_type": "display_data",
                "data": {
                    "application/vnd.ukm.answers+json": {
                        "assignment": TEST,
                        "question": q,
                        "answers": {"pilihan": {"type": "str", "value": v}},
                    }
                },
            }
            for v in values
        ]
        return {"outputs": outs}

    assert judge_choice(recorded_choices(cell(f" {entry.answer.upper()} "), TEST, q), key, q) is None
    assert judge_choice(recorded_choices(cell(wrong), TEST, q), key, q) == "Jawaban belum tepat."
    # Recording every option in the hope one of them counts gains nothing.
    assert judge_choice(recorded_choices(cell(*entry.options), TEST, q), key, q) == "Jawaban belum tepat."
    assert str(judge_choice(recorded_choices(cell("e"), TEST, q), key, q)).startswith('Jawaban "e" bukan salah satu')
    assert str(judge_choice(recorded_choices({"outputs": []}, TEST, q), key, q)).startswith("Jawaban tidak tercatat")
    # A record claiming another question or test is not this question's answer.
    assert recorded_choices(cell(entry.answer), "tes-akhir", q) == []
    for message in (judge_choice(recorded_choices(cell(o), TEST, q), key, q) for o in entry.options):
        assert message is None or f'"{entry.answer}"' not in message  # never names the right option


# --- graded for real -------------------------------------------------------------------------------

SEEKER = r"""
import glob, os, pathlib
found = []
# Where is the course? Every path the mount table shows, and every parent of the working folder.
places = set()
for line in open("/proc/self/mountinfo"):
    places.add(line.split()[4])
for p in [pathlib.Path.cwd(), *pathlib.Path.cwd().parents]:
    places.add(str(p))
for place in sorted(places):
    for up in [pathlib.Path(place), *pathlib.Path(place).parents]:
        found += glob.glob(str(up / "kunci-jawaban" / "*.yml"))
        found += glob.glob(str(up / "**" / "tes-awal.yml"), recursive=False)
try:  # the grader's own reader, pointed at every candidate course folder
    from ukm_tools.course.answer_keys import load_key
    for place in sorted(places):
        try:
            found.append(str(load_key(place, "tes-awal").path))
        except Exception:
            pass
except Exception as e:
    print("tidak bisa mengimpor:", e)
print("KUNCI:", sorted(set(found)) or "tidak ditemukan")
jawaban_1 = "z"
if found:
    import yaml
    kunci = yaml.safe_load(open(sorted(found)[0]))["questions"]
    jawaban_1 = kunci["cek_ekatalog"]["answer"]
"""

ALL_OPTIONS = """
from ukm_tools.exercises import tes as _tes
_asli = _tes.catat
def _semua(test, question, value=None):
    for pilihan in "abcd":
        _asli(test, question, pilihan)
_tes.catat = _semua
jawaban_1 = "a"
"""


def _answered(course, student, right_share):
    from ukm_tools.course.demo import test_notebook

    return test_notebook(course, TEST, student, right_share)


def _with_first_answer(nb, source):
    for cell in nb.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == "jawab_1":
            cell.source = source
    return nb


@pytest.fixture(scope="module")
def graded_test(tmp_path_factory):
    from ukm_tools.course.grade_run import run_grading
    from ukm_tools.course.participants import store_participants
    from ukm_tools.course.roster import Participant

    root = tmp_path_factory.mktemp("prepost")
    course = ops.init_course(root / "course")
    students = ["benar", "salah", "kosong", "pencari", "borong"]
    store_participants(ops.db_url(course), [Participant(s, s.title()) for s in students])
    ops.release(course, TEST)
    notebooks = {
        "benar": _answered(course, "benar", 1.0),
        "salah": _answered(course, "salah", 0.0),
        "kosong": nbformat.read(ops.released_notebook(course, TEST), as_version=4),
        "pencari": _with_first_answer(_answered(course, "pencari", 1.0), SEEKER),
        "borong": _with_first_answer(_answered(course, "borong", 1.0), ALL_OPTIONS),
    }
    for student, nb in notebooks.items():
        submit(course, TEST, student, nb, root / "work")
    assert sorted(ops.collect(course, TEST)) == sorted(students)
    report = run_grading(course, TEST, workers=2, cell_timeout=20, sandbox=True, plain=True)
    assert {r.student: r.status.value for r in report.results} == {s: "graded" for s in students}
    return course


def _scores(course, student):
    from course_helpers import grades

    return grades(course, TEST, student)


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_graded_by_the_key_outside_the_kernel(graded_test):
    course = graded_test
    assert sum(_scores(course, "benar").values()) == 10
    assert sum(_scores(course, "salah").values()) == 0
    assert sum(_scores(course, "kosong").values()) == 0
    # The seeker found no key anywhere the kernel could look, so its first answer scored nothing;
    # the other nine were right.
    seeker = _scores(course, "pencari")
    assert seeker["cek_ekatalog"] == 0 and sum(seeker.values()) == 9
    nb = nbformat.read(course / "autograded" / "pencari" / TEST / f"{TEST}.ipynb", as_version=4)
    printed = "".join(
        o.get("text", "") for c in nb.cells for o in c.get("outputs", []) if o.get("output_type") == "stream"
    )
    assert "KUNCI: tidak ditemukan" in printed, printed
    # Recording all four options for every question earns none of them.
    assert sum(_scores(course, "borong").values()) == 0


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_the_key_is_neither_released_nor_in_the_feedback(graded_test):
    course = graded_test
    key = load_key(course, TEST)
    released = [p for p in (course / "release" / TEST).rglob("*") if p.is_file()]
    outbound = list((ops.load_config(course).Exchange.root and course / "exchange").rglob("*.yml"))
    assert [p.name for p in released] == [f"{TEST}.ipynb"] and outbound == []
    text = json.dumps(nbformat.read(ops.released_notebook(course, TEST), as_version=4))
    assert "tes.catat" not in text and KEYS_DIR not in text
    (result,) = ops.feedback(course, TEST, ["salah"], release=False)
    assert result.path is not None
    html = result.path.read_text(encoding="utf-8")
    assert "Jawaban belum tepat." in html
    assert "tes.catat" not in html and "application/vnd.ukm.answers" not in html
    for entry in key.questions.values():
        assert f'jawaban tepat: "{entry.answer}"' not in html.lower()


@pytest.mark.slow
@pytest.mark.timeout(120)
def test_a_test_can_be_exported_and_is_not_part_of_the_final_mark(graded_test, tmp_path):
    from openpyxl import load_workbook

    from ukm_tools.course.reports import export

    written = export(graded_test, tmp_path / "nilai", [TEST, "harga-incoterms"])
    rows = {r[0]: r for r in load_workbook(written["xlsx"])["ringkasan"].iter_rows(min_row=2, values_only=True)}
    # benar: 100% on the test, nothing handed in for harga-incoterms: the final mark is that module's alone.
    assert rows["benar"][2] == 100 and rows["benar"][3] is None
    assert rows["benar"][4] == 0 and rows["benar"][5] == "tidak"


def test_a_declared_test_without_its_key_is_an_error_not_full_marks(tmp_path):
    from traitlets.config import Config

    from ukm_tools.course.verify_choices import VerifyChoices
    from ukm_tools.errors import UkmError

    course = ops.init_course(tmp_path / "k")
    nb = nbformat.read(course / "source" / TEST / f"{TEST}.ipynb", as_version=4)
    cfg = Config()
    cfg.CourseDirectory.root = str(course)
    pre = VerifyChoices(config=cfg)  # keys_dir not configured: kunci-jawaban/ in the course folder

    def resources(assignment):
        return {"nbgrader": {"assignment": assignment, "student": "ani"}}

    # With its key, every test cell without a recorded answer gets an error first (0 points).
    out, _ = pre.preprocess(nbformat.from_dict(nb), resources(TEST))
    graded = [c for c in out.cells if c.metadata.get("nbgrader", {}).get("grade")]
    assert graded and all(c.outputs[0]["ename"] == "JawabanBelumTepat" for c in graded)
    # A module assignment has no key and is left alone.
    module = nbformat.read(course / "source" / "harga-incoterms" / "harga-incoterms.ipynb", as_version=4)
    out, _ = pre.preprocess(module, resources("harga-incoterms"))
    assert all(not c.get("outputs") for c in out.cells if c.cell_type == "code")
    (course / KEYS_DIR / f"{TEST}.yml").unlink()
    with pytest.raises(UkmError) as e:
        pre.preprocess(nbformat.from_dict(nb), resources(TEST))
    assert e.value.code == "key_file_missing"
