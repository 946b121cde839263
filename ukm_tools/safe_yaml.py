"""The one YAML loader for every file ukm-tools reads: bounded, strict, with one-line errors.

A case file a participant uploads or opens ("Buka"), a rate sheet or fee schedule a trainer
swaps in, course.yml, the packaged data and the message catalogue are all read here, because
any of them can be hostile or simply wrong:

* **size**: text longer than ``max_chars`` is refused before parsing;
* **depth**: nesting deeper than ``max_depth`` is refused while the document is composed
  (so a 5,000-deep ``[[[[...`` never reaches Python's recursion limit);
* **alias expansion**: the document's size with every alias expanded is counted over
  the node graph (linear time, shared nodes counted once per use) and refused above
  ``max_nodes``, naming the line of the first node that passes it, so a "billion laughs"
  file fails in milliseconds instead of exhausting memory in whatever walks the result
  later; an alias inside the node it names (a loop) is refused too, since every reader
  that walks the result would follow it forever;
* **duplicate keys** in a mapping are refused (plain PyYAML keeps the last one silently,
  so a file that sets ``hpp`` twice would quietly lose one value); keys written after a
  ``<<: *defaults`` merge may still override the merged ones;
* only YAML's safe tags are constructed (``yaml.SafeLoader``); anything else is a
  ``yaml_syntax`` refusal with its line and column, no parser jargon.

Files that ship inside the package (``packaged=True``: the data files and the message
catalogue, read at every start) are parsed by libyaml, about six times faster; its
composer is C code that the depth bound cannot watch, which is why anything from outside
the package goes through the Python composer instead. Every other check is the same.

``numbers_as_text=True`` keeps every plain scalar that YAML would turn into an int or float
as the text the author wrote (a :class:`Number`, a ``str``), so ``16.420`` reaches the
project's number reader (:mod:`ukm_tools.file_numbers`) as written instead of as the float
16.42 (the number conventions ``angka: id|en`` are applied there, not here).

:func:`load` raises :class:`~ukm_tools.errors.UkmError` whose message is one line naming
the file, the line and what to fix; :func:`parse` raises :class:`YamlRefused` with the same
facts, for the message catalogue, which cannot use its own messages while it is being read.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ukm_tools.errors import UkmError


@dataclass(frozen=True)
class Limits:
    """Bounds for one kind of file. The defaults fit every file the project ships or expects."""

    max_chars: int = 1_000_000
    max_depth: int = 40
    max_nodes: int = 200_000  # scalars and collections, aliases expanded


DEFAULT_LIMITS = Limits()
# What a participant opens or uploads: a case file saved by a calculator is 3-5 KB; 64 KB leaves
# room for long notes.
UPLOAD_LIMITS = Limits(max_chars=64_000, max_depth=20, max_nodes=20_000)


class YamlRefused(Exception):
    """What is wrong with a YAML text: a problem code (``yaml_too_deep``, ``yaml_syntax``...)
    and the facts its message needs (``line``, ``allowed``, ``key``, ``column``...)."""

    def __init__(self, code: str, **params: Any):
        super().__init__(f"{code}: {params}")
        self.code = code
        self.params = params

    @property
    def line(self) -> int | None:
        """The 1-based line the refusal points at, where known."""
        line = self.params.get("line")
        return line if isinstance(line, int) else None


class Number(str):
    """A plain scalar YAML reads as a number, kept as written (``16.420``, ``1_000``, ``0x1F``).

    ``native`` is what YAML itself makes of it (int or float), for readers that keep YAML's
    reading (values the calculators save beside a case).
    """

    native: int | float

    def __new__(cls, text: str, native: int | float) -> Number:
        obj = super().__new__(cls, text)
        obj.native = native
        return obj

    def __reduce__(self) -> tuple[Any, ...]:  # copies and pickles keep both halves
        return (Number, (str(self), self.native))


def _line(mark: Any) -> int | None:
    return None if mark is None else mark.line + 1


class _Checks:
    """Duplicate keys refused while constructing (both parsers construct in Python)."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *defaults`: keys written after it may override the merged ones
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


def _int(loader: yaml.SafeLoader, node: ScalarNode) -> int:
    """YAML's int, refused (not a bare ValueError) past the digits Python converts (4,300)."""
    try:
        return yaml.SafeLoader.construct_yaml_int(loader, node)
    except ValueError:
        raise YamlRefused(
            "yaml_number_too_long", line=_line(node.start_mark), allowed=sys.get_int_max_str_digits()
        ) from None


def _int_as_text(loader: yaml.SafeLoader, node: ScalarNode) -> Number:
    return Number(node.value, _int(loader, node))


def _float_as_text(loader: yaml.SafeLoader, node: ScalarNode) -> Number:
    return Number(node.value, yaml.SafeLoader.construct_yaml_float(loader, node))


class _BoundedTextLoader(_BoundedLoader):
    """Numbers kept as written (:class:`Number`)."""


class _PackagedTextLoader(_PackagedLoader):
    """Numbers kept as written (:class:`Number`)."""


for _cls in (_BoundedLoader, _PackagedLoader):
    _cls.add_constructor("tag:yaml.org,2002:int", _int)
for _cls in (_BoundedTextLoader, _PackagedTextLoader):
    _cls.add_constructor("tag:yaml.org,2002:int", _int_as_text)
    _cls.add_constructor("tag:yaml.org,2002:float", _float_as_text)

_LOADERS: dict[tuple[bool, bool], type[Any]] = {
    (False, False): _BoundedLoader,
    (False, True): _BoundedTextLoader,
    (True, False): _PackagedLoader,
    (True, True): _PackagedTextLoader,
}


def _check_expanded_size(root: Node, limit: int, text: str) -> None:
    """Nodes in the document with every alias expanded, refused as soon as ``limit`` is passed
    (at the first node whose expansion passes it); an alias inside the node it names refused."""
    memo: dict[int, int] = {}
    open_nodes: set[int] = set()

    def size(node: Node) -> int:
        key = id(node)
        if key in memo:
            return memo[key]
        if key in open_nodes:
            raise YamlRefused("yaml_recursive_alias", line=_line(node.start_mark), anchor=_anchor_of(node, text))
        open_nodes.add(key)
        if isinstance(node, SequenceNode):
            total = 1 + sum(size(child) for child in node.value)
        elif isinstance(node, MappingNode):
            total = 1 + sum(size(k) + size(v) for k, v in node.value)
        else:
            total = 1
        open_nodes.discard(key)
        if total > limit:
            raise YamlRefused("yaml_too_many_aliases", line=_line(node.start_mark), allowed=limit)
        memo[key] = total
        return total

    size(root)


def _anchor_of(node: Node, text: str) -> str:
    """The anchor a looping node was given, read back from the text at its start (``&name``)."""
    index = getattr(node.start_mark, "index", None)
    rest = text[index:] if isinstance(index, int) else ""
    return rest[1:].split(None, 1)[0].rstrip(",[]{}") if rest.startswith("&") else "?"


def parse(text: str, limits: Limits = DEFAULT_LIMITS, *, packaged: bool = False, numbers_as_text: bool = False) -> Any:
    """Parse one YAML document from ``text`` (``packaged``: a file shipped inside the package;
    ``numbers_as_text``: numbers kept as written, see :class:`Number`).

    Raises:
        YamlRefused: ``yaml_too_large``, ``yaml_too_deep``, ``yaml_too_many_aliases``,
            ``yaml_recursive_alias``, ``yaml_duplicate_key``, ``yaml_number_too_long`` (an
            integer longer than Python converts) or ``yaml_syntax`` (not YAML,
            with its ``line``, ``column`` and the parser's ``problem``).
    """
    if len(text) > limits.max_chars:
        raise YamlRefused("yaml_too_large", allowed=limits.max_chars, size=len(text))
    loader = _LOADERS[packaged, numbers_as_text](text, limits)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _check_expanded_size(node, limits.max_nodes, text)
        return loader.construct_document(node)
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if "nesting depth" in (e.problem or ""):  # libyaml's own bound (1,000 levels) came first
            raise YamlRefused("yaml_too_deep", line=_line(mark), allowed=limits.max_depth) from None
        column = None if mark is None else mark.column + 1
        problem = " ".join((e.problem or "").split())
        raise YamlRefused("yaml_syntax", line=_line(mark), column=column, problem=problem) from None
    except yaml.YAMLError as e:
        raise YamlRefused("yaml_syntax", line=None, column=None, problem=" ".join(str(e).split())) from None
    except RecursionError:  # belt and braces: the depth bound should always come first
        raise YamlRefused("yaml_too_deep", line=None, allowed=limits.max_depth) from None
    finally:
        loader.dispose()


def load(
    text: str,
    name: str,
    limits: Limits = DEFAULT_LIMITS,
    *,
    packaged: bool = False,
    numbers_as_text: bool = False,
) -> Any:
    """:func:`parse`, its refusal as a :class:`~ukm_tools.errors.UkmError` naming the file ``name``."""
    try:
        return parse(text, limits, packaged=packaged, numbers_as_text=numbers_as_text)
    except YamlRefused as e:
        params = dict(e.params)
        allowed = params.pop("allowed", None)
        if params.get("line") is None:
            params["line"] = "-"
        if "column" in params and params["column"] is None:
            params["column"] = "-"
        raise UkmError(e.code, "file", name, allowed, **params) from None
