"""`percent_total`: a percent column adds up to 100 %."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from automator.checks.base import Check, CheckContext, Tolerance, column_problem, table_problem
from automator.checks.common import (
    as_decimal,
    cell_of,
    column_label,
    fmt_number,
    fmt_percent,
    refs,
    table_label,
    usable,
)
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule

PER_ROW = Decimal("0.005")  # percentage points: half of the last digit of a share shown as 33.33 %
FLOOR = Decimal("0.01")     # percentage points


class PercentTotal(Check):
    """The shares in a percent column add up to 100 %.

    YAML keys:

    - `table`, `column` — a column of type percent (values are fractions: 25 % = 0.25);
    - `tolerance` — allowed distance from 100, in percentage points (`0.5` = ±0.5 %).
      Default: half a hundredth of a point per row, at least 0.01 — what shares
      rounded to two decimals (33.33 %) can add up to: 100.01 % and 99.99 % pass,
      99 % and 90 % do not. Shares rounded to whole percents need `tolerance:`.
    - `severity`, `why`, `message`.

    Blank shares are left out; when any share is unreadable the check is skipped.
    Finding cell: the column's cell in the totals row, else its header cell.

    Message placeholders: `{table}`, `{column}`, `{total}` (e.g. 90%), `{diff}`
    (percentage points). Default: "媒介排期占比合计 90%，应为 100%，相差 10 个百分点".
    """

    name = "percent_total"
    placeholders = ("table", "column", "total", "diff")
    default_why = "各项占比之和应为 100%"

    check: Literal["percent_total"]
    table: str
    column: str
    tolerance: Tolerance = None

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        if p := table_problem(rule, self.table):
            return [("table", p)]
        p = column_problem(rule, self.table, self.column, frozenset({"percent"}))
        return [("column", p)] if p else []

    def title(self, rule: Rule) -> str:
        return f"{table_label(rule, self.table)}{column_label(rule, self.table, self.column)}之和 = 100%"

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        table = doc.tables.get(self.table)
        if table is None:
            return
        cells = [r.get(self.column) for r in table.rows]
        if any(v is not None and v.problem for v in cells):
            return
        shares = [as_decimal(v.value) for v in cells if usable(v)]  # type: ignore[union-attr]
        if not shares or any(s is None for s in shares):
            return
        total = sum((s for s in shares if s is not None), Decimal(0))
        points = abs(total - 1) * 100
        allowed = self.tolerance if self.tolerance is not None else max(FLOOR, PER_ROW * len(shares))
        if points <= allowed:
            return
        where = (cell_of(table, table.totals, self.column) if table.totals is not None
                 else table.columns.get(self.column))
        yield self.finding("{table}{column}合计 {total}，应为 100%，相差 {diff} 个百分点", refs(where),
                           table=table_label(rule, self.table),
                           column=column_label(rule, self.table, self.column),
                           total=fmt_percent(total), diff=fmt_number(points.quantize(Decimal("0.01"))))
