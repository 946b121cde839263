"""Incoterms 2020 as data: who pays each cost, where risk passes, which transport modes.

The rules live in ``data/incoterms2020.yaml``; footnoted cases (FCA at the seller's
premises or elsewhere, unloading under the C rules, insurance under the D rules, origin
THC under FCA/FAS) are cells with ``variants`` that a quote switches with
:class:`Conditions` — they are represented, not dropped.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ukm_tools.datafiles import packaged_yaml
from ukm_tools.errors import UkmError
from ukm_tools.messages import pick, section

if TYPE_CHECKING:  # pandas is imported where a table is made, not with the module
    import pandas as pd

RULE_ORDER = ("EXW", "FCA", "FAS", "FOB", "CFR", "CIF", "CPT", "CIP", "DAP", "DPU", "DDP")
# Price build-up ladders: each rule adds the seller's costs of the one before it.
# The D rules follow CPT, not CIP: their insurance is the seller's choice (any clause),
# while CIP demands ICC (A). DDP follows DAP, not DPU: under DDP the buyer unloads.
SEA_LADDER = ("EXW", "FAS", "FOB", "CFR", "CIF")
ANY_LADDER = ("EXW", "FCA", "CPT", "CIP")
D_LADDER = ("EXW", "FCA", "CPT", "DAP")
MODES = ("sea", "inland_waterway", "road", "rail", "air", "multimodal")
SEA_MODES = ("sea", "inland_waterway")
T = section("incoterms")
MODE_LABELS = {m: T.msg(f"mode_{m}") for m in MODES}


class Payer(StrEnum):
    SELLER = "S"
    BUYER = "B"
    NONE = "none"


@dataclass(frozen=True)
class Conditions:
    """The contract facts that decide the footnoted cells."""

    fca_place: str = "seller_premises"  # or "elsewhere"
    carriage_includes_unloading: bool = False
    named_place_is_buyer_door: bool = False
    origin_thc_by_seller: bool | None = None  # None: the rule's default

    def __post_init__(self) -> None:
        if self.fca_place not in ("seller_premises", "elsewhere"):
            raise UkmError("unknown_choice", "fca_place", self.fca_place, ["seller_premises", "elsewhere"])

    def holds(self, key: str, value: str) -> bool:
        if key not in {f.name for f in fields(self)}:
            raise ValueError(f"incoterms data uses unknown condition {key!r}")
        actual = getattr(self, key)
        if isinstance(actual, bool) or actual is None:
            return actual is not None and str(actual).lower() == value.lower()
        return bool(actual == value)


@dataclass(frozen=True)
class Cell:
    payer: Payer
    note: str | None = None
    variants: tuple[tuple[str, str, Payer], ...] = ()  # (condition key, value, payer)

    def resolve(self, cond: Conditions) -> Payer:
        for key, value, payer in self.variants:
            if cond.holds(key, value):
                return payer
        return self.payer


@dataclass(frozen=True)
class Rule:
    code: str
    name: Mapping[str, str]
    modes: str  # "any" or "sea"
    family: str
    risk: Mapping[str, str]
    costs: Mapping[str, Cell]
    insurance_clause: str | None = None
    insurance_cover_pct: int | None = None

    @property
    def sea_only(self) -> bool:
        return self.modes == "sea"

    def payer(self, item: str, cond: Conditions | None = None) -> Payer:
        if item not in self.costs:
            raise UkmError("unknown_choice", "item", item, list(self.costs))
        return self.costs[item].resolve(cond or Conditions())

    def seller_items(self, cond: Conditions | None = None) -> list[str]:
        return [i for i in self.costs if self.payer(i, cond) is Payer.SELLER]

    def allows_mode(self, mode: str) -> bool:
        return not self.sea_only or mode in SEA_MODES

    @property
    def is_d_rule(self) -> bool:
        return self.code.startswith("D")


def _cell(raw: str | Mapping[str, Any]) -> Cell:
    if isinstance(raw, str):
        return Cell(Payer(raw))
    variants = []
    for cond, payer in (raw.get("variants") or {}).items():
        key, _, value = cond.partition("=")
        variants.append((key, value, Payer(payer)))
    return Cell(Payer(raw["payer"]), raw.get("note"), tuple(variants))


@lru_cache(maxsize=1)
def _load() -> tuple[dict[str, Rule], dict[str, dict[str, str]], dict[str, dict[str, str]], str]:
    data = packaged_yaml("incoterms2020.yaml")
    rules: dict[str, Rule] = {}
    for code, r in data["rules"].items():
        ins = r.get("insurance") or {}
        rules[code] = Rule(
            code=code,
            name=r["name"],
            modes=r["modes"],
            family=r["family"],
            risk=r["risk"],
            costs={item: _cell(c) for item, c in r["costs"].items()},
            insurance_clause=ins.get("clause"),
            insurance_cover_pct=ins.get("cover_pct"),
        )
    if tuple(rules) != RULE_ORDER:
        raise ValueError(f"incoterms data must list the 11 rules in order, found {tuple(rules)}")
    return rules, data["items"], data["notes"], data["source"]


def rules() -> dict[str, Rule]:
    return dict(_load()[0])


def rule(code: str, field: str = "incoterm") -> Rule:
    """The rule for ``code`` (case-insensitive).

    Raises:
        UkmError: ``incoterm_alias`` naming the rule meant for an older edition's rule or an
        informal name (``C&F`` is CFR, ``DAT`` became DPU), else ``unknown_choice`` listing the 11.
    """
    return _load()[0][check_code(code, field)]


def check_code(code: str, field: str = "incoterm") -> str:
    """``code`` as one of the 11 rule codes (upper case), or the refusal :func:`rule` describes."""
    key = code.strip().upper() if isinstance(code, str) else code
    if key in RULE_ORDER:
        return str(key)
    alias = _aliases().get(re.sub(r"\s+", " ", key)) if isinstance(key, str) else None
    if alias is not None:
        meant, why = alias
        reason = T.msg("alias_informal") if why == "informal" else T.msg("alias_edition", edition=why)
        raise UkmError("incoterm_alias", field, code, [meant], why=reason, meant=meant)
    raise UkmError("unknown_choice", field, code, list(RULE_ORDER))


@lru_cache(maxsize=1)
def _aliases() -> dict[str, tuple[str, str]]:
    data = packaged_yaml("incoterms2020.yaml").get("aliases") or {}
    return {str(name).upper(): (str(a["rule"]), str(a["why"])) for name, a in data.items()}


def item_labels(item: str) -> Mapping[str, str]:
    """A cost item's ``{id: .., en: ..}`` label from the data file."""
    return _load()[1][item]


def item_label(item: str, lang: str = "id") -> str:
    return pick(item_labels(item), lang)


def cost_items() -> list[str]:
    return list(_load()[1])


def note(key: str) -> dict[str, str]:
    """An explanatory note of the Incoterms data file, ``{id: .., en: ..}``."""
    return dict(_load()[2][key])


def note_text(key: str, lang: str = "id") -> str:
    return pick(note(key), lang)


def source() -> str:
    return _load()[3]


def ladder(code: str) -> tuple[str, ...]:
    """The build-up steps from EXW up to ``code`` (EXW..CIF by sea, EXW..DDP otherwise)."""
    r = rule(code)
    if r.code in SEA_LADDER:
        return SEA_LADDER[: SEA_LADDER.index(r.code) + 1]
    if r.code in ANY_LADDER:
        return ANY_LADDER[: ANY_LADDER.index(r.code) + 1]
    return D_LADDER if r.code == "DAP" else D_LADDER + (r.code,)


def check_mode(code: str, mode: str) -> None:
    if mode not in MODES:
        raise UkmError("unknown_choice", "mode", mode, list(MODES))
    r = rule(code)
    if not r.allows_mode(mode):
        alternatives = {"FAS": "FCA", "FOB": "FCA", "CFR": "CPT", "CIF": "CIP"}
        raise UkmError("mode_not_allowed", "incoterm", r.code, [alternatives[r.code]], mode=mode)


def payer_labels(lang: str = "id") -> dict[Payer, str]:
    # Indonesian "Penjual"/"Pembeli" share an initial, so whole words are used.
    return {Payer.SELLER: T("payer_seller", lang), Payer.BUYER: T("payer_buyer", lang), Payer.NONE: "-"}


def responsibility_table(cond: Conditions | None = None, lang: str = "id") -> pd.DataFrame:
    """All 11 rules x cost items as a pandas DataFrame of who pays (for notebooks and the explorer)."""
    import pandas as pd

    cond = cond or Conditions()
    marks = payer_labels(lang)
    table = _load()[0]
    rows = {code: {item_label(i, lang): marks[r.payer(i, cond)] for i in r.costs} for code, r in table.items()}
    return pd.DataFrame.from_dict(rows, orient="index")
