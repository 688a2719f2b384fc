"""Numbers as people type them into spreadsheets: real numbers, and text with units.

    read_number(20000)           -> Num(20000)
    read_number("673元/年")        -> Num(673, text=True)
    read_number("'2190.2 每年")    -> Num(2190.2, text=True)
    read_number("¥1,200") / "1.2万" / "3k" / "10w"  -> 1200 / 12000 / 3000 / 100000
    read_number("6%")            -> Num(0.06, percent=True)
    read_number("9000+2190=11190") -> Num(11190, expr="9000+2190", declared=11190, computed=11190)
    read_number("9000+2190")     -> Num(11190, expr="9000+2190")        (computed, nothing declared)
    read_number("3000-5000") / "575×770mm" / "2026-03-01" / "约5万"  -> None (a range, a size, a date: not a figure)

Everything is Decimal (0.1 + 0.2 is 0.3). A text that is not plainly one figure is None:
the checks then leave that cell alone rather than guess.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

_WHOLE = r"\d{1,3}(?:,\d{3})+|\d+"
_NUMBER = rf"(?:{_WHOLE})(?:\.\d+)?|\.\d+"
# What may stand around a figure: currency before it; a scale and a unit after it.
_CURRENCY = r"(?:人民币|rmb|cny|¥|\$|us\$|usd)?"
_SCALE = {"万": Decimal(10000), "w": Decimal(10000), "千": Decimal(1000), "k": Decimal(1000), "亿": Decimal(10**8),
          "百万": Decimal(10**6)}
_UNIT = (r"(?:元|圆|块|万元|千元|百万元|亿元|rmb|cny|元整)?"
         r"(?:\s*(?:/|每|一|／)\s*[\u4e00-\u9fffA-Za-z]{1,4})?"   # /年, 每年, /周/位, 每人
         r"(?:\s*(?:/|每)\s*[\u4e00-\u9fffA-Za-z]{1,3}){0,2}"
         r"|个|次|场|天|日|人|套|项|条|张|件|台|周|期|月|年|位|块|面|集|篇|支|间|份|组|点|小时|分钟|秒|h|人次|人天|人日")
_FIGURE = re.compile(rf"^{_CURRENCY}\s*(?P<sign>[-+−])?\s*{_CURRENCY}\s*(?P<n>{_NUMBER})\s*"
                     rf"(?P<scale>百万|万|千|亿|w|k)?\s*(?P<unit>{_UNIT})?\s*(?P<tail>每年|每月|每周|每天|每次|每人|每个)?$")
_PERCENT = re.compile(rf"^(?P<n>[-+]?(?:{_NUMBER}))\s*%$")
_EXPR_CHARS = re.compile(r"^[\d.,\s+\-*/×xX÷()（）=]+$")
_OPS = {"+", "-", "*", "/"}


@dataclass(frozen=True)
class Num:
    value: Decimal
    text: bool = False               # typed as text ('673元/年'): Excel does not add it up
    percent: bool = False            # '6%' (value 0.06)
    expr: str | None = None          # '9000+2190': arithmetic written as text
    declared: Decimal | None = None  # the figure after '=' in '9000+2190=11190'
    computed: Decimal | None = None  # what the arithmetic gives


def _clean(text: str) -> str:
    s = unicodedata.normalize("NFKC", text).strip().lstrip("'").strip()
    return s.replace("−", "-").replace("，", ",").replace("￥", "¥")


def read_number(raw: Any) -> Num | None:
    """The figure in a cell, or None when it holds no single plain figure."""
    if isinstance(raw, bool) or raw is None:
        return None
    if isinstance(raw, int):
        return Num(Decimal(raw))
    if isinstance(raw, float):
        return Num(Decimal(repr(raw))) if raw == raw and raw not in (float("inf"), float("-inf")) else None
    if isinstance(raw, Decimal):
        return Num(raw) if raw.is_finite() else None
    if isinstance(raw, dt.date | dt.time | dt.timedelta) or not isinstance(raw, str):
        return None
    return _from_text(raw)


def _from_text(raw: str) -> Num | None:
    s = _clean(raw)
    if not s or len(s) > 60:
        return None
    if len(s) > 2 and s[0] in "(（" and s[-1] in ")）" and (inner := _from_text(s[1:-1])) is not None \
            and inner.expr is None and not inner.percent:
        return Num(-inner.value, text=True)  # (1,000): an accountant's minus
    folded = s.casefold()
    m = _FIGURE.match(folded)
    if m:
        try:
            value = Decimal(m["n"].replace(",", ""))
        except InvalidOperation:
            return None
        if m["scale"]:
            value *= _SCALE[m["scale"]]
        if m["sign"] in ("-", "−"):
            value = -value
        return Num(value, text=True)
    m = _PERCENT.match(folded)
    if m:
        return Num(Decimal(m["n"].replace(",", "")) / 100, text=True, percent=True)
    if folded.endswith("折") and len(folded) <= 5:
        from automator.values import parse_discount

        try:
            return Num(parse_discount(folded), text=True, percent=True)  # 8折 = 0.8, 85折 = 0.85, 九折 = 0.9
        except ValueError:
            return None
    return _arithmetic(folded)


def _arithmetic(s: str) -> Num | None:
    """'9000+2190=11190', '2×3500', '(1200+800)*2': evaluated exactly; a bare range 'a-b' is not."""
    s = re.sub(r"(元|块)", "", s)
    if not _EXPR_CHARS.match(s) or not re.search(r"\d\s*[+\-*/×xX÷]\s*[\d(]", s):
        return None
    left, eq, right = s.partition("=")
    declared = None
    if eq:
        try:
            declared = Decimal(right.strip().replace(",", "")) if right.strip() else None
        except InvalidOperation:
            return None
    expr = left.strip().replace("×", "*").replace("x", "*").replace("X", "*").replace("÷", "/")
    expr = expr.replace("（", "(").replace("）", ")")
    tokens = re.findall(r"\d[\d,]*(?:\.\d+)?|\.\d+|[+\-*/()]", expr)
    if "".join(tokens) != expr.replace(" ", ""):
        return None
    if not eq and (set(tokens) & _OPS <= {"-"} or set(tokens) & _OPS == {"/"}):
        return None  # 3000-5000 a range, 2026-03-01 or 01/30/17 a date, 021-6288 a phone: not arithmetic
    try:
        computed = _Eval(tokens).run()
    except (ValueError, InvalidOperation, ZeroDivisionError, IndexError):
        return None
    value = declared if declared is not None else computed
    return Num(value, text=True, expr=left.strip(), declared=declared, computed=computed)


class _Eval:
    """+ - * / and parentheses over Decimal, by precedence (no eval())."""

    def __init__(self, tokens: list[str]) -> None:
        self.tokens, self.i = tokens, 0

    def run(self) -> Decimal:
        value = self.sum()
        if self.i != len(self.tokens):
            raise ValueError("trailing tokens")
        return value

    def sum(self) -> Decimal:
        value = self.product()
        while self.i < len(self.tokens) and self.tokens[self.i] in "+-":
            op = self.tokens[self.i]
            self.i += 1
            right = self.product()
            value = value + right if op == "+" else value - right
        return value

    def product(self) -> Decimal:
        value = self.atom()
        while self.i < len(self.tokens) and self.tokens[self.i] in "*/":
            op = self.tokens[self.i]
            self.i += 1
            right = self.atom()
            value = value * right if op == "*" else value / right
        return value

    def atom(self) -> Decimal:
        tok = self.tokens[self.i]
        self.i += 1
        if tok == "(":
            value = self.sum()
            if self.tokens[self.i] != ")":
                raise ValueError("unbalanced")
            self.i += 1
            return value
        if tok == "-":
            return -self.atom()
        if tok in _OPS or tok == ")":
            raise ValueError(tok)
        return Decimal(tok.replace(",", ""))
