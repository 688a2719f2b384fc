"""`sheet_totals`: 核算数字之和 on any sheet, from the tables the reader found on it."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Literal

from automator.checks.base import Check, CheckContext
from automator.checks.sheet.columns import check_products, check_row_totals
from automator.checks.sheet.common import Emit
from automator.checks.sheet.lines import check_capitals, check_rates, check_text_arithmetic, check_unreadable
from automator.checks.sheet.totals import check_parents, check_totals, readings_by_row
from automator.document import Finding, Severity

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


class SheetTotals(Check):
    """Every figure a sheet declares as a total agrees with what it totals — on any layout.

    YAML keys: `severity` (of a total that does not agree; what cannot be decided is always a
    warning), `why`, `message` (not used: each kind of finding has its own wording).

    It looks at the tables the workbook reader found on every sheet (header rows anywhere,
    title and banner rows above, merged and two-row headers, a row of day numbers under a
    month, tables side by side, blank separator rows, section rows; the check report lists
    each table found, so a wrong guess is visible) and holds, column by column:

    - **total rows** — 小计 / 合计 / 总计 / 共计 / Total and a group's own `前期小计` (the
      words are in `rules/words.yaml`): a 小计 against the items since the previous total or
      its section; a 合计 or 总计 against the 小计s and items above it plus the 税金 / 服务费 /
      优惠 lines in between; a total typed in where a formula should be is held the same way;
    - **formulas** — a total's formula is computed afresh from the cells as they are: a saved
      result that differs is an error (saved without recalculating); a `SUM` that skips
      amounts typed as text (Excel's does) is an error; a `SUM(F8:F9)` or `=F8+F9` that leaves
      out a line of its group, or counts a 小计 with its own lines, is an error; a formula that
      otherwise differs from the rows above is a warning. Formulas the file holds no result
      for are computed by our own engine; links to other workbooks never are (a warning on
      the cell);
    - **parent rows** — a module or section row with a figure against its child rows below
      it (Excel's indent or leading blanks, numbering 一、 > 1. > 1.1, or the label's column);
    - **数量 × 单价 = 金额** when the header names a price and an amount column (with 天数,
      人数… and 折扣 — 0.8, 80%, 8折 — when the header has them); **合计 columns** against
      the figures to their left; **小计 cells merged** down over their group against the
      group's amounts;
    - **税金 / 服务费 lines** that state a rate (`税金（6%）`, `服务费 10%`, or a 6% cell in the
      row) against rate × the total above (or that total with the lines added since;
      tax-inclusive and grossed-up ways are accepted);
    - **大写** words against the figure beside them, or against the last total above;
    - **arithmetic typed as text** (`9000+2190=11190`) must be right; without `=` it is
      counted, with a warning. Figures typed as text with units (`673元/年`, `'2190.2 每年`,
      `¥1,200`, `1.2万`, `3k`, `10w`, `(1,000)`) are read as figures.

    What it will not guess: a table without a header row it recognises is not a table to it;
    a relation between columns that the rows themselves do not confirm (at least two rows and
    half of them must keep it) is not checked; a total that agrees with any sensible reading
    of its rows (counting parents or their children, rows that add up to the row above them,
    its section, everything above) is taken as right; a total over a cell that is not a
    figure (`待定`) is only a warning; 单价, 折扣, 占比, 率, 均价, 余额, 累计, 序号 and columns of
    fractions are never added up; a level taken only from the column a label sits in, or a
    table whose values run past its header, gives warnings; pivot tables (Excel's own sums)
    are not checked. When unsure, it warns or says nothing.

    Finding cells: the declared figure that disagrees (the total, the parent row's figure,
    the amount, the tax line, the 大写 words and their figure).
    """

    name = "sheet_totals"
    default_why = "核算数字之和：表格里写出的每个合计、小计都要与它合计的数一致"

    check: Literal["sheet_totals"]

    def title(self, rule: Rule) -> str:
        return "表格的合计、小计、税金、大写与明细一致"

    def applies(self, doc: Document) -> bool:
        return doc.layout is not None and bool(doc.layout.tables or doc.layout.book.formulas)

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        layout = doc.layout
        if layout is None:
            return
        emit = Emit(self.name, self.severity)
        # the cell each earlier error is about (its first; the others are the figures it was held against)
        reported = {f.cells[0] for f in ctx.earlier if f.severity == Severity.ERROR and f.cells}
        for finding in self._all(layout, emit):
            if finding.cells and finding.cells[0] in reported:
                continue  # a check of the document's own type already named this cell
            yield finding

    def _all(self, layout, emit: Emit) -> Iterator[Finding]:  # type: ignore[no-untyped-def]
        book = layout.book
        for table in layout.tables:
            if table.loose:  # a guess at the structure: what it finds is worth a look, not a verdict
                emit = Emit(self.name, Severity.WARNING, emit.seen)
            else:
                emit = Emit(self.name, self.severity, emit.seen)
            for column in table.columns:
                if column.additive:
                    yield from check_totals(table, column.col, book, emit)
                    yield from check_parents(table, column.col, book, emit)
            yield from check_products(table, emit)
            yield from check_row_totals(table, emit)
            yield from check_rates(table, emit)
            main = table.main_column()
            yield from check_capitals(table, emit, readings_by_row(table, main) if main is not None else None)
            yield from check_text_arithmetic(table, emit)
        yield from check_unreadable(book, layout.tables, emit)
