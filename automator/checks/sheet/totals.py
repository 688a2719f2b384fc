"""Totals rows (小计 / 合计 / 总计) held against what they total, and parents against their children.

What a total row totals, column by column, walking down the table:

- a 小计 totals the items since the previous total row (or since its section);
- a higher total (合计 after 小计s, 总计 after 合计) takes each lower total as the figure of
  its own group, plus the items and the 税金/服务费/优惠 lines after the last one;
- items with children (a module row over its indented lines) count once: either the
  parent's figure or its children's — whichever the sheet's total agrees with.

A declared figure that agrees with none of these readings is an error when it was typed
in; a formula that disagrees is a warning (its own range says what it totals), unless its
cached result is stale (computed afresh it gives another figure: an error), or it leaves
out amounts typed as text, which Excel's SUM skips (an error).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from automator.checks.sheet.common import Emit, agree, figure, formatter, recompute, where
from automator.checks.sheet.ranges import range_problem, rows_summed
from automator.readers.workbook.tables.model import (
    ADJUSTMENTS,
    DISCOUNT,
    ITEM,
    RANK,
    SECTION,
    TOTALS,
    FoundTable,
    TRow,
)

if TYPE_CHECKING:
    from automator.document import Finding
    from automator.readers.workbook.raw import RawWorkbook

MODES = ("top", "leaf", "all", "implicit")


@dataclass
class _Entry:
    row: TRow
    value: Decimal | None
    text: bool = False
    counts: dict[str, bool] | None = None  # for items: counted in each mode


def tree(table: FoundTable) -> tuple[list[TRow], dict[int, list[TRow]]]:
    """The item and section rows in order, and each one's direct children (by row number);
    one pass with a stack of open ancestors."""
    rows = [r for r in table.rows if r.role in (ITEM, SECTION)]
    children: dict[int, list[TRow]] = {}
    stack: list[TRow] = []
    for row in rows:
        while stack and stack[-1].level >= row.level:
            stack.pop()
        if stack:
            children.setdefault(stack[-1].row, []).append(row)
        stack.append(row)
    return rows, children


def _family(table: FoundTable, col: int) -> dict[int, dict[str, bool]]:
    """For each item row, whether it counts in the top / leaf / all readings of `col`."""
    if not table.hierarchy:
        return {r.row: {"top": True, "leaf": True, "all": True} for r in table.rows if r.role == ITEM and col in r.figures}
    out: dict[int, dict[str, bool]] = {}
    stack: list[tuple[TRow, bool]] = []  # (open ancestor, it or an ancestor of it has a figure)
    below: dict[int, bool] = {}          # row -> a descendant has a figure
    for row in (r for r in table.rows if r.role in (ITEM, SECTION)):
        while stack and stack[-1][0].level >= row.level:
            stack.pop()
        figured = row.role == ITEM and col in row.figures
        above = bool(stack) and stack[-1][1]
        if figured:
            for ancestor, _ in stack:
                below[ancestor.row] = True
        stack.append((row, above or figured))
        if figured:
            out[row.row] = {"top": not above, "leaf": True, "all": True}
    for number, flags in out.items():
        flags["leaf"] = not below.get(number, False)
    return out


def _implicit_children(table: FoundTable, col: int) -> set[int]:
    """Rows that look like the parts of the row above them, though nothing marks them so: two or more
    rows right under an item that add up to its figure exactly (a bold module row over its lines)."""
    items = [r for r in table.rows if r.role == ITEM and r.number(col) is not None]
    covered: set[int] = set()
    i = 0
    while i < len(items):
        head = items[i].number(col).value  # type: ignore[union-attr]
        acc, j = Decimal(0), i + 1
        while j < len(items) and head > 0 and acc < head:
            acc += items[j].number(col).value  # type: ignore[union-attr]
            j += 1
        if head > 0 and j - i > 2 and acc == head:
            covered |= {r.row for r in items[i + 1:j]}
            i = j
        else:
            i += 1
    return covered


def _entries(table: FoundTable, col: int) -> list[_Entry]:
    family = _family(table, col)
    implicit = _implicit_children(table, col)
    for number, flags in family.items():
        flags["implicit"] = number not in implicit
    out = []
    for row in table.rows:
        num = row.number(col)
        value = None if num is None else (num.declared if num.declared is not None else num.value)
        if row.role == ITEM and value is not None:
            out.append(_Entry(row, value, num.text if num else False, family.get(row.row)))
        elif row.role in (*TOTALS, *ADJUSTMENTS, SECTION):
            if row.role == DISCOUNT and value is not None and value > 0:
                value = -value  # 优惠 5,000 is taken off
            out.append(_Entry(row, value, num.text if num else False))
    return out


def _start(entries: list[_Entry], i: int) -> int:
    """Where the segment the total at `entries[i]` totals begins: after the last total of its rank or higher."""
    rank = RANK[entries[i].row.role]
    return next((j + 1 for j in range(i - 1, -1, -1)
                 if entries[j].row.role in TOTALS and RANK[entries[j].row.role] >= rank), 0)


def _readings(entries: list[_Entry], i: int) -> list[tuple[str, Decimal, bool]]:
    """What the total at `entries[i]` may be: (reading, figure, has items), most natural first."""
    rank = RANK[entries[i].row.role]
    start = _start(entries, i)
    segment = entries[start:i]
    out: list[tuple[str, Decimal, bool]] = []
    has_items = any(e.row.role == ITEM for e in segment)
    for mode in MODES:
        parts: list[tuple[int, Decimal]] = []  # (rank, figure): a total covers the lower parts before it
        for e in segment:
            if e.row.role in TOTALS and e.value is not None:
                k = RANK[e.row.role]
                while parts and parts[-1][0] < k:
                    parts.pop()
                parts.append((k, e.value))
            elif e.row.role == ITEM and e.counts and e.counts[mode]:
                parts.append((0, e.value))  # type: ignore[arg-type]
            elif e.row.role in ADJUSTMENTS and e.value is not None:
                parts.append((0, e.value))
        out.append((mode, sum((v for _, v in parts), Decimal(0)), has_items))
    # the items themselves (and the lines added to them), whatever the 小计s between say: a right 合计
    # under a wrong 小计 is not wrong (the 小计 is reported on its own)
    direct = sum((e.value for e in segment if e.value is not None and (
        (e.row.role == ITEM and e.counts and e.counts["top"]) or e.row.role in ADJUSTMENTS)), Decimal(0))
    if any(e.row.role in TOTALS for e in segment):
        out.append(("direct", direct, has_items))
    if rank == 1:  # a 小计 may total only its section
        section = next((j for j in range(i - 1, start - 1, -1) if entries[j].row.role == SECTION), None)
        if section is not None:
            part = sum((e.value for e in entries[section + 1:i] if e.row.role == ITEM and e.value is not None
                        and e.counts and e.counts["top"]), Decimal(0))
            out.append(("section", part, True))
    prev = next((j for j in range(i - 1, -1, -1) if entries[j].row.role in TOTALS and entries[j].value is not None),
                None)
    if prev is not None:
        adds = [e.value for e in entries[prev + 1:i] if e.row.role in ADJUSTMENTS and e.value is not None]
        if adds and not any(e.row.role == ITEM for e in entries[prev + 1:i]):
            out.append(("after", entries[prev].value + sum(adds, Decimal(0)), True))  # type: ignore[operator]
    return out


def _beside(table: FoundTable, row: TRow, col: int) -> list[tuple[str, Decimal, bool]]:
    """For a 小计/合计 column (per row or merged over groups), its total may also be the total row's figure
    in the amount column it sums: that figure is held in its own column."""
    column = table.column(col)
    merged = any(r.span.get(col, 0) > r.row for r in table.rows)
    if column is None or not (column.total_like or merged):
        return []
    out = []
    for other in table.columns:
        if other.col < col and other.additive and not other.total_like and (num := row.number(other.col)) is not None:
            out.append(("beside", num.value, True))
    return out


def readings_by_row(table: FoundTable, col: int) -> dict[int, list[Decimal]]:
    """Each total row's figure as the rows above give it (every reading): what a 大写 may also agree with."""
    entries = _entries(table, col)
    return {e.row.row: [v for _, v, has in _readings(entries, i) if has]
            for i, e in enumerate(entries) if e.row.role in TOTALS}


def check_totals(table: FoundTable, col: int, book: RawWorkbook | None, emit: Emit) -> Iterator[Finding]:
    if not any(r.role in TOTALS and col in r.figures for r in table.rows):
        return  # no total row says anything about this column
    entries = _entries(table, col)
    for i, entry in enumerate(entries):
        if entry.row.role not in TOTALS or entry.value is None:
            continue
        readings = _readings(entries, i)
        if not any(has for _, _, has in readings):
            continue  # nothing above it in this column: not ours to judge
        readings += _beside(table, entry.row, col)
        if any(agree(entry.value, v) for _, v, has in readings if has):
            continue
        # the reading nearest the declared figure says best what was meant (and by how much it is off)
        expected = min((v for _, v, has in readings if has), key=lambda v: abs(v - entry.value))  # type: ignore[operator]
        segment = entries[_start(entries, i):i]
        group = ([e.row.row for e in segment if e.row.role == ITEM and e.counts and e.counts["top"]],
                 [e.row.row for e in segment if e.row.role in TOTALS])
        yield from _mismatch(table, entry, col, expected, entries, book, emit, group)


def _fractions(table: FoundTable, col: int) -> bool:
    """Every figure of the column a fraction between -1 and 1 (0.25, 0.3…): shares or rates whatever the
    header says; their 合计 may be an average or a weighted figure, which is not ours to guess."""
    values = [n.value for r in table.rows if r.role == ITEM and (n := r.number(col)) is not None]
    return bool(values) and all(-1 < v < 1 and v != 0 for v in values)


def _unreadable_above(table: FoundTable, row: TRow, col: int) -> list[str]:
    """Cells above the total in its column that hold something which is not a figure ('约5万', '待定')."""
    out = []
    for r in table.rows:
        if r.row >= row.row:
            break
        cell = r.cells.get(col)
        if r.role == ITEM and cell is not None and not cell.copy and col not in r.figures:
            out.append(f"{cell.coord}「{str(cell.value)[:12]}」")
    return out


def _mismatch(table: FoundTable, entry: _Entry, col: int, expected: Decimal, entries: list[_Entry],
              book: RawWorkbook | None, emit: Emit, group: tuple[list[int], list[int]] = ([], [])
              ) -> Iterator[Finding]:
    money = formatter(table, col)
    fig = figure(table, entry.row, col)
    if fig is None or _fractions(table, col):
        return
    unreadable = _unreadable_above(table, entry.row, col)
    if unreadable and not fig.formula:
        yield from emit.warning("total-unsure", f"{where(table, entry.row)} {money(entry.value)} 与上面各行之和 "  # type: ignore[arg-type]
                                f"{money(expected)} 不符，但 {'、'.join(unreadable[:3])} 不是数字，无法确定", fig.ref)
        return
    name = where(table, entry.row)
    column = table.column(col)
    cname = f"「{column.title}」列" if column and column.title else f"{fig.ref.coord[:1]}列"
    diff = money(abs(entry.value - expected))  # type: ignore[operator]
    if fig.formula:
        fresh = recompute(book, table.sheet, fig.cell)
        if fresh is not None and not agree(fresh, entry.value):  # type: ignore[arg-type]
            yield from emit.error("stale-formula", f"{name}{cname}的公式 {fig.formula} 保存的结果 {money(entry.value)}，"
                                  f"与按现在的数重新计算的 {money(fresh)} 不符（保存时未重新计算），"
                                  f"而上面各行之和为 {money(expected)}", fig.ref, expected=expected,
                                  actual=entry.value)
            return
        skipped = [e for e in entries if e.text and e.row.role == ITEM and e.row.row < entry.row.row]
        if skipped and agree(entry.value, expected - sum((e.value for e in skipped), Decimal(0))):  # type: ignore
            cells = "、".join(f"{table.ref(e.row.row, col).coord}「{e.row.cells[col].value}」" for e in skipped[:5])
            yield from emit.error("text-skipped", f"{name}{cname}的公式 {fig.formula} = {money(entry.value)}，"
                                  f"没有算入以文字填写的金额 {cells}（Excel 的求和会跳过文字），"
                                  f"应为 {money(expected)}", fig.ref, expected=expected, actual=entry.value)
            return
        letter = fig.ref.coord.rstrip("0123456789")
        summed, lower = rows_summed(fig.formula, letter), set(group[1])
        if summed and summed == lower:
            return  # it adds up exactly the 小计s above it: a wrong one is reported on its own
        problem = range_problem(fig.formula, letter, *group)
        if problem:
            yield from emit.error("formula-range", f"{name}{cname} {money(entry.value)}：{problem}，"
                                  f"它所合计的各行之和为 {money(expected)}", fig.ref, expected=expected,
                                  actual=entry.value)
            return
        yield from emit.warning("formula-total", f"{name}{cname}的公式 {fig.formula} = {money(entry.value)}，"
                                f"与上面各行之和 {money(expected)} 不一致（相差 {diff}），请确认公式的范围是否漏了或多算了行",
                                fig.ref)
        return
    yield from emit.error("total-mismatch", f"{name}{cname} {money(entry.value)} 与它所合计的各行之和 {money(expected)} "
                          f"不符，相差 {diff}", fig.ref, expected=expected, actual=entry.value)


def hierarchy_confirmed(table: FoundTable, col: int) -> bool:
    """A total row of the table agrees with counting parents once (their figure or their children's),
    where counting every row would differ: the levels found are the sheet's own."""
    entries = _entries(table, col)
    for i, entry in enumerate(entries):
        if entry.row.role in TOTALS and entry.value is not None:
            readings = {mode: v for mode, v, has in _readings(entries, i) if has}
            if "all" in readings and any(agree(entry.value, readings[m]) and readings[m] != readings["all"]
                                         for m in ("top", "leaf") if m in readings):
                return True
    return False


def check_parents(table: FoundTable, col: int, book: RawWorkbook | None, emit: Emit) -> Iterator[Finding]:
    """A parent row's figure equals the sum of its direct children's figures (from its indented rows).

    An error when the levels are certain: a total row confirms them, or they come from indentation
    (two or more children) or numbering (一、 over 1.); a warning when only the label's column says so."""
    if not table.hierarchy:
        return
    confirmed = hierarchy_confirmed(table, col)
    money = formatter(table, col)
    rows, kids = tree(table)
    for parent in rows:
        if parent.role != ITEM or col not in parent.figures or parent.row not in kids or parent.label_cell is None:
            continue
        direct = kids[parent.row]
        children = _descendants(parent, kids)
        total = Decimal(0)
        counted = 0
        for child in direct:
            value = _figure_of(child, kids, col)
            if value is not None:
                total += value
                counted += 1
        fig = figure(table, parent, col)
        if not counted or fig is None or agree(fig.value, total):
            continue
        name = where(table, parent)
        if fig.formula:
            yield from emit.warning("formula-parent", f"{name}的公式 {fig.formula} = {money(fig.value)}，与其下"
                                    f" {counted} 行之和 {money(total)} 不一致", fig.ref)
            continue
        text = (f"{name} {money(fig.value)} 与其下 {counted} 行（第{direct[0].row}–{max(c.row for c in children)}行）之和 "
                f"{money(total)} 不符，相差 {money(abs(fig.value - total))}")
        certain = confirmed or (table.hierarchy == "缩进" and counted >= 2) or table.hierarchy == "编号"
        if certain:
            yield from emit.error("parent-mismatch", text, fig.ref, expected=total, actual=fig.value)
        else:
            yield from emit.warning("parent-mismatch", text + "（按单元格所在的列判断的上下级，请确认）", fig.ref)


def _descendants(row: TRow, kids: dict[int, list[TRow]]) -> list[TRow]:
    out: list[TRow] = []
    todo = list(kids.get(row.row, []))
    while todo:
        child = todo.pop(0)
        out.append(child)
        todo[:0] = kids.get(child.row, [])
    return out


def _figure_of(row: TRow, kids: dict[int, list[TRow]], col: int) -> Decimal | None:
    """A row's own figure, else the sum of its children's (recursively), else None."""
    num = row.number(col)
    if num is not None:
        return num.declared if num.declared is not None else num.value
    values = [_figure_of(k, kids, col) for k in kids.get(row.row, [])]
    present = [v for v in values if v is not None]
    return sum(present, Decimal(0)) if present else None
