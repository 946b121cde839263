"""Staff pages (formgrader, status and export) answer the staff group only, on every request."""

from __future__ import annotations

import time

import httpx
import pytest

STAFF_PAGES = [
    "services/formgrader/formgrader",
    "services/formgrader/formgrader/api/assignments",
    "services/ukm-staf/",
    "services/ukm-staf/nilai.xlsx",
]


@pytest.fixture(scope="module")
def tokens(hub):
    return {"participant": hub.user_token(hub.ani), "staff": hub.user_token(hub.staf)}


@pytest.mark.parametrize("page", STAFF_PAGES)
def test_a_participant_token_is_refused_on_staff_pages(hub, tokens, page):
    r = httpx.get(hub.settings.url + page, headers={"Authorization": f"token {tokens['participant']}"}, timeout=60)
    assert r.status_code == 403, (page, r.status_code, r.text[:300])


def test_staff_token_reaches_the_formgrader_and_the_staff_pages(hub, tokens):
    auth = {"Authorization": f"token {tokens['staff']}"}
    with httpx.Client(base_url=hub.settings.url, headers=auth, timeout=60) as staff:
        assignments = staff.get("services/formgrader/formgrader/api/assignments")
        assert assignments.status_code == 200 and "harga-incoterms" in assignments.text
        overview = staff.get("services/ukm-staf/")
        assert overview.status_code == 200 and "Dikumpulkan" in overview.text and "harga-incoterms" in overview.text
        page = staff.get("services/ukm-staf/tugas/harga-incoterms")
        assert page.status_code == 200 and hub.ani in page.text and "belum mengumpulkan" in page.text
        xlsx = staff.get("services/ukm-staf/nilai.xlsx")
        assert xlsx.status_code == 200 and xlsx.content[:2] == b"PK"  # an .xlsx is a zip


def test_a_participant_browser_session_cannot_open_staff_pages(hub):
    """Logged in through the form, a participant following a staff link is refused by the hub's
    OAuth step (no access scope for the service) and gets no staff page."""
    with hub.browser_session(hub.ani) as browser:
        for page in ("services/ukm-staf/", "services/formgrader/formgrader"):
            r = browser.get(page, follow_redirects=True)
            assert r.status_code == 403, (page, r.status_code)
            assert "Dikumpulkan" not in r.text and "Manage Assignments" not in r.text


def test_a_revoked_staff_role_takes_effect_at_once(hub, tokens):
    """The staff pages ask the hub on each request (cached one second): a deleted token stops working."""
    token = hub.user_token(hub.staf, note="revoked")
    auth = {"Authorization": f"token {token}"}
    assert httpx.get(hub.settings.url + "services/ukm-staf/", headers=auth, timeout=60).status_code == 200
    with hub.api() as api:
        tid = [t["id"] for t in api.get(f"users/{hub.staf}/tokens").json()["api_tokens"] if t["note"] == "revoked"]
        for t in tid:
            api.delete(f"users/{hub.staf}/tokens/{t}")
    time.sleep(1.5)
    r = httpx.get(hub.settings.url + "services/ukm-staf/", headers=auth, timeout=60, follow_redirects=False)
    assert r.status_code in (302, 403)  # unknown token: sent to log in, never served
    assert "Dikumpulkan" not in r.text
