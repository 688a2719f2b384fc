"""Turn what people type into cells into typed values.

Each `parse_*` takes what openpyxl returned for a cell (number, datetime,
time, text…) and returns the typed value, or raises `ValueError` whose
message is a Chinese sentence saying what was expected. `parse_value`
dispatches on a field's declared type.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
from collections.abc import Callable
from decimal import Decimal, InvalidOperation
from typing import Any

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
_DATE_HINT = "请写成 2026-11-27、2026/11/27 或 2026年11月27日"
_TIME_HINT = "请写成 14:30"
_MONEY_HINT = "请写成 12800、¥12,800.00、12800元 或 1.28万"


def clean_text(raw: Any) -> str:
    """NFKC (full-width digits and ￥ become ASCII), trimmed; Excel's _x000D_ escapes removed."""
    return unicodedata.normalize("NFKC", str(raw)).replace("_x000D_", "").strip()


# ---------------------------------------------------------------- numbers

_MONEY_NOISE = re.compile(r"(?i)^(rmb|cny|人民币)|[¥$,，\s]|元整?$|圆整?$|元$")


def _decimal(text: str) -> Decimal:
    try:
        value = Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(text) from exc
    if not value.is_finite():
        raise ValueError(text)
    return value


def _number_from(raw: Any) -> Decimal | None:
    """A real number cell as Decimal (via str, so 8000.1 stays 8000.1); None for text."""
    if isinstance(raw, bool):
        return None
    if isinstance(raw, int):
        return Decimal(raw)
    if isinstance(raw, float):
        if raw != raw or raw in (float("inf"), float("-inf")):
            raise ValueError("数字无效（NaN/无穷大）")
        return Decimal(repr(raw))
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise ValueError("数字无效（NaN/无穷大）")
        return raw
    return None


def parse_money(raw: Any) -> Decimal:
    """12800, '¥12,800.00', '￥12800', '12800元', 'RMB 12,800', '1.28万', '(1,000)' → Decimal."""
    number = _number_from(raw)
    if number is not None:
        return number
    text = clean_text(raw)
    negative = False
    if len(text) > 2 and text[0] in "(（" and text[-1] in ")）":
        negative, text = True, text[1:-1]
    multiplier = Decimal(1)
    if re.fullmatch(r"[^,.]*\d{1,3}(?:\.\d{3})+,\d{1,2}\D*", text):
        text = text.replace(".", "").replace(",", ".")  # 1.234,56: a European decimal comma
    body = _MONEY_NOISE.sub("", text)
    body = _MONEY_NOISE.sub("", body)  # "RMB 1.28万元": prefix and suffix both
    if body.endswith("万"):
        multiplier, body = Decimal(10000), body[:-1]
    elif body.endswith("亿"):
        multiplier, body = Decimal(100000000), body[:-1]
    body = _MONEY_NOISE.sub("", body)
    try:
        value = _decimal(body) * multiplier
    except ValueError:
        raise ValueError(f"无法识别的金额「{text}」，{_MONEY_HINT}") from None
    return -value if negative else value


def parse_number(raw: Any) -> Decimal:
    number = _number_from(raw)
    if number is not None:
        return number
    text = clean_text(raw).replace(",", "").replace("，", "")
    try:
        return _decimal(text)
    except ValueError:
        raise ValueError(f"无法识别的数字「{text}」，请只填数字") from None


def parse_int(raw: Any) -> int:
    value = parse_number(raw)
    if value != value.to_integral_value():
        raise ValueError(f"应为整数，实际为「{clean_text(raw)}」")
    return int(value)


def parse_minutes(raw: Any) -> int:
    """20, '20', '20分钟', '20 min', '1小时', '1.5h' → minutes."""
    if isinstance(raw, dt.timedelta):
        return int(raw.total_seconds() // 60)
    if isinstance(raw, dt.time):  # typed as 0:20 in a time-formatted cell
        return raw.hour * 60 + raw.minute
    if _number_from(raw) is not None:
        return parse_int(raw)
    text = clean_text(raw).lower()
    match = re.fullmatch(r"(\d+(?:\.\d+)?)\s*(分钟|分|min|mins|minutes|m|小时|h|hr|hours)?", text)
    if not match:
        raise ValueError(f"无法识别的时长「{text}」，请填分钟数，如 20")
    value = Decimal(match.group(1)) * (60 if (match.group(2) or "") in ("小时", "h", "hr", "hours") else 1)
    if value != value.to_integral_value():
        raise ValueError(f"时长应为整数分钟，实际为「{text}」")
    return int(value)


def parse_percent(raw: Any) -> Decimal:
    """'25%', 0.25 (a percent-formatted cell), 25 (percentage points) → Decimal('0.25')."""
    number = _number_from(raw)
    if number is None:
        text = clean_text(raw).replace(" ", "")
        if text.endswith("%"):
            return parse_number(text[:-1]) / 100
        try:
            number = parse_number(text)
        except ValueError:
            raise ValueError(f"无法识别的百分比「{text}」，请写成 25% 或 0.25") from None
    # In a column declared as percent, 25 means 25 %, while 0.25 is a fraction.
    return number / 100 if abs(number) > 1 else number


_CN_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def parse_discount(raw: Any) -> Decimal:
    """0.8, '80%', '8折', '8.5折', '85折', '八五折', '九折', '无折扣' → the price factor (0.8)."""
    number = _number_from(raw)
    if number is None:
        text = clean_text(raw).replace(" ", "")
        if text in ("无折扣", "不打折", "原价", "无", "-"):
            return Decimal(1)
        if text.endswith("折"):
            body = text[:-1]
            if body and all(ch in _CN_DIGITS for ch in body):
                body = "".join(str(_CN_DIGITS[ch]) for ch in body)
            try:
                value = _decimal(body)
            except ValueError:
                raise ValueError(f"无法识别的折扣「{text}」，请写成 8折、80% 或 0.8") from None
            # 8折 = 0.8, 8.5折 = 0.85, 85折 = 0.85
            factor = value / 10 if value < 10 else value / 100
        elif text.endswith("%"):
            factor = parse_number(text[:-1]) / 100
        else:
            try:
                number = parse_number(text)
            except ValueError:
                raise ValueError(f"无法识别的折扣「{text}」，请写成 8折、80% 或 0.8") from None
    if number is not None:
        factor = number / 100 if number > 1 else number
    if not Decimal(0) < factor <= Decimal(1):
        raise ValueError(f"折扣「{clean_text(raw)}」超出范围，应在 0 到 1 之间（如 0.8 即八折）")
    return factor


# ---------------------------------------------------------------- dates and times

_DATE_RE = re.compile(
    r"(?P<y>\d{4})\s*(?:[-/.年])\s*(?P<m>\d{1,2})\s*(?:[-/.月])\s*(?P<d>\d{1,2})\s*[日号]?"
    r"|(?P<y8>\d{4})(?P<m8>\d{2})(?P<d8>\d{2})")
_TIME_RE = re.compile(
    r"(?P<ampm>上午|下午|中午|晚上|am|pm)?\s*(?P<h>\d{1,2})\s*(?:[:：点时])\s*(?P<mi>\d{1,2})?\s*分?"
    r"(?:\s*[:：]\s*(?P<s>\d{1,2})\s*秒?)?\s*(?P<ampm2>am|pm)?$", re.I)


def _serial_to_datetime(serial: Decimal, epoch: dt.datetime) -> dt.datetime:
    # Serials outside 1954–2119 are almost surely not dates but misfiled numbers.
    if not 20000 <= serial <= 80000:
        raise ValueError(f"数字 {serial} 不像日期，{_DATE_HINT}")
    return epoch + dt.timedelta(days=float(serial))


def _time_from_text(text: str) -> dt.time:
    match = _TIME_RE.fullmatch(text.strip())
    if not match:
        raise ValueError(f"无法识别的时间「{text}」，{_TIME_HINT}")
    hour, minute = int(match["h"]), int(match["mi"] or 0)
    second = int(match["s"] or 0)
    ampm = (match["ampm"] or match["ampm2"] or "").lower()
    if ampm in ("下午", "晚上", "pm") and hour < 12:
        hour += 12
    if ampm == "中午" and hour < 6:
        hour += 12
    try:
        return dt.time(hour, minute, second)
    except ValueError:
        raise ValueError(f"时间「{text}」不存在，{_TIME_HINT}") from None


def _split_date_text(text: str) -> tuple[dt.date, str]:
    match = _DATE_RE.match(text)
    if not match:
        if re.fullmatch(r"\d{1,2}\s*[月/.-]\s*\d{1,2}\s*[日号]?.*", text):
            raise ValueError(f"日期「{text}」缺少年份，{_DATE_HINT}")
        raise ValueError(f"无法识别的日期「{text}」，{_DATE_HINT}")
    y, m, d = (match["y"] or match["y8"], match["m"] or match["m8"], match["d"] or match["d8"])
    try:
        date = dt.date(int(y), int(m), int(d))
    except ValueError:
        raise ValueError(f"日期「{text}」不存在（{y}年{int(m)}月{int(d)}日），请核对") from None
    rest = text[match.end():].strip()
    rest = re.sub(r"^(?:[（(]?(?:星期|周)[一二三四五六日天][）)]?|T)\s*", "", rest)
    return date, rest


def parse_datetime(raw: Any, epoch: dt.datetime = EXCEL_EPOCH) -> dt.datetime | dt.date:
    """A date, optionally with a time. Returns a `date` when no time was given."""
    if isinstance(raw, dt.datetime):
        return raw.date() if raw.time() == dt.time(0) else raw
    if isinstance(raw, dt.date):
        return raw
    number = _number_from(raw)
    if number is not None:
        value = _serial_to_datetime(number, epoch)
        return value.date() if value.time() == dt.time(0) else value.replace(microsecond=0)
    text = clean_text(raw)
    date, rest = _split_date_text(text)
    if not rest:
        return date
    try:
        return dt.datetime.combine(date, _time_from_text(rest))
    except ValueError:
        raise ValueError(f"无法识别「{text}」中的时间，请写成 2026-11-27 14:30") from None


def parse_date(raw: Any, epoch: dt.datetime = EXCEL_EPOCH) -> dt.date:
    value = parse_datetime(raw, epoch)
    return value.date() if isinstance(value, dt.datetime) else value


def parse_time(raw: Any, epoch: dt.datetime = EXCEL_EPOCH) -> dt.time:
    if isinstance(raw, dt.datetime):
        return raw.time()
    if isinstance(raw, dt.time):
        return raw
    if isinstance(raw, dt.timedelta) and dt.timedelta(0) <= raw < dt.timedelta(days=1):
        return (dt.datetime.min + raw).time()
    number = _number_from(raw)
    if number is not None:
        if 0 <= number < 1:  # an Excel time is a fraction of a day
            seconds = int((number * 86400).to_integral_value())
            return (dt.datetime.min + dt.timedelta(seconds=seconds)).time()
        raise ValueError(f"数字 {number} 不像时间，{_TIME_HINT}")
    return _time_from_text(clean_text(raw))


def parse_text(raw: Any) -> str:
    if isinstance(raw, float) and not math.isfinite(raw):
        raise ValueError("数值无效（无穷大）")
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))  # a phone number or code typed as a number
    if isinstance(raw, dt.datetime):
        return raw.strftime("%Y-%m-%d %H:%M") if raw.time() != dt.time(0) else raw.strftime("%Y-%m-%d")
    if isinstance(raw, dt.date):
        return raw.isoformat()
    return str(raw).replace("\r\n", "\n").replace("\r", "\n").strip()


PARSERS: dict[str, Callable[..., Any]] = {
    "text": parse_text, "int": parse_int, "number": parse_number, "money": parse_money,
    "minutes": parse_minutes, "percent": parse_percent, "discount": parse_discount,
    "date": parse_date, "datetime": parse_datetime, "time": parse_time,
}
_NEEDS_EPOCH = {"date", "datetime", "time"}


def is_blank(raw: Any) -> bool:
    """Nothing there: None, blanks only, or a float NaN (what some writers put in empty cells)."""
    return raw is None or (isinstance(raw, str) and not raw.strip()) or (isinstance(raw, float) and raw != raw)


def parse_value(raw: Any, type_: str, epoch: dt.datetime = EXCEL_EPOCH) -> tuple[Any, str | None]:
    """(value, None) or (None, problem). Blank cells are (None, None)."""
    if is_blank(raw):
        return None, None
    if isinstance(raw, bool) and type_ != "text":
        return None, f"应为{type_}，单元格是逻辑值 {raw}"
    parser = PARSERS[type_]
    try:
        return (parser(raw, epoch) if type_ in _NEEDS_EPOCH else parser(raw)), None
    except ValueError as exc:
        return None, str(exc)
    except (ArithmeticError, OverflowError):
        return None, f"无法识别的值「{clean_text(raw)[:50]}」"
