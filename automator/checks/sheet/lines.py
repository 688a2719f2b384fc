"""Single lines under and inside a table: 税金 6%, the 大写 amount, arithmetic typed as text,
and formulas we cannot or must not compute (external links).

- A 税金/服务费 line that states its rate (`税金（6%）`, `服务费 10%`, or a 6% cell in the row)
  equals the rate times one of the figures above it (the last total, or that total plus the
  lines added since), rounded to the cent or the yuan; tax-inclusive (÷ (1 + rate)) and
  grossed-up (÷ (1 − rate)) ways of computing it are accepted too.
- 大写 words say the same amount as the figure beside them, or as the last total above.
- `9000+2190=11190` typed as text: the arithmetic must give the figure after `=`;
  `9000+2190` alone is counted as 11,190, with a warning that Excel does not compute text.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from automator.capital import parse_capital, to_capital
from automator.checks.sheet.common import Emit, agree, cents, figure, money, where
from automator.readers.workbook.tables import cells as kinds
from automator.readers.workbook.tables.model import ADJUSTMENTS, CAPITAL, DISCOUNT, ITEM, TOTALS, FoundTable, TRow

if TYPE_CHECKING:
    from automator.document import CellRef, Finding
    from automator.readers.workbook.raw import RawWorkbook


def main_column(table: FoundTable) -> int | None:
    return table.main_column()


def _rate(row: TRow, col: int) -> Decimal | None:
    if row.rate is not None:
        return row.rate
    rates = [n.value for c, n in row.numbers.items() if c != col and n is not None and n.percent]
    return rates[0] if len(rates) == 1 else None


def check_rates(table: FoundTable, emit: Emit) -> Iterator[Finding]:
    col = main_column(table)
    if col is None or not any(r.role in ADJUSTMENTS for r in table.rows):
        return
    running: Decimal | None = None  # the last total, plus the lines added since
    should: Decimal | None = None   # …with each rated line at what its rate gives (a wrong fee above
    last_total: Decimal | None = None  # must not make the tax under it look wrong too)
    items = Decimal(0)
    for row in table.rows:
        num = row.number(col)
        value = None if num is None else (num.declared if num.declared is not None else num.value)
        if row.role == ITEM and value is not None:
            items += value
        elif row.role in TOTALS and value is not None:
            running = should = last_total = value
        elif row.role in ADJUSTMENTS and value is not None:
            rate = _rate(row, col) if row.role != DISCOUNT else None
            bases = [b for b in (last_total, running, should, items) if b is not None]
            if rate is not None and bases:
                yield from _judge_rate(table, row, col, value, rate, bases, emit)
            signed = -abs(value) if row.role == DISCOUNT else value
            if running is not None and should is not None:
                running += signed
                should += signed if rate is None else should * rate


def _judge_rate(table: FoundTable, row: TRow, col: int, value: Decimal, rate: Decimal, bases: list[Decimal],
                emit: Emit) -> Iterator[Finding]:
    ways = [b * rate for b in bases] + [b * rate / (1 + rate) for b in bases]
    if rate < 1:
        ways += [b / (1 - rate) * rate for b in bases]
    if any(agree(value, w) or abs(value - w) <= Decimal('0.01') for w in ways):  # rounded or truncated
        return
    fig = figure(table, row, col)
    if fig is None:
        return
    base = min(bases, key=lambda b: abs(b * rate - value))  # the figure the line was most likely meant on
    expected = cents(base * rate)
    text = (f"{where(table, row)} {money(value)} 与 {money(base)} × {(rate * 100).normalize():f}% = {money(expected)} 不符，"
            f"相差 {money(abs(value - expected))}")
    if fig.formula:
        yield from emit.warning("rate-mismatch", text + f"（该格是公式 {fig.formula}）", fig.ref)
    else:
        yield from emit.error("rate-mismatch", text, fig.ref, expected=expected, actual=value)


def check_capitals(table: FoundTable, emit: Emit, computed: dict[int, list[Decimal]] | None = None
                   ) -> Iterator[Finding]:
    """Each 大写 line of the table against its figure. Words that say what the last total *should*
    be (`computed`, from the rows above it) are not reported: that total is, on its own."""
    col = main_column(table)
    last: tuple[Decimal, CellRef] | None = None
    also: list[Decimal] = []
    for row in table.rows:
        if row.role in TOTALS and col is not None and (fig := figure(table, row, col)) is not None:
            last, also = (fig.value, fig.ref), (computed or {}).get(row.row, [])
        if row.role != CAPITAL and not row.words:
            continue
        yield from _capital_row(table, row, last, also, emit)


def _capital_row(table: FoundTable, row: TRow, last: tuple[Decimal, CellRef] | None, also: list[Decimal],
                 emit: Emit) -> Iterator[Finding]:
    cells = sorted(row.cells.values(), key=lambda c: c.col)
    source = next((c for c in cells if kinds.capital_words(kinds.text(c))), None)
    if source is None:
        return
    words = kinds.capital_words(kinds.text(source)) or ""
    ref = table.ref(source.row, source.col)
    beside = [(n.value, table.ref(row.row, c)) for c, n in sorted(row.numbers.items()) if n is not None]
    inline = _inline_figure(kinds.text(source), words)
    target = beside[-1] if beside else ((inline, ref) if inline is not None else last)
    if target is None:
        return
    try:
        says = parse_capital(words)
    except ValueError as exc:
        yield from emit.warning("capital-unreadable", f"大写金额「{words}」无法识别：{exc}", ref)
        return
    figure_value, figure_ref = target
    if target is last and any(says == cents(v) for v in also):
        return  # the words are right and the total above them is not: reported by the totals check
    if says != cents(figure_value):
        cells = (ref,) if figure_ref == ref else (ref, figure_ref)
        yield from emit.error("capital-mismatch", f"大写金额「{words}」= {money(says)}，与 {money(figure_value)}"
                              f"（{figure_ref.coord}）不符，应为「{to_capital(figure_value)}」", *cells,
                              expected=figure_value, actual=says)


def _inline_figure(text: str, words: str) -> Decimal | None:
    """A figure written in the same cell as the words: '大写：壹万元整  小写：¥10,000.00'."""
    from automator.readers.workbook.tables.numbers import read_number

    rest = text.replace(words, " ")
    for part in reversed(rest.replace("：", " ").replace(":", " ").split()):
        num = read_number(part)
        if num is not None and not num.percent and num.expr is None:
            return num.value
    return None


def check_text_arithmetic(table: FoundTable, emit: Emit) -> Iterator[Finding]:
    for row in table.rows:
        for col in sorted(row.figures):
            if not isinstance(row.cells[col].value, str):
                continue  # a real number: no arithmetic in it
            num = row.number(col)
            if num is None or num.expr is None:
                continue
            fig = figure(table, row, col)
            if fig is None:
                continue
            if num.declared is not None and num.computed is not None and not agree(num.declared, num.computed):
                yield from emit.error("text-arithmetic", f"{where(table, row)}单元格里写的算式「{fig.cell.value}」"
                                      f"算错了：{num.expr} = {money(num.computed)}，不是 {money(num.declared)}",
                                      fig.ref, expected=num.computed, actual=num.declared)
            elif num.declared is None:
                yield from emit.warning("text-arithmetic", f"{where(table, row)}单元格里是文字写的算式「{fig.cell.value}」，"
                                        f"按 {money(num.value)} 核对；Excel 不会计算文字，请改成公式或数字", fig.ref)


def check_unreadable(book: RawWorkbook | None, tables: list[FoundTable], emit: Emit) -> Iterator[Finding]:
    """External links without a cached value anywhere in the workbook; other uncomputed formulas in a table."""
    if book is None:
        return
    for sheet, cell in book.formulas:
        if cell.uncached and cell.external:
            yield from emit.warning("external-link", f"公式 {cell.formula} 引用了另一个工作簿（外部链接），文件里没有它的"
                                    "计算结果，无法核对；请在 Excel/WPS 中更新链接后保存，或把数值直接填入",
                                    _ref(sheet, cell.coord))
    for table in tables:
        # only where a check needed it: a total row, or a column a total row speaks for
        held = {c for r in table.rows if r.role in TOTALS for c in r.figures}
        for row in table.rows:
            for col in row.figures:
                cell = row.cells.get(col)
                if col not in held and row.role not in TOTALS:
                    continue
                if cell is not None and cell.formula and cell.uncached and not cell.external:
                    yield from emit.warning("uncomputed", f"公式 {cell.formula} 没有保存计算结果，也无法替它计算，"
                                            "这一格没有核对；请在 Excel/WPS 中打开并保存一次",
                                            table.ref(cell.row, cell.col))


def _ref(sheet: str, coord: str) -> CellRef:
    from automator.document import CellRef

    return CellRef(sheet, coord)
