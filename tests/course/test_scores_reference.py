"""The bulk reader and the report built on it give what nbgrader's object API gives participant by
participant (tests/course/gradebook_api.py), on a synthetic class with the awkward cases together:
manual answers nobody graded yet, failed gradings, missing submissions, submissions without a status
row from the grading engine, a staff override, grade rows stored out of notebook order and a grade row
whose notebook no submission holds. The grade rows are read both ways a report reads them: on a
thread, and by the separate process used for large SQLite gradebooks."""

from __future__ import annotations

import sqlite3
import subprocess

import numpy as np
import pandas as pd
import pytest
from gradebook_api import scores_via_gradebook_api
from synthetic_gradebook import PENDING, Sub, full_marks, random_cohort

from ukm_tools.course import scores
from ukm_tools.course.course_data import load_course_data
from ukm_tools.course.overrides import set_override
from ukm_tools.course.workshop_report import compute_report

pytestmark = pytest.mark.timeout(120)
COLUMNS = ["status", "reason", "submitted", "score", "max_score", "pending_points", "pending", "timestamp"]


@pytest.fixture(scope="module")
def awkward_class(synthetic_template, tmp_path_factory):
    course = synthetic_template.copy(tmp_path_factory.mktemp("rujukan") / "course")
    random_cohort(course, 70, seed=3)  # pending manual answers, failed gradings, absences, no-shows
    course.add_students([{"id": "tanpa-kiriman", "name": "Belum Mengirim"}])  # no submission at all
    course.add_students([{"id": "manual-saja", "name": "Menunggu Pelatih"}])
    course.submit(
        [
            Sub("manual-saja", a.name, {q: PENDING for q in full_marks(course, a.name)})
            for a in course.spec.assignments()
        ]
    )
    set_override(course.db_url, course.spec, "p00002", "m3-harga", "selesai", why="Dinilai lisan.", by="Bu Rina")
    with sqlite3.connect(course.db_path) as db:
        # Graded by plain nbgrader (no engine status) for a few submissions.
        db.execute("DELETE FROM ukm_grading_status WHERE student IN ('p00004', 'p00005')")
        # Grade rows in random order: nothing may rely on a notebook's grades being stored together.
        db.execute("CREATE TEMP TABLE shuffled AS SELECT * FROM grade ORDER BY random()")
        db.execute("DELETE FROM grade")
        db.execute("INSERT INTO grade SELECT * FROM shuffled")
        # A grade of a notebook no submission holds (left behind by a removed submission): ignored.
        db.execute(
            "INSERT INTO grade (id, notebook_id, cell_id, auto_score, manual_score, extra_credit, needs_manual_grade) "
            "SELECT 'yatim', 'tidak-ada', cell_id, 99, NULL, NULL, 0 FROM grade LIMIT 1"
        )
    return course


def read_in_a_process(monkeypatch) -> list[list[str]]:
    """Grade rows read by the separate process whatever the size; the processes started, recorded."""
    started: list[list[str]] = []
    monkeypatch.setattr(scores, "PROCESS_ABOVE", 0)
    popen = subprocess.Popen

    def recording(args, **kw):
        started.append(list(args))
        return popen(args, **kw)

    monkeypatch.setattr(scores.subprocess, "Popen", recording)
    return started


@pytest.fixture(params=["thread", "process"])
def reader(request, monkeypatch):
    """How the grade rows are read, and the processes started for it."""
    return request.param, read_in_a_process(monkeypatch) if request.param == "process" else []


def test_bulk_results_equal_the_per_participant_api(awkward_class, reader):
    bulk = load_course_data(awkward_class.course).scores
    how, started = reader
    assert len(started) == (how == "process")
    assert_same_as_api(bulk, scores_via_gradebook_api(awkward_class))


def test_a_failed_reading_process_falls_back_to_reading_here(awkward_class, monkeypatch, tmp_path):
    started = read_in_a_process(monkeypatch)
    monkeypatch.setattr(scores.grade_rows, "__file__", str(tmp_path / "hilang.py"))  # the child exits with 2
    bulk = load_course_data(awkward_class.course).scores
    assert started and started[0][-2].endswith("hilang.py")
    assert_same_as_api(bulk, scores_via_gradebook_api(awkward_class))


def assert_same_as_api(bulk, ref):
    got = bulk.results.set_index(["student", "assignment"]).sort_index()
    want = ref.results.set_index(["student", "assignment"]).loc[got.index]
    assert len(got) == len(ref.results) == 72 * 7
    # The awkward cases are really there.
    assert (want["pending_points"] > 0).sum() > 5 and (want["status"] == "not_submitted").sum() > 7
    assert want["status"].isin(["error", "kernel_died", "corrupt_notebook", "missing_notebook"]).any()
    assert want.loc[("p00004", "harga-incoterms"), "status"] in ("submitted", "not_submitted")
    for column in COLUMNS:
        a, b = got[column], want[column]
        if column in ("score", "max_score", "pending_points"):
            assert np.allclose(a.to_numpy(float), b.to_numpy(float), equal_nan=True), column
        elif column == "pending":  # the same questions, in whatever order the rows were stored
            assert [sorted(filter(None, p.split(","))) for p in a] == [sorted(filter(None, p.split(","))) for p in b]
        else:
            assert a.tolist() == b.tolist() or a.equals(b), column
    # Per question: the sums behind facility and discrimination, and the score distribution.
    keys = ["assignment", "question"]
    mine, theirs = bulk.items.set_index(keys).sort_index(), ref.items.set_index(keys).sort_index()
    assert list(mine.index) == list(theirs.index)
    assert np.allclose(mine.to_numpy(float), theirs[mine.columns].to_numpy(float))
    counts = ["assignment", "question", "score"]
    assert (
        bulk.item_counts.sort_values(counts)
        .reset_index(drop=True)
        .equals(ref.item_counts.sort_values(counts).reset_index(drop=True).astype(bulk.item_counts.dtypes.to_dict()))
    )


def test_report_states_equal_the_per_participant_api(awkward_class):
    data = load_course_data(awkward_class.course)
    bulk = compute_report(data)
    data.scores = scores_via_gradebook_api(awkward_class)
    ref = compute_report(data)
    assert bulk.completion.students == ref.completion.students
    for unit, r in bulk.completion.units.items():
        assert r.state.tolist() == ref.completion.units[unit].state.tolist(), unit
    assert bulk.completion.state.tolist() == ref.completion.state.tolist()
    i = bulk.completion.students.index("p00002")
    assert bulk.completion.units["m3-harga"].overridden[i]
    assert set(bulk.completion.state.tolist()) >= {"completed", "provisional", "not_yet"}
    pd.testing.assert_frame_equal(bulk.questions, ref.questions)
