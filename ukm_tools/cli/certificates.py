"""Certificate commands: certificates, verify, revoke, keys create/rotate.

Thin calls into :mod:`ukm_tools.course.certificates` and :mod:`ukm_tools.course.cert_keys`;
texts from the message catalogue (``cli/certificates.yaml``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import typer

from ukm_tools.cli.base import LangOption, app, console, resolve_lang, user_errors
from ukm_tools.cli.course import CourseOption, course_path
from ukm_tools.messages import section

T = section("cli.certificates")
keys_app = typer.Typer(help="Kunci tanda tangan sertifikat. / Certificate signing keys.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


def _now() -> dt.datetime:
    from ukm_tools.course.audit import JAKARTA

    return dt.datetime.now(JAKARTA).replace(microsecond=0)


def _say(text: str) -> None:
    console.print(text, highlight=False, markup=False)


def show_key_created(course: Path, lang: str) -> None:
    """Create the course's first key pair and say where its halves are (ukm init, ukm keys create)."""
    from ukm_tools.course.cert_keys import KEYRING_FILE, create_keys, load_keyring, private_key_path

    new = create_keys(course, _now().date())
    ring = load_keyring(course)
    _say(T("key_created", lang, key=new.key_id, public=course / KEYRING_FILE))
    _say(T("key_private", lang, path=private_key_path(course, ring.course_id, new.key_id)))


@keys_app.command("create")
def keys_create(course: Path = CourseOption, lang: str = LangOption) -> None:
    """Buat kunci tanda tangan untuk kursus lama. / Create the signing key of an older course."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        show_key_created(course_path(course), lang)


@keys_app.command("rotate")
def keys_rotate(course: Path = CourseOption, lang: str = LangOption) -> None:
    """Ganti kunci (hilang/bocor); sertifikat lama tetap sah. / Replace a lost key; old certificates stay valid."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.cert_keys import rotate_keys
        from ukm_tools.course.certificates import resign_revocations, write_page

        path = course_path(course)
        now = _now()
        old, new = rotate_keys(path, now.date())
        resign_revocations(path, now)
        page = write_page(path)
    count = len(old.issued) if old else 0
    _say(T("key_rotated", lang, old=old.key_id if old else "-", count=count, new=new.key_id, date=now.date()))
    _say(T("page_written", lang, path=page))


@app.command("certificates")
def certificates_cmd(
    course: Path = CourseOption,
    out: Path = typer.Option(None, "--out", "-o", help="Folder PDF (bawaan: <kursus>/sertifikat/pdf)."),
    lang: str = LangOption,
) -> None:
    """Satu sertifikat PDF bertanda tangan per peserta yang lulus. / One signed PDF per participant who completed."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.certificates import PAGE_FILE, issue_certificates

        path = course_path(course)
        issued = issue_certificates(path, _now().date(), out)
    for c in issued:
        _say(f"  {c.facts.number}  {c.facts.name}  {c.pdf}")
    folder = issued[0].pdf.parent if issued else (out or path / "sertifikat" / "pdf")
    _say(T("issued", lang, count=len(issued), folder=folder))
    _say(T("page_written", lang, path=path / PAGE_FILE))


@app.command("verify")
def verify_cmd(
    source: str = typer.Argument(..., help="Kode, alamat verifikasi, gambar QR atau PDF sertifikat."),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Periksa keaslian sertifikat. / Check whether a certificate is genuine (exit 1 when not)."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.certificates import verify
        from ukm_tools.errors import Problem

        verdict = verify(course_path(course), source)
        reason = None
        if verdict.reason:
            params = dict(verdict.details)
            if verdict.facts:
                params.setdefault("course", verdict.facts.course_id)
            if verdict.revocation:
                r = verdict.revocation
                params.update(number=r.number, date=r.revoked_on, why=r.why)
            reason = Problem(verdict.reason, params=params).message(lang)
    if verdict.valid:
        _say(T("valid", lang))
    else:
        _say(T("invalid", lang, reason=reason))
    f = verdict.facts
    if f is not None:
        _say(T("facts", lang, number=f.number, name=f.name, course=f.course_id, date=f.issued_on, key=f.key_id))
        _say(T("facts_modules", lang, modules=", ".join(f.modules)))
    if not verdict.valid:
        raise typer.Exit(1)


@app.command("revoke")
def revoke_cmd(
    number: str = typer.Argument(..., help="Nomor sertifikat, misalnya UKM-EKSPOR-2026-0001."),
    why: str = typer.Option("", "--why", help="Alasan pencabutan (wajib). / Reason (required)."),
    course: Path = CourseOption,
    lang: str = LangOption,
) -> None:
    """Cabut sertifikat (daftar pencabutan bertanda tangan). / Revoke a certificate (signed list)."""
    lang = resolve_lang(lang)
    with user_errors(lang):
        from ukm_tools.course.certificates import PAGE_FILE, revoke

        path = course_path(course)
        entry = revoke(path, number, why, _now())
    _say(T("revoked", lang, number=entry.number, date=entry.revoked_on))
    _say(T("page_written", lang, path=path / PAGE_FILE))
