"""The exercise portal through the real hub: a participant on a 360 px phone logs in with the code on
the card, fills harga-incoterms as a form (Indonesian numbers, one answer wrong), submits, and
reads the feedback grade-on-submit released; others' work and POSTs without a CSRF token are refused.

Uses the session's hub (tests/hub/conftest.py), whose configuration starts the portal and
grade-on-submit services exactly as a workshop does.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import httpx
import pytest

from tests.hub.conftest import ARTIFACTS, ASSIGNMENT, CALC_URL, CHROMIUM, login
from ukm_tools.calcserver.config import ServerConfig
from ukm_tools.course.ops import db_url
from ukm_tools.course.participants import load_participant
from ukm_tools.course.verify_answers import answer_keys_path, expected_for, load_answer_keys
from ukm_tools.exercises.params import product_for

PORTAL = "services/ukm-portal/"
#: What a participant must never read on a portal page: code, variable names, developer words.
CODE_WORDS = ("harga_exw", "harga_fob", "harga_cif", "refleksi", "None", "Decimal", "Traceback", "import ")
#: Seconds the test waits for grade-on-submit (a sandboxed kernel per submission, shared machine).
FEEDBACK_WAIT_MS = 180_000


def indonesian(amount: Decimal, places: int) -> str:
    """An amount as a participant types it: dots between thousands, a comma before decimals."""
    text = f"{amount:,.{places}f}"
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


@pytest.fixture(scope="module")
def answers(hub) -> dict[str, Decimal]:
    """Ani's right answers, from the same expectations the grader uses."""
    product = product_for(hub.ani, load_participant(db_url(hub.settings.course_dir), hub.ani))
    keys = load_answer_keys(answer_keys_path(hub.settings.course_dir))
    found = {}
    for question in ("cek_exw", "cek_fob", "cek_cif"):
        (exp,) = expected_for(keys, ASSIGNMENT, question, hub.ani, product)
        found[exp.name] = exp.value.amount
    return found


def _browser(p):
    return p.chromium.launch(
        executable_path=CHROMIUM,
        headless=True,
        args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
    )


def _fits(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, "page wider than the phone"


def _no_code(page) -> None:
    body = page.inner_text("body")
    assert not [w for w in CODE_WORDS if w in body], body


@pytest.mark.browser
@pytest.mark.timeout(420)
def test_a_participant_fills_submits_and_reads_feedback_on_a_phone(hub, answers):
    from playwright.sync_api import expect, sync_playwright

    with sync_playwright() as p:
        browser = _browser(p)
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
            page.goto(hub.settings.url + "hub/login?username=" + hub.ani)
            page.fill("#password_input", hub.codes[hub.ani])
            page.click("#login_submit")
            page.wait_for_url("**/hub/home", timeout=30_000)
            page.click("#portal")  # the hub's home links the portal; its OAuth step needs no confirmation
            page.wait_for_url(f"**/{PORTAL}", timeout=30_000)
            assert "Latihan saya" in page.inner_text("h1") and "Belum dikerjakan" in page.inner_text("body")
            page.click(f"a[href='tugas/{ASSIGNMENT}']")
            page.wait_for_selector("#f-harga_exw")
            body = page.inner_text("body")
            assert "Kasus Anda" in body and "HPP" in body  # the participant's own case is shown
            _no_code(page)
            _fits(page)
            # Each computed answer links the price calculator with her case, handed over by token only.
            link = page.get_attribute("#calc-harga_fob", "href")
            assert re.fullmatch(rf"{CALC_URL}/kalkulator/harga-ekspor\?kasus=[A-Za-z0-9_-]{{43}}", link or ""), link
            assert "Hitung dengan kalkulator" in page.inner_text("#calc-harga_fob")
            handoff = ServerConfig(folder=hub.base / "ukm-apps").handoff_root
            assert [f.stat().st_uid for f in handoff.iterdir()] == [hub.users["kursus"].uid]

            # A number the Indonesian way that cannot be read: the visible check answers while typing.
            page.fill("#f-harga_exw", "12,5,5")
            expect(page.locator("#f-harga_exw-p")).not_to_be_empty()
            expect(page.locator("#f-harga_exw")).to_have_class("bad")
            page.fill("#f-harga_exw", indonesian(answers["harga_exw"], 0))
            expect(page.locator("#f-harga_exw-p")).to_be_empty()
            page.fill("#f-harga_fob", indonesian(answers["harga_fob"] + Decimal("1.50"), 2))  # the wrong one
            page.fill("#f-harga_cif", indonesian(answers["harga_cif"], 2))
            page.fill("#f-refleksi_harga", "Saya menawarkan FOB karena pembeli punya forwarder sendiri.")
            expect(page.locator("#saved")).to_have_text("Tersimpan.")
            page.wait_for_timeout(1200)  # the last box's save is sent 0.4 s after typing stops
            page.screenshot(path=str(ARTIFACTS / "portal-form-360.png"), full_page=True)

            page.reload()  # drafts are kept on the server
            assert page.input_value("#f-harga_exw") == indonesian(answers["harga_exw"], 0)
            assert page.input_value("#f-refleksi_harga").startswith("Saya menawarkan FOB")

            page.click("#kirim")
            page.wait_for_url(f"**/tugas/{ASSIGNMENT}/hasil", timeout=30_000)
            page.wait_for_selector("#score", timeout=FEEDBACK_WAIT_MS)
            body = page.inner_text("body")
            assert "Nilai Anda: 5 dari 12" in body, body  # EXW 2 + CIF 3; FOB 0; reflection waits for the trainer
            assert "Harga FOB per unit (USD)" in body and "belum tepat" in body, body
            assert indonesian(answers["harga_fob"], 2) not in body  # the right answer is never shown
            assert "Dinilai pengajar nanti" in body
            _no_code(page)
            _fits(page)
            page.screenshot(path=str(ARTIFACTS / "portal-feedback-360.png"), full_page=True)

            # Resubmit with the FOB answer fixed: the newer submission is graded and shown.
            page.click("text=Kembali ke soal")
            page.fill("#f-harga_fob", indonesian(answers["harga_fob"], 2))
            page.click("#kirim")
            page.wait_for_url(f"**/tugas/{ASSIGNMENT}/hasil", timeout=30_000)
            expect(page.locator("#score")).to_contain_text("8 dari 12", timeout=FEEDBACK_WAIT_MS)
            assert "kiriman ke-2" in form_text(page, hub)
        finally:
            browser.close()
    # The staff's live list shows the portal submission graded (grade-on-submit wrote its status).
    staff = {"Authorization": f"token {hub.user_token(hub.staf)}"}
    listed = httpx.get(hub.settings.url + f"services/ukm-staf/tugas/{ASSIGNMENT}", headers=staff, timeout=60)
    assert re.search(rf"{hub.ani}</td><td>[^<]*</td><td>dinilai</td>", listed.text), listed.text[-1500:]


def form_text(page, hub) -> str:
    """The form page's text (it says how many times the participant submitted)."""
    page.goto(hub.settings.url + PORTAL + f"tugas/{ASSIGNMENT}")
    return page.inner_text("body")


@contextmanager
def _portal_session(hub, username: str) -> Iterator[httpx.Client]:
    """An httpx client logged in at the hub and through the portal's OAuth step, like a browser."""
    with httpx.Client(base_url=hub.settings.url, timeout=60) as client:
        r = login(client, username, hub.codes[username])
        assert r.status_code == 302, r.text[-300:]
        home = client.get(PORTAL, follow_redirects=True)
        assert home.status_code == 200, (home.status_code, home.text[-300:])
        yield client


def _xsrf(html: str) -> str:
    found = re.search(r'name="_xsrf" value="([^"]+)"', html)
    assert found, html[-500:]
    return found.group(1)


def test_drafts_and_results_are_the_participants_own(hub):
    """Budi sees his own (empty) form and no result though Ani has a draft; no URL names anyone, and
    a participant's id where an assignment belongs is not found."""
    with _portal_session(hub, hub.ani) as ani:
        form = ani.get(PORTAL + f"tugas/{ASSIGNMENT}")
        posted = ani.post(
            PORTAL + f"tugas/{ASSIGNMENT}/draf",
            data={"_xsrf": _xsrf(form.text), "_field": "harga_exw", "typed": "777.777"},
        )
        assert posted.status_code == 200 and posted.json()["problem"] == ""
        assert 'value="777.777"' in ani.get(PORTAL + f"tugas/{ASSIGNMENT}").text
    with _portal_session(hub, hub.budi) as budi:
        own = budi.get(PORTAL + f"tugas/{ASSIGNMENT}", params={"student": hub.ani, "user": hub.ani})
        assert own.status_code == 200 and "777.777" not in own.text
        result = budi.get(PORTAL + f"tugas/{ASSIGNMENT}/hasil", params={"student": hub.ani})
        assert "belum mengirim" in result.text and "Nilai Anda" not in result.text
        assert budi.get(PORTAL + f"tugas/{hub.ani}").status_code == 404
        assert budi.get(PORTAL + f"tugas/{hub.ani}/hasil").status_code == 404


def test_a_post_without_the_csrf_token_is_refused(hub):
    with _portal_session(hub, hub.budi) as budi:
        for path in ("draf", "kirim"):
            r = budi.post(
                PORTAL + f"tugas/{ASSIGNMENT}/{path}",
                data={"_field": "harga_exw", "typed": "1"},
                follow_redirects=False,
            )
            assert r.status_code == 403, (path, r.status_code)
        wrong = budi.post(
            PORTAL + f"tugas/{ASSIGNMENT}/draf",
            data={"_xsrf": "2|00000000|" + "0" * 32 + "|1", "_field": "harga_exw", "typed": "1"},
        )
        assert wrong.status_code == 403
        assert 'value="1"' not in budi.get(PORTAL + f"tugas/{ASSIGNMENT}").text  # nothing was saved


def test_staff_and_strangers_get_no_portal_page(hub):
    """The portal is for participants: a staff member's session is refused, and without a login the
    hub's login page is where the portal sends you."""
    with httpx.Client(base_url=hub.settings.url, timeout=60) as staff:
        assert login(staff, hub.staf, hub.codes[hub.staf]).status_code == 302
        assert staff.get(PORTAL, follow_redirects=True).status_code == 403
    with httpx.Client(base_url=hub.settings.url, timeout=60) as stranger:
        r = stranger.get(PORTAL + f"tugas/{ASSIGNMENT}", follow_redirects=True)
        assert "hub/login" in str(r.url) and "Kasus Anda" not in r.text


SESSION_COOKIE = "jupyterhub-session-id"
HUB_COOKIE = "jupyterhub-hub-login"


def _portal_cookies(client: httpx.Client) -> list:
    """The cookies a browser would send to the portal: the hub's session id and the portal's own."""
    return [c for c in client.cookies.jar if c.name == SESSION_COOKIE or c.path.startswith("/services/ukm-portal")]


def _signed_in_as(client: httpx.Client) -> str:
    page = client.get(PORTAL, follow_redirects=True)
    assert page.status_code == 200, (page.status_code, page.text[-300:])
    found = re.search(r"Masuk sebagai ([^<.]+)\.", page.text)
    assert found, page.text[-500:]
    return found.group(1)


def test_the_session_is_renewed_at_login(hub):
    """Session fixation: Budi plants his hub session id and his portal cookie in the browser Ani then
    logs in with (a shared phone, or cookies set by a page on the workshop LAN). After her login the
    hub's session id is a new one and the portal is hers: Budi's cookie from before the login no
    longer counts, so her answers can never go in as his."""
    with _portal_session(hub, hub.budi) as budi:
        assert _signed_in_as(budi) == hub.budi
        planted = _portal_cookies(budi)
    assert {c.name for c in planted} >= {SESSION_COOKIE} and len(planted) >= 2, [c.name for c in planted]
    with httpx.Client(base_url=hub.settings.url, timeout=60) as phone:
        for cookie in planted:
            phone.cookies.jar.set_cookie(cookie)
        assert login(phone, hub.ani, hub.codes[hub.ani]).status_code == 302
        old_session = next(c.value for c in planted if c.name == SESSION_COOKIE)
        assert phone.cookies.get(SESSION_COOKIE, path="/") not in (None, old_session)
        assert _signed_in_as(phone) == hub.ani

        # The next participant on the same phone, Ani's hub login gone (her window closed, the hub
        # cookie expired) but not her portal cookie: Budi logs in and the portal follows.
        for cookie in [c for c in phone.cookies.jar if c.name == HUB_COOKIE]:
            phone.cookies.jar.clear(cookie.domain, cookie.path, cookie.name)
        assert login(phone, hub.budi, hub.codes[hub.budi]).status_code == 302
        assert _signed_in_as(phone) == hub.budi


def test_a_portal_cookie_from_before_logout_no_longer_works(hub):
    """Ani's portal cookie, copied before she logs out, opens nothing afterwards: not on its own and
    not beside the cookies of her next login."""
    with httpx.Client(base_url=hub.settings.url, timeout=60) as ani:
        assert login(ani, hub.ani, hub.codes[hub.ani]).status_code == 302
        assert _signed_in_as(ani) == hub.ani
        before = [c for c in _portal_cookies(ani) if c.name != SESSION_COOKIE]
        assert before
        ani.get("hub/logout", follow_redirects=True)
        with httpx.Client(base_url=hub.settings.url, timeout=60) as thief:
            for cookie in before:
                thief.cookies.jar.set_cookie(cookie)
            r = thief.get(PORTAL + f"tugas/{ASSIGNMENT}", follow_redirects=True)
            assert "hub/login" in str(r.url) and "Kasus Anda" not in r.text
        assert login(ani, hub.ani, hub.codes[hub.ani]).status_code == 302
        for cookie in before:  # the old portal cookie back beside the new login's cookies
            ani.cookies.jar.set_cookie(cookie)
        assert _signed_in_as(ani) == hub.ani  # through a new OAuth step: the old token is gone
        after = [c.value for c in _portal_cookies(ani) if c.name != SESSION_COOKIE]
        assert not {c.value for c in before} & set(after)
