"""Writing text into workbooks people open: a string is always a string.

openpyxl turns any string that starts with `=` into a live formula, so a sheet named
`=HYPERLINK("http://evil","x")&B` quoted in a finding would become a link in the 检查结果
sheet an AE is told to open. Every value we write goes through `put`/`append`: strings are
stored as text (cleaned of characters XML cannot hold), numbers and dates as themselves.
"""

from __future__ import annotations

from typing import Any

from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet

from automator.formatting import clean, printable


def put(ws: Worksheet, row: int, column: int, value: Any) -> Cell:
    cell = ws.cell(row, column)
    if isinstance(value, str):
        cell.value = printable(clean(value))
        cell.data_type = "s"  # never "f", whatever the text starts with
    else:
        cell.value = value
    return cell


def append(ws: Worksheet, values: list[Any]) -> int:
    """Add a row after the last one; returns its number."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, start=1):
        put(ws, row, column, value)
    return row
