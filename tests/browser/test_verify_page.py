"""verifikasi.html in headless Chromium at 360 px, from file:// with every network request blocked:
the bundled verifier accepts a genuine certificate and rejects a tampered one, another key's, a
revoked one, a retired key's late one, a retired key's backdated one (the leaked-key forgery) and
an invented code, saying why in Indonesian."""

from __future__ import annotations

import datetime as dt

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.course.certificate_course import TODAY, cohort, forge, split
from tests.course.synthetic_gradebook import SyntheticCourse
from ukm_tools.certificate_code import key_id
from ukm_tools.course import cert_keys, ops
from ukm_tools.course.audit import JAKARTA
from ukm_tools.course.certificates import PAGE_FILE, issue_certificates, resign_revocations, revoke, write_page

pytestmark = [pytest.mark.browser, pytest.mark.timeout(180)]
LATER = TODAY + dt.timedelta(days=5)  # the first key is retired that day


@pytest.fixture(scope="module")
def verification(tmp_path_factory):
    """The page after: certificates issued, Budi's revoked, the key rotated; plus codes to try."""
    root = tmp_path_factory.mktemp("verifikasi")
    mp = pytest.MonkeyPatch()
    mp.setenv("UKM_KEYS_DIR", str(root / "kunci-rahasia"))
    try:
        course = SyntheticCourse(ops.init_course(root / "course"))
        cohort(course)
        cert_keys.create_keys(course.course, TODAY)
        certs = {c.student: c for c in issue_certificates(course.course, TODAY)}
        old_private, _ = cert_keys.current_signer(course.course)
        now = dt.datetime.combine(LATER, dt.time(9, 15), JAKARTA)
        revoke(course.course, certs["budi-santoso"].facts.number, "Data usaha salah", now)
        cert_keys.rotate_keys(course.course, LATER)
        resign_revocations(course.course, now)
        page = write_page(course.course)
    finally:
        mp.undo()
    body, sig = split(certs["siti-aminah"].code)
    thief = Ed25519PrivateKey.generate()
    codes = {
        "valid": certs["siti-aminah"].code,
        "tampered": forge({**body, "nm": "Siti Aminah Lubis"}, sig=sig),
        "other_key": forge({**body, "k": key_id(thief.public_key())}, thief),
        "claimed_key": forge({**body, "n": "UKM-EKSPOR-2026-0500"}, thief),
        "revoked": certs["budi-santoso"].code,
        "retired_key": forge({**body, "n": "UKM-EKSPOR-2026-0501", "d": "2026-03-20"}, old_private),
        # Dated before the retirement, signed with the retired (leaked) key: never issued by the course.
        "backdated": forge(
            {**body, "n": "UKM-EKSPOR-2026-0502", "nm": "Orang Lain", "d": TODAY.isoformat()}, old_private
        ),
        "invented": "UKM-EKSPOR-2026-0001.bukan-tanda-tangan",
    }
    assert page == course.course / PAGE_FILE
    return page, codes, certs["siti-aminah"].url


def _open(open_page, url):
    p = open_page(360, 740)  # every request that is not a local file is blocked and recorded
    p.page.goto(url)
    return p, p.blocked


EXPECTED = {
    "valid": ("valid", "", "SAH"),
    "tampered": ("invalid", "cert_bad_signature", "telah diubah"),
    "other_key": ("invalid", "cert_unknown_key", "bukan milik kursus ini"),
    "claimed_key": ("invalid", "cert_bad_signature", "Tanda tangan tidak cocok"),
    "revoked": ("revoked", "cert_revoked", "Data usaha salah"),
    "retired_key": ("invalid", "cert_key_retired", "sudah tidak berlaku"),
    "backdated": ("invalid", "cert_not_issued_by_retired_key", "sertifikat palsu"),
    "invented": ("invalid", "cert_malformed", "Bukan kode sertifikat"),
}


@pytest.mark.parametrize("case", list(EXPECTED))
def test_the_page_checks_each_code_on_a_phone_offline(open_page, verification, case):
    page_path, codes, _ = verification
    p, blocked = _open(open_page, f"{page_path.as_uri()}#{codes[case]}")
    page = p.page
    box = page.locator("#hasil")
    status, reason, words = EXPECTED[case]
    assert box.get_attribute("data-status") == status
    assert box.get_attribute("data-reason") == reason
    assert words in box.inner_text()
    shown = page.locator("#facts").inner_text()
    if case in ("valid", "revoked", "retired_key"):
        assert "Siti Aminah" in shown or "Budi Santoso" in shown
    if case in ("tampered", "claimed_key", "invented", "backdated"):
        assert shown.strip() == ""  # a forger's facts are never displayed
    # The revocation list's date is stated: status as of the list this page carries.
    assert "Status pencabutan menurut daftar pencabutan tanggal" in page.locator("#revocations").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    assert page.locator("html").get_attribute("lang") == "id"
    assert blocked == [] and p.errors == []


def test_a_pasted_verification_address_is_checked_too(open_page, verification):
    page_path, _, url = verification
    p, blocked = _open(open_page, page_path.as_uri())
    page = p.page
    assert page.locator("#hasil").is_hidden()
    page.locator("#kode").fill(url)
    page.locator("#periksa").click()
    assert page.locator("#hasil").get_attribute("data-status") == "valid"
    text = page.locator("#hasil").inner_text()
    assert "Siti Aminah" in text and "Masuk e-Katalog Lokal" in text and "Medan" in text
    assert blocked == [] and p.errors == []
    box = page.locator("#hasil").bounding_box()
    assert box and box["width"] <= 360
