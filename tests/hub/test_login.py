"""Logging in with the card: a phone browser at 360 px, wrong codes throttled per account, windows.

Every test goes through the real hub and its login form; the codes are the ones printed on the
cards of the session's hub fixture.
"""

from __future__ import annotations

import re
import time
from datetime import timedelta

import httpx
import pytest

from tests.hub.conftest import ARTIFACTS, CHROMIUM, login, ukm
from ukm_tools.hub import codes as codes_mod
from ukm_tools.hub.accounts import Window, now_utc
from ukm_tools.hub.cards import login_link
from ukm_tools.hub.provision import store_for

CODE_ON_CARD = re.compile(r"Nama pengguna\s+(\S+)\s+Kode masuk\s+([a-z0-9]{5}-[a-z0-9]{5})")
ENGLISH = ("Sign in", "Username", "Password", "Invalid username", "Logout", "Start My Server")


def card_codes(pdf) -> dict[str, str]:
    """User name -> code as printed on the cards of a PDF (the only place a code exists)."""
    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(pdf).pages)
    return dict(CODE_ON_CARD.findall(text))


@pytest.mark.browser
def test_login_with_the_card_code_on_a_360px_phone(hub):
    """The card's QR target opens the login page with the user name filled in; typing the code
    (as printed, with its dash) logs the participant in; every page is Indonesian and fits 360 px."""
    from playwright.sync_api import sync_playwright

    code_on_card = card_codes(hub.cards)[hub.ani]
    assert codes_mod.normalize(code_on_card) == hub.codes[hub.ani]
    card_url = login_link(hub.settings.login_url, hub.ani)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        try:
            page = browser.new_page(viewport={"width": 360, "height": 740}, device_scale_factor=2, is_mobile=True)
            page.goto(card_url)
            assert page.input_value("#username_input") == hub.ani
            body = page.inner_text("body")
            assert "Kode masuk" in body and "pribadi" in body
            assert not [w for w in ENGLISH if w in body], body
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            page.screenshot(path=str(ARTIFACTS / "hub-login-360.png"), full_page=True)

            page.fill("#password_input", code_on_card)
            page.click("#login_submit")
            page.wait_for_url("**/hub/home", timeout=30_000)
            body = page.inner_text("body")
            assert f"Selamat datang, {hub.ani}" in body and "JupyterLab" in body and "Keluar" in body
            assert not [w for w in ENGLISH if w in body], body
            assert "Alat staf" not in body  # a participant sees no staff tools
            assert page.evaluate("document.documentElement.scrollWidth") <= 360
            page.screenshot(path=str(ARTIFACTS / "hub-home-360.png"), full_page=True)
        finally:
            browser.close()


def test_codes_are_forgiving_about_case_spaces_and_dashes(hub):
    typed = " " + codes_mod.display(hub.codes[hub.staf]).upper().replace("-", " - ") + " "
    with httpx.Client(base_url=hub.settings.url, timeout=30) as client:
        r = login(client, hub.staf, typed)
        assert r.status_code == 302 and r.headers["location"].endswith("/hub/home")
        home = client.get("hub/home")
        assert "Alat staf" in home.text  # staff see their tools


def test_wrong_codes_lock_the_account_not_the_address(hub):
    """Three wrong codes lock Budi's account (even the right code is refused while locked, with a
    message saying how long to wait); Ani, from the same address, logs in meanwhile; after the
    lock Budi's right code works."""
    budi, right = hub.budi, hub.codes[hub.budi]
    with httpx.Client(base_url=hub.settings.url, timeout=30) as room:
        for _ in range(2):
            r = login(room, budi, "salah-kode")
            assert r.status_code == 403 and "kode masuk salah" in r.text
        r = login(room, budi, "salah-kode")  # the third: locked
        assert r.status_code == 429 and "Terlalu banyak percobaan" in r.text and "detik" in r.text
        assert int(r.headers["Retry-After"]) <= hub.settings.lockout_s
        r = login(room, budi, right)
        assert r.status_code == 429, "the right code must wait for the lock to pass"
        assert login(room, hub.ani, hub.codes[hub.ani]).status_code == 302  # same address, other account
    time.sleep(hub.settings.lockout_s + 0.5)
    with httpx.Client(base_url=hub.settings.url, timeout=30) as room:
        r = login(room, budi, right)
        assert r.status_code == 302, r.text[-400:]
    with store_for(hub.settings) as store:
        account = store.get(budi)
        assert account is not None and account.failed_count == 0 and account.locked_until is None


def test_an_expired_or_early_code_is_refused_with_its_window(hub):
    """A participant whose window has closed (or not opened) gets a clear message, never a session;
    a wrong code for the same account says only 'wrong' (the window is told to code holders only)."""
    expired, early = hub.names["ani"] + "x", hub.names["ani"] + "y"
    now = now_utc()
    with store_for(hub.settings) as store:
        old = store.issue(expired, "participants", Window(now - timedelta(days=2), now - timedelta(days=1)))
        new = store.issue(early, "participants", Window(now + timedelta(days=1), now + timedelta(days=2)))
    try:
        with httpx.Client(base_url=hub.settings.url, timeout=30) as client:
            r = login(client, expired, old.code)
            assert r.status_code == 403 and "sudah tidak berlaku" in r.text and "WIB" in r.text
            assert "jupyterhub-session-id" not in client.cookies and client.get("hub/home").status_code != 200
            r = login(client, early, new.code)
            assert r.status_code == 403 and "baru berlaku mulai" in r.text
            r = login(client, expired, "salah-kode")
            assert r.status_code == 403 and "tidak berlaku" not in r.text
    finally:
        with store_for(hub.settings) as store:
            store.remove(expired)
            store.remove(early)


def test_an_unknown_user_gets_the_same_answer_as_a_wrong_code(hub):
    with httpx.Client(base_url=hub.settings.url, timeout=30) as client:
        unknown = login(client, "tidak-ada-orangnya", "abcde-fghjk")
        wrong = login(client, hub.staf, "abcde-fghjk")
    assert unknown.status_code == wrong.status_code == 403
    assert "kode masuk salah" in unknown.text and "kode masuk salah" in wrong.text


def test_reset_code_prints_a_new_card_whose_code_logs_in(hub):
    """`ukm hub reset-code` (as staff run it): the old code stops working at once, the new card's
    code logs in, and the card file is readable by root only. Whoever was already in with the old
    card (a browser, a token) is logged out: a lost card's finder does not stay in."""
    staf, old = hub.staf, hub.codes[hub.staf]
    with httpx.Client(base_url=hub.settings.url, timeout=30) as finder:
        assert login(finder, staf, old).status_code == 302 and finder.get("hub/home").status_code == 200
        finder_token = {"Authorization": f"token {hub.user_token(staf, note='finder')}"}
        assert finder.get("hub/api/user", headers=finder_token).status_code == 200
        argv = ("hub", "reset-code", staf, "--dir", str(hub.base), "--url", hub.settings.url)
        done = ukm(hub.settings, *argv, timeout=120)
        assert "dikeluarkan dari semua perangkat" in done.stdout
        home = finder.get("hub/home", follow_redirects=False)
        assert home.status_code == 302 and "/hub/login" in home.headers["location"]
        assert finder.get("hub/api/user", headers=finder_token).status_code == 403
    card = next(hub.settings.cards_dir.glob(f"kartu-{staf}-*.pdf"))
    assert card.stat().st_mode & 0o077 == 0
    new = card_codes(card)[staf]
    hub.codes[staf] = codes_mod.normalize(new)  # later tests log in as staff with the new card
    with httpx.Client(base_url=hub.settings.url, timeout=30) as client:
        assert login(client, staf, old).status_code == 403
        assert login(client, staf, new).status_code == 302


def test_a_closed_window_ends_token_sessions_too(hub):
    """The portal and JupyterLab act with the participant's token, not the login cookie: when the
    window closes, the hub's next check (every ``auth_refresh_s``) refuses the token as well."""
    budi = hub.budi
    token = hub.user_token(budi, note="window")
    whoami = {"url": hub.settings.url + "hub/api/user", "headers": {"Authorization": f"token {token}"}, "timeout": 30}
    assert httpx.get(**whoami).status_code == 200
    with store_for(hub.settings) as store:
        account = store.get(budi)
        assert account is not None
        window = account.window
        now = now_utc()
        store.set_window(Window(now - timedelta(hours=2), now - timedelta(minutes=1)), [budi])
    try:
        deadline = time.monotonic() + 4 * hub.settings.auth_refresh_s + 5
        while (status := httpx.get(**whoami).status_code) == 200 and time.monotonic() < deadline:
            time.sleep(0.5)
        assert status == 403
    finally:
        with store_for(hub.settings) as store:
            store.set_window(window, [budi])
    assert httpx.get(**whoami).status_code == 200  # the window open again: the same token works
