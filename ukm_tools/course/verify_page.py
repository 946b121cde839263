"""verifikasi.html: one static page that checks a certificate's signature in the phone's browser.

The page carries everything it needs inline: the course's public keyring, its signed revocation
list (as of when the page was built, and it says so), its texts from the message catalogue and
the Ed25519 verifier and SHA-256 (a retired key's issued list) bundled at build time from npm
(``make verifier``: audited @noble/ed25519 and @noble/hashes, pinned in the Makefile), not the
browser's own WebCrypto Ed25519, which older Android browsers lack. A Content-Security-Policy
forbids every network request, so the office may host it anywhere (or send the file itself) and
the code in the URL's fragment (``#...``, never sent to a server) is checked on the phone.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import os
import sys
from importlib import resources
from pathlib import Path

from ukm_tools.certificate_code import ISSUED_HASH_BYTES, Keyring
from ukm_tools.course.audit import JAKARTA
from ukm_tools.course.config import CourseSpec
from ukm_tools.errors import UkmError
from ukm_tools.messages import catalogue, section

T = section("course.verify_page")
# Built by `make verifier` into the venv (env UKM_VERIFIER_JS: another build of the same bundle).
VERIFIER_JS = Path(sys.prefix) / "verifier" / "verifier.js"
_PAGE_TEXTS = (
    "valid invalid revoked compare f_number f_name f_course f_date f_modules f_key f_issuer "
    "revocations_as_of revocations_none"
).split()
_PROBLEMS = (
    "cert_malformed cert_unknown_key cert_bad_signature cert_other_course cert_key_retired "
    "cert_not_issued_by_retired_key cert_revoked revocations_untrusted"
).split()


def verifier_js() -> str:
    path = Path(os.environ.get("UKM_VERIFIER_JS") or VERIFIER_JS)
    if not path.is_file():
        raise UkmError("verifier_missing", "file", str(path))
    return path.read_text(encoding="utf-8")


def _script_json(data: object) -> str:
    # Inside <script>: no "</script>" or "<!--" can be spelt by a name in the data, and no line
    # separator ends a string literal (a SyntaxError on browsers older than ES2019).
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def build_page(
    spec: CourseSpec, keyring: Keyring, revocations: dict[str, str] | None, built: dt.datetime | None = None
) -> str:
    built = built or dt.datetime.now(JAKARTA).replace(microsecond=0)
    problems = catalogue().problems
    data = {
        "course": {
            "id": spec.course_id,
            "title": spec.title,
            "city": spec.certificate.city,
            "issuer": spec.certificate.issuer,
            "modules": {m.id: m.title for m in spec.modules},
        },
        "keys": [k.to_json() for k in keyring.keys],  # a retired key's with the codes it issued
        "issued_hash_bytes": ISSUED_HASH_BYTES,
        "revocations": revocations,
        "built": built.isoformat(),
        "text": {k: T(f"shown_{k}", "id", date="{date}") for k in _PAGE_TEXTS},  # shown by the script
        "problems": {code: problems[code]["id"] for code in _PROBLEMS},
    }
    template = resources.files("ukm_tools").joinpath("templates", "verifier", "page.html").read_text("utf-8")
    page = template.replace("__TITLE__", html.escape(T("page_title", "id")))
    page = page.replace("__INTRO__", html.escape(T("intro", "id")))
    page = page.replace("__PASTE__", html.escape(T("paste_label", "id")))
    page = page.replace("__CHECK__", html.escape(T("check_button", "id")))
    page = page.replace("__VERIFIER__", verifier_js().replace("</script", "<\\/script"))
    return page.replace("__DATA__", _script_json(data))
