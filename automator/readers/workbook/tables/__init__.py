"""The general table finder: tables and label–value pairs on every sheet of any workbook.

    layout = read_layout(book, vocab)     # Layout(book, tables, pairs, titles)

- `detect.find_tables` — header rows anywhere, title and banner rows above, merged and
  two-row headers, tables side by side, blank separator rows, section rows, and the totals
  zone under the items (小计 / 合计 / 税金 / 总计 / 大写);
- `rows` — each row's role and level (parents over indented children);
- `pairs.find_pairs` — `客户：唐都食品` and label | value cells outside the tables;
- `numbers.read_number` — figures typed as text (`673元/年`, `1.2万`, `9000+2190=11190`).

Formula cells the file carries no result for are computed here, and only those inside
the tables found: a 113,884-cell inventory with one odd formula pays for nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from automator.document import CellRef
from automator.readers.workbook.raw import RawCell, RawWorkbook
from automator.readers.workbook.sheetxml import pivot_areas
from automator.readers.workbook.tables.detect import find_tables
from automator.readers.workbook.tables.model import FoundTable
from automator.readers.workbook.tables.numbers import read_number
from automator.readers.workbook.tables.pairs import Pair, find_pairs
from automator.readers.workbook.tables.styles import indents
from automator.readers.workbook.tables.vocab import Vocabulary

__all__ = ["FoundTable", "Layout", "Pair", "Vocabulary", "read_layout"]


@dataclass
class Layout:
    book: RawWorkbook
    vocab: Vocabulary | None = None
    tables: list[FoundTable] = field(default_factory=list)
    pairs: list[Pair] = field(default_factory=list)
    titles: dict[str, list[tuple[str, CellRef]]] = field(default_factory=dict)  # sheet -> lone text lines above its tables
    skipped: list[str] = field(default_factory=list)  # areas deliberately not checked, and why

    def describe(self) -> list[str]:
        return [t.describe() for t in self.tables] + self.skipped


def _overlaps(table: FoundTable, area: tuple[int, int, int, int]) -> bool:
    r0, c0, r1, c1 = area
    return table.top <= r1 and r0 <= table.bottom and table.left <= c1 and c0 <= table.right


def _a1(area: tuple[int, int, int, int]) -> str:
    from openpyxl.utils import get_column_letter

    r0, c0, r1, c1 = area
    return f"{get_column_letter(c0)}{r0}:{get_column_letter(c1)}{r1}"


def _titles(book: RawWorkbook, name: str, tables: list[FoundTable]) -> list[tuple[str, CellRef]]:
    sheet = book.sheets[name]
    first = min((t.top for t in tables), default=max(sheet.rows, default=0) + 1)
    out = []
    for row, cells in sheet.ordered_rows():
        if row >= first or len(out) >= 4:
            break
        texts = [c for c in cells if isinstance(c.value, str) and c.value.strip() and not c.copy]
        if len(texts) == 1 and "：" not in texts[0].value and ":" not in texts[0].value:
            out.append((" ".join(texts[0].value.split()), sheet.ref(texts[0])))
    return out


def read_layout(book: RawWorkbook, vocab: Vocabulary, known_labels: set[str] | None = None) -> Layout:
    layout = Layout(book, vocab)
    styled = indents(book.path) if book.size <= 50_000 else {}
    pivots = pivot_areas(book.path)
    for name, sheet in book.sheets.items():
        tables = find_tables(sheet, vocab, styled.get(name), known_labels)
        for area in pivots.get(name, []):
            kept = [t for t in tables if not _overlaps(t, area)]
            if len(kept) != len(tables):
                layout.skipped.append(f"{name}!{_a1(area)} 是数据透视表（数字由 Excel 自动汇总，可能显示为计数或占比），不核对")
            tables = kept
        layout.tables += tables
        layout.pairs += find_pairs(sheet, tables, known_labels)
        layout.titles[name] = _titles(book, name, tables)
    _compute_needed(layout)
    return layout


def _compute_needed(layout: Layout) -> None:
    """Compute the uncached formulas inside the tables found, then read their figures."""
    wanted: list[tuple[str, RawCell]] = []
    for table in layout.tables:
        for row in table.rows:
            for col in row.figures:
                cell = row.cells.get(col)
                if cell is not None and cell.uncached:
                    wanted.append((table.sheet, cell))
    if not wanted:
        return
    layout.book.resolve(wanted)
    for table in layout.tables:
        for row in table.rows:
            for col in list(row.figures):
                cell = row.cells[col]
                if cell.formula and not cell.uncached:
                    row.set_number(col, read_number(cell.value))  # None: it computed to text, not a figure
