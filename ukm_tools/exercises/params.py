"""Who the participant is and which numbers they work with.

Each participant prices their own product (name, HPP, packing, quantity from the roster)
or, without one, a product whose numbers are seeded from their participant id with
SHA-256 — stable across processes and machines, unlike Python's ``hash()``.

Inside a notebook the identity is only a convenience for friendly messages: the grader
recomputes every expected answer outside the kernel from nbgrader's student id
(:mod:`ukm_tools.course.verify_answers`), so nothing set here can change a grade.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ukm_tools.money import Money

PARAMS_FILE = ".ukm-params.json"
_PRODUCTS = (
    "Sirup jeruk kasturi 600 ml",
    "Keripik pisang 250 g",
    "Kopi arabika Sidikalang 250 g",
    "Teri medan crispy 100 g",
    "Dodol durian 250 g",
    "Bika ambon kemasan 500 g",
    "Keripik ubi balado 200 g",
    "Kacang sihobuk 250 g",
    "Bubuk andaliman 50 g",
    "Teh daun kelor 100 g",
)


@dataclass(frozen=True)
class Product:
    """The product a participant works on; money per unit in rupiah."""

    name: str
    hpp: Money
    packing: Money
    quantity: int
    from_roster: bool

    def to_json(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "hpp": str(self.hpp.amount),
            "packing": str(self.packing.amount),
            "quantity": self.quantity,
            "from_roster": self.from_roster,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Product:
        return cls(
            name=str(data["name"]),
            hpp=Money(Decimal(str(data["hpp"])), "IDR"),
            packing=Money(Decimal(str(data["packing"])), "IDR"),
            quantity=int(data["quantity"]),
            from_roster=bool(data.get("from_roster", True)),
        )


class Seed:
    """Deterministic choices for one (participant, purpose) pair, from SHA-256."""

    def __init__(self, student_id: str, purpose: str) -> None:
        self._digest = hashlib.sha256(f"ukm-tools|{purpose}|{student_id}".encode()).digest()
        self._pos = 0

    def _next(self) -> int:
        if self._pos + 4 > len(self._digest):
            self._digest = hashlib.sha256(self._digest).digest()
            self._pos = 0
        value = int.from_bytes(self._digest[self._pos : self._pos + 4], "big")
        self._pos += 4
        return value

    def steps(self, low: int, high: int, step: int) -> int:
        """One of low, low+step, ..., high."""
        n = (high - low) // step + 1
        return low + (self._next() % n) * step

    def choice(self, options: Sequence[Any]) -> Any:
        return options[self._next() % len(options)]


def seeded_product(student_id: str) -> Product:
    s = Seed(student_id, "product")
    return Product(
        name=s.choice(_PRODUCTS),
        hpp=Money(Decimal(s.steps(8000, 60000, 500)), "IDR"),
        packing=Money(Decimal(s.steps(500, 5000, 250)), "IDR"),
        quantity=s.steps(600, 3000, 100),
        from_roster=False,
    )


def product_for(student_id: str, roster_entry: Any | None = None) -> Product:
    """The roster's product when the participant has one, else the seeded product.

    ``roster_entry`` is anything with ``product_name``, ``hpp``, ``packing``, ``quantity``
    (a :class:`ukm_tools.course.roster.Participant`).
    """
    if roster_entry is not None and getattr(roster_entry, "hpp", None) is not None:
        return Product(
            name=roster_entry.product_name,
            hpp=Money(Decimal(roster_entry.hpp), "IDR"),
            packing=Money(Decimal(roster_entry.packing), "IDR"),
            quantity=int(roster_entry.quantity),
            from_roster=True,
        )
    return seeded_product(student_id)


def _params_file() -> Path | None:
    env = os.environ.get("UKM_PARAMS_FILE")
    for candidate in ([Path(env)] if env else []) + [Path.cwd() / PARAMS_FILE]:
        if candidate.is_file():
            return candidate
    return None


def current_identity() -> tuple[str, Product]:
    """The participant id and product as the notebook sees them (friendly messages only).

    Order: the grader's ``UKM_STUDENT_ID``; a parameters file (written by the grader, or
    by staff for a hub: ``UKM_PARAMS_FILE`` or ``.ukm-params.json`` beside the notebook);
    the JupyterHub user; the OS user.
    """
    data: dict[str, Any] = {}
    path = _params_file()
    if path is not None:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = {}
    sid = (
        os.environ.get("UKM_STUDENT_ID")
        or data.get("student_id")
        or os.environ.get("JUPYTERHUB_USER")
        or getpass.getuser()
    ).lower()
    product = None
    if data.get("student_id", "").lower() == sid and isinstance(data.get("product"), dict):
        try:
            product = Product.from_json(data["product"])
        except (KeyError, ValueError, TypeError, ArithmeticError):
            product = None
    return sid, product or seeded_product(sid)


def params_document(student_id: str, product: Product) -> dict[str, Any]:
    """What :func:`current_identity` reads from a parameters file."""
    return {"student_id": student_id, "product": product.to_json()}
