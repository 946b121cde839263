"""The one YAML loader for every file ukm-tools reads: bounded, strict, with one-line errors.

A case file a participant uploads, a rate sheet or fee schedule a trainer swaps in, the
packaged data and the message catalogue are all read here, because any of them can be
hostile or simply wrong:

* **size**: text longer than ``max_chars`` is refused before parsing;
* **depth**: nesting deeper than ``max_depth`` is refused while the document is composed
  (so a 5,000-deep ``[[[[...`` never reaches Python's recursion limit);
* **alias expansion**: the document's size with every alias expanded is counted over
  the node graph (linear time, shared nodes counted once per use) and refused above
  ``max_nodes``, so a "billion laughs" file fails in milliseconds instead of exhausting
  memory in whatever walks the result later;
* **duplicate keys** in a mapping are refused (plain PyYAML keeps the last one silently,
  so a file that sets ``hpp`` twice would quietly lose one value);
* only YAML's safe tags are constructed (``yaml.SafeLoader``).

Files that ship inside the package (``packaged=True``: the data files and the message
catalogue, read at every start) are parsed by libyaml, about six times faster; its
composer is C code that the depth bound cannot watch, which is why anything from outside
the package goes through the Python composer instead. Every other check is the same.

:func:`load` raises :class:`~ukm_tools.errors.UkmError` whose message is one line naming
the file, the line and column, and what to fix; :func:`parse` raises :class:`YamlRefused`
with the same facts, for the message catalogue, which cannot use its own messages while
it is being read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from ukm_tools.errors import UkmError


@dataclass(frozen=True)
class Limits:
    """Bounds for one kind of file. The defaults fit every file the project ships or expects."""

    max_chars: int = 1_000_000
    max_depth: int = 40
    max_nodes: int = 200_000


DEFAULT_LIMITS = Limits()
# A case file saved by a calculator is 2-4 KB; 64 KB leaves room for long notes.
UPLOAD_LIMITS = Limits(max_chars=64_000, max_depth=20, max_nodes=20_000)


class YamlRefused(Exception):
    """What is wrong with a YAML text: a problem code (``yaml_too_deep``, ``malformed_file``...)
    and the facts its message needs (``line``, ``allowed``, ``key``, ``detail``...)."""

    def __init__(self, code: str, **params: Any):
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params


class _Checks:
    """Duplicate keys refused while constructing (both parsers construct in Python)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[attr-defined]
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: SafeLoader reports it below
                continue
            if first is not None:
                raise YamlRefused(
                    "yaml_duplicate_key", key=key, line=key_node.start_mark.line + 1, first_line=first + 1
                )
            seen[key] = key_node.start_mark.line
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)  # type: ignore[misc]
        return mapping


class _BoundedLoader(_Checks, yaml.SafeLoader):
    """The Python parser, with the depth bound while composing: for anything from outside."""

    def __init__(self, stream: str, limits: Limits):
        super().__init__(stream)
        self.limits = limits
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > self.limits.max_depth:
                mark = self.peek_event().start_mark  # type: ignore[no-untyped-call]
                raise YamlRefused("yaml_too_deep", line=mark.line + 1, allowed=self.limits.max_depth)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


# libyaml when present (it is, with the pinned PyYAML wheels); the Python parser otherwise.
_FastBase: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _PackagedLoader(_Checks, _FastBase):  # type: ignore[valid-type,misc]  # a base chosen at import
    """libyaml's parser for the files shipped inside the package (trusted, read at every start)."""

    def __init__(self, stream: str, limits: Limits):
        super().__init__(stream)
        self.limits = limits


def _expanded_size(root: Node, limit: int) -> int:
    """Nodes in the document with every alias expanded, stopping as soon as ``limit`` is passed."""
    memo: dict[int, int] = {}

    def size(node: Node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        memo[key] = 1  # a recursive alias (&a [*a]) counts once instead of looping
        if isinstance(node, SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        total = min(total, limit + 1)  # keep the integers small on an exponential document
        memo[key] = total
        return total

    return size(root)


def parse(text: str, limits: Limits = DEFAULT_LIMITS, *, packaged: bool = False) -> Any:
    """Parse one YAML document from ``text`` (``packaged``: a file shipped inside the package).

    Raises:
        YamlRefused: ``yaml_too_large``, ``yaml_too_deep``, ``yaml_too_many_aliases``,
            ``yaml_duplicate_key`` or ``malformed_file`` (not YAML, ``detail`` saying where and why).
    """
    if len(text) > limits.max_chars:
        raise YamlRefused("yaml_too_large", allowed=limits.max_chars, size=len(text))
    loader = (_PackagedLoader if packaged else _BoundedLoader)(text, limits)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, limits.max_nodes) > limits.max_nodes:
            raise YamlRefused("yaml_too_many_aliases", allowed=limits.max_nodes)
        return loader.construct_document(node)
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        detail = " ".join(str(getattr(e, "problem", None) or e).split())
        raise YamlRefused("malformed_file", detail=where + detail) from None
    except RecursionError:  # belt and braces: the depth bound should always come first
        raise YamlRefused("yaml_too_deep", allowed=limits.max_depth, line="?") from None
    finally:
        loader.dispose()


def load(text: str, name: str, limits: Limits = DEFAULT_LIMITS, *, packaged: bool = False) -> Any:
    """:func:`parse`, its refusal as a :class:`~ukm_tools.errors.UkmError` naming the file ``name``."""
    try:
        return parse(text, limits, packaged=packaged)
    except YamlRefused as e:
        params = dict(e.params)
        allowed = params.pop("allowed", None)
        raise UkmError(e.code, "file", name, allowed, **params) from None
