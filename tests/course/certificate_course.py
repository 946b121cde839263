"""A synthetic course whose participants completed (or not), with certificate keys, for certificate tests.

Also the forger's tools: re-signing a changed payload with another key, as an attacker would.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.course.synthetic_gradebook import Sub, SyntheticCourse, full_marks
from ukm_tools.certificate_code import b64url, unb64url

TODAY = dt.date(2026, 3, 2)
COMPLETED = ("siti-aminah", "budi-santoso")  # every module done, every session attended
NOT_COMPLETED = "rina-belum"  # one module missing


def cohort(course: SyntheticCourse) -> None:
    course.add_students(
        [
            {"id": "siti-aminah", "name": "Siti Aminah", "email": "siti@contoh.id", "phone": "0812 1111 2222"},
            {"id": "budi-santoso", "name": "Budi Santoso"},
            {"id": NOT_COMPLETED, "name": "Rina Belum"},
        ]
    )
    course.attend({(s.id, p): True for s in course.spec.sessions for p in (*COMPLETED, NOT_COMPLETED)})
    subs = [Sub(p, a.name, full_marks(course, a.name)) for p in COMPLETED for a in course.spec.assignments()]
    subs += [
        Sub(NOT_COMPLETED, a.name, full_marks(course, a.name)) for a in course.spec.assignments()[:-1]
    ]  # the last module's assignment never handed in
    course.submit(subs)


def split(code: str) -> tuple[dict, bytes]:
    data, sig = code.split(".")
    return json.loads(unb64url(data)), unb64url(sig)


def forge(body: dict, private: Ed25519PrivateKey | None = None, sig: bytes | None = None) -> str:
    """A code with ``body`` as payload: signed by ``private``, or carrying another code's ``sig``."""
    data = json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode()
    signature = private.sign(data) if private else sig
    assert signature is not None
    return f"{b64url(data)}.{b64url(signature)}"


def course_from_template(synthetic_template: SyntheticCourse, folder: Path) -> SyntheticCourse:
    return synthetic_template.copy(folder)
