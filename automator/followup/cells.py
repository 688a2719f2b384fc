"""Cells as SpreadsheetML: one value → one `<c>` element, as bytes, for the package writer (xlsx.py).

A rendered row is a template: b"\\x01" stands wherever its row number goes (`<row r=…>` and
every cell reference), so a row rendered once can be placed at any row later — the brand
file renders each archived document's rows once and keeps them (brandrows.py).

    row(values, kinds, bold=False) -> (template, link target or None)
    place(template, n) -> bytes        # the row at row n
    text(col, s, style) / number(col, x, style) / blank(col, style)

What a cell promises (the same as XlsxWriter's typed writers did here):
- every string is an inline string (`t="inlineStr"`), never a formula, number or link, whatever
  it starts with (`=`, `+`, `-`, `@`); control characters dropped, `_xHHHH_` kept literal (Excel
  reads that pattern as an escaped character, so its underscore is escaped: `_x005F_`), a
  carriage return made the line break Excel uses (\n), cut at Excel's 32,767 characters;
- dates and datetimes are real dates (serial numbers in a date style) from 1900-03-01 on; an
  earlier date, which Excel cannot show, is written as its ISO text;
- money and numbers are numbers (shortest round-trip form of the double Excel keeps);
- a link is the cell's text in the link style; its target (relative, Windows separators and
  percent-escapes as Excel writes a file link) goes to the sheet's hyperlinks and relationships.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal
from typing import Any, NamedTuple

ROW = b"\x01"              # the row number's place in a rendered row
MAX_TEXT = 32767           # Excel's limit for one cell
MAX_URL = 2079             # Excel's limit for a link's address (a longer one is written as text)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_ESCAPED = re.compile(r"(_x[0-9a-fA-F]{4}_)")
_XML = re.compile(r"[&<>]")
_EPOCH = dt.datetime(1899, 12, 30)
_FIRST_DAY = dt.date(1900, 3, 1)   # Excel's serials count a 29 Feb 1900 that never was; from here they are right

# Cell styles: indexes into styles.xml's cellXfs (xlsx.py writes that part to match).
STYLE = {"text": 1, "date": 2, "datetime": 3, "int": 4, "money": 5, "link": 6, "head": 7, "grey": 13}
BOLD = {"text": 8, "money": 9, "date": 10, "int": 8, "link": 8, "datetime": 12}
_XML_MAP = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


class Link(NamedTuple):   # a tuple: hashed in C (cells are memoised by value)
    """A cell that opens a file: `target` is relative to the workbook's folder, with forward slashes."""

    text: str
    target: str


def clean(value: Any) -> str:
    """A value as the text a cell may hold: no characters XML cannot carry, line breaks as Excel's own
    (\n: a carriage return would be an escape code that not every reader decodes), at most 32,767."""
    text_ = str(value)
    if "\r" in text_:
        text_ = text_.replace("\r\n", "\n").replace("\r", "\n")
    return _CONTROL.sub("", text_)[:MAX_TEXT]


def escape(s: str) -> str:
    """Text content as Excel escapes it in a string: &, <, > as entities, _xHHHH_ kept literal."""
    if "_x" in s:
        s = _ESCAPED.sub(r"_x005F\1", s)
    if _XML.search(s) is None:   # most text: nothing to escape
        return s
    return _XML.sub(lambda m: _XML_MAP[m.group()], s)


def attribute(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def letter(col: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    out = ""
    col += 1
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def text(col: str, s: str, style: int) -> bytes:
    """An inline string cell; `s` is already clean()ed."""
    space = ' xml:space="preserve"' if s[:1].isspace() or s[-1:].isspace() else ""
    return f'<c r="{col}\x01" s="{style}" t="inlineStr"><is><t{space}>{escape(s)}</t></is></c>'.encode()


def number(col: str, value: float, style: int) -> bytes:
    shown = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
    return f'<c r="{col}\x01" s="{style}"><v>{shown}</v></c>'.encode()


def blank(col: str, style: int) -> bytes:
    return f'<c r="{col}\x01" s="{style}"/>'.encode()


def serial(value: dt.date) -> float | None:
    """Excel's date serial (1900 system), or None for a date Excel cannot show."""
    day = value.date() if isinstance(value, dt.datetime) else value
    if day < _FIRST_DAY:
        return None
    moment = value if isinstance(value, dt.datetime) else dt.datetime.combine(value, dt.time())
    delta = moment.replace(tzinfo=None) - _EPOCH
    return delta.days + delta.seconds / 86400 + delta.microseconds / 86400e6


def link_target(target: str) -> str | None:
    """A relative file link as Excel writes it in a relationship (XML-escaped); None when too long.

    Percent-escapes what a file URL cannot hold (once: `%` first), then Windows separators —
    what Excel writes for a link to a file beside the workbook."""
    out = target.replace("%", "%25")
    for char, code in ((" ", "%20"), ('"', "%22"), ("#", "%23"), ("<", "%3C"), (">", "%3E"), ("[", "%5B"),
                       ("]", "%5D"), ("^", "%5E"), ("`", "%60"), ("{", "%7B"), ("}", "%7D")):
        out = out.replace(char, code)
    out = clean(out.replace("/", "\\"))
    return attribute(out) if len(out) <= MAX_URL else None


@functools.lru_cache(maxsize=16384, typed=True)   # a client's cells repeat: its labels, owners, dates, statuses
def cell(col: str, value: Any, kind: str, bold: bool = False) -> tuple[bytes, str | None]:
    """One cell of a row (b"" for a plain blank) and, for a link, its target."""
    style = BOLD.get(kind, BOLD["text"]) if bold else STYLE.get(kind, STYLE["text"])
    if value is None or value == "":
        return (blank(col, style) if bold else b""), None   # a plain blank cell is not written at all
    if type(value) is str:   # the most common cell, first
        return text(col, clean(value), style), None
    if isinstance(value, Link):
        target = link_target(value.target)
        if target is None:  # a link Excel cannot hold: the path as text, still readable
            return text(col, clean(value.target), STYLE["text"]), None
        return text(col, clean(value.text) or "打开", style if bold else STYLE["link"]), target
    if isinstance(value, dt.date):
        days = serial(value)
        if days is None:
            return text(col, value.isoformat(), style if bold else STYLE["text"]), None
        if not bold:
            style = STYLE["datetime" if isinstance(value, dt.datetime) else "date"]
        return number(col, days, style), None
    if isinstance(value, bool):
        return text(col, "是" if value else "否", style), None
    if isinstance(value, int | Decimal | float):
        number_ = float(value)
        if number_ != number_ or number_ in (float("inf"), float("-inf")):
            return text(col, str(value), style), None   # NaN and infinities are no numbers Excel knows
        return number(col, number_, style), None
    return text(col, clean(value), style), None


def row(values: list[Any], kinds: list[str], *, bold: bool = False,
        first: int = 0) -> tuple[bytes, list[tuple[str, str]]]:
    """The cells of `values` (column `first` on), and their links as (column letter, target)."""
    out, links = [], []
    for col, (value, kind) in enumerate(zip(values, kinds, strict=True), start=first):
        letter_ = COLUMNS[col]
        xml, target = cell(letter_, value, kind, bold)
        out.append(xml)
        if target is not None:
            links.append((letter_, target))
    return b"".join(out), links


def wrap(cells: bytes, columns: int) -> bytes:
    """A row template around its cells."""
    return b'<row r="\x01" spans="1:%d">%s</row>' % (columns, cells)


def place(template: bytes, n: int) -> bytes:
    return template.replace(ROW, str(n).encode())


COLUMNS = [letter(i) for i in range(64)]
