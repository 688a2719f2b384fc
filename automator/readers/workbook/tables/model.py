"""What the table finder says it found on a sheet: tables as rectangles of typed rows.

A `FoundTable` has its header row(s), its columns (each with the role its header gives
it: amount, price, qty, …), and its rows, each with a role (item, section, subtotal,
total, tax, …), an indentation level and its cells. The checks read these; the report
lists them (`describe`), so a wrong guess is visible to the AE.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from automator.readers.workbook.a1 import column_letter as get_column_letter

from automator.document import CellRef
from automator.readers.workbook.raw import RawCell
from automator.readers.workbook.tables.numbers import Num, read_number

# Row roles. An item carries figures; a section only a name (一、前期制作); the rest are the
# lines people put under a table: totals of three ranks and what is added to or taken off them.
ITEM, SECTION, NOTE = "item", "section", "note"
SUBTOTAL, TOTAL, GRAND = "subtotal", "total", "grand"
TAX, FEE, DISCOUNT, CAPITAL, OF_WHICH = "tax", "fee", "discount", "capital", "of_which"
TOTALS = (SUBTOTAL, TOTAL, GRAND)
RANK = {SUBTOTAL: 1, TOTAL: 2, GRAND: 3}
ADJUSTMENTS = (TAX, FEE, DISCOUNT)


@dataclass
class Column:
    col: int
    title: str                 # the header as typed (two header rows joined with /)
    role: str = "other"        # seq / price / discount / rate / qty / amount / other / text
    total_like: bool = False   # the header is 合计/小计/总计: a per-row total column
    numeric: bool = False      # most of its item cells are figures
    header: CellRef | None = None

    @property
    def letter(self) -> str:
        return get_column_letter(self.col)

    @property
    def additive(self) -> bool:
        """Figures that add up down the column (金额, 数量…), not 单价 or 折扣 or 序号."""
        return self.numeric and self.role in ("amount", "qty", "other")


@dataclass
class TRow:
    row: int
    role: str
    label: str = ""
    label_cell: RawCell | None = None
    level: int = 0             # 0 = top; children of a parent row are deeper
    rate: Decimal | None = None  # a tax or fee line's rate (税金 6%), when it states one
    words: bool = False        # it carries 大写 words (a 大写 line; or a 总计 line with its 大写 beside)
    cells: dict[int, RawCell] = field(default_factory=dict)      # col -> cell, inside the table's columns
    figures: set[int] = field(default_factory=set)               # cols holding a figure (or a formula not computed yet)
    span: dict[int, int] = field(default_factory=dict)           # col -> last row of a vertical merge anchored here
    kinds: dict[int, str] = field(default_factory=dict, repr=False)  # col -> num / date / text (cells.kind)
    _read: dict[int, Num | None] = field(default_factory=dict, repr=False)

    def number(self, col: int) -> Num | None:
        """The figure in `col`, read on first use (most of a big sheet's figures are never asked for);
        None when there is none, or the cell is a formula not computed yet."""
        if col not in self.figures:
            return None
        if col not in self._read:
            cell = self.cells.get(col)
            self._read[col] = read_number(cell.value) if cell is not None and cell.value is not None else None
        return self._read[col]

    def set_number(self, col: int, num: Num | None) -> None:
        if num is None:
            self.figures.discard(col)
            self._read.pop(col, None)
        else:
            self.figures.add(col)
            self._read[col] = num

    @property
    def numbers(self) -> dict[int, Num | None]:
        """Every figure of the row, by column (reads them all)."""
        return {col: self.number(col) for col in sorted(self.figures)}


@dataclass
class FoundTable:
    sheet: str
    header_rows: tuple[int, ...]
    left: int
    right: int
    columns: list[Column]
    rows: list[TRow]
    title: str = ""            # a banner or title row just above the header, if any
    hierarchy: str = ""        # what gave the rows their levels: 缩进 / 编号 / 列位置, or ""
    loose: bool = False        # values run on past the header's columns: its structure is a guess

    @property
    def top(self) -> int:
        return self.header_rows[0]

    @property
    def bottom(self) -> int:
        return self.rows[-1].row if self.rows else self.header_rows[-1]

    @property
    def area(self) -> str:
        return f"{get_column_letter(self.left)}{self.top}:{get_column_letter(self.right)}{self.bottom}"

    def main_column(self) -> int | None:
        """The column the totals are in: the rightmost additive amount column with a figure in a total row."""
        totals = [r for r in self.rows if r.role in TOTALS]
        cols = [c for c in self.columns if c.numeric and c.additive and c.role in ("amount", "other")]
        with_totals = [c for c in cols if any(c.col in r.figures for r in totals)]
        pick = with_totals or cols
        return pick[-1].col if pick else None

    def column(self, col: int) -> Column | None:
        return next((c for c in self.columns if c.col == col), None)

    def ref(self, row: int, col: int) -> CellRef:
        return CellRef(self.sheet, f"{get_column_letter(col)}{row}")

    def describe(self) -> str:
        """One line for the report: where the table is and what its rows are."""
        counts: dict[str, int] = {}
        for r in self.rows:
            counts[r.role] = counts.get(r.role, 0) + 1
        words = {ITEM: "明细", SECTION: "分组", SUBTOTAL: "小计", TOTAL: "合计", GRAND: "总计", TAX: "税金",
                 FEE: "费用", DISCOUNT: "优惠", CAPITAL: "大写"}
        parts = [f"{counts[k]} 行{w}" for k, w in words.items() if counts.get(k)]
        head = "、".join(c.title for c in self.columns if c.title)[:80]
        where = f"{self.sheet}!{self.area}"
        title = f"「{self.title}」" if self.title else ""
        levels = f"，层级按{self.hierarchy}" if self.hierarchy else ""
        levels += "；表头没有覆盖右侧有数据的列，结构不确定，只提醒不报错" if self.loose else ""
        return f"{where}{title}：表头第 {'、'.join(map(str, self.header_rows))} 行（{head}），{'，'.join(parts)}{levels}"
