"""The project's one exception type.

Library code raises :class:`UkmError` carrying one or more :class:`Problem` records
(a stable ``code``, the ``field`` at fault, the offending ``value`` and the ``allowed``
values or range). Widgets and the CLI render the same problems in Bahasa Indonesia or
English through :mod:`ukm_tools.messages`, so no caller ever parses message text.

A problem's ``owner`` names the catalogue section that labels its field (``"financing"``:
``tenor_days`` is the order's payment tenor there). A module marks the problems leaving it
with :func:`owned` on its public functions, so helpers shared by many modules
(:mod:`ukm_tools.checks`) need not know who called them.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

if TYPE_CHECKING:  # pragma: no cover
    from ukm_tools.messages import Section

P = ParamSpec("P")
R = TypeVar("R")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input."""

    code: str
    field: str | None = None
    value: Any = None
    allowed: Any = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)
    owner: str | None = None  # the catalogue section that labels ``field`` (None: common labels)
    file: str | None = None  # the file the problem is in: ``field`` is then the key path as written there

    def message(self, lang: str = "id", view: Section | None = None) -> str:
        from ukm_tools.messages import render_problem

        return render_problem(self, lang, view)


class UkmError(ValueError):
    """Raised for bad input anywhere in ukm-tools; holds every problem found."""

    def __init__(
        self,
        code: str | None = None,
        field: str | None = None,
        value: Any = None,
        allowed: Any = None,
        *,
        problems: Iterable[Problem] | None = None,
        **params: Any,
    ) -> None:
        found = list(problems or [])
        if code is not None:
            found.insert(0, Problem(code, field, value, allowed, dict(params)))
        if not found:
            raise TypeError("UkmError needs a code or a list of problems")
        self.problems: list[Problem] = found
        super().__init__(self.message("en"))

    @property
    def code(self) -> str:
        return self.problems[0].code

    @property
    def field(self) -> str | None:
        return self.problems[0].field

    def message(self, lang: str = "id", view: Section | None = None) -> str:
        """All problems, one per line, in ``lang`` ("id" or "en")."""
        return "\n".join(self.lines(lang, view))

    def lines(self, lang: str = "id", view: Section | None = None) -> list[str]:
        """One sentence per problem; ``view`` is the page's catalogue section (its boxes' labels)."""
        return [p.message(lang, view) for p in self.problems]

    def owned_by(self, owner: str) -> UkmError:
        """Give ``owner`` to every problem that has none yet (in place); returns the error."""
        self.problems = [p if p.owner else dataclasses.replace(p, owner=owner) for p in self.problems]
        return self


def owned(owner: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a module's public function: problems it raises are labelled from ``owner``'s fields.

    Problems raised deeper, by another module's owned function, keep their own owner.
    """

    def decorate(fn: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(fn)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return fn(*args, **kwargs)
            except UkmError as e:
                e.owned_by(owner)
                raise

        return wrapper

    return decorate


@contextlib.contextmanager
def in_file(name: str) -> Iterator[None]:
    """Problems raised inside are marked as being in file ``name``: their fields are then shown
    as the key paths written in it (``unit_costs.hpp``), with the label beside them."""
    try:
        yield
    except UkmError as e:
        e.problems = [p if p.file else dataclasses.replace(p, file=name) for p in e.problems]
        raise


def prefixed(err: UkmError, prefix: str) -> UkmError:
    """The same problems with ``prefix.`` put before each field name (for nested inputs)."""
    return UkmError(
        problems=[dataclasses.replace(p, field=f"{prefix}.{p.field}" if p.field else prefix) for p in err.problems]
    )
