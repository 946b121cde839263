"""A course's signing keys: the private key kept outside the course, the public keyring inside it.

The private key of each key pair is a PEM file (mode 600, its folder 700) under
``$UKM_KEYS_DIR/<course_id>/`` (default ``~/.config/ukm-tools/kunci``): out of the course folder,
so out of any repository or published copy of it; a keys folder inside the course is refused.
The public keyring ``sertifikat/publik/kunci-publik.json`` is published with the course and
embedded in the verification page. ``ukm keys rotate`` (a lost or leaked key) retires the
current key as of today and lists in its keyring entry the codes it issued, from the register of
issued certificates: those stay valid until revoked; anything else it signs, backdated or not, is
rejected.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import replace
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    load_pem_private_key,
)

from ukm_tools.certificate_code import Keyring, PublicKey, key_id, public_raw
from ukm_tools.course.config import load_course
from ukm_tools.errors import UkmError

PUBLIC_DIR = Path("sertifikat") / "publik"  # inside the course: what the office publishes
KEYRING_FILE = PUBLIC_DIR / "kunci-publik.json"


def keys_root() -> Path:
    env = os.environ.get("UKM_KEYS_DIR")
    return Path(env).expanduser() if env else Path.home() / ".config" / "ukm-tools" / "kunci"


def _private_dir(course_dir: Path, course_id: str) -> Path:
    folder = (keys_root() / course_id).resolve()
    if folder.is_relative_to(course_dir.resolve()):
        raise UkmError("private_key_in_course", "UKM_KEYS_DIR", str(folder))
    return folder


def private_key_path(course_dir: Path, course_id: str, kid: str) -> Path:
    return _private_dir(course_dir, course_id) / f"{kid}.pem"


def load_keyring(course_dir: str | Path) -> Keyring:
    """The course's published keyring (empty for a course made before certificates)."""
    course_dir = Path(course_dir)
    spec = load_course(course_dir)
    path = course_dir / KEYRING_FILE
    if not path.is_file():
        return Keyring(spec.course_id)
    try:
        ring = Keyring.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (ValueError, KeyError, TypeError) as e:
        raise UkmError("malformed_file", "file", str(path), detail=str(e)) from None
    if ring.course_id != spec.course_id:
        raise UkmError("keyring_other_course", "file", str(path), course=ring.course_id, expected=spec.course_id)
    return ring


def write_json(path: Path, data: Any) -> None:
    """``data`` as JSON at ``path``, whole or not at all: a crash never leaves half a keyring or register."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    tmp.replace(path)


def _save_keyring(course_dir: Path, ring: Keyring) -> None:
    write_json(course_dir / KEYRING_FILE, ring.to_json())


def _new_key(course_dir: Path, course_id: str, today: dt.date) -> PublicKey:
    private = Ed25519PrivateKey.generate()
    kid = key_id(private.public_key())
    path = private_key_path(course_dir, course_id, kid)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(path.parent, 0o700)
    pem = private.private_bytes(Encoding.PEM, PrivateFormat.PKCS8, NoEncryption())
    # Created with mode 600 from the start: never readable by others, not even for a moment.
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(pem)
    return PublicKey(kid, public_raw(private.public_key()), today)


def create_keys(course_dir: str | Path, today: dt.date) -> PublicKey:
    """The course's first key pair (refused when it has a current key: rotate instead)."""
    course_dir = Path(course_dir)
    ring = load_keyring(course_dir)
    if ring.current is not None:
        raise UkmError("keys_exist", "course", ring.course_id, key=ring.current.key_id)
    new = _new_key(course_dir, ring.course_id, today)
    _save_keyring(course_dir, Keyring(ring.course_id, (*ring.keys, new)))
    return new


def rotate_keys(course_dir: str | Path, today: dt.date) -> tuple[PublicKey | None, PublicKey]:
    """Retire the current key as of ``today`` listing the codes it issued; make a new one. Returns (retired, new)."""
    from ukm_tools.course.certificates import issued_by  # the register lives there (and imports this module)

    course_dir = Path(course_dir)
    ring = load_keyring(course_dir)
    old = ring.current
    if old is None:
        raise UkmError("no_keys", "course", ring.course_id)
    retired = replace(old, retired_on=today, issued=issued_by(course_dir, old.key_id))
    new = _new_key(course_dir, ring.course_id, today)
    kept = tuple(retired if k is old else k for k in ring.keys)
    _save_keyring(course_dir, Keyring(ring.course_id, (*kept, new)))
    return retired, new


def current_signer(course_dir: str | Path) -> tuple[Ed25519PrivateKey, PublicKey]:
    """The current private key and its public half (clear errors for an old course or a lost key)."""
    course_dir = Path(course_dir)
    ring = load_keyring(course_dir)
    pub = ring.current
    if pub is None:
        raise UkmError("no_keys", "course", ring.course_id)
    path = private_key_path(course_dir, ring.course_id, pub.key_id)
    if not path.is_file():
        raise UkmError("private_key_missing", "file", str(path), key=pub.key_id)
    if path.stat().st_mode & 0o077:
        raise UkmError("private_key_open", "file", str(path), mode=oct(path.stat().st_mode & 0o777))
    private = load_pem_private_key(path.read_bytes(), password=None)
    if not isinstance(private, Ed25519PrivateKey) or key_id(private.public_key()) != pub.key_id:
        raise UkmError("private_key_mismatch", "file", str(path), key=pub.key_id)
    return private, pub
