"""The workshop day as data: every block timed from the lengths before it (ukm_tools.agenda)."""

from __future__ import annotations

import datetime as dt

import pytest
import yaml

from ukm_tools.agenda import load_agenda, parse_agenda
from ukm_tools.errors import UkmError


@pytest.fixture(scope="module")
def day():
    return load_agenda()


def small(**changes) -> dict:
    data = {
        "title": "Hari contoh",
        "start": "08:00",
        "sessions": [
            {
                "id": "pagi",
                "title": "Pagi",
                "blocks": [
                    {"minutes": 30, "kind": "materi", "title": "Modul 1"},
                    {"minutes": 15, "kind": "rehat", "title": "Rehat"},
                    {"minutes": 20, "kind": "latihan", "title": "Latihan", "exercise": "ekatalog"},
                ],
            }
        ],
    }
    data.update(changes)
    return data


def test_blocks_are_timed_one_after_another():
    a = parse_agenda(small())
    # 08.00 + 30 = 08.30, + 15 = 08.45, + 20 = 09.05
    assert [b.span() for b in a.blocks] == ["08.00–08.30", "08.30–08.45", "08.45–09.05"]
    assert a.blocks[1].is_break and not a.blocks[0].is_break
    assert a.minutes("latihan") == 20 and a.exercises() == ["ekatalog"]


def test_the_workshop_day_runs_eight_to_five_with_every_exercise_and_break(day):
    assert day.blocks[0].start == dt.time(8, 0) and day.blocks[-1].end == dt.time(17, 0)
    assert day.session_ids == ["pagi", "siang"]
    # one exercise per module of the course, in the order of the book
    assert day.exercises() == ["ekatalog", "syarat-ekspor", "harga-incoterms", "pembayaran", "pembiayaan"]
    assert sum(b.minutes for b in day.blocks if b.is_break) >= 60 + 2 * 15  # lunch and two breaks
    assert day.minutes("latihan") >= 100
    # every block tells the facilitator and the pendamping what to do
    assert all(b.spec.fasilitator and b.spec.pendamping for b in day.blocks)
    # sessions join without a gap
    assert all(a.end == b.start for a, b in zip(day.blocks, day.blocks[1:], strict=False))


def test_the_packaged_day_matches_the_course_template(day):
    from pathlib import Path

    course = yaml.safe_load((Path(__file__).resolve().parents[2] / "assignments" / "course.yml").read_text())
    assignments = [a["name"] for m in course["modules"] for a in m["assignments"]]
    sessions = [s["id"] for s in course.get("sessions") or []]
    day.check_course(sessions, assignments)  # raises on any disagreement


def test_a_course_with_other_sessions_or_exercises_is_refused_with_both_problems(day):
    with pytest.raises(UkmError) as e:
        day.check_course(["pagi", "sore"], ["ekatalog"])
    codes = [p.code for p in e.value.problems]
    assert codes.count("agenda_sessions_differ") == 1
    assert codes.count("agenda_unknown_exercise") == 4  # four of the five exercises are not in that course
    assert "pagi, sore" in e.value.message("id")


def test_every_problem_of_a_broken_agenda_at_once():
    broken = small(start="25:00")
    broken["sessions"][0]["blocks"][0]["minutes"] = 0
    broken["sessions"][0]["blocks"][1]["kind"] = "tidur"
    broken["sessions"][0]["blocks"][2]["colour"] = "merah"
    with pytest.raises(UkmError) as e:
        parse_agenda(broken)
    fields = {p.field for p in e.value.problems}
    assert {
        "start",
        "sessions[0].blocks[0].minutes",
        "sessions[0].blocks[1].kind",
        "sessions[0].blocks[2].colour",
    } <= fields
    assert "JJ:MM" in e.value.message("id")


def test_an_agenda_past_midnight_is_refused():
    late = small(start="23:30")
    with pytest.raises(UkmError) as e:
        parse_agenda(late)
    assert e.value.code == "agenda_past_midnight"


def test_an_unquoted_start_time_in_yaml_is_read():
    # YAML 1.1 reads an unquoted 8:00 as the number 480 (sexagesimal); 08:00 stays text
    data = yaml.safe_load("title: t\nstart: 8:00\nsessions: []\n")
    assert data["start"] == 480
    a = parse_agenda(small(start=data["start"]))
    assert a.blocks[0].start == dt.time(8, 0)
