"""The project's one exception type.

Library code raises :class:`UkmError` carrying one or more :class:`Problem` records
(a stable ``code``, the ``field`` at fault, the offending ``value`` and the ``allowed``
values or range). Widgets and the CLI render the same problems in Bahasa Indonesia or
English through :mod:`ukm_tools.messages`, so no caller ever parses message text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input."""

    code: str
    field: str | None = None
    value: Any = None
    allowed: Any = None
    params: dict[str, Any] = dataclasses.field(default_factory=dict)

    def message(self, lang: str = "id") -> str:
        from ukm_tools.messages import render_problem

        return render_problem(self, lang)


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

    def message(self, lang: str = "id") -> str:
        """All problems, one per line, in ``lang`` ("id" or "en")."""
        return "\n".join(p.message(lang) for p in self.problems)

    def lines(self, lang: str = "id") -> list[str]:
        return [p.message(lang) for p in self.problems]


def prefixed(err: UkmError, prefix: str) -> UkmError:
    """The same problems with ``prefix.`` put before each field name (for nested inputs)."""
    return UkmError(
        problems=[
            Problem(p.code, f"{prefix}.{p.field}" if p.field else prefix, p.value, p.allowed, p.params)
            for p in err.problems
        ]
    )
