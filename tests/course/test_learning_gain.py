"""Learning gain: g per participant (edge cases), the class gain, and per-topic shares."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from synthetic_gradebook import Sub

from ukm_tools.course.answer_keys import load_key
from ukm_tools.course.course_data import load_course_data
from ukm_tools.course.learning_gain import MASTERED, learning_gain, normalised_gain

pytestmark = pytest.mark.timeout(60)


def test_gain_edge_cases():
    # 40% before, 70% after: 30 of the 60 points left to learn were learnt.
    assert normalised_gain(40.0, 70.0) == pytest.approx(0.5)
    # Nothing left to gain at 100%: not a division by zero, not 0, but "already mastered".
    assert normalised_gain(100.0, 100.0) == MASTERED
    assert normalised_gain(100.0, 80.0) == MASTERED
    # Worse afterwards: a negative gain, reported as it is. 50 -> 40 is -10 of 50.
    assert normalised_gain(50.0, 40.0) == pytest.approx(-0.2)
    assert normalised_gain(0.0, 0.0) == 0.0
    assert normalised_gain(0.0, 100.0) == 1.0
    # A test not taken (or not graded) gives no gain at all.
    assert normalised_gain(None, 80.0) is None and normalised_gain(40.0, math.nan) is None


@given(
    pre=st.integers(min_value=0, max_value=10).map(lambda k: k * 10.0),
    post=st.integers(min_value=0, max_value=10).map(lambda k: k * 10.0),
)
def test_gain_is_at_most_one_and_one_only_for_a_perfect_post_test(pre, post):
    g = normalised_gain(pre, post)
    if pre == 100:
        assert g == MASTERED
    else:
        assert isinstance(g, float)
        assert g <= 1 and (g == 1) == (post == 100) and (g > 0) == (post > pre)


def _answers(course, test, right_topics):
    key = load_key(course.course, test)
    return {q: 1.0 if e.topic in right_topics else 0.0 for q, e in key.questions.items()}


def test_class_gain_per_participant_and_per_topic(synthetic):
    course = synthetic
    course.add_students({"id": s, "name": s} for s in ("ani", "budi", "cici", "dedi", "eka"))
    topics = [t.id for t in course.spec.tests.topics]
    course.submit(
        [
            # ani: 4 of 10 -> 7 of 10 (g = 3/6 = 0.5)
            Sub("ani", "tes-awal", _answers(course, "tes-awal", topics[:4])),
            Sub("ani", "tes-akhir", _answers(course, "tes-akhir", topics[:7])),
            # budi: already knew everything
            Sub("budi", "tes-awal", _answers(course, "tes-awal", topics)),
            Sub("budi", "tes-akhir", _answers(course, "tes-akhir", topics[:9])),
            # cici: 0 -> 10
            Sub("cici", "tes-awal", _answers(course, "tes-awal", [])),
            Sub("cici", "tes-akhir", _answers(course, "tes-akhir", topics)),
            # dedi: only the pre-test; eka: the post-test could not be graded
            Sub("dedi", "tes-awal", _answers(course, "tes-awal", topics[:2])),
            Sub("eka", "tes-awal", _answers(course, "tes-awal", topics[:2])),
            Sub("eka", "tes-akhir", status="kernel_died"),
        ]
    )
    gain = learning_gain(load_course_data(course.course))
    assert gain is not None
    p = gain.participants
    for sid, pre, post, g in zip(p.index, p["pre"], p["post"], p["gain"], strict=True):
        # the report's vectorised gains are the definition's, participant by participant
        assert g == normalised_gain(pre, post) or g == pytest.approx(normalised_gain(pre, post)), sid
    assert p.loc["ani", "gain"] == pytest.approx(0.5) and p.loc["cici", "gain"] == 1.0
    assert p.loc["budi", "gain"] == MASTERED and p.loc["budi", "note"] == "sudah menguasai (tes awal 100%)"
    assert p.loc["dedi", "gain"] is None and p.loc["dedi", "note"] == "belum mengerjakan tes akhir"
    assert p.loc["eka", "gain"] is None and p.loc["eka", "note"] == "tes belum bisa dinilai; staf perlu memeriksa"
    s = gain.summary
    # Matched: ani (40, 70), budi (100, 90), cici (0, 100): means 46.67 and 86.67.
    assert s.matched == 3 and s.mastered == 1
    assert s.mean_pre == pytest.approx(140 / 3) and s.mean_post == pytest.approx(260 / 3)
    assert s.class_gain == pytest.approx((260 / 3 - 140 / 3) / (100 - 140 / 3))  # = 0.75
    assert s.mean_gain == pytest.approx((0.5 + 1.0) / 2)  # budi's "mastered" left out
    shares = {t.topic: t for t in gain.topics}
    first, last = shares[topics[0]], shares[topics[-1]]
    # Topic 1 right before: ani, budi, dedi, eka of 5 takers; after: ani, budi, cici of 3 graded.
    assert (first.before, first.n_before, first.after, first.n_after) == (4 / 5, 5, 1.0, 3)
    # The last topic: only budi before (1 of 5), only cici after (1 of 3): it did not land.
    assert (last.before, last.after) == (1 / 5, 1 / 3) and last.needs_review and not first.needs_review


def test_a_course_without_tests_has_no_learning_gain(synthetic):
    import yaml

    path = synthetic.course / "course.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    del data["tests"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert learning_gain(load_course_data(synthetic.course)) is None
