"""Certificates: issued from completion, signed, verified from the PDF's QR, revoked, keys rotated.

One synthetic cohort (two who completed, one who did not) per scenario; every attack is a code
an attacker could really make: a changed payload with the old signature, another key's
signature, a retired key's late or backdated signature, a revocation list edited by hand.
"""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import stat

import pytest
from certificate_course import COMPLETED, NOT_COMPLETED, TODAY, cohort, forge, split
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ukm_tools.certificate_code import MAX_SIGNED_BYTES, key_id
from ukm_tools.course import cert_keys
from ukm_tools.course.audit import JAKARTA
from ukm_tools.course.certificates import (
    PAGE_FILE,
    REVOCATIONS_FILE,
    issue_certificates,
    load_register,
    read_qr,
    revoke,
    verify,
)
from ukm_tools.errors import UkmError

pytestmark = pytest.mark.timeout(120)
NOW = dt.datetime(2026, 3, 5, 10, 30, tzinfo=JAKARTA)


@pytest.fixture
def keys_dir(tmp_path, monkeypatch):
    folder = tmp_path / "kunci-rahasia"
    monkeypatch.setenv("UKM_KEYS_DIR", str(folder))
    return folder


@pytest.fixture
def issued(synthetic, keys_dir):
    """The cohort's certificates, signed with the course's first key."""
    cohort(synthetic)
    cert_keys.create_keys(synthetic.course, TODAY)
    return synthetic.course, {c.student: c for c in issue_certificates(synthetic.course, TODAY)}


def ukm(*args):
    from typer.testing import CliRunner

    from ukm_tools.cli import _COMMAND_MODULES, app

    for name in _COMMAND_MODULES:
        importlib.import_module(name)
    return CliRunner().invoke(app, list(args), env={"UKM_LANG": "id", "COLUMNS": "200"})


def test_only_who_completed_gets_a_certificate_whose_pdf_qr_verifies(issued):
    course, certs = issued
    assert sorted(certs) == sorted(COMPLETED) and NOT_COMPLETED not in certs
    siti = certs["siti-aminah"]
    # The QR is read from the PDF rendered as an image (200 dpi), not from anything we kept.
    assert read_qr(siti.pdf) == siti.url
    assert siti.url.startswith("https://kantor.example.org/sertifikat/verifikasi.html#")
    verdict = verify(course, str(siti.pdf))
    assert verdict.valid and verdict.facts is not None
    assert verdict.facts.name == "Siti Aminah" and verdict.facts.number == siti.facts.number
    assert verdict.facts.modules == ("m1-ekatalog", "m2-syarat", "m3-harga", "m4-pembayaran", "m5-pembiayaan")
    # Compact, and only what proves the certificate: no e-mail or phone (UU 27/2022).
    body, sig = split(siti.code)
    assert len(json.dumps(body, separators=(",", ":")).encode()) + len(sig) <= MAX_SIGNED_BYTES
    assert set(body) == {"v", "n", "nm", "c", "d", "m", "k"}
    assert "siti@contoh.id" not in siti.url and "0812" not in siti.url
    # Numbers are kept when certificates are issued again.
    again = {c.student: c.facts.number for c in issue_certificates(course, TODAY)}
    assert again == {s: c.facts.number for s, c in certs.items()}
    assert len(set(again.values())) == 2


def test_the_qr_is_printed_at_least_4_cm_wide(issued):
    import pypdfium2 as pdfium
    import zxingcpp

    _, certs = issued
    dpi = 150
    pdf = pdfium.PdfDocument(str(certs["budi-santoso"].pdf))
    image = pdf[0].render(scale=dpi / 72).to_pil()
    pdf.close()
    (found,) = zxingcpp.read_barcodes(image)
    pos = found.position
    width_px = max(pos.top_right.x, pos.bottom_right.x) - min(pos.top_left.x, pos.bottom_left.x)
    assert width_px / dpi * 2.54 >= 4.0  # the symbol itself, without its white border


def test_a_tampered_payload_is_rejected(issued):
    course, certs = issued
    body, sig = split(certs["budi-santoso"].code)
    for change in ({"nm": "Budi Santoso Wijaya"}, {"m": body["m"] + ["m9-palsu"]}, {"d": "2026-01-01"}):
        verdict = verify(course, forge({**body, **change}, sig=sig))
        assert verdict.reason == "cert_bad_signature" and verdict.facts is None, change
    assert verify(course, certs["budi-santoso"].code[:-3]).reason == "cert_malformed"
    assert verify(course, "bukan-kode").reason == "cert_malformed"


def test_another_key_is_rejected_whatever_key_id_it_claims(issued):
    course, certs = issued
    body, _ = split(certs["siti-aminah"].code)
    thief = Ed25519PrivateKey.generate()
    own = {**body, "n": "UKM-EKSPOR-2026-9999", "k": key_id(thief.public_key())}
    invented = verify(course, forge(own, thief))  # an invented certificate
    assert invented.reason == "cert_unknown_key" and invented.facts is None
    claimed = {**body, "n": "UKM-EKSPOR-2026-9999"}  # the course's key id, the thief's signature
    assert verify(course, forge(claimed, thief)).reason == "cert_bad_signature"


def test_revoked_certificates_fail_and_the_list_cannot_be_edited_by_hand(issued):
    course, certs = issued
    number = certs["siti-aminah"].facts.number
    with pytest.raises(UkmError) as e:
        revoke(course, "UKM-EKSPOR-2026-0999", "  ", NOW)
    assert [p.code for p in e.value.problems] == ["unknown_certificate", "revoke_why_missing"]
    revoke(course, number.lower(), "Data peserta salah", NOW)
    verdict = verify(course, str(certs["siti-aminah"].pdf))
    assert (
        verdict.reason == "cert_revoked"
        and verdict.revocation is not None
        and verdict.revocation.why == "Data peserta salah"
    )
    assert verify(course, certs["budi-santoso"].code).valid
    with pytest.raises(UkmError) as e:
        revoke(course, number, "lagi", NOW)
    assert e.value.code == "already_revoked"
    # Issued again (the data corrected): a new number, the revoked one stays revoked.
    again = {c.student: c for c in issue_certificates(course, TODAY)}
    assert again["siti-aminah"].facts.number not in (number, certs["budi-santoso"].facts.number)
    assert again["budi-santoso"].facts.number == certs["budi-santoso"].facts.number
    assert verify(course, again["siti-aminah"].code).valid
    assert verify(course, certs["siti-aminah"].code).reason == "cert_revoked"
    # Someone edits the published list to un-revoke: the signature no longer matches, nothing is believed.
    path = course / REVOCATIONS_FILE
    signed = json.loads(path.read_text())
    body, sig = split(signed["code"])
    path.write_text(json.dumps({**signed, "code": forge({**body, "r": []}, sig=sig)}))
    with pytest.raises(UkmError) as e:
        verify(course, certs["siti-aminah"].code)
    assert e.value.code == "revocations_untrusted"


def test_rotation_keeps_old_certificates_and_rejects_the_old_key_afterwards(issued, keys_dir):
    course, certs = issued
    old_private, old_pub = cert_keys.current_signer(course)
    revoke(course, certs["budi-santoso"].facts.number, "Salah cetak", NOW)
    later = TODAY + dt.timedelta(days=3)
    retired, new = cert_keys.rotate_keys(course, later)
    assert retired is not None
    from ukm_tools.course.certificates import resign_revocations

    resign_revocations(course, NOW)
    assert retired.key_id == old_pub.key_id and new.key_id != old_pub.key_id
    assert json.loads((course / REVOCATIONS_FILE).read_text())["k"] == new.key_id
    assert verify(course, certs["siti-aminah"].code).valid  # issued before the rotation
    assert verify(course, certs["budi-santoso"].code).reason == "cert_revoked"  # still revoked
    # The lost key signing after its retirement: an expired-key certificate.
    body, _ = split(certs["siti-aminah"].code)
    late = {**body, "n": "UKM-EKSPOR-2026-0777", "d": (later + dt.timedelta(days=1)).isoformat()}
    assert verify(course, forge(late, old_private)).reason == "cert_key_retired"
    reissued = {c.student: c for c in issue_certificates(course, later)}
    assert reissued["siti-aminah"].facts.key_id == new.key_id
    assert reissued["siti-aminah"].facts.number == certs["siti-aminah"].facts.number
    assert verify(course, str(reissued["siti-aminah"].pdf)).valid


def test_a_retired_key_cannot_sign_a_backdated_certificate_but_what_it_issued_stays_valid(
    issued, keys_dir, monkeypatch
):
    # The leaked-key attack: whoever holds the retired private key signs a NEW certificate for any
    # name and number, dated before the retirement. Only codes the register shows it issued pass.
    course, certs = issued
    old_private, old_pub = cert_keys.current_signer(course)
    budi_first = certs["budi-santoso"]
    revoke(course, budi_first.facts.number, "Salah cetak", NOW)
    budi_second = {c.student: c for c in issue_certificates(course, TODAY)}["budi-santoso"]  # a new number
    assert budi_second.facts.number != budi_first.facts.number
    later = TODAY + dt.timedelta(days=3)
    cli = importlib.import_module("ukm_tools.cli.certificates")
    monkeypatch.setattr(cli, "_now", lambda: dt.datetime.combine(later, dt.time(8), JAKARTA))
    result = ukm("keys", "rotate", "--course", str(course))
    assert result.exit_code == 0, result.output
    rotated = result.output
    body, _ = split(certs["siti-aminah"].code)
    backdated = {**body, "n": "UKM-EKSPOR-2026-0999", "nm": "Orang Lain", "d": TODAY.isoformat()}
    forged = verify(course, forge(backdated, old_private))
    assert forged.reason == "cert_not_issued_by_retired_key" and forged.facts is None
    # Even a genuine certificate's own facts, re-signed on another date, are not what was issued.
    redated = verify(course, forge({**body, "d": (TODAY - dt.timedelta(days=1)).isoformat()}, old_private))
    assert redated.reason == "cert_not_issued_by_retired_key"
    # What the old key really issued before rotation: valid, or revoked (never called forged).
    assert verify(course, certs["siti-aminah"].code).valid
    assert verify(course, str(certs["siti-aminah"].pdf)).valid
    assert verify(course, budi_second.code).valid
    assert verify(course, budi_first.code).reason == "cert_revoked"
    # The keyring lists truncated hashes only: no name or number is published with it.
    published = json.loads((course / cert_keys.KEYRING_FILE).read_text(encoding="utf-8"))
    entry = next(k for k in published["keys"] if k["k"] == old_pub.key_id)
    assert len(entry["issued"]) == 3 and all(len(h) == 32 for h in entry["issued"])
    text = json.dumps(published)
    assert "Siti" not in text and "Budi" not in text and "EKSPOR" not in text
    assert "3 sertifikat yang diterbitkannya tetap sah" in rotated  # the office sees how many are listed
    result = ukm("verify", forge(backdated, old_private), "--course", str(course))
    assert result.exit_code == 1 and "sertifikat palsu" in result.output and "Orang Lain" not in result.output


def test_a_retired_key_from_an_old_keyring_without_its_issued_list_vouches_for_nothing(issued, keys_dir):
    # A keyring written before retired keys listed their codes: nothing proves which codes are genuine.
    course, certs = issued
    cert_keys.rotate_keys(course, TODAY + dt.timedelta(days=3))
    path = course / cert_keys.KEYRING_FILE
    ring = json.loads(path.read_text(encoding="utf-8"))
    for k in ring["keys"]:
        k.pop("issued", None)
    path.write_text(json.dumps(ring), encoding="utf-8")
    assert verify(course, certs["siti-aminah"].code).reason == "cert_not_issued_by_retired_key"
    # Re-issuing under the current key (the same numbers) gives valid certificates again.
    reissued = {c.student: c for c in issue_certificates(course, TODAY + dt.timedelta(days=4))}
    assert reissued["siti-aminah"].facts.number == certs["siti-aminah"].facts.number
    assert verify(course, reissued["siti-aminah"].code).valid


def test_rotating_with_a_register_from_before_it_recorded_codes_lists_the_codes_in_its_pdfs(issued, keys_dir):
    # An office that issued certificates before this change, then rotates: the register has numbers
    # but no codes, so the retired key's list is read from the certificates' PDFs that are still there.
    from ukm_tools.course.certificates import PDF_DIR, REGISTER_FILE

    course, certs = issued
    register = load_register(course)
    for entry in register.values():
        del entry["codes"]
    (course / REGISTER_FILE).write_text(json.dumps(register), encoding="utf-8")
    (course / PDF_DIR / f"{certs['budi-santoso'].facts.number}.pdf").unlink()
    cert_keys.rotate_keys(course, TODAY + dt.timedelta(days=3))
    assert verify(course, certs["siti-aminah"].code).valid
    assert verify(course, certs["budi-santoso"].code).reason == "cert_not_issued_by_retired_key"  # no PDF left


def test_private_key_is_600_outside_the_course_and_the_public_keyring_inside(issued, keys_dir):
    course, certs = issued
    ring = cert_keys.load_keyring(course)
    assert ring.current is not None
    private = cert_keys.private_key_path(course, ring.course_id, ring.current.key_id)
    assert private.is_relative_to(keys_dir) and not private.is_relative_to(course)
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert stat.S_IMODE(private.parent.stat().st_mode) == 0o700
    published = [p for p in course.rglob("*") if p.is_file() and b"PRIVATE KEY" in p.read_bytes()[:200]]
    assert published == []
    assert ring.current.key_id in (course / PAGE_FILE).read_text()
    # The register keeps the number per participant (staff only), not in the published folder.
    assert set(load_register(course)) == set(COMPLETED)
    os.chmod(private, 0o644)
    with pytest.raises(UkmError) as e:
        issue_certificates(course, TODAY)
    assert e.value.code == "private_key_open"
    private.unlink()
    with pytest.raises(UkmError) as e:
        issue_certificates(course, TODAY)
    assert e.value.code == "private_key_missing"


def test_a_keys_folder_inside_the_course_is_refused(synthetic, monkeypatch):
    monkeypatch.setenv("UKM_KEYS_DIR", str(synthetic.course / "kunci"))
    with pytest.raises(UkmError) as e:
        cert_keys.create_keys(synthetic.course, TODAY)
    assert e.value.code == "private_key_in_course"
    assert not (synthetic.course / "kunci").exists()


def test_an_old_course_without_keys_is_told_to_create_them(synthetic, keys_dir):
    cohort(synthetic)
    result = ukm("certificates", "--course", str(synthetic.course))
    assert result.exit_code == 2 and "ukm keys create" in result.output
    result = ukm("keys", "create", "--course", str(synthetic.course))
    assert result.exit_code == 0, result.output
    assert "ukm keys rotate" in ukm("keys", "create", "--course", str(synthetic.course)).output
    result = ukm("certificates", "--course", str(synthetic.course))
    assert result.exit_code == 0, result.output
    assert "2 sertifikat ditulis" in result.output


def test_cli_verify_and_revoke(issued):
    course, certs = issued
    siti = certs["siti-aminah"]
    result = ukm("verify", str(siti.pdf), "--course", str(course))
    assert result.exit_code == 0 and "SAH" in result.output and "Siti Aminah" in result.output
    result = ukm("verify", siti.url[:-4] + "AAAA", "--course", str(course))
    assert result.exit_code == 1 and "TIDAK SAH" in result.output and "Siti" not in result.output
    result = ukm("revoke", siti.facts.number, "--why", "Nama salah ketik", "--course", str(course))
    assert result.exit_code == 0, result.output
    result = ukm("verify", siti.code, "--course", str(course), "--lang", "en")
    assert result.exit_code == 1 and "REVOKED" in result.output and "Nama salah ketik" in result.output


def test_verify_reads_a_photo_of_the_qr_and_says_when_there_is_none(issued, tmp_path):
    import pypdfium2 as pdfium
    from PIL import Image

    course, certs = issued
    # A phone photo's stand-in: the printed page rendered at 100 dpi, grey and cropped to the QR's corner.
    pdf = pdfium.PdfDocument(str(certs["budi-santoso"].pdf))
    page = pdf[0].render(scale=100 / 72).to_pil().convert("L")
    pdf.close()
    photo = tmp_path / "foto-qr.jpg"
    page.crop((page.width // 2, page.height // 3, page.width, page.height)).save(photo, quality=70)
    verdict = verify(course, str(photo))
    assert verdict.valid and verdict.facts is not None and verdict.facts.name == "Budi Santoso"
    blank = tmp_path / "kosong.png"
    Image.new("RGB", (400, 400), "white").save(blank)
    with pytest.raises(UkmError) as e:
        verify(course, str(blank))
    assert e.value.code == "qr_not_found"
    (tmp_path / "rusak.pdf").write_bytes(b"%PDF-1.4 bukan pdf")
    with pytest.raises(UkmError) as e:
        verify(course, str(tmp_path / "rusak.pdf"))
    assert e.value.code == "unreadable_file"


def test_the_page_data_has_no_raw_line_separators(issued):
    # U+2028 and U+2029 end a line inside a script on browsers older than ES2019 (the old Android
    # phones the page is built for): one in a course title would stop the whole check with a SyntaxError.
    from ukm_tools.course.config import load_course
    from ukm_tools.course.verify_page import build_page

    course, _ = issued
    spec = load_course(course)
    spec = spec.model_copy(update={"title": "Ekspor\u2028sirup\u2029kasturi </script><!--"})
    page = build_page(spec, cert_keys.load_keyring(course), None)
    assert "\u2028" not in page and "\u2029" not in page and "</script><!--" not in page
    data = page.split("var DATA = ", 1)[1].split(";\n", 1)[0]
    assert json.loads(data)["course"]["title"] == "Ekspor\u2028sirup\u2029kasturi </script><!--"
