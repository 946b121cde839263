"""The code and the message catalogue agree: every text the code names exists, every text is used.

Reads the source (no imports): a module names its part of the catalogue with
``T = section("owner", *fallbacks)`` and its texts with ``T("key", ...)``, ``T.msg("key")``,
``T.both("key")``; a key built at run time (``T(f"col_{k}", ...)``) counts as a pattern.
"""

from __future__ import annotations

import ast
import functools
import re
from pathlib import Path

import pytest

from ukm_tools.messages import COMMON, catalogue

pytestmark = pytest.mark.timeout(60)

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "ukm_tools").rglob("*.py"), *(ROOT / "book").glob("*.py")])


def _sections(tree: ast.Module) -> dict[str, tuple[str, ...]]:
    """Variable name -> (owner, *fallbacks) for each ``NAME = section("owner", ...)``."""
    out = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Call)
            and getattr(node.value.func, "id", None) == "section"
        ):
            owners = [_text(a) for a in node.value.args]
            for target in node.targets:
                if isinstance(target, ast.Name) and all(o is not None for o in owners):
                    out[target.id] = tuple(o for o in owners if o is not None)
    return out


def _text(node: ast.expr) -> str | None:
    """The string a node holds, if it is a string constant."""
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _key(node: ast.expr) -> str | re.Pattern[str] | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        parts = [re.escape(str(v.value)) if isinstance(v, ast.Constant) else ".+" for v in node.values]
        return re.compile("".join(parts))
    return None


def _calculator_keys() -> set[str]:
    """Keys the calculators' base class reads from each calculator's own section
    (``self.texts.msg("title")``): every ``texts = T`` section must have them."""
    tree = ast.parse((ROOT / "ukm_tools" / "widgets" / "base.py").read_text(encoding="utf-8"))
    return {
        key
        for n in ast.walk(tree)
        if isinstance(n, ast.Call)
        and isinstance(n.func, ast.Attribute)
        and n.func.attr == "msg"
        and isinstance(n.func.value, ast.Attribute)
        and n.func.value.attr == "texts"
        and n.args
        and (key := _text(n.args[0])) is not None
    }


Use = tuple[Path, int, tuple[str, ...], str, "str | re.Pattern[str]"]


@functools.cache
def uses() -> list[Use]:
    """(file, line, owner chain, "text" | "fields", key) for every catalogue lookup in the source."""
    found: list[Use] = []
    calculator_keys = _calculator_keys()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        sections = _sections(tree)
        for node in ast.walk(tree):  # class Price(Calculator): texts = T
            if (
                isinstance(node, ast.Assign)
                and [getattr(t, "id", None) for t in node.targets] == ["texts"]
                and isinstance(node.value, ast.Name)
                and node.value.id in sections
            ):
                found += [(path, node.lineno, sections[node.value.id], "text", k) for k in calculator_keys]
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            f = node.func
            chain: tuple[str, ...] | None = None
            kind, key_node = "text", node.args[0]
            if isinstance(f, ast.Name) and f.id in sections:
                chain = sections[f.id]
            elif isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name) and f.value.id in sections:
                if f.attr in ("msg", "both"):
                    chain = sections[f.value.id]
                elif f.attr in ("field", "field_msg"):
                    chain, kind = sections[f.value.id], "fields"
            elif isinstance(f, ast.Name) and f.id in ("text", "Msg") and len(node.args) >= 2:
                if (owner := _text(node.args[0])) is not None:
                    chain, key_node = (owner,), node.args[1]
            key = _key(key_node) if chain else None
            if chain is not None and key is not None:
                found.append((path, node.lineno, chain, kind, key))
    return found


def test_the_scan_finds_the_lookups():
    assert len(uses()) > 400


def test_every_text_the_code_names_is_in_the_catalogue():
    cat = catalogue()
    missing = []
    for path, line, chain, kind, key in uses():
        entries = getattr(cat, kind)
        owners = (*chain, COMMON)
        if isinstance(key, str):
            ok = any(key in entries.get(o, {}) for o in owners)
            if kind == "fields":
                ok = ok or "." in key  # a nested path is labelled by its last part
        else:
            ok = any(key.fullmatch(k) for o in owners for k in entries.get(o, {}))
        if not ok:
            missing.append(f"{path.relative_to(ROOT)}:{line}: {kind} {getattr(key, 'pattern', key)!r} in {owners}")
    assert missing == []


@functools.cache
def mentioned() -> set[tuple[str, str]]:
    """(owner, word) for every string constant of a module that has sections: a key held in a
    table (``for key in ("col_row", ...)``) before it is looked up counts as used."""
    out: set[tuple[str, str]] = set()
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        owners = {o for chain in _sections(tree).values() for o in chain}
        words = {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)}
        out.update((o, w) for o in owners for w in words)
    return out


def test_every_text_in_the_catalogue_is_used():
    cat = catalogue()
    literal: set[tuple[str, str]] = set(mentioned())
    patterns: list[tuple[tuple[str, ...], re.Pattern[str]]] = []
    for _, _, chain, kind, key in uses():
        if kind != "text":
            continue
        if isinstance(key, str):
            literal.update((o, key) for o in (*chain, COMMON))
        else:
            patterns.append(((*chain, COMMON), key))
    unused = [
        f"messages/{owner.replace('.', '/')}.yaml: text.{key}"
        for owner, texts in cat.text.items()
        for key in texts
        if (owner, key) not in literal and not any(owner in o and p.fullmatch(key) for o, p in patterns)
    ]
    assert unused == []
