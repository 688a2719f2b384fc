"""The line-item table of a quote or invoice, page by page.

The header line (序号 项目 数量 单价 金额 …) is found by the rule's column
labels. Below it, a table drawn with ruling lines is cut along those lines
(pdfplumber's `lines` strategy); one without is cut into columns at the
midpoints between header cells and into rows at text lines, only inside the
region from the header down to the first 合计/小计 line — the whole-page text
strategy drags the letterhead into the table (pitfalls §5.1). A table that
does not end on its page continues on the next one, with or without a
repeated header. Positions are `p2!R3C6`: page, row and column of the table
on that page (the header, when the page shows one, is row 1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from automator.document import CellRef, Row, Value
from automator.readers.pdf.cells import cell_value
from automator.readers.pdf.lines import TextLine, norm
from automator.readers.pdf.source import Char, RuledTable
from automator.rules.model import FieldSpec, TableSpec

# A row whose first cell starts with one of these ends the line items.
TOTAL_WORDS = tuple(norm(w) for w in (
    "价税合计", "合计", "总计", "小计", "税额合计", "税额", "税金", "增值税", "大写", "金额大写", "人民币大写",
    "总金额", "总价", "Total", "Subtotal", "Sub-total", "Grand total", "Tax", "VAT", "Amount due"))
_FOOTER = re.compile(r"^(第\s*\d+\s*页.*|.*共\s*\d+\s*页|page\s*\d+(\s*(of|/)\s*\d+)?"
                     r"|[-–—]?\s*\d+\s*[-–—]?|\d+\s*/\s*\d+)$", re.I)
_NUMERIC = {"money", "number", "int"}


@dataclass
class Band:
    """One column: its horizontal extent, the rule column it holds (None: an extra column)."""

    x0: float
    x1: float
    key: str | None
    label: str


@dataclass
class TotalCell:
    """A figure in a totals row (合计 …) of the table, by column."""

    label: str
    column: str | None
    raw: str
    ref: CellRef
    page: int
    top: float


@dataclass
class RawRow:
    page: int
    r: int
    cells: list[str]
    top: float
    bottom: float
    text: str  # the whole row, left to right
    line: int | None = None  # the text line it came from (unruled tables)


@dataclass
class TableState:
    """What the reader knows about the table so far; carried from page to page."""

    spec: TableSpec
    bands: list[Band] | None = None
    first_page: int = 0
    header_r: int = 1
    done: bool = False
    rows: list[Row] = field(default_factory=list)
    totals: list[TotalCell] = field(default_factory=list)
    total_lines: list[RawRow] = field(default_factory=list)  # 小计：… rows inside a ruled table
    used: set[tuple[int, int]] = field(default_factory=set)  # (page, line) read as table
    extra: list[str] = field(default_factory=list)
    last: RawRow | None = None

    def columns(self) -> dict[str, CellRef]:
        if not self.bands:
            return {}
        page = f"p{self.first_page}"
        return {b.key: CellRef(page, f"R{self.header_r}C{i}") for i, b in enumerate(self.bands, 1) if b.key}


# ---------------------------------------------------------------- the header

def _labels(col: FieldSpec) -> set[str]:
    return {norm(x) for x in (col.zh, col.en, *col.aliases) if norm(x)}


def match_header(line: TextLine, spec: TableSpec) -> list[Band] | None:
    """The columns this line heads, left to right; None when it is not the header."""
    chars = [c for c in line.chars if not c.text.isspace()]
    text, owner = "", []
    for i, c in enumerate(chars):
        n = norm(c.text)
        text += n
        owner += [i] * len(n)
    if len(text) > 80 or not text:
        return None
    found = sorted(((len(lab), text.find(lab), col) for col in spec.columns for lab in _labels(col)
                    if lab in text), key=lambda t: (-t[0], t[1]))
    taken = [False] * len(chars)
    bands: list[Band] = []
    used: set[str] = set()
    for length, start, col in found:
        idx = sorted({owner[k] for k in range(start, start + length)})
        if col.key in used or any(taken[k] for k in idx):
            continue
        used.add(col.key)
        for k in idx:
            taken[k] = True
        bands.append(Band(chars[idx[0]].x0, chars[idx[-1]].x1, col.key, col.zh))
    numeric = {c.key for c in spec.columns if c.type in _NUMERIC}
    if len(bands) < 3 or not used & numeric or sum(taken) < 0.6 * len(chars):
        return None
    for tok in line.tokens:  # header cells the rule does not know: kept as extra columns
        idx = [chars.index(c) for c in tok.chars if c in chars]
        if idx and not any(taken[k] for k in idx):
            bands.append(Band(tok.x0, tok.x1, None, tok.text))
    return sorted(bands, key=lambda b: b.x0)


def _split(bands: list[Band]) -> list[Band]:
    """Header cells -> columns: each reaches halfway to its neighbours."""
    out = []
    for i, b in enumerate(bands):
        x0 = -1e9 if i == 0 else (bands[i - 1].x1 + b.x0) / 2
        x1 = 1e9 if i == len(bands) - 1 else (b.x1 + bands[i + 1].x0) / 2
        out.append(Band(x0, x1, b.key, b.label))
    return out


def _map_ruled(ruled: RuledTable, known: list[Band]) -> list[Band]:
    """Ruled column bands named after the header cell (or earlier column) they hold."""
    out = []
    for x0, x1 in ruled.columns:
        best = max(known, key=lambda b: _overlap(x0, x1, max(b.x0, -1e6), min(b.x1, 1e6)), default=None)
        hit = best is not None and _overlap(x0, x1, max(best.x0, -1e6), min(best.x1, 1e6)) > 0
        out.append(Band(x0, x1, best.key if hit and best else None, best.label if hit and best else ""))
    return out


def _overlap(a0: float, a1: float, b0: float, b1: float) -> float:
    return max(0.0, min(a1, b1) - max(a0, b0))


# ---------------------------------------------------------------- rows

def _cells(chars: list[Char], bands: list[Band]) -> list[str]:
    cells = [""] * len(bands)
    ordered = sorted(chars, key=lambda c: (round(c.top), c.x0))
    prev: list[Char | None] = [None] * len(bands)
    for c in ordered:
        mid = (c.x0 + c.x1) / 2
        i = next((k for k, b in enumerate(bands) if b.x0 <= mid < b.x1), None)
        if i is None:
            continue
        p = prev[i]
        if p is not None and (c.x0 - p.x1 > 0.3 * c.size or c.top - p.top > 0.5 * c.size) and not c.text.isspace():
            cells[i] += "" if _cjk(p.text[-1:]) and _cjk(c.text[:1]) else " "
        cells[i] += c.text
        prev[i] = c
    return [" ".join(x.split()) for x in cells]


def _token_cells(line: TextLine, bands: list[Band]) -> list[str]:
    """Unruled rows: whole tokens go to the column holding their centre (a wide amount
    right-aligned under a narrow header must not be cut in two)."""
    cells = [""] * len(bands)
    for tok in line.tokens:
        i = next((k for k, b in enumerate(bands) if b.x0 <= tok.center < b.x1), None)
        if i is not None:
            cells[i] = f"{cells[i]} {tok.text}".strip()
    return cells


def _cjk(ch: str) -> bool:
    return bool(ch) and ord(ch) > 0x2E80


def is_total(first: str) -> bool:
    n = norm(first)
    return any(n.startswith(w) for w in TOTAL_WORDS)


def is_footer(text: str) -> bool:
    return bool(_FOOTER.match(text.strip()))


def make_row(state: TableState, raw: RawRow, number: int) -> Row:
    row = Row(number)
    assert state.bands is not None
    specs = {c.key: c for c in state.spec.columns}
    for i, (band, text) in enumerate(zip(state.bands, raw.cells, strict=True), 1):
        ref = CellRef(f"p{raw.page}", f"R{raw.r}C{i}")
        if band.key and band.key in specs:
            row.cells[band.key] = cell_value(band.key, text or None, specs[band.key].type, ref)
        elif text:
            row.extra[band.label or f"C{i}"] = Value(band.label or f"C{i}", text, text, ref, "text")
    return row
