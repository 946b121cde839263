"""The code a certificate's QR carries: a compact payload signed with the course's Ed25519 key.

A code is ``<payload>.<signature>``, both base64url without padding. The payload is compact JSON
(short keys) holding only what proves the certificate: its number, the participant's name (what
the verifier compares with the paper), the course id, the date, the modules passed and the id of
the key that signed it. No NIK, phone, e-mail, gender or address (UU 27/2022). The signature
covers the payload's exact bytes, so no canonical form is needed to check it, here or in the
verification page's JavaScript (:mod:`ukm_tools.course.verify_page`), which follows the same
steps in the same order as :func:`verify_code`.

A keyring lists the course's public keys. A key retired by ``ukm keys rotate`` (lost or leaked,
so possibly in a forger's hands) vouches only for the codes it had actually issued by then: its
keyring entry lists each one's :func:`issued_hash`, and a code missing from that list, or dated
after the retirement, is refused whatever its signature (until then each listed one stays valid
until revoked). A retired key without a list (a keyring from before the list existed) vouches for
nothing. A revocation list is signed the same way and checked before it is believed.

Pure: no files, no clock (the caller passes dates), no network.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from ukm_tools.errors import UkmError

MAX_SIGNED_BYTES = 300  # payload + signature, before base64: keeps the QR readable at 4 cm
VERSION = 1
# A retired key's issued list holds this many leading bytes of each code's SHA-256 (hex): ample
# against collisions, and the signature in what is hashed means nobody without the code itself
# can test a guessed name or number against the published list.
ISSUED_HASH_BYTES = 16


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def unb64url(text: str) -> bytes:
    if not text or any(c not in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_" for c in text):
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw)


def key_id(key: Ed25519PublicKey) -> str:
    """A short name for a public key: the first 8 hex digits of its SHA-256 (printed on each certificate)."""
    return hashlib.sha256(public_raw(key)).hexdigest()[:8]


def _issued_hash(data: bytes, sig: bytes) -> str:
    return hashlib.sha256(data + sig).digest()[:ISSUED_HASH_BYTES].hex()


@dataclass(frozen=True)
class PublicKey:
    """One key of a course's keyring.

    ``retired_on``: the day rotation replaced it (None: current); ``issued``: once retired, the
    :func:`issued_hash` of every code it had signed by then (the only codes it still vouches for).
    """

    key_id: str
    raw: bytes
    created_on: dt.date
    retired_on: dt.date | None = None
    issued: frozenset[str] = frozenset()

    def to_json(self) -> dict[str, Any]:
        body: dict[str, Any] = {
            "k": self.key_id,
            "pub": b64url(self.raw),
            "created": self.created_on.isoformat(),
            "retired": self.retired_on.isoformat() if self.retired_on else None,
        }
        if self.retired_on:
            body["issued"] = sorted(self.issued)
        return body

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PublicKey:
        retired = data.get("retired")
        issued = data.get("issued") or []
        if not isinstance(issued, list):
            raise TypeError("issued must be a list of hashes")
        return cls(
            str(data["k"]),
            unb64url(str(data["pub"])),
            dt.date.fromisoformat(str(data["created"])),
            dt.date.fromisoformat(str(retired)) if retired else None,
            frozenset(str(h) for h in issued),
        )


@dataclass(frozen=True)
class Keyring:
    """A course's public keys (what is published with it and embedded in the verification page)."""

    course_id: str
    keys: tuple[PublicKey, ...] = ()

    def get(self, kid: str) -> PublicKey | None:
        return next((k for k in self.keys if k.key_id == kid), None)

    @property
    def current(self) -> PublicKey | None:
        return next((k for k in reversed(self.keys) if k.retired_on is None), None)

    def to_json(self) -> dict[str, Any]:
        return {"course": self.course_id, "keys": [k.to_json() for k in self.keys]}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Keyring:
        return cls(str(data["course"]), tuple(PublicKey.from_json(k) for k in data.get("keys", [])))


@dataclass(frozen=True)
class CertificateFacts:
    """What a certificate's code states."""

    number: str
    name: str
    course_id: str
    issued_on: dt.date
    modules: tuple[str, ...]
    key_id: str

    def payload(self) -> bytes:
        body = {
            "v": VERSION,
            "n": self.number,
            "nm": self.name,
            "c": self.course_id,
            "d": self.issued_on.isoformat(),
            "m": list(self.modules),
            "k": self.key_id,
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign_bytes(private: Ed25519PrivateKey, data: bytes) -> str:
    return f"{b64url(data)}.{b64url(private.sign(data))}"


def sign_certificate(private: Ed25519PrivateKey, facts: CertificateFacts) -> str:
    """The code for ``facts`` (refused when its key id is not ``private``'s or it is too long for the QR)."""
    if facts.key_id != key_id(private.public_key()):
        raise ValueError("facts.key_id must be the signing key's id")
    data = facts.payload()
    if len(data) + 64 > MAX_SIGNED_BYTES:
        raise UkmError("certificate_too_long", "number", facts.number, MAX_SIGNED_BYTES, size=len(data) + 64)
    return sign_bytes(private, data)


def _split(code: str) -> tuple[bytes, bytes]:
    code = code.strip()
    if "#" in code:  # a whole verification URL: the code is its fragment
        code = code.rsplit("#", 1)[1]
    parts = code.split(".")
    if len(parts) != 2:
        raise ValueError("two parts expected")
    data, sig = unb64url(parts[0]), unb64url(parts[1])
    if len(sig) != 64:
        raise ValueError("signature length")
    return data, sig


def issued_hash(code: str) -> str:
    """What a retired key's issued list records of ``code``: the truncated SHA-256 of its signed bytes and signature."""
    return _issued_hash(*_split(code))


def _signed_by(pub: PublicKey, data: bytes, sig: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(pub.raw).verify(sig, data)
    except (InvalidSignature, ValueError):
        return False
    return True


@dataclass(frozen=True)
class Revocation:
    number: str
    revoked_on: dt.date
    why: str


@dataclass(frozen=True)
class RevocationList:
    """Revoked certificate numbers as of ``as_of`` (a date-time, Asia/Jakarta, ISO text)."""

    course_id: str
    as_of: str
    entries: tuple[Revocation, ...] = ()

    def find(self, number: str) -> Revocation | None:
        return next((r for r in self.entries if r.number == number), None)

    def payload(self) -> bytes:
        body = {
            "c": self.course_id,
            "t": self.as_of,
            "r": [{"n": r.number, "d": r.revoked_on.isoformat(), "w": r.why} for r in self.entries],
        }
        return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def sign_revocations(private: Ed25519PrivateKey, revocations: RevocationList) -> dict[str, str]:
    """The published form of a revocation list: its signed code and the signing key's id."""
    return {"k": key_id(private.public_key()), "code": sign_bytes(private, revocations.payload())}


def read_revocations(keyring: Keyring, signed: Mapping[str, str] | None) -> RevocationList:
    """The list in ``signed`` once its signature checks against the keyring (an empty list: none yet).

    Raises UkmError ``revocations_untrusted`` when it does not: a list nobody can vouch for must
    not make a revoked certificate look valid, nor a valid one look revoked.
    """
    if not signed:
        return RevocationList(keyring.course_id, "")
    pub = keyring.get(str(signed.get("k", "")))
    try:
        data, sig = _split(str(signed.get("code", "")))
        ok = pub is not None and _signed_by(pub, data, sig)
        body = json.loads(data) if ok else None
    except (ValueError, binascii.Error, json.JSONDecodeError):
        ok, body = False, None
    if not ok or not isinstance(body, dict) or body.get("c") != keyring.course_id:
        raise UkmError("revocations_untrusted", "revocations")
    entries = tuple(Revocation(str(r["n"]), dt.date.fromisoformat(str(r["d"])), str(r["w"])) for r in body["r"])
    return RevocationList(keyring.course_id, str(body["t"]), entries)


@dataclass(frozen=True)
class Verdict:
    """The outcome of checking a code: ``reason`` is None when valid, else a catalogue problem code.

    ``facts`` only once the signature has checked (valid, revoked, retired key): a forger's are never shown.
    """

    reason: str | None
    facts: CertificateFacts | None = None
    revocation: Revocation | None = None
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def valid(self) -> bool:
        return self.reason is None


def _facts(data: bytes) -> CertificateFacts | None:
    try:
        body = json.loads(data.decode("utf-8"))
        if body.get("v") != VERSION:
            return None
        modules = body["m"]
        if not isinstance(modules, list):
            return None
        return CertificateFacts(
            str(body["n"]),
            str(body["nm"]),
            str(body["c"]),
            dt.date.fromisoformat(str(body["d"])),
            tuple(str(m) for m in modules),
            str(body["k"]),
        )
    except (ValueError, KeyError, TypeError, AttributeError):
        return None


def verify_code(code: str, keyring: Keyring, revocations: RevocationList) -> Verdict:
    """Check a code against the course's keyring and revocation list (same steps as the page)."""
    try:
        data, sig = _split(code)
    except (ValueError, binascii.Error):
        return Verdict("cert_malformed")
    facts = _facts(data)
    if facts is None:
        return Verdict("cert_malformed")
    pub = keyring.get(facts.key_id)
    if pub is None:
        return Verdict("cert_unknown_key", details={"key": facts.key_id})  # facts nobody vouches for
    if not _signed_by(pub, data, sig):
        return Verdict("cert_bad_signature")  # the facts are not shown: nobody vouches for them
    if facts.course_id != keyring.course_id:
        return Verdict("cert_other_course", facts)
    if pub.retired_on is not None and facts.issued_on > pub.retired_on:
        return Verdict("cert_key_retired", facts, details={"key": pub.key_id, "retired": pub.retired_on})
    if pub.retired_on is not None and _issued_hash(data, sig) not in pub.issued:
        # Backdated by whoever holds the retired key: its facts are not shown, nobody vouches for them.
        return Verdict("cert_not_issued_by_retired_key", details={"key": pub.key_id, "retired": pub.retired_on})
    revoked = revocations.find(facts.number)
    if revoked is not None:
        return Verdict("cert_revoked", facts, revoked)
    return Verdict(None, facts)
