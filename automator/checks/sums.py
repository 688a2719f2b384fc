"""`sum`: a column adds up to its totals row and/or to a form field."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Literal

from automator.checks.base import Check, CheckContext, Tolerance, column_problem, field_problem, table_problem
from automator.checks.common import (
    SUMMABLE,
    as_decimal,
    cell_of,
    cents,
    column_label,
    column_type,
    field_label,
    fmt_value,
    refs,
    table_label,
    usable,
)
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


class Sum(Check):
    """The rows of a table column add up to the totals row and/or a form field.

    YAML keys:

    - `table`, `column` — a money, number, int or minutes column;
    - `totals: true` (default) — compare with the table's totals row (合计/总计/
      小计/Total) when the sheet has one; `false` to skip it;
    - `field` — also compare with this money/number form field (e.g. `budget_total`);
    - `tolerance` — allowed difference in the column's unit (yuan for money);
      default 0: money agrees to the cent (both sides rounded half-up to 0.01).
    - `severity`, `why`, `message`.

    Blank rows are left out of the sum (Excel does the same). When a line or the
    total is unreadable (e.g. a formula without a cached value) the comparison is
    skipped — the `unreadable` check points at that cell; a wrong sum is never
    reported from a value that was not there.

    Finding cells: the totals row's cell; for the field comparison the field's
    cell, then the totals cell if there is one.

    Message placeholders: `{table}`, `{column}`, `{target}` (合计 or the field's
    label), `{total}` (the declared figure), `{sum}` (the rows' sum), `{diff}`.
    Defaults: "预算合计 200,000.00 与金额明细之和 210,000.00 不符，相差 10,000.00";
    "预算总额 350,000.00 与交付物金额之和 360,000.00 不符，相差 10,000.00".
    """

    name = "sum"
    placeholders = ("table", "column", "target", "total", "sum", "diff")
    default_why = "核算数字之和：明细必须与合计一致"

    check: Literal["sum"]
    table: str
    column: str
    totals: bool = True
    field: str | None = None
    tolerance: Tolerance = None

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        out = []
        if p := table_problem(rule, self.table):
            out.append(("table", p))
        elif p := column_problem(rule, self.table, self.column, SUMMABLE):
            out.append(("column", p))
        if self.field and (p := field_problem(rule, self.field, SUMMABLE)):
            out.append(("field", p))
        if not self.totals and not self.field:
            out.append(("totals", "with `totals: false` give `field:` to compare with, or nothing is checked"))
        return out

    def title(self, rule: Rule) -> str:
        what = f"{table_label(rule, self.table)}{column_label(rule, self.table, self.column)}之和"
        targets = (["合计行"] if self.totals else []) + ([field_label(rule, self.field)] if self.field else [])
        return f"{what} = {' / '.join(targets)}"

    def _agree(self, a: Decimal, b: Decimal, kind: str) -> bool:
        if kind == "money":
            a, b = cents(a), cents(b)
        return abs(a - b) <= (self.tolerance or Decimal(0))

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        table = doc.tables.get(self.table)
        if table is None:
            return
        kind = column_type(rule, self.table, self.column) or "number"
        cells = [r.get(self.column) for r in table.rows]
        if any(v is not None and v.problem for v in cells):
            return
        numbers = [as_decimal(v.value) for v in cells if usable(v)]  # type: ignore[union-attr]
        if not numbers or any(n is None for n in numbers):
            return
        total_sum = sum((n for n in numbers if n is not None), Decimal(0))
        tname, cname = table_label(rule, self.table), column_label(rule, self.table, self.column)
        totals_cell = None
        if table.totals is not None:
            totals_cell = cell_of(table, table.totals, self.column)
            tv = table.totals.get(self.column)
            declared = as_decimal(tv.value) if usable(tv) else None
            if self.totals and declared is not None and not self._agree(declared, total_sum, kind):
                yield self._mismatch("{table}合计 {total} 与{column}明细之和 {sum} 不符，相差 {diff}",
                                     refs(totals_cell), declared, total_sum, kind, tname, cname, "合计")
        if self.field:
            fv = doc.fields.get(self.field)
            declared = as_decimal(fv.value) if usable(fv) else None
            if declared is not None and not self._agree(declared, total_sum, kind):
                yield self._mismatch("{target} {total} 与{table}{column}之和 {sum} 不符，相差 {diff}",
                                     refs(fv.ref if fv else None, totals_cell), declared, total_sum, kind,
                                     tname, cname, field_label(rule, self.field))

    def _mismatch(self, default: str, cells: tuple[str, ...], declared: Decimal, total: Decimal,
                  kind: str, tname: str, cname: str, target: str) -> Finding:
        diff = abs(cents(declared) - cents(total)) if kind == "money" else abs(declared - total)
        return self.finding(default, cells, table=tname, column=cname, target=target,
                            total=fmt_value(declared, kind), sum=fmt_value(total, kind),
                            diff=fmt_value(diff, kind))

