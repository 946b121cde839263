"""Certificates: issued from the completion module's verdict, revoked, and verified.

Who completed which modules and when comes from :func:`ukm_tools.course.completion.completions`
(never recomputed here). Each participant keeps one certificate number, recorded in the staff
register ``sertifikat/terbit.json`` (inside the course, not published) with, per signing key, the
:func:`~ukm_tools.certificate_code.issued_hash` of every code issued to them: what a key's entry in
the keyring lists when ``ukm keys rotate`` retires it. What is published lives in
``sertifikat/publik/``: the keyring, the signed revocation list ``dicabut.json`` and the
verification page ``verifikasi.html``, rebuilt whenever one of them changes.
"""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ukm_tools.certificate_code import (
    CertificateFacts,
    Keyring,
    Revocation,
    RevocationList,
    Verdict,
    issued_hash,
    read_revocations,
    sign_certificate,
    sign_revocations,
    verify_code,
)
from ukm_tools.course.cert_keys import PUBLIC_DIR, current_signer, load_keyring, write_json
from ukm_tools.course.config import CourseSpec, load_course
from ukm_tools.errors import UkmError

REGISTER_FILE = Path("sertifikat") / "terbit.json"
REVOCATIONS_FILE = PUBLIC_DIR / "dicabut.json"
PAGE_FILE = PUBLIC_DIR / "verifikasi.html"
PDF_DIR = Path("sertifikat") / "pdf"


@dataclass(frozen=True)
class Issued:
    student: str
    facts: CertificateFacts
    code: str
    url: str
    pdf: Path


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as e:
        raise UkmError("malformed_file", "file", str(path), detail=str(e)) from None


def load_register(course_dir: Path) -> dict[str, dict[str, Any]]:
    path = course_dir / REGISTER_FILE
    return _read_json(path) if path.is_file() else {}


def issued_by(course_dir: Path, kid: str) -> frozenset[str]:
    """The issued hashes of every code key ``kid`` signed, from the register (what its retirement lists).

    A register entry from before the register recorded codes contributes the code in its PDF in
    the default folder, when that PDF is there and its code is signed by ``kid`` for that number.
    """
    hashes = set()
    keyring = None
    for entry in load_register(course_dir).values():
        if "codes" in entry:
            hashes.update(entry["codes"].get(kid, []))
        elif entry.get("key") == kid:
            keyring = keyring or load_keyring(course_dir)  # read once, only when a legacy entry needs it
            hashes.update(_legacy_code(course_dir, keyring, kid, entry["number"]))
    return frozenset(hashes)


def _legacy_code(course_dir: Path, keyring: Keyring, kid: str, number: str) -> list[str]:
    pdf = course_dir / PDF_DIR / f"{number}.pdf"
    try:
        code = read_qr(pdf) if pdf.is_file() else ""
    except UkmError:
        return []
    verdict = verify_code(code, keyring, RevocationList("", ""))
    ok = verdict.valid and verdict.facts is not None and (verdict.facts.key_id, verdict.facts.number) == (kid, number)
    return [issued_hash(code)] if ok else []


def _number(spec: CourseSpec, year: int, serial: int) -> str:
    return f"{spec.course_id.upper()}-{year}-{serial:04d}"


def load_revocations(course_dir: Path) -> tuple[dict[str, str] | None, RevocationList]:
    """The published signed list and what it says (checked against the keyring)."""
    path = course_dir / REVOCATIONS_FILE
    signed = _read_json(path) if path.is_file() else None
    return signed, read_revocations(load_keyring(course_dir), signed)


def write_page(course_dir: Path) -> Path:
    from ukm_tools.course.verify_page import build_page

    spec = load_course(course_dir)
    signed, _ = load_revocations(course_dir)
    path = course_dir / PAGE_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(build_page(spec, load_keyring(course_dir), signed), encoding="utf-8")
    return path


def issue_certificates(course_dir: str | Path, today: dt.date, out_dir: str | Path | None = None) -> list[Issued]:
    """One signed PDF per participant who completed; numbers kept across runs; the page rebuilt."""
    from ukm_tools.course.certificate_pdf import write_certificate_pdf
    from ukm_tools.course.completion import completions
    from ukm_tools.course.ops import db_url
    from ukm_tools.course.participants import load_participants

    course_dir = Path(course_dir)
    spec = load_course(course_dir)
    if not spec.certificate.verify_url:
        raise UkmError("verify_url_missing", "certificate.verify_url")
    private, pub = current_signer(course_dir)
    done = completions(course_dir)
    products = {sid: p.product_name for sid, p in load_participants(db_url(course_dir)).items()}
    register = load_register(course_dir)
    _, revocations = load_revocations(course_dir)
    serials = [int(r["number"].rsplit("-", 1)[1]) for r in register.values()]
    serials += [int(r.number.rsplit("-", 1)[1]) for r in revocations.entries]  # a number is never reused
    out = Path(out_dir) if out_dir else course_dir / PDF_DIR
    issued = []
    for c in done:
        entry = before = register.get(c.student)
        if entry is None or revocations.find(entry["number"]):  # a revoked certificate is replaced, not reissued
            serials.append(max(serials, default=0) + 1)
            entry = {"number": _number(spec, (c.completed_on or today).year, serials[-1])}
        day = c.completed_on or today
        facts = CertificateFacts(
            entry["number"], c.name, spec.course_id, day, tuple(m.module_id for m in c.modules), pub.key_id
        )
        code = sign_certificate(private, facts)
        url = f"{spec.certificate.verify_url}#{code}"
        pdf = write_certificate_pdf(
            out / f"{facts.number}.pdf", spec, facts, url, business=products.get(c.student, ""), modules=c.modules
        )
        # Every code ever issued stays listed (a replaced one too: revocation, not the list, refuses it).
        codes = {k: list(v) for k, v in (before or {}).get("codes", {}).items()}
        mine = codes.setdefault(pub.key_id, [])
        if issued_hash(code) not in mine:
            mine.append(issued_hash(code))
        register[c.student] = {"number": facts.number, "date": day.isoformat(), "key": pub.key_id, "codes": codes}
        issued.append(Issued(c.student, facts, code, url, pdf))
    write_json(course_dir / REGISTER_FILE, register)
    write_page(course_dir)
    return issued


def revoke(course_dir: str | Path, number: str, why: str, now: dt.datetime) -> Revocation:
    """Add ``number`` to the signed revocation list (and rebuild the page)."""
    course_dir = Path(course_dir)
    number = number.strip().upper()
    why = " ".join(why.split())
    problems_found = []
    known = {r["number"] for r in load_register(course_dir).values()}
    if number not in known:
        problems_found.append(("unknown_certificate", "number", number))
    if not why:
        problems_found.append(("revoke_why_missing", "why", why))
    if problems_found:
        from ukm_tools.errors import Problem

        raise UkmError(problems=[Problem(code, f, v) for code, f, v in problems_found])
    private, _ = current_signer(course_dir)
    _, current = load_revocations(course_dir)
    if current.find(number):
        raise UkmError("already_revoked", "number", number)
    entry = Revocation(number, now.date(), why)
    updated = RevocationList(current.course_id, now.isoformat(), (*current.entries, entry))
    write_json(course_dir / REVOCATIONS_FILE, sign_revocations(private, updated))
    write_page(course_dir)
    return entry


def resign_revocations(course_dir: str | Path, now: dt.datetime) -> None:
    """After a rotation: the same list signed by the new key (the old one may be in wrong hands)."""
    course_dir = Path(course_dir)
    if not (course_dir / REVOCATIONS_FILE).is_file():
        return
    _, current = load_revocations(course_dir)
    private, _ = current_signer(course_dir)
    updated = RevocationList(current.course_id, now.isoformat(), current.entries)
    write_json(course_dir / REVOCATIONS_FILE, sign_revocations(private, updated))


def read_qr(path: Path) -> str:
    """The text of the QR code in an image or (the first page of) a PDF, rendered at 200 dpi."""
    import zxingcpp
    from PIL import Image, UnidentifiedImageError

    if path.suffix.lower() == ".pdf":
        import pypdfium2 as pdfium

        try:
            pdf = pdfium.PdfDocument(str(path))
        except pdfium.PdfiumError as e:
            raise UkmError("unreadable_file", "file", str(path), detail=str(e)) from None
        try:
            image = pdf[0].render(scale=200 / 72).to_pil()
        finally:
            pdf.close()
    else:
        try:
            image = Image.open(path)
            image.load()
        except (UnidentifiedImageError, OSError) as e:
            raise UkmError("unreadable_file", "file", str(path), detail=str(e)) from None
    found = [r.text for r in zxingcpp.read_barcodes(image) if r.text]
    if not found:
        raise UkmError("qr_not_found", "file", str(path))
    return found[0]


def verify(course_dir: str | Path, source: str) -> Verdict:
    """Check a code, a verification URL, a QR image or a certificate PDF against the course."""
    course_dir = Path(course_dir)
    try:
        is_file = Path(source).is_file()
    except OSError:  # a code longer than a file name can be
        is_file = False
    code = read_qr(Path(source)) if is_file else source
    _, revocations = load_revocations(course_dir)
    return verify_code(code, load_keyring(course_dir), revocations)
