"""Find the tables on a sheet: header rows anywhere, side by side, with totals underneath.

A header is a row of two or more short texts over rows that hold figures or values
(TableSense's "header above typed cells"); the row directly above the first data row
wins, and a text row above it that spans its columns (merged 费用 over 单价 | 金额) joins
it. Two runs of header cells with an empty column between them are two tables. A table
runs down until two blank rows, a note or signature line (备注：…, 报价人：…), another
header, or a row with nothing in its columns; one blank row inside it is a separator.
"""

from __future__ import annotations

import datetime as dt

from automator.readers.workbook.raw import RawCell, RawSheet
from automator.readers.workbook.tables import cells as kinds
from automator.readers.workbook.tables.model import ADJUSTMENTS, CAPITAL, TOTALS, Column, FoundTable, TRow
from automator.readers.workbook.tables.rows import assign_levels, classify_row, is_header_text
from automator.readers.workbook.tables.vocab import Vocabulary, bare, fold

LOOKAHEAD = 3   # rows below a header searched for its first data row
MAX_TABLES = 40  # per sheet: a sheet of hundreds of two-cell "tables" is not a document's layout


class Grid:
    """A sheet's cells by row, with each cell's kind worked out once."""

    def __init__(self, sheet: RawSheet) -> None:
        self.sheet = sheet
        self.rows = sorted(r for r, cells in sheet.rows.items() if cells)
        self.last = self.rows[-1] if self.rows else 0
        self.spans = {(r0, c0): (r1, c1) for r0, c0, r1, c1 in sheet.merges}

    def cells(self, row: int, left: int = 1, right: int = 1 << 20) -> list[RawCell]:
        line = self.sheet.rows.get(row)
        if not line:
            return []
        return [line[c] for c in sorted(line) if left <= c <= right]

    @staticmethod
    def kind(cell: RawCell) -> str:
        return kinds.kind(cell)  # cheap; most cells are looked at once

    def header_like(self, row: int, left: int = 1, right: int = 1 << 20) -> list[RawCell]:
        """The row's cells in [left, right] when they read as column titles, else []."""
        found = [c for c in self.cells(row, left, right) if self.kind(c) != kinds.EMPTY]
        if len(found) < 2 or any(self.kind(c) != kinds.TEXT for c in found):
            return []
        if not all(is_header_text(kinds.text(c)) for c in found):
            return []
        return found


def _groups(grid: Grid, row: int, found: list[RawCell]) -> list[list[RawCell]]:
    """Header cells split where an empty column runs down between them (two tables side by side)."""
    groups: list[list[RawCell]] = [[found[0]]]
    for prev, cell in zip(found, found[1:], strict=False):
        reach = grid.spans.get((prev.row, prev.col), (prev.row, prev.col))[1]
        gap = range(reach + 1, cell.col)
        below = [grid.cells(r) for r in range(row + 1, row + 1 + LOOKAHEAD)]
        if gap and all(not any(c.col in gap for c in line) for line in below):
            groups.append([cell])
        else:
            groups[-1].append(cell)
    return [g for g in groups if len(g) >= 2]


def _first_data_row(grid: Grid, header: int, left: int, right: int) -> int | None:
    """The row holding the header's first values; None when another header-like row comes first."""
    for row in range(header + 1, min(header + 1 + LOOKAHEAD, grid.last + 1)):
        line = [c for c in grid.cells(row, left, right) if grid.kind(c) != kinds.EMPTY]
        if not line:
            continue
        if grid.header_like(row, left, right) and any(
                grid.kind(c) == kinds.NUM for r in range(row + 1, row + 3) for c in grid.cells(r, left, right)):
            return None  # the real header is lower down (a two-row header's second row)
        return row
    return None


def _header_rows(grid: Grid, header: int, left: int, right: int) -> tuple[int, ...]:
    """`header`, with the row above when it is a title row spanning several of its columns."""
    above = header - 1
    cells = grid.header_like(above, left, right) if above >= 1 else []
    spans = [grid.spans.get((c.row, c.col)) for c in cells]
    if cells and any(s is not None and s[1] > c.col for c, s in zip(cells, spans, strict=True)):
        return above, header
    return (header,)


def _columns(grid: Grid, rows: tuple[int, ...], left: int, right: int, vocab: Vocabulary) -> list[Column]:
    titles: dict[int, list[str]] = {}
    anchors: dict[int, RawCell] = {}
    for row in rows:
        for cell in grid.cells(row, left, right):
            r1, c1 = grid.spans.get((cell.row, cell.col), (cell.row, cell.col))
            for col in range(cell.col, min(c1, right) + 1):
                text = kinds.text(cell)
                if text and text not in titles.setdefault(col, []):
                    titles[col].append(text)
                anchors.setdefault(col, cell)
    out = []
    for col in range(left, right + 1):
        title = "/".join(titles.get(col, []))
        role, total_like = vocab.header_role(titles[col][-1]) if titles.get(col) else ("other", False)
        anchor = anchors.get(col)
        out.append(Column(col, title, role, total_like,
                          header=grid.sheet.ref(anchor) if anchor is not None else None))
    return out


def _title(grid: Grid, top: int, left: int, right: int) -> str:
    for row in (top - 1, top - 2):
        line = [c for c in grid.cells(row) if grid.kind(c) == kinds.TEXT] if row >= 1 else []
        if len(line) == 1 and kinds.pair(kinds.text(line[0])) is None:
            return kinds.text(line[0])[:60]
    return ""


def _form_block(table: FoundTable, known: set[str]) -> bool:
    """Labels down one column, each with its value beside it (客户 | 唐都食品, 简报日期 | 2026-01-05):
    a form laid out vertically, not a table — its pairs are read as fields instead."""
    if not known:
        return False
    used = {c for r in table.rows for c, cell in r.cells.items() if not cell.copy} | {table.left}
    if len(used) > 2:
        return False
    firsts = [kinds.text(r.cells.get(table.left)) for r in table.rows]
    header = [c.title for c in table.columns if c.title][:1]
    labels = [t for t in [*header, *firsts] if t]
    hits = sum(1 for t in labels if bare(t) in known or fold(t) in known)
    return bool(labels) and hits * 2 >= len(labels)


def find_tables(sheet: RawSheet, vocab: Vocabulary, indents: dict[tuple[int, int], int] | None = None,
                known: set[str] | None = None) -> list[FoundTable]:
    grid = Grid(sheet)
    tables: list[FoundTable] = []
    for row in grid.rows:
        if len(tables) >= MAX_TABLES:
            break
        inside = [t for t in tables if t.top <= row <= t.bottom]
        if inside and all(any(t.left <= c <= t.right for t in inside) for c in sheet.rows[row]):
            continue  # a row of a table already found
        candidates = grid.header_like(row)
        if not candidates:
            continue
        for group in _groups(grid, row, candidates):
            left = group[0].col
            right = max(grid.spans.get((c.row, c.col), (c.row, c.col))[1] for c in group)
            if any(t.top <= row <= t.bottom and t.left <= right and left <= t.right for t in tables):
                continue  # inside a table already found
            first = _first_data_row(grid, row, left, right)
            if first is None:
                continue
            table = _build(grid, row, left, right, vocab, indents or {})
            if table is not None and not _form_block(table, known or set()):
                tables.append(table)
    return tables


def _counting_row(grid: Grid, row: int, left: int, right: int) -> bool:
    """A second header row of day or week numbers (1 2 3 … 31), years or consecutive dates across the
    columns, as media schedules and Gantt charts have: titles, not figures to add up."""
    cells = [c for c in grid.cells(row, left, right) if kinds.kind(c) != kinds.EMPTY and not c.copy]
    values = [c.value for c in cells if isinstance(c.value, int | float | dt.datetime | dt.date)
              and not isinstance(c.value, bool)]
    if len(values) < 3 or len(cells) - len(values) > 2:
        return False
    steps = []
    for a, b in zip(values, values[1:], strict=False):
        if isinstance(a, dt.date) and isinstance(b, dt.date):
            steps.append((b - a).days)
        elif isinstance(a, int | float) and isinstance(b, int | float):
            steps.append(b - a)
        else:
            return False
    return all(step in (1, 7) for step in steps) and len(set(steps)) == 1


def _build(grid: Grid, header: int, left: int, right: int, vocab: Vocabulary,
           indents: dict[tuple[int, int], int]) -> FoundTable | None:
    header_rows = _header_rows(grid, header, left, right)
    if _counting_row(grid, header + 1, left, right + 1):
        header_rows = (*header_rows, header + 1)
        for cell in grid.cells(header + 1, left):  # its titles may run one column on (合计 after the days)
            if cell.col == right + 1:
                right = cell.col
    columns = _columns(grid, header_rows, left, right, vocab)
    table = FoundTable(grid.sheet.name, header_rows, left, right, columns, [],
                       title=_title(grid, header_rows[0], left, right))
    table.rows = _rows(grid, table, vocab)
    if not table.rows:
        return None
    _number_columns(table)
    assign_levels(table, indents)
    beyond = sum(1 for r in table.rows if grid.sheet.cell(r.row, right + 1) is not None)
    table.loose = beyond * 2 > len(table.rows)
    return table


def _rows(grid: Grid, table: FoundTable, vocab: Vocabulary) -> list[TRow]:
    out: list[TRow] = []
    blanks = 0
    gap = False  # a blank row since the last row with figures or values (section titles do not close it)
    figure_cols: set[int] = set()
    for row in range(table.header_rows[-1] + 1, grid.last + 1):
        typed = [(c, kinds.kind(c)) for c in grid.cells(row, table.left, table.right)]
        line = [c for c, k in typed if k != kinds.EMPTY]
        if not line:
            blanks += 1
            gap = True
            if blanks >= 2:
                break
            continue
        trow = _row(grid, row, [(c, k) for c, k in typed if k != kinds.EMPTY], vocab)
        if _ends_table(grid, table, trow, line, figure_cols, vocab, after_blank=blanks > 0, after_gap=gap):
            break
        blanks = 0
        if trow.role not in ("section", "note"):
            gap = False
        out.append(trow)
        figure_cols |= trow.figures
    while out and out[-1].role in ("note", "section"):
        out.pop()  # a title line of the next table, or a note under this one
    return out


def _row(grid: Grid, row: int, line: list[tuple[RawCell, str]], vocab: Vocabulary) -> TRow:
    trow = TRow(row, "item", cells={c.col: c for c, _ in line}, kinds={c.col: k for c, k in line})
    for cell, kind in line:
        if kind == kinds.NUM and not cell.copy:
            trow.figures.add(cell.col)  # read when a check asks (TRow.number)
        span = grid.spans.get((cell.row, cell.col))
        if span is not None and span[0] > cell.row:
            trow.span[cell.col] = span[0]
    first_figure = min(trow.figures) if trow.figures else None
    classify_row(trow, vocab, first_figure)
    return trow


def _ends_table(grid: Grid, table: FoundTable, trow: TRow, line: list[RawCell], figure_cols: set[int],
                vocab: Vocabulary, *, after_blank: bool, after_gap: bool) -> bool:
    if trow.role in (*TOTALS, *ADJUSTMENTS, CAPITAL):
        return False
    if after_gap and grid.header_like(trow.row, table.left, table.right) and \
            _first_data_row(grid, trow.row, table.left, table.right) is not None:
        return True  # after a blank row (and perhaps a title line): the next table's header
    if not trow.figures and trow.label and vocab.is_note(trow.label):
        return True  # 备注：…, 报价人：… under the table
    numeric = {c.col for c in table.columns if c.role in ("amount", "qty", "price")} | figure_cols
    texts_in_figures = [c for c in line if c.col in numeric and trow.kinds.get(c.col) == kinds.TEXT and not c.copy]
    if len(texts_in_figures) >= 2 and grid.header_like(trow.row, table.left, table.right):
        return True  # a new header
    if after_blank and not (trow.figures & numeric) and trow.role != "section":
        return True
    return False


def _number_columns(table: FoundTable) -> None:
    """A column is numeric when most of its item cells hold figures (序号 columns stay seq)."""
    filled: dict[int, int] = {}
    figures: dict[int, int] = {}
    for row in table.rows:
        if row.role != "item":
            continue
        for col, cell in row.cells.items():
            if not cell.copy:
                filled[col] = filled.get(col, 0) + 1
        for col in row.figures:
            figures[col] = figures.get(col, 0) + 1
    for column in table.columns:
        count = figures.get(column.col, 0)
        column.numeric = count > 0 and count * 2 >= filled.get(column.col, 0)
        if column.numeric and column.role == "other" and _is_sequence(table, column.col):
            column.role = "seq"


def _is_sequence(table: FoundTable, col: int) -> bool:
    """1, 2, 3 … (starting again at 1 in each group): row numbers, not figures."""
    previous = None
    seen = 0
    for row in table.rows:
        if row.role != "item" or col not in row.figures:
            continue
        num = row.number(col)
        if num is None:
            continue
        n = num.value
        if n != n.to_integral_value() or not 0 < n < 1000 or (
                previous is None and n != 1) or (previous is not None and n - previous != 1 and n != 1):
            return False
        previous, seen = n, seen + 1
    return seen >= 3
