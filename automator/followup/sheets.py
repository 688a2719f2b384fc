"""Writing a report workbook that Excel, WPS and LibreOffice open cleanly, atomically.

    stage(path, sheets, title=...) -> Path      # a finished file under a temporary name beside `path`
    os.replace(staged, path)                     # the caller's commit (index.py does it under the ledger lock)

XlsxWriter, not openpyxl: it writes these files in half the time (2,000 rows × 5 sheets with
links: 0.14 s against 0.28 s here), streams, and has explicit typed writers. Every string goes
through `write_string` (a value typed `=HYPERLINK(…)` or `+86 138…` stays text: never a formula,
number or link), dates as real dates (so Excel can sort, filter and colour them), money as
numbers with two decimals. Links are relative to the workbook's folder, so the archive can move
(a share mounted elsewhere, a copy on a laptop) and the links still work.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import xlsxwriter

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
MAX_TEXT = 32767           # Excel's limit for one cell
STALE_TEMP = 600.0         # seconds: a temporary older than this was left by a killed process
HEAD_FILL, LINE = "#1F3864", "#BFBFBF"


@dataclass(frozen=True)
class Link:
    """A cell that opens a file: `target` is relative to the workbook's folder, with forward slashes."""

    text: str
    target: str


@dataclass(frozen=True)
class Column:
    title: str
    width: float = 14
    kind: str = "text"     # text | date | datetime | int | money | link


@dataclass
class Sheet:
    name: str
    columns: list[Column]
    rows: list[list[Any]] = field(default_factory=list)
    bold_rows: set[int] = field(default_factory=set)     # indexes into rows (a totals row)
    alert: str | None = None   # a conditional-format formula for row 2 (e.g. overdue and open → red)
    empty: str = "（暂无）"


def clean(value: Any) -> str:
    return _CONTROL.sub("", str(value))[:MAX_TEXT]


def _escape_target(target: str) -> str:
    """Percent-escape what a file URL cannot hold, once (XlsxWriter leaves an escaped URL alone)."""
    out = target.replace("%", "%25")
    for char, code in ((" ", "%20"), ('"', "%22"), ("#", "%23"), ("<", "%3C"), (">", "%3E"), ("[", "%5B"),
                       ("]", "%5D"), ("^", "%5E"), ("`", "%60"), ("{", "%7B"), ("}", "%7D")):
        out = out.replace(char, code)
    return out


class _Formats:
    def __init__(self, wb: Any) -> None:
        base = {"font_name": "等线", "font_size": 10, "valign": "top"}
        self.text = wb.add_format({**base, "text_wrap": True})
        self.date = wb.add_format({**base, "num_format": "yyyy-mm-dd", "align": "center"})
        self.datetime = wb.add_format({**base, "num_format": "yyyy-mm-dd hh:mm", "align": "center"})
        self.int = wb.add_format({**base, "align": "center"})
        self.money = wb.add_format({**base, "num_format": "#,##0.00"})
        self.link = wb.add_format({**base, "font_color": "#0563C1", "underline": 1})
        self.head = wb.add_format({**base, "bold": True, "font_color": "#FFFFFF", "bg_color": HEAD_FILL,
                                   "align": "center", "valign": "vcenter", "border": 1, "border_color": LINE})
        numbers = {"money": "#,##0.00", "date": "yyyy-mm-dd", "datetime": "yyyy-mm-dd hh:mm"}
        self.bold = {k: wb.add_format({**base, "bold": True, "bg_color": "#EEF2F8",
                                       **({"num_format": numbers[k]} if k in numbers else {})})
                     for k in ("text", "money", "date", "int", "link", "datetime")}
        self.alert = wb.add_format({"bg_color": "#FCE4E4", "font_color": "#9C0006"})
        self.grey = wb.add_format({**base, "font_color": "#808080", "italic": True})


def _put(ws: Any, fm: _Formats, row: int, col: int, value: Any, kind: str, bold: bool) -> None:
    style = fm.bold.get(kind, fm.bold["text"]) if bold else getattr(fm, kind if kind != "link" else "link")
    if value is None or value == "":
        if bold:  # a plain blank cell is not written at all (a fifth of the cells of a big brand file)
            ws.write_blank(row, col, None, style)
    elif isinstance(value, Link):
        code = ws.write_url(row, col, "external:" + _escape_target(value.target), fm.link if not bold else style,
                            string=clean(value.text) or "打开")
        if code:  # a link Excel cannot hold (too long): the path as text, still readable
            ws.write_string(row, col, clean(value.target), fm.text)
    elif isinstance(value, dt.datetime):
        ws.write_datetime(row, col, value, fm.datetime if not bold else style)
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, dt.datetime.combine(value, dt.time()), fm.date if not bold else style)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", style)
    elif isinstance(value, int | Decimal | float):
        ws.write_number(row, col, float(value), style)
    else:
        ws.write_string(row, col, clean(value), style)


def _sheet(wb: Any, fm: _Formats, sheet: Sheet) -> None:
    ws = wb.add_worksheet(sheet.name)
    for col, column in enumerate(sheet.columns):
        ws.set_column(col, col, column.width)
        ws.write_string(0, col, column.title, fm.head)
    ws.set_row(0, 20)
    ws.freeze_panes(1, 0)
    # Printed (or turned into a PDF): A4 landscape, all columns on one page width, the header on every page.
    ws.set_paper(9)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.set_margins(left=0.5, right=0.5, top=0.6, bottom=0.6)
    ws.set_footer(f"&L{sheet.name}&R第 &P 页 / 共 &N 页")
    if not sheet.rows:
        ws.write_string(1, 0, sheet.empty, fm.grey)
        return
    for r, values in enumerate(sheet.rows, start=1):
        bold = (r - 1) in sheet.bold_rows
        for col, (value, column) in enumerate(zip(values, sheet.columns, strict=True)):
            _put(ws, fm, r, col, value, column.kind, bold)
    last = len(sheet.rows)
    # A closing totals row stays out of the filter range, so sorting never moves it among the lines.
    ws.autofilter(0, 0, last - 1 if (last - 1) in sheet.bold_rows and last > 1 else last, len(sheet.columns) - 1)
    if sheet.alert:
        ws.conditional_format(1, 0, last, len(sheet.columns) - 1,
                              {"type": "formula", "criteria": sheet.alert, "format": fm.alert})


def temp_beside(path: Path) -> Path:
    """A fresh temporary name in `path`'s folder (same file system: the rename is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    discard_stale(path)
    return path.parent / f".{uuid.uuid4().hex[:8]}.{path.name[-40:]}.tmp"


def stage_bytes(path: Path, data: bytes) -> Path:
    tmp = temp_beside(path)
    try:
        with tmp.open("wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def stage(path: Path, sheets: list[Sheet], *, title: str, comments: str = "") -> Path:
    """Write the workbook under a temporary name beside `path` (fsynced); returns that name."""
    tmp = temp_beside(path)
    try:
        wb = xlsxwriter.Workbook(str(tmp), {"strings_to_formulas": False, "strings_to_numbers": False,
                                            "strings_to_urls": False, "in_memory": True})
        wb.set_properties({"title": clean(title), "author": "automator", "comments": clean(comments),
                           "created": dt.datetime.now()})
        fm = _Formats(wb)
        for sheet in sheets:
            _sheet(wb, fm, sheet)
        wb.close()
        with tmp.open("rb+") as fh:
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def discard_stale(path: Path) -> None:
    """Remove temporaries of `path` that a killed process left (never one being written right now)."""
    pattern = re.compile(r"\.[0-9a-f]{8}\." + re.escape(path.name[-40:]) + r"\.tmp")
    try:
        stale = [p for p in path.parent.iterdir() if pattern.fullmatch(p.name)
                 and time.time() - p.stat().st_mtime > STALE_TEMP]
    except OSError:
        return
    for p in stale:
        p.unlink(missing_ok=True)
