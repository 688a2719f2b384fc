"""`within`: every row's dates lie inside a window given by form fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import model_validator

from automator.checks.base import Check, CheckContext, column_problem, field_problem, table_problem
from automator.checks.common import (
    DATES,
    cell_of,
    column_label,
    date_only,
    day_of,
    field_label,
    fmt_moment,
    refs,
    table_label,
    usable,
)
from automator.document import Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule


def _norm(x: Any) -> Any:
    return x.date() if isinstance(x, dt.datetime) and date_only(x) else x


def _before(a: Any, b: Any) -> bool:
    """a < b, by calendar day when either is a date without time."""
    if isinstance(a, dt.datetime) and isinstance(b, dt.datetime):
        return a < b
    return day_of(a) < day_of(b)


class Within(Check):
    """Every row's date(s) lie inside a window given by one or two form fields.

    YAML keys:

    - `table`, `columns: [start, end]` — date or datetime columns;
    - `start` — a date/datetime field no row may be before (inclusive);
    - `end` — a date/datetime field no row may be after (inclusive);
      at least one of `start`/`end`.
    - `severity`, `why`, `message`.

    A date without a time compares by calendar day: an action due on the
    meeting's day is inside a window that starts at the meeting's 14:00.
    Blank or unreadable cells are skipped. Finding cell: the row's cell.

    Message placeholders: `{table}`, `{row}`, `{column}`, `{value}`,
    `{bound_label}`, `{bound}`. Defaults: "行动事项第3行截止日期 2026-11-18 早于
    会议日期 2026-11-20 14:00"; "交付物第4行交付日期 2026-12-20 晚于 最终交付日期 2026-12-15".
    """

    name = "within"
    placeholders = ("table", "row", "column", "value", "bound_label", "bound")
    default_why = "每行日期都应在规定的时间范围内"

    check: Literal["within"]
    table: str
    columns: tuple[str, ...]
    start: str | None = None
    end: str | None = None

    @model_validator(mode="after")
    def _has_bound(self) -> Within:
        if not self.start and not self.end:
            raise ValueError("give `start:` and/or `end:` (form fields holding the window)")
        if not self.columns:
            raise ValueError("`columns:` must list at least one date column")
        return self

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        out = []
        if p := table_problem(rule, self.table):
            out.append(("table", p))
        else:
            out += [("columns", p) for c in self.columns if (p := column_problem(rule, self.table, c, DATES))]
        for key in ("start", "end"):
            name = getattr(self, key)
            if name and (p := field_problem(rule, name, DATES)):
                out.append((key, p))
        return out

    def title(self, rule: Rule) -> str:
        cols = "、".join(column_label(rule, self.table, c) for c in self.columns)
        what = f"{table_label(rule, self.table)}{cols}"
        if self.start and self.end:
            return f"{what}在{field_label(rule, self.start)}至{field_label(rule, self.end)}之间"
        if self.start:
            return f"{what}不早于{field_label(rule, self.start)}"
        return f"{what}不晚于{field_label(rule, self.end or '')}"

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        table = doc.tables.get(self.table)
        if table is None:
            return
        bounds = {}
        for key in ("start", "end"):
            name = getattr(self, key)
            v = doc.fields.get(name) if name else None
            if usable(v) and isinstance(v.value, dt.date):  # type: ignore[union-attr]
                bounds[key] = (name, _norm(v.value))  # type: ignore[union-attr]
        if not bounds:
            return
        for row in table.rows:
            for column in self.columns:
                v = row.get(column)
                if not usable(v) or not isinstance(v.value, dt.date):  # type: ignore[union-attr]
                    continue
                value = _norm(v.value)  # type: ignore[union-attr]
                for key, (name, bound) in bounds.items():
                    if key == "start" and _before(value, bound):
                        default = "{table}第{row}行{column} {value} 早于 {bound_label} {bound}"
                    elif key == "end" and _before(bound, value):
                        default = "{table}第{row}行{column} {value} 晚于 {bound_label} {bound}"
                    else:
                        continue
                    yield self.finding(default, refs(cell_of(table, row, column)),
                                       table=table_label(rule, self.table), row=row.number,
                                       column=column_label(rule, self.table, column),
                                       value=fmt_moment(value), bound_label=field_label(rule, name),
                                       bound=fmt_moment(bound))
