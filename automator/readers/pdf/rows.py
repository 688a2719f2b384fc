"""Sort a table's raw rows into line items, totals rows and wrapped text.

- an item has a figure in a numeric column and something else beside it;
- a row starting with 合计/小计/税额/… is a totals row: its figures are kept
  by column (a `小计：¥…` row of a ruled table is kept whole, read as text);
- a text-only line right under an item, in an unruled table, is that item's
  wrapped text (`摄影及灯光组` / `（含设备）`) and is joined to it;
- anything after the totals rows ends the table.
"""

from __future__ import annotations

import re

from automator.document import CellRef
from automator.readers.pdf.cells import cell_value
from automator.readers.pdf.lines import norm
from automator.readers.pdf.table import _NUMERIC, RawRow, TableState, TotalCell, is_total, make_row


def take_rows(state: TableState, raw_rows: list[RawRow]) -> None:
    assert state.bands is not None
    numeric = [i for i, b in enumerate(state.bands) if b.key and _type(state, b.key) in _NUMERIC]
    header_words = {norm(b.label) for b in state.bands if b.label}
    for raw in raw_rows:
        filled = [(i, c) for i, c in enumerate(raw.cells) if c]
        if not filled:
            continue
        first_i, first = filled[0]
        if is_total(first):
            _take_total(state, raw, first_i, first)
            continue
        if state.totals or state.total_lines:
            state.done = True  # something after the totals rows: the table is over
            return
        if len(filled) >= 3 and sum(norm(c) in header_words for _, c in filled) >= 0.6 * len(filled):
            continue  # a header repeated at the top of a page
        has_figure = any(re.search(r"\d", raw.cells[i]) for i in numeric)
        if has_figure and len(filled) >= 2:
            state.rows.append(make_row(state, raw, len(state.rows) + 1))
            _use(state, raw)
            continue
        if not has_figure and _continues(state, raw):
            _join(state, raw)
            _use(state, raw)
            continue
        if state.rows and raw.line is not None and re.search(r"[:：]", raw.text):
            state.done = True  # a note (备注：…) under an unruled table ends it
            return
    if state.totals or state.total_lines:
        state.done = True


def _type(state: TableState, key: str) -> str:
    return next((c.type for c in state.spec.columns if c.key == key), "text")


def _use(state: TableState, raw: RawRow) -> None:
    state.last = raw
    if raw.line is not None:
        state.used.add((raw.page, raw.line))


def _take_total(state: TableState, raw: RawRow, first_i: int, first: str) -> None:
    """Figures under the amount/tax columns are kept by column; anything else
    (`小计：¥…` in one merged cell, `价税合计（大写）…（小写）¥…`) is read as text."""
    _use(state, raw)
    figures = [c for c in raw.cells[first_i + 1:] if c]
    if (re.search(r"[:：]", raw.text) or not figures
            or any(cell_value("_", c, "money", None).problem for c in figures)):
        state.total_lines.append(raw)
        return
    assert state.bands is not None
    for i, cell in enumerate(raw.cells[first_i + 1:], first_i + 1):
        if cell:
            ref = CellRef(f"p{raw.page}", f"R{raw.r}C{i + 1}")
            state.totals.append(TotalCell(first, state.bands[i].key, cell, ref, raw.page, raw.top))


def _continues(state: TableState, raw: RawRow) -> bool:
    """Wrapped text of the item above: an unruled row, on the same page, right under it."""
    last = state.last
    if not state.rows or last is None or raw.line is None or last.page != raw.page:
        return False
    height = max(last.bottom - last.top, 1.0)
    return raw.top - last.bottom < 0.8 * height and not re.search(r"[:：]", raw.text)


def _join(state: TableState, raw: RawRow) -> None:
    assert state.bands is not None
    row = state.rows[-1]
    for band, text in zip(state.bands, raw.cells, strict=True):
        if not text:
            continue
        if band.key and band.key in row.cells:
            old = row.cells[band.key]
            joined = f"{old.raw or ''}{'' if _cjk_edge(old.raw, text) else ' '}{text}".strip()
            row.cells[band.key] = cell_value(band.key, joined, old.type, old.ref)
        elif band.label in row.extra:
            old = row.extra[band.label]
            old.raw = old.value = f"{old.raw}{text}"
    state.last = RawRow(raw.page, raw.r, raw.cells, state.last.top if state.last else raw.top,
                        raw.bottom, raw.text, raw.line)


def _cjk_edge(a: object, b: str) -> bool:
    s = str(a or "")
    return bool(s) and ord(s[-1]) > 0x2E80 and bool(b) and ord(b[0]) > 0x2E80
