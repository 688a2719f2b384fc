"""Writing a report workbook that Excel, WPS and LibreOffice open cleanly, atomically.

    stage(path, sheets, title=...) -> Path      # a finished file under a temporary name beside `path`
    os.replace(staged, path)                     # the caller's commit (index.py does it under the ledger lock)

A `Sheet` is columns and rows of plain values; `part(sheet)` renders it for the package writer
(xlsx.py) through cells.py, which keeps every string text (a value typed `=HYPERLINK(…)` or
`+86 138…` stays text: never a formula, number or link), dates real dates (so Excel can sort,
filter and colour them), money numbers with two decimals. Links are relative to the workbook's
folder, so the archive can move (a share mounted elsewhere, a copy on a laptop) and the links
still work. The brand file, too big to render whole each time, keeps its rows rendered
(brandrows.py) and hands `xlsx.Part`s to `stage_parts` directly.
"""

from __future__ import annotations

import os
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from automator.followup import cells, xlsx
from automator.followup.cells import MAX_TEXT, Link, clean

__all__ = ["MAX_TEXT", "Column", "Link", "Sheet", "clean", "part", "stage", "stage_bytes", "stage_parts"]
STALE_TEMP = 600.0         # seconds: a temporary older than this was left by a killed process


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


def empty_row(text: str) -> bytes:
    """Row 2 of a sheet with no rows: what it would list, in grey."""
    return cells.place(cells.wrap(cells.text("A", text, cells.STYLE["grey"]), 1), 2)


def filter_last(rows: int, bold_last: bool) -> int | None:
    """The autofilter's last row: a closing totals row stays out, so sorting never moves it among the lines."""
    if not rows:
        return None
    return rows if bold_last and rows > 1 else rows + 1


def part(sheet: Sheet) -> xlsx.Part:
    """A sheet rendered for the package writer."""
    kinds = [c.kind for c in sheet.columns]
    out = xlsx.Part(sheet.name, [c.title for c in sheet.columns], [c.width for c in sheet.columns],
                    rows=len(sheet.rows) or 1, alert=(sheet.alert or "").lstrip("=") or None)
    if not sheet.rows:
        out.body.append(empty_row(sheet.empty))
        out.alert = None
        return out
    for n, values in enumerate(sheet.rows, start=2):
        xml, links = cells.row(values, kinds, bold=(n - 2) in sheet.bold_rows)
        out.body.append(cells.place(cells.wrap(xml, len(kinds)), n))
        for col, target in links:
            if len(out.hyperlinks) < xlsx.MAX_LINKS:
                rel = f"rId{len(out.rels) + 1}"
                out.hyperlinks.append(xlsx.hyperlink(f"{col}{n}", rel))
                out.rels.append(xlsx.relationship(rel, target))
    out.filter_last = filter_last(len(sheet.rows), (len(sheet.rows) - 1) in sheet.bold_rows)
    return out


def temp_beside(path: Path) -> Path:
    """A fresh temporary name in `path`'s folder (same file system: the rename is atomic)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    discard_stale(path)
    return path.parent / f".{uuid.uuid4().hex[:8]}.{path.name[-40:]}.tmp"


def _staged(path: Path, write: Callable[[IO[bytes]], None]) -> Path:
    """`write` into a temporary name beside `path`, fsynced; returns that name (removed on failure)."""
    tmp = temp_beside(path)
    try:
        with tmp.open("wb") as fh:
            write(fh)
            fh.flush()
            os.fsync(fh.fileno())
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return tmp


def stage_bytes(path: Path, data: bytes) -> Path:
    def write(fh: IO[bytes]) -> None:
        fh.write(data)

    return _staged(path, write)


def stage_parts(path: Path, parts: list[xlsx.Part], *, title: str, comments: str = "") -> Path:
    """Write the workbook under a temporary name beside `path` (fsynced); returns that name."""
    return _staged(path, lambda fh: xlsx.write(fh, parts, title=clean(title), comments=clean(comments)))


def stage(path: Path, sheets: list[Sheet], *, title: str, comments: str = "") -> Path:
    """`stage_parts` for sheets of plain values."""
    return stage_parts(path, [part(s) for s in sheets], title=title, comments=comments)


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
