"""Grade-on-submit is restart-safe: stopped in the middle of a queue of 20 submissions and started
again, it releases every result exactly once, and a submission replaced while waiting is graded in
its newer form only.

The course is the real harga-incoterms exercise (the course template), the submissions are the
portal's own: answers typed the Indonesian way, written into the released notebook by
:func:`~ukm_tools.exercises.forms.fill_notebook`, stored through the intake.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from ukm_tools.course import ops
from ukm_tools.course.grading.status import Status, StatusStore, utcnow
from ukm_tools.course.results import ResultStore
from ukm_tools.course.verify_answers import answer_keys_path, expected_for, load_answer_keys
from ukm_tools.exercises.forms import fill_notebook, read_answer, read_form
from ukm_tools.exercises.params import product_for
from ukm_tools.portal.app import hand_in

ASSIGNMENT = "harga-incoterms"
STUDENTS = [f"p{i:03d}" for i in range(1, 21)]


def typed_answers(course: Path, student: str, fob_wrong: bool) -> dict[str, str]:
    product = product_for(student)
    keys = load_answer_keys(answer_keys_path(course))
    exp = {
        e.name: e.value.amount
        for q in ("cek_exw", "cek_fob", "cek_cif")
        for e in expected_for(keys, ASSIGNMENT, q, student, product)
    }
    if fob_wrong:
        exp["harga_fob"] += Decimal("1")
    return {**{k: str(v).replace(".", ",") for k, v in exp.items()}, "refleksi_harga": "FOB."}


def submit(course: Path, student: str, fob_wrong: bool, when) -> None:
    nb = json.loads(ops.released_notebook(course, ASSIGNMENT).read_text())
    form = read_form(nb, ASSIGNMENT)
    typed = typed_answers(course, student, fob_wrong)
    readings = {n: read_answer(f, typed.get(n, "")) for n, f in form.fields.items()}
    assert all(r.usable for r in readings.values())
    filled = fill_notebook(nb, form, readings)
    hand_in(course, ASSIGNMENT, student, {f"{ASSIGNMENT}.ipynb": json.dumps(filled).encode()}, when)


def start(course: Path) -> subprocess.Popen:
    env = {**os.environ, "UKM_HUB_COURSE_DIR": str(course)}
    return subprocess.Popen(
        [sys.executable, "-m", "ukm_tools.course.grading.on_submit"],
        env=env,
        cwd=course,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )


def released(db_url: str) -> dict[str, datetime]:
    with ResultStore(db_url) as store:
        return dict(store.released(ASSIGNMENT))


def wait_for(db_url: str, count: int, timeout_s: float) -> dict[str, datetime]:
    deadline = time.monotonic() + timeout_s
    while len(now := released(db_url)) < count:
        assert time.monotonic() < deadline, f"only {len(now)} results released"
        time.sleep(0.3)
    return now


def stop(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(timeout=120) == 0
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.mark.slow
@pytest.mark.timeout(600)
def test_stopped_mid_queue_and_restarted_each_submission_is_graded_once(tmp_path):
    course = ops.init_course(tmp_path / "course")
    ops.release(course, ASSIGNMENT)
    db_url = ops.db_url(course)
    t0 = utcnow()
    for i, student in enumerate(STUDENTS):  # even ones answer FOB wrong
        submit(course, student, fob_wrong=i % 2 == 0, when=t0 + timedelta(milliseconds=i))

    first = start(course)
    try:
        wait_for(db_url, 3, timeout_s=300)
    finally:
        stop(first)
    before = released(db_url)
    assert 3 <= len(before) < len(STUDENTS), "the stop came too late to be mid-queue"

    # While the service is down, one waiting participant submits again (FOB fixed): only that counts.
    late = next(s for i, s in enumerate(STUDENTS) if i % 2 == 0 and s not in before)
    submit(course, late, fob_wrong=False, when=utcnow())

    second = start(course)
    try:
        after = wait_for(db_url, len(STUDENTS), timeout_s=400)
    finally:
        stop(second)

    assert {s: after[s] for s in before} == before  # released before the stop: not released again
    status_store = StatusStore(db_url)
    try:
        statuses = {s.student: s for s in status_store.all(ASSIGNMENT)}
    finally:
        status_store.close()
    with ResultStore(db_url) as store:
        for i, student in enumerate(STUDENTS):
            assert statuses[student].status is Status.GRADED
            result = store.get(ASSIGNMENT, student)
            assert result is not None
            right_fob = i % 2 == 1 or student == late
            assert (result.score, result.max_score) == ((8.0 if right_fob else 5.0), 12.0), student
            if student in before:
                assert statuses[student].attempts == 1, student  # graded once, before the stop
    assert released(db_url)[late] > before[min(before)]
