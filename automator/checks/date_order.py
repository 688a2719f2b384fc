"""`date_order`: one date (or date-time, or time) comes before another, within gaps."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any, Literal

from pydantic import field_validator

from automator.checks.base import Check, CheckContext, field_problem
from automator.checks.common import (
    DATES,
    MOMENTS,
    date_only,
    day_of,
    field_label,
    fmt_days,
    fmt_gap,
    fmt_gap_spec,
    fmt_moment,
    parse_gap,
    refs,
    usable,
)
from automator.document import CellRef, Finding

if TYPE_CHECKING:
    from automator.document import Document
    from automator.rules.model import Rule

DAY = dt.timedelta(days=1)


def side_keys(text: str) -> tuple[str, ...]:
    """`meeting_date + start_time` → ("meeting_date", "start_time")."""
    return tuple(p.strip() for p in text.split("+"))


class DateOrder(Check):
    """One moment comes before another, optionally by at least / at most a gap.

    YAML keys:

    - `earlier`, `later` — a field key (date, datetime or time), or
      `date_field + time_field` to join a date and a time (`meeting_date + start_time`);
    - `min_gap` — `later` must be at least this much after `earlier`
      (`1m`, `1h`, `14d`; default 0: the same moment is fine, earlier is not);
    - `max_gap` — `later` must be at most this much after `earlier` (`24h`);
    - `severity`, `why`, `message`.

    Comparison: two times of day compare on the same day; two moments that both
    carry a time compare exactly. When either side is a date without a time
    (a date field, a date-time typed without time, or `date + time` with the time
    left blank), they compare in calendar days, the gap rounded in the AE's
    favour: `max_gap: 24h` allows the next day ("a report dated the next day is
    within 24 hours"), `min_gap: 1h` allows the same day. Blank or unreadable
    values are skipped.

    Finding cells: every cell of `earlier`, then every cell of `later`.

    Message placeholders: `{earlier_label}`, `{earlier}`, `{later_label}`,
    `{later}`, `{gap}` (how far apart they are), `{min_gap}`, `{max_gap}`.
    Defaults: "结束时间 13:00 早于 开始时间 14:00"; "投放开始 2026-11-10 只比
    简报日期 2026-11-02 晚 8天，应至少晚 14天"; "报告日期 2026-11-23 比 会议日期
    2026-11-20 晚 3天，超过 24小时".
    """

    name = "date_order"
    placeholders = ("earlier_label", "earlier", "later_label", "later", "gap", "min_gap", "max_gap")
    default_why = "日期先后顺序必须正确"

    check: Literal["date_order"]
    earlier: str
    later: str
    min_gap: str | None = None
    max_gap: str | None = None

    @field_validator("min_gap", "max_gap")
    @classmethod
    def _gap_parses(cls, v: str | None) -> str | None:
        if v is not None:
            parse_gap(v)
        return v

    @field_validator("earlier", "later")
    @classmethod
    def _side_shape(cls, v: str) -> str:
        if len(side_keys(v)) > 2 or not all(side_keys(v)):
            raise ValueError(f"expected a field key or `date_field + time_field` (got {v!r})")
        return v

    def problems(self, rule: Rule, words: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        kinds = {}
        for side in ("earlier", "later"):
            keys = side_keys(getattr(self, side))
            if len(keys) == 1:
                p = field_problem(rule, keys[0], MOMENTS)
            else:
                p = (field_problem(rule, keys[0], DATES)
                     or field_problem(rule, keys[1], frozenset({"time"})))
            if p:
                out.append((side, p))
            elif len(keys) == 1 and (spec := rule.field(keys[0])):
                kinds[side] = "time" if spec.type == "time" else "date"
            else:
                kinds[side] = "date"
        if len(kinds) == 2 and kinds["earlier"] != kinds["later"]:
            out.append(("later", "a time of day can only be compared with another time "
                                 "(use `date_field + time_field` to compare with a date)"))
        if self.min_gap and self.max_gap and parse_gap(self.min_gap) > parse_gap(self.max_gap):
            out.append(("max_gap", f"max_gap {self.max_gap} is smaller than min_gap {self.min_gap}"))
        return out

    def _label(self, rule: Rule, side: str) -> str:
        return "+".join(field_label(rule, k) for k in side_keys(side))

    def title(self, rule: Rule) -> str:
        cond = []
        if self.min_gap and parse_gap(self.min_gap):
            cond.append(f"至少相隔 {fmt_gap_spec(self.min_gap)}")
        if self.max_gap:
            cond.append(f"不超过 {fmt_gap_spec(self.max_gap)}")
        tail = f"（{'，'.join(cond)}）" if cond else ""
        return f"{self._label(rule, self.earlier)} → {self._label(rule, self.later)}{tail}"

    def _moment(self, doc: Document, side: str) -> tuple[Any, list[CellRef | None]] | None:
        """The side's moment (date, datetime or time) and its cells, or None to skip."""
        keys = side_keys(side)
        first = doc.fields.get(keys[0])
        if not usable(first):
            return None
        assert first is not None
        value, cells = first.value, [first.ref]
        if len(keys) == 2:
            t = doc.fields.get(keys[1])
            if t is not None and t.problem:
                return None
            if usable(t) and isinstance(t.value, dt.time) and isinstance(value, dt.date):  # type: ignore[union-attr]
                value = dt.datetime.combine(day_of(value), t.value)  # type: ignore[union-attr]
                cells.append(t.ref)  # type: ignore[union-attr]
        if isinstance(value, dt.datetime) and date_only(value):
            value = value.date()  # typed without a time: compare by day
        if not isinstance(value, dt.date | dt.time):
            return None
        return value, cells

    def run(self, doc: Document, rule: Rule, ctx: CheckContext) -> Iterator[Finding]:
        a, b = self._moment(doc, self.earlier), self._moment(doc, self.later)
        if a is None or b is None:
            return
        (early, early_cells), (late, late_cells) = a, b
        min_gap = parse_gap(self.min_gap) if self.min_gap else dt.timedelta(0)
        max_gap = parse_gap(self.max_gap) if self.max_gap else None

        if isinstance(early, dt.time) != isinstance(late, dt.time):
            return  # refused at load; a reader surprise is not the AE's mistake
        if isinstance(early, dt.time):
            delta = (dt.datetime.combine(dt.date.min, late) - dt.datetime.combine(dt.date.min, early))
            too_close, too_far, shown = delta < min_gap, max_gap is not None and delta > max_gap, fmt_gap(delta)
        elif date_only(early) or date_only(late):
            days = (day_of(late) - day_of(early)).days
            # The gap in whole days, rounded in the AE's favour.
            need = min_gap // DAY
            allow = None if max_gap is None else math.ceil(max_gap / DAY)
            too_close, too_far, shown = days < need, allow is not None and days > allow, fmt_days(abs(days))
            delta = dt.timedelta(days=days)
        else:
            delta = late - early
            too_close, too_far, shown = delta < min_gap, max_gap is not None and delta > max_gap, fmt_gap(delta)

        if not (too_close or too_far or delta < dt.timedelta(0)):
            return
        if delta < dt.timedelta(0):
            default = "{later_label} {later} 早于 {earlier_label} {earlier}" + (
                "，应至少晚 {min_gap}" if min_gap else "")
        elif too_close:
            default = "{later_label} {later} 只比 {earlier_label} {earlier} 晚 {gap}，应至少晚 {min_gap}"
        else:
            default = "{later_label} {later} 比 {earlier_label} {earlier} 晚 {gap}，超过 {max_gap}"
        yield self.finding(
            default, refs(*early_cells, *late_cells),
            earlier_label=self._label(rule, self.earlier), earlier=fmt_moment(early),
            later_label=self._label(rule, self.later), later=fmt_moment(late), gap=shown,
            min_gap=fmt_gap_spec(self.min_gap) if self.min_gap else "0分钟",
            max_gap=fmt_gap_spec(self.max_gap) if self.max_gap else "")
