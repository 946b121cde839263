"""Login codes: random, easy to type on a phone, stored only as argon2 hashes.

A code is 10 characters from a 29-symbol alphabet without look-alikes (no 0/o, 1/l/i, u/v):
48 bits of randomness from :mod:`secrets`, printed in two groups of five (``k7m2p-9xqad``).
Typing is forgiving: case, spaces and dashes are ignored. Only an argon2id hash is stored; a
stolen account store does not give the codes away (argon2 makes each guess cost memory and
time), and the throttle in :mod:`.accounts` makes guessing through the login page hopeless.
"""

from __future__ import annotations

import math
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

ALPHABET = "abcdefghjkmnpqrstwxyz23456789"
CODE_LENGTH = 10
GROUP = 5
BITS = CODE_LENGTH * math.log2(len(ALPHABET))

# OWASP's minimum argon2id parameters (19 MiB, 2 passes): about 20-40 ms per check here, so a
# burst of 200 logins stays within seconds, while an offline guess stays expensive.
_HASHER = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


def new_code() -> str:
    """A fresh random code (``CODE_LENGTH`` characters of ``ALPHABET``, ungrouped)."""
    return "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))


def display(code: str) -> str:
    """The code as printed on a card: groups of ``GROUP`` joined by dashes."""
    return "-".join(code[i : i + GROUP] for i in range(0, len(code), GROUP))


def normalize(typed: str) -> str:
    """What the participant typed, as the code it stands for (case, spaces, dashes ignored)."""
    return "".join(ch for ch in typed.strip().lower() if ch not in " -_.\t")


def hash_code(code: str) -> str:
    return _HASHER.hash(normalize(code))


def verify(stored_hash: str, typed: str) -> bool:
    """True when ``typed`` is the code behind ``stored_hash`` (never raises on a bad guess)."""
    try:
        return _HASHER.verify(stored_hash, normalize(typed))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


#: A valid hash of a code nobody holds: checked for unknown user names so that a wrong name
#: takes as long as a wrong code (no timing hint about which names exist).
DUMMY_HASH = _HASHER.hash(new_code())
