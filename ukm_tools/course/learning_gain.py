"""Did they learn: pre-test and post-test per participant, for the class, and per topic.

For a participant with both tests graded, the normalised gain is
``g = (post - pre) / (100 - pre)`` (percentages): the share of what they did not know before
that they knew after. With ``pre = 100`` there was nothing left to gain: g is undefined and the
participant is reported as *sudah menguasai* (already mastered). g is negative when the
post-test went worse. A test that was not taken, or whose grading failed, gives no g.

For the class: the mean pre and post of the participants who took both, the class gain
``<g> = (mean post - mean pre) / (100 - mean pre)`` (Hake 1998: the gain of the averages, which
participants at 100% do not distort), and the mean of the individual g's for comparison.

Per topic (course.yml ``tests.topics``; the answer keys say which question asks about which
topic): the share of participants who answered it right before and after, over everyone who
took that test, so a trainer sees which topic did not land.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from ukm_tools.course.answer_keys import load_key
from ukm_tools.course.course_data import CourseData
from ukm_tools.course.scores import NOT_GRADED

MASTERED = "sudah_menguasai"
#: A topic fewer than this share got right after the day is flagged for review.
REVIEW_BELOW = 0.6


@dataclass
class ClassGain:
    """The class's figures over the participants who took both tests."""

    matched: int
    mean_pre: float | None
    mean_post: float | None
    class_gain: float | None  # <g> of the averages (Hake)
    mean_gain: float | None  # mean of individual g (participants at pre 100% left out)
    mastered: int  # participants at 100% on the pre-test


@dataclass
class TopicShare:
    topic: str
    title: str
    module: str | None
    before: float | None  # share right on the pre-test (0..1)
    n_before: int
    after: float | None
    n_after: int

    @property
    def change(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def needs_review(self) -> bool:
        return self.after is not None and self.after < REVIEW_BELOW


@dataclass
class LearningGain:
    """Per participant (frame indexed by id: pre, post, gain, note), the class, and per topic."""

    participants: pd.DataFrame
    summary: ClassGain
    topics: list[TopicShare]


def normalised_gain(pre: float | None, post: float | None) -> float | str | None:
    """g for one participant: a number, :data:`MASTERED` at pre 100%, or None without both tests."""
    if pre is None or post is None or np.isnan(pre) or np.isnan(post):
        return None
    if pre >= 100:
        return MASTERED
    return (post - pre) / (100 - pre)


def _pct(data: CourseData, test: str) -> tuple[pd.Series, pd.Series]:
    res = data.scores.results
    rows = res[res["assignment"] == test].set_index("student").reindex(data.students)
    pct = rows["score"] / rows["max_score"] * 100
    return pct, rows["status"].fillna("not_submitted")


def learning_gain(data: CourseData) -> LearningGain | None:
    """The course's learning gain, or None when course.yml declares no tests."""
    tests = data.spec.tests
    if tests is None:
        return None
    pre, pre_status = _pct(data, tests.pre.name)
    post, post_status = _pct(data, tests.post.name)
    gains = [normalised_gain(a, b) for a, b in zip(pre.to_numpy(float), post.to_numpy(float), strict=True)]
    notes = []
    for a, b, sa, sb, g in zip(pre, post, pre_status, post_status, gains, strict=True):
        if g == MASTERED:
            notes.append("sudah menguasai (tes awal 100%)")
        elif sa in NOT_GRADED or sb in NOT_GRADED:
            notes.append("tes belum bisa dinilai; staf perlu memeriksa")
        elif np.isnan(a):
            notes.append("belum mengerjakan tes awal")
        elif np.isnan(b):
            notes.append("belum mengerjakan tes akhir")
        else:
            notes.append("")
    frame = pd.DataFrame(
        {"pre": pre.to_numpy(float), "post": post.to_numpy(float), "gain": pd.Series(gains, dtype=object).to_numpy(),
         "note": notes},
        index=pd.Index(data.students, name="student"),
    )
    both = frame["pre"].notna() & frame["post"].notna()
    mean_pre = float(frame.loc[both, "pre"].mean()) if both.any() else None
    mean_post = float(frame.loc[both, "post"].mean()) if both.any() else None
    numeric = [g for g in frame.loc[both, "gain"] if isinstance(g, float)]
    summary = ClassGain(
        matched=int(both.sum()),
        mean_pre=mean_pre,
        mean_post=mean_post,
        class_gain=None if mean_pre is None or mean_pre >= 100 else (mean_post - mean_pre) / (100 - mean_pre),
        mean_gain=float(np.mean(numeric)) if numeric else None,
        mastered=int((frame["gain"] == MASTERED).sum()),
    )
    return LearningGain(frame, summary, _topics(data))


def _topic_shares(data: CourseData, test: str) -> dict[str, tuple[int, int]]:
    """topic -> (answers right, answers) on ``test``."""
    key = load_key(data.course_dir, test)
    items = data.scores.items
    items = items[items["assignment"] == test]
    out: dict[str, tuple[int, int]] = {}
    for q, full, n in zip(items["question"], items["full"], items["n"], strict=True):
        topic = key.topic_of(q)
        if topic is not None:
            right, total = out.get(topic, (0, 0))
            out[topic] = (right + int(full), total + int(n))
    return out


def _topics(data: CourseData) -> list[TopicShare]:
    tests = data.spec.tests
    before = _topic_shares(data, tests.pre.name)
    after = _topic_shares(data, tests.post.name)
    out = []
    for t in tests.topics:
        b, a = before.get(t.id, (0, 0)), after.get(t.id, (0, 0))
        out.append(
            TopicShare(t.id, t.title, t.module, b[0] / b[1] if b[1] else None, b[1], a[0] / a[1] if a[1] else None, a[1])
        )
    return out
