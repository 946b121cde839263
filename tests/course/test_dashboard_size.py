"""The dashboard stays small for a phone however large the class: chips carry a class, not an inline
style, and each state's list stops at ``MAX_LISTED`` participants with a note that counts the rest and
sends staff to the workbook (which lists everyone). Browser checks are in tests/browser/test_dashboard.py."""

from __future__ import annotations

import re

import pytest
from synthetic_gradebook import random_cohort

from ukm_tools.course import dashboard
from ukm_tools.course.completion import STATES, state_label
from ukm_tools.course.course_data import load_course_data
from ukm_tools.course.overrides import set_override
from ukm_tools.course.workshop_report import compute_report

pytestmark = pytest.mark.timeout(90)


@pytest.fixture(scope="module")
def class_of_60(synthetic_template, tmp_path_factory):
    course = synthetic_template.copy(tmp_path_factory.mktemp("dasbor-ukuran") / "course")
    random_cohort(course, 60, seed=5)
    set_override(course.db_url, course.spec, "p00003", "m2-syarat", "selesai", why="Dinilai lisan.", by="Bu Rina")
    return compute_report(load_course_data(course.course))


def _lists(page: str) -> dict[str, tuple[int, int, str]]:
    """state label -> (count in the summary line, participant rows listed, text after the rows)."""
    found = {}
    for label, count, body in re.findall(r"<details[^>]*><summary>(.*?) \((\d+)\)</summary>(.*?)</details>", page):
        found[label] = (int(count), body.count('<div class="who">'), body.rsplit("</div>", 1)[-1])
    return found


def test_every_participant_listed_below_the_cap(class_of_60):
    page = dashboard.render(class_of_60)
    lists = _lists(page)
    counts = class_of_60.completion.counts()
    assert {label: c for label, (c, _, _) in lists.items()} == {state_label(s): counts[s] for s in STATES if counts[s]}
    assert all(count == rows for count, rows, _ in lists.values())
    assert page.count('<div class="who">') == 60
    # Compact chips: a class per state, no inline style or tooltip on each of them.
    assert 'style="background' not in page.split('<section id="peserta">')[1].split("</section>")[0]
    # The one corrected result is framed and says so in its tooltip (the others have none).
    corrected = re.findall(r'<i class="k\d ov" title="([^"]*)">', page)
    assert corrected == ["m2-syarat: selesai (dikoreksi)"]


def test_long_lists_stop_at_the_cap_and_count_the_rest(class_of_60, monkeypatch):
    monkeypatch.setattr(dashboard, "MAX_LISTED", 4)
    page = dashboard.render(class_of_60)
    lists = _lists(page)
    counts = class_of_60.completion.counts()
    assert sum(counts.values()) == 60 and max(counts.values()) > 4  # the cap is really exercised
    for state in STATES:
        if not counts[state]:
            continue
        count, rows, tail = lists[state_label(state)]
        assert count == counts[state] and rows == min(count, 4)
        if count > 4:
            # 60 participants, 4 listed: "dan 56 peserta lagi" when all 60 share one state.
            assert f"dan {count - 4} peserta lagi" in tail and "peserta" in tail and "Excel" in tail
        else:
            assert "lagi" not in tail
    assert page.count('<div class="who">') == sum(min(c, 4) for c in counts.values())
