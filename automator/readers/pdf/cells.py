"""Values as PDFs print them, turned into what `automator.values` parses.

PDF text differs from typed cells in a few ways: quantities carry their unit
(`3天`, `2 个`), rates say `免税`, foreign vendors print `1.234,56 €`, and
amounts sit inside a line of other text. This module bridges those and then
calls the shared parsers, so a PDF amount and a workbook amount are read alike.
"""

from __future__ import annotations

import re
import unicodedata
from decimal import Decimal
from typing import Any

from automator.document import CellRef, Value
from automator.values import parse_value

# An amount inside a line of text: currency optional, thousands separators,
# optional 万/元. Not a percentage, not part of a longer number or a date.
MONEY_IN_TEXT = re.compile(
    r"(?<![\d.,，/\-年月])"
    r"(?P<money>(?:(?:RMB|CNY|人民币)\s*)?[¥￥$€]?\s*[-−]?\s*\d[\d,，]*(?:\.\d+)?(?:\s*(?:万元|万|元|圆))?)"
    r"(?![\d,，.]|\s*%|\s*[年月日号])")
PERCENT_IN_TEXT = re.compile(r"(?P<pct>\d+(?:\.\d+)?)\s*%")
_EURO = re.compile(r"^[-−]?\d{1,3}(?:[.\s]\d{3})*,\d{1,2}$")   # 1.234,56 or 1 234,56
_UNIT_TAIL = re.compile(r"^([-−]?\d[\d,，]*(?:\.\d+)?)\s*([^\d\s]{1,3}|pcs|pc|units?|h|hrs?)?$", re.I)
_ZERO_RATE = {"免税", "不征税", "免征", "0税率", "零税率", "出口退税"}
# Tax printed as *** (免税, 不征税): no tax is levied, the amount is 0.
_NOT_LEVIED = re.compile(r"^[*＊]{2,}$")
# U+00B4 (´) is what one issuer's ¥ extracts as; NFKC turns it into a blank and a combining accent.
_ARTEFACTS = str.maketrans({"´": "¥", "́": None})


def _prepare(raw: str, type_: str) -> str:
    text = unicodedata.normalize("NFKC", raw.translate(_ARTEFACTS)).strip().replace("−", "-")
    if type_ == "money":
        text = re.sub(r"(?i)\s*(eur|usd|€)\s*", "", text)
        if _EURO.match(text):  # a European amount: dots or blanks group, the comma is the decimal point
            text = text.replace(".", "").replace(" ", "").replace(",", ".")
    elif type_ in ("number", "int"):
        m = _UNIT_TAIL.match(text)
        if m:
            text = m.group(1)
    return text


def cell_value(key: str, raw: str | None, type_: str, ref: CellRef | None) -> Value:
    """A Value for text read from a PDF; an unreadable text keeps its `problem`."""
    if raw is None or not raw.strip():
        return Value(key, None, None, ref, type_)
    if type_ == "percent" and raw.strip() in _ZERO_RATE:
        return Value(key, raw, Decimal(0), ref, type_)
    if type_ == "money" and (_NOT_LEVIED.match(raw.strip()) or raw.strip() in _ZERO_RATE):
        return Value(key, raw, Decimal(0), ref, type_)
    if type_ == "text":
        return Value(key, raw, " ".join(raw.split()), ref, type_)
    value, problem = parse_value(_prepare(raw, type_), type_)
    return Value(key, raw, value, ref, type_, problem)


def parse_as(raw: str, type_: str) -> Any:
    """The parsed value or None."""
    return cell_value("_", raw, type_, None).value
