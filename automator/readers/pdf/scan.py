"""One page's part of the line-item table: the header found, rows cut by ruling lines or text lines.

Split from table.py (the types and the header) and rows.py (sorting rows into items and totals)
so that neither imports the other.
"""

from __future__ import annotations

import re

from automator.readers.pdf.lines import TextLine
from automator.readers.pdf.rows import take_rows
from automator.readers.pdf.source import PageData, RuledTable
from automator.readers.pdf.table import (
    Band,
    RawRow,
    TableState,
    _cells,
    _map_ruled,
    _overlap,
    _split,
    _token_cells,
    is_footer,
    is_total,
    match_header,
)


def scan_page(state: TableState, page: PageData, lines: list[TextLine]) -> None:
    """Read this page's part of the table into `state`."""
    if state.done:
        return
    header, found = None, None
    for line in lines:
        found = match_header(line, state.spec)
        if found:
            header = line
            break
    if found is None and state.bands is None:
        return  # the table has not started yet
    if header is not None:
        state.used.add((page.number, header.number))
        if not state.first_page:
            state.first_page = page.number
            state.extra = [b.label for b in found or [] if b.key is None]
    ruled = _pick_ruled(page, header, state)
    if ruled is not None:
        raw_rows, ended = _ruled_rows(page, ruled, found or state.bands or [], header, lines, state), False
    else:
        state.bands = _split(found) if found else state.bands
        below = [ln for ln in lines if header is None or ln.top > header.top]
        raw_rows, ended = _text_rows(page, below, state.bands or [], first_r=2 if header else 1)
    take_rows(state, raw_rows)
    if ended:
        state.done = True


def _pick_ruled(page: PageData, header: TextLine | None, state: TableState) -> RuledTable | None:
    tables = page.ruled()
    if header is not None:
        mid = (header.top + header.bottom) / 2
        return next((t for t in tables if t.bbox[1] - 1 <= mid <= t.bbox[3] + 1), None)
    if not state.bands:
        return None
    # A continuation: the topmost ruled table whose columns line up with the known ones.
    for t in tables:
        shared = sum(1 for x0, x1 in t.columns for b in state.bands
                     if _overlap(x0, x1, max(b.x0, -1e6), min(b.x1, 1e6)) > 0.5 * (x1 - x0))
        if shared >= 0.6 * len(t.columns):
            return t
    return None


def _ruled_rows(page: PageData, ruled: RuledTable, header_bands: list[Band], header: TextLine | None,
                lines: list[TextLine], state: TableState) -> list[RawRow]:
    bands = _map_ruled(ruled, header_bands)
    state.bands = bands
    x0, top, x1, bottom = ruled.bbox
    inside = [ln for ln in lines if top - 1 <= (ln.top + ln.bottom) / 2 <= bottom + 1]
    for ln in inside:
        state.used.add((page.number, ln.number))
    chars = [c for ln in inside for c in ln.chars if x0 - 1 <= (c.x0 + c.x1) / 2 <= x1 + 1]
    out = []
    for r, (rt, rb) in enumerate(ruled.rows, 1):
        mine = [c for c in chars if rt - 1 <= (c.top + c.bottom) / 2 < rb + 1]
        if header is not None and rt - 1 <= (header.top + header.bottom) / 2 < rb + 1:
            if state.first_page == page.number:
                state.header_r = r
            continue  # the header row itself
        text = " ".join("".join(c.text for c in sorted(mine, key=lambda c: (round(c.top), c.x0))).split())
        out.append(RawRow(page.number, r, _cells(mine, bands), rt, rb, text))
    return out


def _text_rows(page: PageData, lines: list[TextLine], bands: list[Band],
               first_r: int) -> tuple[list[RawRow], bool]:
    """Rows of an unruled table, one per text line, down to the first `小计：…` line.

    Returns the rows and whether such a line ended the table on this page.
    """
    out = []
    for k, line in enumerate(lines):
        if is_footer(line.text):
            continue
        cells = _token_cells(line, bands)
        first = next((c for c in cells if c), "")
        if is_total(first) and re.search(r"[:：]", line.text):
            return out, True  # `小计：¥…` lines are read as text, not as columns
        out.append(RawRow(page.number, first_r + k, cells, line.top, line.bottom, line.text, line.number))
    return out, False


