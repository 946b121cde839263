"""Resubmitting is allowed until the deadline (nbgrader's due date, shown in Asia/Jakarta); after it
the form says so in Indonesian and the server refuses "Kirim" and drafts, even from a page opened
before the deadline passed.

Worked example: due 2 Dec 2026 10:00 UTC = 17:00 WIB (UTC+7). At 09:00 UTC the participant sends
twice (kiriman ke-2); at 10:00:00 exactly a third "Kirim" still counts (until the deadline means up
to and including it); a page opened at 09:59 and sent at 10:00:01 is refused, nothing is stored.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest

from tests.portal.conftest import ASSIGNMENT, Clock, client
from ukm_tools.portal.store import PortalStore

DUE = datetime(2026, 12, 2, 10, 0, 0)  # naive UTC, as nbgrader keeps duedate
FORM = f"tugas/{ASSIGNMENT}"
CLOSED = "Batas waktu sudah lewat"


@pytest.fixture
def clock(portal, monkeypatch) -> Clock:
    from nbgrader.api import Gradebook

    from ukm_tools.course.ops import load_config

    course_id = load_config(portal.course).CourseDirectory.course_id
    with Gradebook(portal.db_url, course_id) as gb:
        gb.update_or_create_assignment(ASSIGNMENT, duedate=DUE)
    clock = Clock(DUE - timedelta(hours=1))
    monkeypatch.setattr("ukm_tools.portal.app.utcnow", clock)
    return clock


def _xsrf(html: str) -> str:
    found = re.search(r'name="_xsrf" value="([^"]+)"', html)
    assert found, html[-500:]
    return found.group(1)


def _answers(token: str, fob: str) -> dict[str, str]:
    return {"_xsrf": token, "harga_exw": "25.000", "harga_fob": fob, "harga_cif": "2,10", "refleksi_harga": "FOB."}


def _attempts(portal, student: str) -> tuple[int, dict[str, str]] | None:
    with PortalStore(portal.db_url) as store:
        s = store.submission(ASSIGNMENT, student)
    return (s.attempts, s.answers) if s else None


@pytest.mark.timeout(60)
def test_resubmitting_until_the_deadline_and_refused_after_it(portal, clock):
    with client(portal, "ani") as ani:
        page = ani.get(FORM)
        assert page.status_code == 200
        assert "Batas waktu: 02-12-2026 17:00 WIB" in page.text  # 10:00 UTC read in Asia/Jakarta
        assert 'id="kirim"' in page.text and CLOSED not in page.text
        token = _xsrf(page.text)

        for fob in ("1,50", "1,60"):  # submit, then resubmit: both before the deadline
            sent = ani.post(f"{FORM}/kirim", data=_answers(token, fob), follow_redirects=False)
            assert sent.status_code == 302 and sent.headers["location"].endswith(f"{FORM}/hasil"), sent.text[-300:]
        assert _attempts(portal, "ani") == (2, {k: v for k, v in _answers("", "1,60").items() if k != "_xsrf"})
        assert "kiriman ke-2" in ani.get(FORM).text

        clock.now = DUE  # the deadline itself still counts
        on_time = ani.post(f"{FORM}/kirim", data=_answers(token, "1,70"), follow_redirects=False)
        assert on_time.status_code == 302
        assert (_attempts(portal, "ani") or (0, {}))[0] == 3

        clock.now = DUE - timedelta(minutes=1)
        token = _xsrf(ani.get(FORM).text)  # the page is opened before the deadline...
        clock.now = DUE + timedelta(seconds=1)  # ...and sent one second after it
        late = ani.post(f"{FORM}/kirim", data=_answers(token, "9,99"))
        assert late.status_code == 403
        assert CLOSED in late.text and "bukan untuk Anda" not in late.text  # says why, in Indonesian
        draft = ani.post(f"{FORM}/draf", data={"_xsrf": token, "_field": "harga_fob", "typed": "9,99"})
        assert draft.status_code == 403
        attempts, answers = _attempts(portal, "ani") or (0, {})
        assert attempts == 3 and answers["harga_fob"] == "1,70"  # the late one changed nothing

        closed = ani.get(FORM).text  # the form after the deadline: says so, nothing to press
        assert CLOSED in closed and 'id="kirim"' not in closed
        assert re.search(r'id="f-harga_fob"[^>]* disabled', closed)
        assert "9,99" not in closed and 'value="1,70"' in closed
