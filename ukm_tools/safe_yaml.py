"""The one YAML loader for every file ukm-tools reads: bounded, strict, with one-line errors.

Case files a participant uploads or opens, a trainer's rate sheet or fee schedule, course.yml,
the packaged data and the message catalogue are all read here, because any of them can be
hostile or simply wrong:

* **size**: text longer than ``max_chars`` is refused before it is parsed;
* **depth**: nesting deeper than ``max_depth`` is refused while the events stream past, so a
  5,000-deep ``[[[[...`` never reaches a recursive composer or Python's recursion limit;
* **alias expansion**: the size of the document with every alias expanded is added up over
  the event stream (an anchor's size is known when it closes) and refused above
  ``max_nodes``, so a "billion laughs" file fails in milliseconds instead of filling memory
  in whatever walks the result later; an alias inside the node it names (a loop) is refused;
* **duplicate keys** in one mapping are refused (PyYAML silently keeps the last one, so a
  file that sets ``hpp`` twice would quietly lose a value);
* only YAML's safe tags are constructed (``SafeLoader``; libyaml's parser when installed).

``numbers_as_text=True`` keeps every plain scalar that YAML would turn into an int or float
as the text the author wrote (a :class:`Number`, a ``str``), so ``16.420`` reaches the
project's number reader (:mod:`ukm_tools.numbers`) as written instead of as the float 16.42.

:func:`load` raises :class:`~ukm_tools.errors.UkmError` whose message is one line naming the
file, the line and what to fix. :func:`parse` raises :class:`YamlRefused` instead: the message
catalogue is read through it, and cannot use catalogue texts to report its own faults.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml import events
from yaml.nodes import MappingNode, ScalarNode

# libyaml's parser when present (about ten times faster than the pure-Python one).
_Base: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Limits:
    """Bounds for one kind of file; the defaults fit every file the project ships or expects."""

    max_chars: int = 1_000_000
    max_depth: int = 40
    max_nodes: int = 200_000  # scalars and collections, aliases expanded


DEFAULT_LIMITS = Limits()
# What a participant opens or uploads: a case saved by a calculator is 3-5 KB.
UPLOAD_LIMITS = Limits(max_chars=64_000, max_depth=20, max_nodes=20_000)


@dataclass
class YamlRefused(Exception):
    """Why a text was refused: a catalogue ``code``, the 1-based ``line`` and the code's parameters."""

    code: str
    line: int | None = None
    params: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        super().__init__(self.english())

    def english(self) -> str:
        """A plain English sentence for developers (the catalogue's own loading errors)."""
        p = self.params
        if self.code == "yaml_duplicate_key":
            return f"key {p['key']!r} on line {self.line} is already defined on line {p['first_line']}"
        where = f"line {self.line}: " if self.line else ""
        details = ", ".join(f"{k}={v}" for k, v in p.items())
        return f"{where}{self.code.replace('_', ' ')}" + (f" ({details})" if details else "")


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


def _check_events(text: str, limits: Limits) -> None:
    """Depth and expanded size over the event stream (no tree is built, nothing recurses)."""
    loader = _Base(text)
    sizes: dict[str, int] = {}  # anchor -> its node's size with aliases expanded
    stack: list[list[Any]] = []  # open collections: [anchor, size so far]
    total = 0
    try:
        while loader.check_event():
            ev = loader.get_event()  # type: ignore[no-untyped-call]  # the stubs leave the parser untyped
            if isinstance(ev, (events.SequenceStartEvent, events.MappingStartEvent)):
                if len(stack) >= limits.max_depth:
                    raise YamlRefused("yaml_too_deep", _line(ev.start_mark), {"allowed": limits.max_depth})
                stack.append([ev.anchor, 1])
                continue
            if isinstance(ev, (events.SequenceEndEvent, events.MappingEndEvent)):
                anchor, size = stack.pop()
                if anchor is not None:
                    sizes[anchor] = size
            elif isinstance(ev, events.ScalarEvent):
                size = 1
                if ev.anchor is not None:
                    sizes[ev.anchor] = 1
            elif isinstance(ev, events.AliasEvent):
                if ev.anchor not in sizes:
                    if any(frame[0] == ev.anchor for frame in stack):
                        raise YamlRefused("yaml_recursive_alias", _line(ev.start_mark), {"anchor": ev.anchor})
                    continue  # an undefined alias: the composer reports it with its line
                size = sizes[ev.anchor]
            else:
                continue  # stream and document events
            if stack:
                stack[-1][1] += size
                grown = stack[-1][1]
            else:
                total += size
                grown = total
            if grown > limits.max_nodes:
                raise YamlRefused("yaml_too_many_aliases", _line(ev.start_mark), {"allowed": limits.max_nodes})
    finally:
        loader.dispose()


class _Loader(_Base):  # type: ignore[valid-type,misc]  # a base chosen at import: libyaml or not
    """SafeLoader refusing duplicate keys."""

    def construct_mapping(self, node: MappingNode, deep: bool = False) -> dict[Any, Any]:
        seen: dict[Any, int | None] = {}
        for key_node, _ in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                continue  # `<<: *defaults`: keys written after it may override the merged ones
            key = self.construct_object(key_node, deep=True)
            try:
                first = seen.get(key, -1)
            except TypeError:
                continue  # an unhashable key: SafeConstructor reports it below
            if first != -1:
                raise YamlRefused("yaml_duplicate_key", _line(key_node.start_mark), {"key": key, "first_line": first})
            seen[key] = _line(key_node.start_mark)
        mapping: dict[Any, Any] = super().construct_mapping(node, deep=deep)
        return mapping


class _TextNumberLoader(_Loader):
    """Also keeps numbers as written (:class:`Number`)."""

    def construct_yaml_int(self, node: ScalarNode) -> Number:
        return Number(node.value, super().construct_yaml_int(node))

    def construct_yaml_float(self, node: ScalarNode) -> Number:
        return Number(node.value, super().construct_yaml_float(node))


_TextNumberLoader.add_constructor("tag:yaml.org,2002:int", _TextNumberLoader.construct_yaml_int)
_TextNumberLoader.add_constructor("tag:yaml.org,2002:float", _TextNumberLoader.construct_yaml_float)


def parse(text: str, limits: Limits = DEFAULT_LIMITS, *, numbers_as_text: bool = False) -> Any:
    """The one document in ``text``, within ``limits``.

    Raises:
        YamlRefused: too large, too deep, too many expanded aliases, a recursive alias, a
        duplicate key, or not YAML (``yaml_syntax`` with the line and column).
    """
    if len(text) > limits.max_chars:
        raise YamlRefused("yaml_too_large", None, {"size": len(text), "allowed": limits.max_chars})
    try:
        _check_events(text, limits)
        loader = (_TextNumberLoader if numbers_as_text else _Loader)(text)
        try:
            return loader.get_single_data()
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as e:
        mark = e.problem_mark or e.context_mark
        if "nesting depth" in (e.problem or ""):  # libyaml's own bound (1,000 levels) came first
            raise YamlRefused("yaml_too_deep", _line(mark), {"allowed": limits.max_depth}) from None
        column = None if mark is None else mark.column + 1
        raise YamlRefused("yaml_syntax", _line(mark), {"column": column, "problem": e.problem or ""}) from None
    except yaml.YAMLError as e:
        raise YamlRefused("yaml_syntax", None, {"column": None, "problem": str(e)}) from None
    except RecursionError:  # a composer that recursed past our depth bound: never expected
        raise YamlRefused("yaml_too_deep", None, {"allowed": limits.max_depth}) from None


def load(text: str, name: str, limits: Limits = DEFAULT_LIMITS, *, numbers_as_text: bool = False) -> Any:
    """:func:`parse`, with a refusal as a :class:`~ukm_tools.errors.UkmError` naming the file ``name``."""
    from ukm_tools.errors import UkmError

    try:
        return parse(text, limits, numbers_as_text=numbers_as_text)
    except YamlRefused as e:
        params = dict(e.params)
        allowed = params.pop("allowed", None)
        raise UkmError(e.code, "file", name, allowed, line=e.line or "-", **params) from None
