"""`within`: every row's dates lie inside a window given by form fields."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import field_validator, model_validator

from automator.checks.base import Check, CheckContext, column_problem, field_problem, table_problem
from automator.checks.common import (
    DATES,
    cell_of,
    choices,
    column_label,
    date_only,
    day_of,
    field_label,
    fmt_gap_spec,
    fmt_moment,
    parse_gap,
    refs,
    row_matches,
    table_label,
    usable,
    where_problems,
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
      at least one of `start`/`end`. Either may add a gap to the field:
      `end: visit_date + 3d` (at most 3 days after the visit);
    - `where: {urgency: 紧急}` — only rows whose column holds one of these
      values (compared like `one_of`); other rows are not checked;
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
    where: dict[str, tuple[str, ...]] = {}

    @field_validator("where", mode="before")
    @classmethod
    def _where_lists(cls, v: object) -> object:
        return choices(v)

    @field_validator("start", "end")
    @classmethod
    def _bound_shape(cls, v: str | None) -> str | None:
        if v is not None and "+" in v:
            name, gap = _split(v)
            if not name:
                raise ValueError(f"expected a field key or `field + 3d` (got {v!r})")
            parse_gap(gap)
        return v

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
            out += where_problems(rule, self.table, self.where)
        for key in ("start", "end"):
            name = _split(getattr(self, key))[0]
            if name and (p := field_problem(rule, name, DATES)):
                out.append((key, p))
        return out

    def _label(self, rule: Rule, bound: str) -> str:
        name, gap = _split(bound)
        return f"{field_label(rule, name)}后{fmt_gap_spec(gap)}" if gap else field_label(rule, name)

    def title(self, rule: Rule) -> str:
        cols = "、".join(column_label(rule, self.table, c) for c in self.columns)
        only = "".join(f"（{column_label(rule, self.table, c)}为{'/'.join(v)}）" for c, v in self.where.items())
        what = f"{table_label(rule, self.table)}{only}{cols}"
        if self.start and self.end:
            return f"{what}在{self._label(rule, self.start)}至{self._label(rule, self.end)}之间"
        if self.start:
            return f"{what}不早于{self._label(rule, self.start)}"
        return f"{what}不晚于{self._label(rule, self.end or '')}"

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        table = doc.tables.get(self.table)
        if table is None:
            return
        bounds = {}
        for key in ("start", "end"):
            bound = getattr(self, key)
            name, gap = _split(bound)
            v = doc.fields.get(name) if name else None
            if usable(v) and isinstance(v.value, dt.date):  # type: ignore[union-attr]
                moment = _norm(v.value)  # type: ignore[union-attr]
                bounds[key] = (bound, moment + parse_gap(gap) if gap else moment)
        if not bounds:
            return
        for row in table.rows:
            if self.where and not row_matches(row, self.where):
                continue
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
                                       value=fmt_moment(value), bound_label=self._label(rule, name),
                                       bound=fmt_moment(bound))


def _split(bound: str | None) -> tuple[str, str]:
    """`visit_date + 3d` → ("visit_date", "3d"); `visit_date` → ("visit_date", "")."""
    name, _, gap = (bound or "").partition("+")
    return name.strip(), gap.strip()
