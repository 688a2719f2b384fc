"""Label–value pairs anywhere on a sheet: the header block above a table, the lines under it.

    客户：唐都食品                   (one cell)
    客户 | 唐都食品                  (the value in the next filled cell to the right)
    报价日期                          (the value in the cell below, when the right is empty)
    2026-03-01

A label is short text (at most 16 characters) that ends with a colon or that the caller
knows (`known`); the cells inside found tables are not looked at.
"""

from __future__ import annotations

from dataclasses import dataclass

from automator.document import CellRef
from automator.readers.workbook.raw import RawCell, RawSheet
from automator.readers.workbook.tables import cells as kinds
from automator.readers.workbook.tables.model import FoundTable
from automator.readers.workbook.tables.vocab import bare, fold

MAX_GAP = 4  # columns between a label and its value


@dataclass
class Pair:
    label: str          # as typed, without the colon
    value: object       # the value cell's value (or the text after the colon)
    label_ref: CellRef
    ref: CellRef        # where the value is
    cell: RawCell | None = None  # the value's own cell (None when it shares the label's)


def _inside(tables: list[FoundTable], cell: RawCell) -> bool:
    return any(t.top <= cell.row <= t.bottom and t.left <= cell.col <= t.right for t in tables)


def find_pairs(sheet: RawSheet, tables: list[FoundTable], known: set[str] | None = None) -> list[Pair]:
    known = known or set()
    out: list[Pair] = []
    used: set[tuple[int, int]] = set()
    for row, line in sheet.ordered_rows():
        bands = [(t.left, t.right) for t in tables if t.top <= row <= t.bottom]
        cells = [c for c in line if not c.copy and not any(lo <= c.col <= hi for lo, hi in bands)]
        for i, cell in enumerate(cells):
            if (cell.row, cell.col) in used or not isinstance(cell.value, str):
                continue
            text = cell.value.strip()
            pair = kinds.pair(text)
            if pair is not None:
                out.append(Pair(pair[0], pair[1], sheet.ref(cell), sheet.ref(cell)))
                continue
            label = text.rstrip(":：").strip()
            if not label or len(label) > 16 or not (text[-1] in ":：" or bare(label) in known or fold(label) in known):
                continue
            value = _right_of(cells, i) or _below(sheet, cell, tables)
            if value is not None:
                used.add((value.row, value.col))
                out.append(Pair(label, value.value, sheet.ref(cell), sheet.ref(value), value))
    return out


def _right_of(cells: list[RawCell], i: int) -> RawCell | None:
    label = cells[i]
    for cell in cells[i + 1:]:
        if cell.col - label.col > MAX_GAP:
            return None
        if isinstance(cell.value, str) and cell.value.strip().endswith((":", "：")):
            return None  # the next label: this one's value is empty
        return cell
    return None


def _below(sheet: RawSheet, label: RawCell, tables: list[FoundTable]) -> RawCell | None:
    cell = sheet.cell(label.row + 1, label.col)
    if cell is None or cell.copy or _inside(tables, cell):
        return None
    if isinstance(cell.value, str) and (kinds.pair(cell.value) or cell.value.strip().endswith((":", "："))):
        return None
    return cell
