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

from ukm_tools.course.course_data import CourseData
from ukm_tools.course.scores import NOT_GRADED
from ukm_tools.messages import section

T = section("course.learning_gain")

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
    a, b = pre.to_numpy(float), post.to_numpy(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        g = (b - a) / (100 - a)
    both = ~np.isnan(a) & ~np.isnan(b)
    mastered = both & (a >= 100)
    gains = np.where(mastered, MASTERED, np.where(both, g, None)).astype(object)
    gains[both & ~mastered] = g[both & ~mastered].tolist()  # plain floats, not numpy scalars
    failed = pre_status.isin(NOT_GRADED).to_numpy() | post_status.isin(NOT_GRADED).to_numpy()
    notes = np.select(
        [mastered, failed, np.isnan(a), np.isnan(b)],
        [
            T("note_mastered", "id"),
            T("note_not_graded", "id"),
            T("note_no_pre", "id"),
            T("note_no_post", "id"),
        ],
        "",
    )
    frame = pd.DataFrame(
        {"pre": a, "post": b, "gain": gains, "note": notes.astype(object)},
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
        class_gain=None
        if mean_pre is None or mean_post is None or mean_pre >= 100
        else (mean_post - mean_pre) / (100 - mean_pre),
        mean_gain=float(np.mean(numeric)) if numeric else None,
        mastered=int((frame["gain"] == MASTERED).sum()),
    )
    return LearningGain(frame, summary, _topics(data))


def _topic_shares(data: CourseData, test: str) -> dict[str, tuple[int, int]]:
    """topic -> (answers right, answers) on ``test``."""
    key = data.keys[test]
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
    if tests is None:
        return []
    before = _topic_shares(data, tests.pre.name)
    after = _topic_shares(data, tests.post.name)
    out = []
    for t in tests.topics:
        b, a = before.get(t.id, (0, 0)), after.get(t.id, (0, 0))
        out.append(
            TopicShare(
                t.id, t.title, t.module, b[0] / b[1] if b[1] else None, b[1], a[0] / a[1] if a[1] else None, a[1]
            )
        )
    return out
