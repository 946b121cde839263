"""Keep nbgrader's known-harmless internal warnings off the staff's terminal.

Two warnings come from inside nbgrader and its libraries on every grading run and tell
staff nothing they can act on:

* SQLAlchemy's ``SAWarning`` "Object of type <SubmittedAssignment> not in session ..."
  from nbgrader's own gradebook code (``nbgrader.api``: autoflush while it builds a
  submission's relationships);
* nbformat's ``MissingIDFieldWarning`` "Cell is missing an id field" when a submission
  was saved by an older Jupyter (nbgrader reads it as is).

:func:`quiet_nbgrader` ignores exactly these — matched by message *and* the module that
emits them — in this process and, through ``PYTHONWARNINGS``, in the processes it starts
while active (the grading engine's fork server and workers inherit it; sandboxed kernels
get a cleared environment, so participants' own warnings are untouched). Any other
warning, ours included, still shows.
"""

from __future__ import annotations

import os
import re
import warnings
from collections.abc import Iterator
from contextlib import contextmanager

# (start of the message, module the warning is attributed to)
NBGRADER_NOISE: tuple[tuple[str, str], ...] = (
    ("Object of type <Submitted", "nbgrader.api"),
    ("Cell is missing an id field", "nbformat.validator"),
)


def warning_options() -> list[str]:
    """The same filters as ``-W``/``PYTHONWARNINGS`` entries (action:message:category:module)."""
    return [f"ignore:{message}::{module}" for message, module in NBGRADER_NOISE]


@contextmanager
def quiet_nbgrader() -> Iterator[None]:
    """Ignore :data:`NBGRADER_NOISE` here and in child processes started inside the block."""
    old = os.environ.get("PYTHONWARNINGS")
    with warnings.catch_warnings():
        for message, module in NBGRADER_NOISE:
            warnings.filterwarnings("ignore", message=re.escape(message), module=re.escape(module) + r"\Z")
        os.environ["PYTHONWARNINGS"] = ",".join([*filter(None, [old]), *warning_options()])
        try:
            yield
        finally:
            if old is None:
                os.environ.pop("PYTHONWARNINGS", None)
            else:
                os.environ["PYTHONWARNINGS"] = old
