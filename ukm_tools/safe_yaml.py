"""The one YAML loader for every file ukm-tools reads: bounded, strict, with one-line errors.

A case file a participant uploads, a rate sheet or fee schedule a trainer swaps in and
the packaged data are all read here, because any of them can be hostile or simply wrong:

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

Every problem becomes a :class:`~ukm_tools.errors.UkmError` whose message is one line
naming the file, the line and column, and what to fix.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from ukm_tools.errors import UkmError
from ukm_tools.messages import register

register(
    {
        "yaml_too_large": {
            "id": "Berkas '{value}' terlalu besar ({size} karakter; paling banyak {allowed}). Berkas kasus biasanya hanya beberapa kilobyte.",
            "en": "File '{value}' is too large ({size} characters; at most {allowed}). A case file is usually a few kilobytes.",
        },
        "yaml_too_deep": {
            "id": "Berkas '{value}' baris {line}: susunan bertingkat terlalu dalam (lebih dari {allowed} tingkat).",
            "en": "File '{value}' line {line}: nested more than {allowed} levels deep.",
        },
        "yaml_too_many_aliases": {
            "id": "Berkas '{value}': alias YAML (*nama) mengulang isi terlalu banyak (lebih dari {allowed} unsur setelah diuraikan). Tulis isinya langsung.",
            "en": "File '{value}': YAML aliases (*name) repeat content too often (more than {allowed} items once expanded). Write the content out.",
        },
        "yaml_duplicate_key": {
            "id": "Berkas '{value}' baris {line}: kunci '{key}' ditulis dua kali (pertama di baris {first_line}). Hapus salah satunya.",
            "en": "File '{value}' line {line}: key '{key}' appears twice (first on line {first_line}). Remove one of them.",
        },
    }
)


@dataclass(frozen=True)
class Limits:
    """Bounds for one kind of file. The defaults fit every file the project ships or expects."""

    max_chars: int = 1_000_000
    max_depth: int = 40
    max_nodes: int = 200_000


DEFAULT_LIMITS = Limits()
# A case file saved by a calculator is 2-4 KB; 64 KB leaves room for long notes.
UPLOAD_LIMITS = Limits(max_chars=64_000, max_depth=20, max_nodes=20_000)


class _Refused(Exception):
    """Raised inside the loader; turned into a UkmError with the file's name outside it."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


class _BoundedLoader(yaml.SafeLoader):
    limits: Limits = DEFAULT_LIMITS

    def __init__(self, stream: str, limits: Limits):
        super().__init__(stream)
        self.limits = limits
        self._depth = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        self._depth += 1
        try:
            if self._depth > self.limits.max_depth:
                mark = self.peek_event().start_mark
                raise _Refused("yaml_too_deep", line=mark.line + 1, allowed=self.limits.max_depth)
            return super().compose_node(parent, index)  # type: ignore[misc]
        finally:
            self._depth -= 1

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)  # type: ignore[no-untyped-call]
            try:
                first = seen.get(key)
            except TypeError:  # an unhashable key: SafeLoader reports it below
                continue
            if first is not None:
                raise _Refused("yaml_duplicate_key", key=key, line=key_node.start_mark.line + 1, first_line=first + 1)
            seen[key] = key_node.start_mark.line
        return super().construct_mapping(node, deep=deep)


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


def load(text: str, name: str, limits: Limits = DEFAULT_LIMITS) -> Any:
    """Parse one YAML document from ``text`` (``name`` is what messages call the file).

    Raises:
        UkmError: ``yaml_too_large``, ``yaml_too_deep``, ``yaml_too_many_aliases``,
            ``yaml_duplicate_key`` or ``malformed_file`` (not YAML), with the line where it applies.
    """
    if len(text) > limits.max_chars:
        raise UkmError("yaml_too_large", "file", name, limits.max_chars, size=len(text))
    loader = _BoundedLoader(text, limits)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        if _expanded_size(node, limits.max_nodes) > limits.max_nodes:
            raise _Refused("yaml_too_many_aliases", allowed=limits.max_nodes)
        return loader.construct_document(node)
    except _Refused as e:
        allowed = e.params.pop("allowed", None)
        raise UkmError(e.code, "file", name, allowed, **e.params) from None
    except yaml.YAMLError as e:
        mark = getattr(e, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        detail = " ".join(str(getattr(e, "problem", None) or e).split())
        raise UkmError("malformed_file", "file", name, detail=where + detail) from None
    except RecursionError:  # belt and braces: the depth bound should always come first
        raise UkmError("yaml_too_deep", "file", name, limits.max_depth, line="?") from None
    finally:
        loader.dispose()
