"""How values look in a Word document: `2026年11月20日`, `¥12,800.00`, `40%`, `8折`.

Every function returns a plain string that is safe to put into Word XML:
XML-illegal control characters are gone and line breaks are `\\n` only.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

# C0 controls except tab/LF/CR, plus the two non-characters lxml rejects (pitfall 1.2).
# \a and \f are in this range too: docxtpl would turn them into paragraph/page breaks.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_SURROGATE = re.compile("[\ud800-\udfff]")
_CENT = Decimal("0.01")


def clean(text: Any) -> str:
    """A string Word can hold: illegal characters stripped, `\\r\\n`/`\\r` → `\\n` (pitfall 1.7)."""
    s = str(text)
    if "\r" in s:
        s = s.replace("\r\n", "\n").replace("\r", "\n")
    return _ILLEGAL.sub("", s)


def printable(text: Any) -> str:
    """Text any UTF-8 file can hold: a lone surrogate (an undecodable byte in a file name,
    `_xD800_` in a cell) becomes U+FFFD instead of failing the write."""
    s = str(text)
    return _SURROGATE.sub("\ufffd", s) if _SURROGATE.search(s) else s


def has_illegal(text: str) -> bool:
    return _ILLEGAL.search(text) is not None


def date_zh(value: dt.date) -> str:
    return f"{value.year}年{value.month}月{value.day}日"


def time_zh(value: dt.time) -> str:
    return f"{value.hour:02d}:{value.minute:02d}"


def datetime_zh(value: dt.datetime | dt.date) -> str:
    """`2026年11月20日 14:00`; a date alone (or midnight, i.e. no time typed) shows the date only."""
    if not isinstance(value, dt.datetime):
        return date_zh(value)
    if value.time() == dt.time(0):
        return date_zh(value.date())
    return f"{date_zh(value.date())} {time_zh(value.time())}"


def money(value: Decimal | int) -> str:
    """`¥12,800.00`; negatives as `-¥1,200.00`."""
    amount = Decimal(value).quantize(_CENT, rounding=ROUND_HALF_UP)
    sign = "-" if amount < 0 else ""
    return f"{sign}¥{abs(amount):,.2f}"


def _plain(value: Decimal) -> str:
    """A Decimal without exponent or trailing zeros: 12.50 → 12.5, 1E+3 → 1000."""
    if value == value.to_integral_value():
        return str(value.quantize(Decimal(1)))
    return format(value.normalize(), "f")


def number(value: Decimal | int | float, *, grouping: bool = True) -> str:
    """`1,500`, `2.5` — never a trailing `.0`."""
    d = value if isinstance(value, Decimal) else Decimal(str(value))
    text = _plain(d)
    if not grouping:
        return text
    whole, _, frac = text.partition(".")
    sign = "-" if whole.startswith("-") else ""
    grouped = f"{int(whole.lstrip('-')):,}"
    return f"{sign}{grouped}{'.' + frac if frac else ''}"


def percent(value: Decimal) -> str:
    """A fraction as a percentage: 0.4 → `40%`, 0.125 → `12.5%`."""
    return f"{_plain((Decimal(value) * 100).quantize(Decimal('0.01'), rounding=ROUND_HALF_UP))}%"


def discount(value: Decimal) -> str:
    """A price factor as Chinese 折: 0.8 → `8折`, 0.85 → `85折`, 1 → `无折扣`."""
    factor = Decimal(value)
    if factor >= 1:
        return "无折扣"
    tenths = factor * 10
    hundredths = factor * 100
    if tenths == tenths.to_integral_value() and tenths >= 1:
        return f"{_plain(tenths)}折"
    if hundredths == hundredths.to_integral_value() and tenths >= 1:
        return f"{_plain(hundredths)}折"  # 85折, as people write it
    # Deeper than 1折, or finer than a hundredth: the plain tenths form (0.5折, 8.75折) reads back exactly.
    return f"{_plain(tenths.normalize())}折"


def display(value: Any, type_: str = "text") -> str:
    """The document text for a parsed value of a field declared as `type_`. Blank → ""."""
    if value is None:
        return ""
    if isinstance(value, float) and (math.isnan(value) or math.isinf(value)):
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return date_zh(value.date()) if type_ == "date" else datetime_zh(value)
    if isinstance(value, dt.date):
        return date_zh(value)
    if isinstance(value, dt.time):
        return time_zh(value)
    if isinstance(value, int | float | Decimal):
        try:
            d = value if isinstance(value, Decimal) else Decimal(str(value))
            if not d.is_finite():
                return ""
            if type_ == "money":
                return money(d)
            if type_ == "percent":
                return percent(d)
            if type_ == "discount":
                return discount(d)
            return number(d, grouping=type_ not in ("int", "minutes", "text"))
        except InvalidOperation:
            return clean(value)
    return clean(value).strip()
