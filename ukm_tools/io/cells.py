"""Text that a spreadsheet would run as a formula, written as text: the one place every
spreadsheet and CSV that ukm-tools writes passes its cells through.

A participant named ``=HYPERLINK("http://...","klik")`` or a product called ``@SUM(A1)``
must reach the office's Excel as the text they typed, never as a live formula. In an
``.xlsx`` the cell is stored as a string (openpyxl otherwise stores any text starting with
``=`` as a formula); in a CSV, which has no types, a text starting with ``= + - @`` (or a tab
or carriage return, which some spreadsheet programs skip before looking) gets a leading
apostrophe, the form Excel and LibreOffice show as plain text (OWASP's advice for CSV
injection). Numbers, and numbers as people write them (``-5``, ``+62 812-3456-7890``,
``-1.234,5``), stay exactly as they are: they run nothing. The office report's write-only
workbook (:mod:`ukm_tools.course.report_workbook`) writes its cells by the same rule.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # openpyxl is imported where a workbook is made
    from openpyxl.worksheet.worksheet import Worksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
# A signed number or phone number: digits with the separators people write (no letters,
# no operators between them other than the grouping dash), so nothing a spreadsheet can call.
_NUMBER_LIKE = re.compile(r"[+-]?\(?\d[\d\s().,-]*")


class Formula(str):
    """A cell of an uploaded workbook that holds a formula (``=B2*1,1``), as written: reported to
    whoever uploaded it as a formula, never read as a value or taken for an empty cell."""


def formula_like(text: str) -> bool:
    """Would a spreadsheet take this text for a formula (and it is not a plain number)?"""
    return text.startswith(FORMULA_STARTS) and not _NUMBER_LIKE.fullmatch(text)


def csv_cell(value: Any) -> Any:
    """``value`` as a CSV cell: formula-like text prefixed with ``'``; anything else unchanged."""
    return "'" + value if isinstance(value, str) and formula_like(value) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [csv_cell(v) for v in values]


def append_row(ws: Worksheet, values: Iterable[Any]) -> None:
    """``ws.append(values)`` with every text cell stored as text, never as a formula."""
    ws.append(list(values))
    for cell in ws[ws.max_row]:
        if isinstance(cell.value, str) and cell.value.startswith(FORMULA_STARTS):
            cell.data_type = "s"  # openpyxl stores text starting with "=" as a formula otherwise
            cell.quotePrefix = True  # and it stays text when someone edits the cell in Excel
