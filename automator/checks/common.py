"""Small helpers the checks share: reading numbers and moments out of Values,
formatting them the way an AE reads them, and naming where a value lives."""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from collections.abc import Iterator
from typing import Any

from automator.document import CellRef, Document, Row, Table, Value
from automator.rules.model import Rule

CENT = Decimal("0.01")

NUMERIC = frozenset({"int", "number", "money", "minutes", "percent", "discount"})
SUMMABLE = frozenset({"int", "number", "money", "minutes"})
RATES = frozenset({"percent", "discount"})
COUNTS = frozenset({"int", "number", "minutes"})
DATES = frozenset({"date", "datetime"})
MOMENTS = frozenset({"date", "datetime", "time"})


def usable(v: Value | None) -> bool:
    """A value a check can use: present, readable, not blank.

    Blank values are the `required` check's business and unreadable ones the
    `unreadable` check's, so every other check quietly skips them.
    """
    return v is not None and v.problem is None and not v.blank


def as_decimal(x: Any) -> Decimal | None:
    if isinstance(x, bool):
        return None
    if isinstance(x, Decimal):
        return x if x.is_finite() else None
    if isinstance(x, int):
        return Decimal(x)
    if isinstance(x, float):
        return Decimal(repr(x)) if math.isfinite(x) else None
    return None


def cents(d: Decimal) -> Decimal:
    return d.quantize(CENT, rounding=ROUND_HALF_UP)


def fmt_money(d: Decimal) -> str:
    return f"{cents(d):,.2f}"


def fmt_number(d: Decimal) -> str:
    """`2`, `1.5`, `12,000` — no trailing zeros, thousands separated."""
    try:
        if d == d.to_integral_value():
            return f"{d.to_integral_value():,f}"
        return f"{d.normalize():,f}"
    except InvalidOperation:
        return str(d)


def fmt_percent(fraction: Decimal) -> str:
    pct = (fraction * 100).quantize(CENT, rounding=ROUND_HALF_UP)
    return f"{pct.normalize():f}%" if pct == pct.to_integral_value() else f"{pct:f}%"


def fmt_value(d: Decimal, kind: str) -> str:
    if kind == "money":
        return fmt_money(d)
    if kind == "percent":
        return fmt_percent(d)
    return fmt_number(d)


def fmt_moment(x: Any) -> str:
    if isinstance(x, dt.datetime):
        return x.strftime("%Y-%m-%d %H:%M")
    if isinstance(x, dt.date):
        return x.isoformat()
    if isinstance(x, dt.time):
        return x.strftime("%H:%M")
    return str(x)


def date_only(x: Any) -> bool:
    """A date without a time of day: a `date`, or a `datetime` at exactly 00:00.

    A date typed into an Excel date-time cell arrives as midnight; treating it
    as "that day" keeps the day-based rules (a report dated the next day is
    within 24 hours) from depending on how the cell was typed.
    """
    if isinstance(x, dt.datetime):
        return x.time() == dt.time(0, 0)
    return isinstance(x, dt.date)


def day_of(x: dt.date) -> dt.date:
    return x.date() if isinstance(x, dt.datetime) else x


_GAP = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(m|min|h|d)\s*$")


def parse_gap(text: Any) -> dt.timedelta:
    """`30m`, `1h`, `24h`, `14d` → timedelta. Raises ValueError with a readable message."""
    m = _GAP.match(str(text))
    if not m:
        raise ValueError(f"gap must look like 30m, 1h, 24h or 14d (got {text!r})")
    amount = float(m.group(1))
    unit = {"m": "minutes", "min": "minutes", "h": "hours", "d": "days"}[m.group(2)]
    return dt.timedelta(**{unit: amount})


def fmt_gap_spec(text: str) -> str:
    """A gap as the rule wrote it, in Chinese: `24h` → 24小时 (not 1天)."""
    m = _GAP.match(str(text))
    if not m:
        return str(text)
    unit = {"m": "分钟", "min": "分钟", "h": "小时", "d": "天"}[m.group(2)]
    return f"{m.group(1)}{unit}"


def fmt_gap(gap: dt.timedelta) -> str:
    """1小时 / 14天 / 1天2小时30分钟 / 0分钟."""
    minutes = int(abs(gap).total_seconds() // 60)
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = [f"{days}天" if days else "", f"{hours}小时" if hours else "", f"{mins}分钟" if mins else ""]
    return "".join(parts) or "0分钟"


def fmt_days(days: int) -> str:
    return f"{days}天"


# --- naming places -----------------------------------------------------------

def field_label(rule: Rule, key: str) -> str:
    spec = rule.field(key)
    return spec.zh if spec else key


def table_label(rule: Rule, key: str) -> str:
    spec = rule.table(key)
    return spec.zh if spec else key


def column_label(rule: Rule, table: str, column: str) -> str:
    spec = rule.table(table)
    col = next((c for c in spec.columns if c.key == column), None) if spec else None
    return col.zh if col else column


def column_type(rule: Rule, table: str, column: str) -> str | None:
    spec = rule.table(table)
    col = next((c for c in spec.columns if c.key == column), None) if spec else None
    return col.type if col else None


def cell_of(table: Table, row: Row, column: str) -> CellRef | None:
    """The cell of `column` in `row`: the Value's own ref, else where it would be."""
    v = row.get(column)
    if v is not None and v.ref is not None:
        return v.ref
    return table.cell_ref(column, row.number)


def refs(*cells: CellRef | None) -> tuple[str, ...]:
    """Cell references as `Sheet!A1` strings, blanks and repeats dropped, order kept."""
    out: list[str] = []
    for c in cells:
        if c is not None and str(c) not in out:
            out.append(str(c))
    return tuple(out)


def walk(doc: Document, rule: Rule) -> Iterator[tuple[str, Value]]:
    """Every bound value with a phrase saying where it is: 「抄送」, 行动事项第4行「负责人」."""
    for key, v in doc.fields.items():
        yield f"「{field_label(rule, key)}」", v
    for tkey, table in doc.tables.items():
        tname = table_label(rule, tkey)
        rows = [(f"第{r.number}行", r) for r in table.rows]
        if table.totals is not None:
            rows.append(("合计行", table.totals))
        for where, row in rows:
            for ckey, v in row.cells.items():
                yield f"{tname}{where}「{column_label(rule, tkey, ckey)}」", v
            for ckey, v in row.extra.items():
                yield f"{tname}{where}「{ckey}」", v


def norm_choice(value: Any) -> str:
    """A typed choice as compared: NFKC, no blanks, case-folded (「紧急 」 = 「紧急」, `Done` = `done`)."""
    import unicodedata

    return "".join(unicodedata.normalize("NFKC", str(value)).split()).casefold()


def row_matches(row: Row, where: dict[str, tuple[str, ...]]) -> bool:
    """Does `row` pass a check's `where: {column: [values]}` filter? (Every column must hold one of its values.)"""
    for column, values in where.items():
        v = row.get(column)
        if v is None or v.blank or v.problem is not None:
            return False
        shown = v.value if v.value is not None else v.raw
        if norm_choice(shown) not in {norm_choice(x) for x in values}:
            return False
    return True


def where_problems(rule: Rule, table: str, where: dict[str, tuple[str, ...]]) -> list[tuple[str, str]]:
    from automator.checks.base import column_problem

    out = [("where", p) for c in where if (p := column_problem(rule, table, c))]
    out += [("where", f"`where: {{{c}: [...]}}` lists no values") for c, vs in where.items() if not vs]
    return out


def choices(v: Any) -> Any:
    """`where:` values may be one word or a list: {urgency: 紧急} = {urgency: [紧急]}."""
    if isinstance(v, dict):
        return {k: (x,) if isinstance(x, str | int) else x for k, x in v.items()}
    return v
