"""What the general sheet checks share: agreeing figures, the cells of a column, findings."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from automator.document import CellRef, Finding, Severity

if TYPE_CHECKING:
    from automator.readers.workbook.raw import RawCell, RawWorkbook
    from automator.readers.workbook.tables.model import FoundTable, TRow

CENT = Decimal("0.01")


def cents(d: Decimal) -> Decimal:
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def money(d: Decimal) -> str:
    return f"{cents(d):,.2f}"


def count(d: Decimal) -> str:
    """A count as people write it: 8, 1,250, 2.5."""
    d = cents(d)
    return f"{d.to_integral_value():,f}" if d == d.to_integral_value() else f"{d.normalize():,f}"


def formatter(table: FoundTable, col: int):  # type: ignore[no-untyped-def]
    """How the figures of a column are shown: money (53,000.00), or counts (8) for 数量-like columns and
    columns of small whole numbers (spots per day)."""
    column = table.column(col)
    if column is not None and column.role == "qty":
        return count
    if column is not None:
        values = [n.value for r in table.rows if (n := r.number(col)) is not None]
        if values and all(v == v.to_integral_value() and abs(v) < 1000 for v in values):
            return count
    return money


def agree(declared: Decimal, computed: Decimal) -> bool:
    """Equal to the cent; or a whole figure within a yuan of a computed one with cents (people round
    a total to the yuan: 53,699.98 typed as 53,700). A whole computed figure must be met exactly."""
    if cents(declared) == cents(computed):
        return True
    whole = declared == declared.to_integral_value()
    return whole and computed != computed.to_integral_value() and abs(declared - computed) < 1


@dataclass
class Emit:
    """Makes the findings of one check run; remembers cells already reported so a cell is named once."""

    check: str
    severity: Severity
    seen: set[tuple[str, CellRef]] = field(default_factory=set)

    def error(self, code: str, message: str, *cells: CellRef, expected: Decimal | None = None,
              actual: Decimal | None = None) -> Iterator[Finding]:
        yield from self._make(self.severity, code, message, cells, expected, actual)

    def warning(self, code: str, message: str, *cells: CellRef) -> Iterator[Finding]:
        yield from self._make(Severity.WARNING, code, message, cells, None, None)

    def _make(self, severity: Severity, code: str, message: str, cells: tuple[CellRef, ...],
              expected: Decimal | None, actual: Decimal | None) -> Iterator[Finding]:
        key = (code, cells[0]) if cells else (code, CellRef("", message))
        if key in self.seen:
            return
        self.seen.add(key)
        yield Finding(self.check, severity, message, cells, code=code,
                      expected=None if expected is None else format(cents(expected), "f"),
                      actual=None if actual is None else format(cents(actual), "f"))


@dataclass
class Figure:
    """One figure of a table: its value, its cell, and how it was written."""

    value: Decimal
    cell: RawCell
    ref: CellRef
    text: bool = False
    formula: str | None = None


def figure(table: FoundTable, row: TRow, col: int) -> Figure | None:
    num = row.number(col)
    cell = row.cells.get(col)
    if num is None or cell is None:
        return None
    value = num.declared if num.declared is not None else num.value
    return Figure(value, cell, CellRef(table.sheet, cell.coord), text=num.text, formula=cell.formula)


def where(table: FoundTable, row: TRow) -> str:
    """How a row is named in a message: 第14行「小计」."""
    label = f"「{row.label[:20]}」" if row.label else ""
    return f"第{row.row}行{label}"


def recompute(book: RawWorkbook | None, sheet: str, cell: RawCell) -> Decimal | None:
    """The formula of `cell` computed afresh from the values the cells hold now; None if we cannot."""
    if book is None or not cell.formula or cell.external:
        return None
    from automator.readers.workbook.formulas import recompute_formula

    return recompute_formula(book, sheet, cell.formula)
