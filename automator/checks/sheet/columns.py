"""Figures across a row: 数量 × 单价 = 金额, a 合计/小计 column, and 小计 cells merged over their group.

The relation a column holds is taken from the header and confirmed by the rows: each
reading (金额 = 数量 × 单价; with 天数 too; × 折扣; the sum of the figures to its left…) is
tried on every row, and the one most rows satisfy is the table's. Rows that break it are
errors only when at least two rows and half of them keep it — or, in a table of one or two
rows, for 数量 × 单价 = 金额 with nothing else in the header, and for a 合计 column that
the other row keeps. Otherwise the
table is left alone: it is not ours to guess what its columns mean.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal
from itertools import combinations
from typing import TYPE_CHECKING

from automator.checks.sheet.common import Emit, agree, figure, formatter, where
from automator.readers.workbook.tables.model import ITEM, Column, FoundTable, TRow

if TYPE_CHECKING:
    from automator.document import Finding

Reading = tuple[str, Callable[[TRow], Decimal | None]]


def _value(row: TRow, col: int) -> Decimal | None:
    num = row.number(col)
    if num is None:
        return None
    return num.declared if num.declared is not None else num.value


def _product(cols: list[int], discount: int | None) -> Callable[[TRow], Decimal | None]:
    def f(row: TRow) -> Decimal | None:
        out = Decimal(1)
        for col in cols:
            v = _value(row, col)
            if v is None:
                return None
            out *= v
        if discount is not None:
            d = _value(row, discount)
            if d is None:
                return None
            out *= d / 100 if d > 1 else d  # 0.8, 80% (read as 0.8) or 80
        return out
    return f


def _judge(table: FoundTable, target: int, readings: list[Reading], *, declared_first: bool,
           emit: Emit, code: str, what: str) -> Iterator[Finding]:
    rows = [r for r in table.rows if r.role == ITEM and _value(r, target) is not None]
    best, best_ok, best_tested = None, -1, 0
    for name, reading in readings:
        tested = [(r, reading(r)) for r in rows]
        tested = [(r, v) for r, v in tested if v is not None]
        ok = sum(agree(_value(r, target), v) for r, v in tested)  # type: ignore[arg-type]
        if ok > best_ok:
            best, best_ok, best_tested = (name, reading), ok, len(tested)
    if best is None or not best_tested:
        return
    established = best_ok >= 2 and best_ok * 2 >= best_tested
    # too few rows to outvote: the header's own meaning holds (数量 × 单价 = 金额), or for a 合计
    # column, the one reading when another row keeps it
    few = len(readings) == 1 and best_tested <= 2 and (declared_first or best_ok >= 1)
    if not (established or few):
        return
    name, reading = best
    money = formatter(table, target)
    for row in rows:
        v = reading(row)
        fig = figure(table, row, target)
        if v is None or fig is None or agree(fig.value, v):
            continue
        text = (f"{where(table, row)}{what} {money(fig.value)} 与 {name} = {money(v)} 不符，"
                f"相差 {money(abs(fig.value - v))}")
        if fig.formula:
            yield from emit.warning(code, text + f"（该格是公式 {fig.formula}）", fig.ref)
        else:
            yield from emit.error(code, text, fig.ref, expected=v, actual=fig.value)


def check_products(table: FoundTable, emit: Emit) -> Iterator[Finding]:
    """金额 = 单价 × 数量 (× 天数…) (× 折扣), when the header names a price and an amount column."""
    numeric = [c for c in table.columns if c.numeric]
    prices = [c for c in numeric if c.role == "price"]
    amounts = [c for c in numeric if c.role == "amount" and c.col > (prices[0].col if prices else 0)]
    if not prices or not amounts:
        return
    price = prices[0]
    amount = next((c for c in amounts if not c.total_like), amounts[0])
    factors = [c for c in numeric if c.role == "qty" and c.col != amount.col]
    discount = next((c.col for c in numeric if c.role == "discount"), None)
    if not factors:
        return
    readings: list[Reading] = []
    for n in range(len(factors), 0, -1):
        for group in combinations(factors, n):
            names = "×".join(c.title for c in (*group, price))
            cols = [price.col, *(c.col for c in group)]
            if discount is not None:
                readings.append((f"{names}×折扣", _product(cols, discount)))
            readings.append((names, _product(cols, None)))
    yield from _judge(table, amount.col, readings, declared_first=True, emit=emit, code="product-mismatch",
                      what=f"「{amount.title}」")


def check_row_totals(table: FoundTable, emit: Emit) -> Iterator[Finding]:
    """A 合计/小计 column: its figure in each row is the sum of figures to its left (or a product)."""
    numeric = [c for c in table.columns if c.numeric]
    for target in numeric:
        if any(r.span.get(target.col, 0) > r.row for r in table.rows if r.role == ITEM):
            yield from check_merged(table, target, emit)  # figures merged down over groups: their sums
            continue
        if not target.total_like:
            continue
        left = [c for c in numeric if c.col < target.col and c.additive and not c.total_like]
        if not left:
            continue
        run: list[Column] = []
        for c in reversed(left):
            if run and c.col != run[-1].col - 1:
                break
            run.append(c)
        readings: list[Reading] = [("左侧各列之和", _sum([c.col for c in left]))]
        if len(run) != len(left):
            readings.append(("左侧相邻各列之和", _sum([c.col for c in run])))
        yield from _judge(table, target.col, readings, declared_first=False, emit=emit, code="row-total-mismatch",
                          what=f"「{target.title}」")


def _sum(cols: list[int]) -> Callable[[TRow], Decimal | None]:
    def f(row: TRow) -> Decimal | None:
        values = [_value(row, c) for c in cols]
        present = [v for v in values if v is not None]
        return sum(present, Decimal(0)) if present else None
    return f


def check_merged(table: FoundTable, target: Column, emit: Emit) -> Iterator[Finding]:
    """A 小计 cell merged down over its group's rows equals the sum of the group's amounts."""
    anchors = [(r, r.span[target.col]) for r in table.rows if target.col in r.span and _value(r, target.col) is not None]
    sources = [c for c in table.columns if c.numeric and c.additive and c.col < target.col and not c.total_like
               and not any(r.span.get(c.col, 0) > r.row for r in table.rows)]
    if not anchors or not sources:
        return
    by_row = {r.row: r for r in table.rows}

    def group_sum(anchor: TRow, last: int, col: int) -> Decimal | None:
        values = [_value(by_row[n], col) for n in range(anchor.row, last + 1) if n in by_row]
        present = [v for v in values if v is not None]
        return sum(present, Decimal(0)) if present else None

    scores = []
    for source in sources:
        ok = sum(1 for a, last in anchors if (s := group_sum(a, last, source.col)) is not None
                 and agree(_value(a, target.col), s))  # type: ignore[arg-type]
        scores.append((ok, source.col == max(c.col for c in sources), source))
    ok, _, source = max(scores, key=lambda t: (t[0], t[1]))
    money = formatter(table, target.col)
    if ok == 0 and len(sources) > 1:
        return  # no column adds up to these cells: their meaning is not clear
    for anchor, last in anchors:
        expected = group_sum(anchor, last, source.col)
        fig = figure(table, anchor, target.col)
        if expected is None or fig is None or agree(fig.value, expected):
            continue
        text = (f"{fig.ref.coord}（合并单元格，第{anchor.row}–{last}行）「{target.title}」{money(fig.value)} 与这几行"
                f"「{source.title}」之和 {money(expected)} 不符，相差 {money(abs(fig.value - expected))}")
        if ok == 0 or fig.formula:
            yield from emit.warning("merged-total-mismatch", text, fig.ref)
        else:
            yield from emit.error("merged-total-mismatch", text, fig.ref, expected=expected, actual=fig.value)
