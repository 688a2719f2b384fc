"""The cells of a workbook as read: values as typed, formulas, merges, coordinates.

`RawWorkbook.resolve(cells)` computes formula cells the file carries no cached result
for — only those asked for, so a big sheet with one odd formula costs nothing until a
check needs that cell. A formula into another workbook (`[1]Sheet1!A1`) is never
computed: its value lives in a file we never see.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from automator.readers.workbook.a1 import column_letter as get_column_letter

from automator.document import CellRef
from automator.limits import MAX_EVALUATED

log = logging.getLogger(__name__)
__all__ = ["EXCEL_EPOCH", "EXTERNAL", "MAX_EVALUATED", "RawCell", "RawSheet", "RawWorkbook"]
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
# Formulas without a cached result are computed when asked for (automator.limits.MAX_EVALUATED: 5,000 of
# =SUM(big range)+IF(…) took 82 s and 560 MB, so past that many they stay marked).
EXTERNAL = re.compile(r"\[(?:\d+|[^\]]+\.xl\w*)\]", re.I)  # [1]Sheet1!A1, '[预算.xlsx]Sheet1'!B2


@dataclass(slots=True)
class RawCell:
    row: int
    col: int
    value: Any
    formula: str | None = None
    uncached: bool = False  # a formula whose result the file does not carry (yet: see resolve)
    merged_title: bool = False  # anchor of a horizontal merge (a title line)
    copy: bool = False  # not in the file: the value of a vertical merge's anchor, repeated for its rows
    tried: bool = False  # resolve() already tried to compute it

    @property
    def coord(self) -> str:
        return f"{get_column_letter(self.col)}{self.row}"

    @property
    def external(self) -> bool:
        """A formula that reads another workbook (an external link)."""
        return bool(self.formula) and EXTERNAL.search(self.formula or "") is not None


@dataclass
class RawSheet:
    name: str
    rows: dict[int, dict[int, RawCell]] = field(default_factory=dict)  # row -> col -> cell
    merges: list[tuple[int, int, int, int]] = field(default_factory=list)  # (row0, col0, row1, col1), 1-based

    def ref(self, cell: RawCell) -> CellRef:
        return CellRef(self.name, cell.coord)

    def ordered_rows(self) -> list[tuple[int, list[RawCell]]]:
        return [(r, [cells[c] for c in sorted(cells)]) for r, cells in sorted(self.rows.items()) if cells]

    def cell(self, row: int, col: int) -> RawCell | None:
        return self.rows.get(row, {}).get(col)


@dataclass
class RawWorkbook:
    path: Path
    sheets: dict[str, RawSheet]
    epoch: dt.datetime = EXCEL_EPOCH
    reader: str = "openpyxl"
    formulas: list[tuple[str, RawCell]] = field(default_factory=list)  # every formula cell, in file order
    evaluated: int = 0
    engine: Any = field(default=None, repr=False)  # our formula engine over these cells, once built

    @property
    def size(self) -> int:
        return sum(len(cells) for sheet in self.sheets.values() for cells in sheet.rows.values())

    def resolve(self, cells: Iterable[tuple[str, RawCell]] | None = None) -> None:
        """Compute the uncached formula cells among `cells` (every formula cell when None).

        A cell that cannot be computed (an error value, a cycle, a function outside what we
        evaluate, an external link, past MAX_EVALUATED) stays `uncached`, and the reader says so.
        """
        todo = [(s, c) for s, c in (self.formulas if cells is None else cells)
                if c.uncached and not c.tried and not c.external]
        if not todo:
            return
        room = MAX_EVALUATED - self.evaluated
        if room <= 0:
            log.info("%s: %d formulas without cached values left uncomputed (limit %d)", self.path.name,
                     len(todo), MAX_EVALUATED)
            return
        todo = todo[:room]
        for _, cell in todo:
            cell.tried = True
        self.evaluated += len(todo)
        from automator.readers.workbook.formulas import evaluate_book

        try:
            computed = evaluate_book(self, [CellRef(s, c.coord) for s, c in todo])
        except Exception as exc:  # noqa: BLE001 - an evaluator failure leaves the cells marked
            log.warning("formula evaluation failed for %s: %s", self.path.name, exc)
            return
        for sheet, cell in todo:
            value = computed.get(CellRef(sheet, cell.coord))
            if value is not None:
                cell.value, cell.uncached = value, False
