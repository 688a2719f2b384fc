"""What one cell is, cheaply: a figure, a date, text, a `label：value` pair, or 大写 words.

Called for every cell of every sheet (114k on a media inventory), so the common cases
are decided by type and the first character before any regex runs.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from automator.capital import CAPITAL_CHARS
from automator.readers.workbook.raw import RawCell
from automator.readers.workbook.tables.numbers import Num, read_number

NUM, DATE, TEXT, EMPTY = "num", "date", "text", "empty"
_NOTHING = {"-", "--", "—", "——", "－", "/", "\\", "—/—", "×"}  # what people type for "nothing here"
_MAYBE_NUMBER = set("0123456789.+-−'¥￥$(（") | set("０１２３４５６７８９")
_DATE_TEXT = re.compile(r"^\s*\d{4}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2}\s*日?")
_CAPITAL_RUN = re.compile(r"[零壹贰叁肆伍陆柒捌玖拾佰仟万亿元圆角分整正〇]{3,}")
# Column titles that start with a digit but name a period, not a figure: 1月, 2026年, 第3周, Q1.
_PERIOD = re.compile(r"^\s*(?:\d{1,4}\s*(?:月|月份|年|年度|季度|周|日|号)|第\s*\d+\s*(?:周|月|季度|天|期|集|场|轮)|q[1-4])\s*$",
                     re.I)
_PAIR = re.compile(r"^\s*(?P<label>[^:：]{1,16}?)\s*[:：]\s*(?P<value>\S.*)$", re.S)


def kind(cell: RawCell | None) -> str:
    if cell is None:
        return EMPTY
    v = cell.value
    if v is None:
        return NUM if cell.formula else EMPTY  # an uncomputed formula is taken for a figure
    t = type(v)
    if t is int or t is float or t is Decimal:
        return NUM
    if t is str:
        s = v.strip()
        if not s or s in _NOTHING:
            return EMPTY
        if s[0] in _MAYBE_NUMBER or s[-1] in "元万wWkK%折":
            if _DATE_TEXT.match(s):
                return DATE
            if _PERIOD.match(s):
                return TEXT
            return NUM if read_number(v) is not None else TEXT
        return TEXT
    if isinstance(v, dt.date | dt.time | dt.timedelta):
        return DATE
    return TEXT if t is not bool else TEXT


def number(cell: RawCell | None) -> Num | None:
    if cell is None or cell.value is None:
        return None
    return read_number(cell.value)


def text(cell: RawCell | None) -> str:
    if cell is None or cell.value is None:
        return ""
    return str(cell.value).strip()


def pair(value: str) -> tuple[str, str] | None:
    """'客户：唐都食品' → ('客户', '唐都食品'); a time (14:30) or a long sentence is not a pair."""
    m = _PAIR.match(value)
    if not m or re.fullmatch(r"\d{1,2}", m["label"].strip()):
        return None
    return m["label"].strip(), m["value"].strip()


def capital_words(value: str) -> str | None:
    """The 大写 amount inside a text ('合计人民币（大写）：贰拾万元整' → '贰拾万元整'), or None."""
    runs = [r for r in _CAPITAL_RUN.findall(value) if any(u in r for u in "元圆角分") and
            any(d in r for d in "壹贰叁肆伍陆柒捌玖")]
    if not runs:
        return None
    best = max(runs, key=len)
    return best if all(ch in CAPITAL_CHARS or ch == "〇" for ch in best) else None
