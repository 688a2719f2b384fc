"""Helpers for the follow-through tests: documents dropped through the real CLI, the brand file read back."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import openpyxl

CLIENT = "星河乳业（上海）有限公司"
FOLDER = "星河乳业(上海)有限公司"
D, DT = dt.date, dt.datetime


def report_fields(title: str, meeting: dt.datetime, **more: Any) -> dict[str, Any]:
    return {"meeting_title": title, "meeting_date": meeting, "report_date": meeting.date() + dt.timedelta(days=1),
            **more}


def actions(*rows: tuple[str, str, dt.date, str]) -> dict[str, list[dict[str, Any]]]:
    return {"actions": [{"no": i, "action": a, "owner": o, "due": d, "status": s}
                        for i, (a, o, d, s) in enumerate(rows, start=1)]}


def sheet_rows(path: Path, sheet: str) -> list[tuple[Any, ...]]:
    """A sheet's rows below the header, as values (hyperlinked cells as their text)."""
    wb = openpyxl.load_workbook(path)
    try:
        return [tuple(c.value for c in row) for row in wb[sheet].iter_rows(min_row=2)]
    finally:
        wb.close()


def links(path: Path, sheet: str) -> list[str]:
    """Every hyperlink target of a sheet, as written (relative to the workbook's folder)."""
    wb = openpyxl.load_workbook(path)
    try:
        return [c.hyperlink.target for row in wb[sheet].iter_rows(min_row=2) for c in row if c.hyperlink]
    finally:
        wb.close()


def resolve(book: Path, target: str) -> Path:
    """A relative link as Excel follows it: from the workbook's folder (Windows separators allowed)."""
    from urllib.parse import unquote

    return (book.parent / unquote(target).replace("\\", "/")).resolve()
