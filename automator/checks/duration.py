"""`duration`: a column of minutes adds up to the span between two times."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Literal

from automator.checks.base import Check, CheckContext, Tolerance, column_problem, field_problem, table_problem
from automator.checks.common import (
    as_decimal,
    cell_of,
    column_label,
    field_label,
    fmt_moment,
    fmt_number,
    refs,
    table_label,
    usable,
)
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule

MINUTE_TYPES = frozenset({"minutes", "int", "number"})
TIME_TYPES = frozenset({"time", "datetime"})


def _minutes_between(start: Any, end: Any) -> Decimal | None:
    if isinstance(start, dt.time) and isinstance(end, dt.time):
        start, end = dt.datetime.combine(dt.date.min, start), dt.datetime.combine(dt.date.min, end)
    if isinstance(start, dt.datetime) and isinstance(end, dt.datetime):
        return Decimal(int((end - start).total_seconds())) / 60
    return None


class Duration(Check):
    """A column of minutes adds up to the time between a start and an end field.

    YAML keys:

    - `table`, `column` — a minutes (or int/number) column;
    - `start`, `end` — time (or datetime) fields;
    - `tolerance` — allowed difference in minutes (default 0);
    - `severity`, `why`, `message`.

    Skipped when a row's minutes are blank or unreadable (one unknown item makes
    the sum meaningless) or when the end is not after the start (the
    `date_order` check reports that).

    Finding cells: the column's totals-row cell if the table has one, then the
    start and end cells.

    Message placeholders: `{table}`, `{column}`, `{total}`, `{span}`,
    `{start}`, `{end}`, `{diff}` (all in minutes, times as 14:00).
    Default: "议程各项时长(分钟)之和 110 分钟，与 14:00–16:00 的 120 分钟不符，相差 10 分钟".
    """

    name = "duration"
    placeholders = ("table", "column", "total", "span", "start", "end", "diff")
    default_why = "各项时长之和应等于总时长"

    check: Literal["duration"]
    table: str
    column: str
    start: str
    end: str
    tolerance: Tolerance = None

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        out = []
        if p := table_problem(rule, self.table):
            out.append(("table", p))
        elif p := column_problem(rule, self.table, self.column, MINUTE_TYPES):
            out.append(("column", p))
        for key in ("start", "end"):
            if p := field_problem(rule, getattr(self, key), TIME_TYPES):
                out.append((key, p))
        if not out and {rule.field(self.start).type, rule.field(self.end).type} == TIME_TYPES:  # type: ignore[union-attr]
            out.append(("end", "`start` and `end` must both be times or both date-times"))
        return out

    def title(self, rule: Rule) -> str:
        return (f"{table_label(rule, self.table)}{column_label(rule, self.table, self.column)}之和 = "
                f"{field_label(rule, self.start)}至{field_label(rule, self.end)}")

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        table = doc.tables.get(self.table)
        start, end = doc.fields.get(self.start), doc.fields.get(self.end)
        if table is None or not table.rows or not usable(start) or not usable(end):
            return
        assert start is not None and end is not None
        span = _minutes_between(start.value, end.value)
        if span is None or span <= 0:
            return
        cells = [r.get(self.column) for r in table.rows]
        if not all(usable(v) for v in cells):
            return
        numbers = [as_decimal(v.value) for v in cells]  # type: ignore[union-attr]
        if any(n is None for n in numbers):
            return
        total = sum((n for n in numbers if n is not None), Decimal(0))
        if abs(total - span) <= (self.tolerance or Decimal(0)):
            return
        totals_cell = cell_of(table, table.totals, self.column) if table.totals is not None else None
        yield self.finding("{table}各项{column}之和 {total} 分钟，与 {start}–{end} 的 {span} 分钟不符，相差 {diff} 分钟",
                           refs(totals_cell, start.ref, end.ref),
                           table=table_label(rule, self.table), column=column_label(rule, self.table, self.column),
                           total=fmt_number(total), span=fmt_number(span), start=fmt_moment(start.value),
                           end=fmt_moment(end.value), diff=fmt_number(abs(total - span)))
