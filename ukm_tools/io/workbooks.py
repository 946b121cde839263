"""Small openpyxl helpers shared by the sheets ukm-tools writes (product listings, rosters, grades)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # openpyxl is imported where a workbook is made
    from openpyxl import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


def first_sheet(wb: Workbook) -> Worksheet:
    """The sheet a new workbook comes with (``wb.active``, which openpyxl types as possibly None)."""
    from openpyxl.worksheet.worksheet import Worksheet

    ws = wb.active
    assert isinstance(ws, Worksheet)  # a new workbook always has one worksheet
    return ws
