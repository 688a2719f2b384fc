"""The goods lines of a VAT invoice (and of its 销货清单 pages), by position.

The header (货物或应税劳务、服务名称 | 规格型号 | 单位 | 数量 | 单价 | 金额 | 税率 | 税额, or the 数电
项目名称 …) names the columns. A column reaches to the ruling line between two header cells
when one is drawn (航信), else halfway to the next header cell (数电 draws none). Below it:

- a line with a figure under 金额 starts an item (a discount line too: its amount is negative);
- a line without one continues the item above, column by column: item names and 规格型号
  wrap over two or three lines, cut anywhere, so the pieces are joined without a blank;
- the 合计 / 小计 / 总计 rows hold the totals, by column; 合计 wins over 小计 (a 销货清单
  prints a 小计 per page and one 总计 or 合计).

Numbers are kept whole (a 13-decimal unit price may start left of its column); other
text goes glyph by glyph to the column that holds it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from automator.document import CellRef, Row
from automator.readers.pdf.cells import cell_value
from automator.readers.pdf.layout import Grid, Hit, overlaps
from automator.readers.pdf.lines import TextLine, Token
from automator.readers.pdf.source import Char
from automator.readers.pdf.table import Band, match_header
from automator.rules.model import TableSpec

_FIGURE = re.compile(r"^[¥￥´$]?\s*[-−]?\s*[¥￥´$]?\d[\d,，]*(?:\.\d+)?%?$|^[*＊]{2,}$|^(免税|不征税|免征)$")
_SEE_LIST = ("详见销货清单", "详见清单", "见销货清单")
TEXT_TYPES = ("text",)


@dataclass
class Column:
    key: str | None
    label: str
    x0: float
    x1: float
    type: str = "text"


@dataclass
class Item:
    page: int
    line: int
    top: float
    cells: dict[int, str] = field(default_factory=dict)  # column index -> text


@dataclass
class PageItems:
    """What one page holds of the table: its columns, items and totals rows."""

    page: int
    columns: list[Column]
    items: list[Item]
    totals: dict[str, dict[str, tuple[str, CellRef]]]  # "sum_row"/"sub_row" -> column key -> (raw, ref)
    header_line: int
    bottom: float


def find_header(lines: list[TextLine], spec: TableSpec) -> tuple[TextLine, list[Band]] | None:
    for line in lines:
        bands = match_header(line, spec)
        if bands:
            return line, bands
    return None


def columns_of(bands: list[Band], spec: TableSpec, grid: Grid, header: TextLine, x0: float, x1: float,
               body: list[Char]) -> list[Column]:
    """Header cells -> column spans: the ruling line between two cells when one is drawn, else the
    widest blank strip between the two header cells in the body (an item name may reach far
    past its header, a right-aligned 13-decimal price far left of its own), else halfway."""
    rules = grid.columns(header.top, header.bottom, x0, x1)
    types = {c.key: c.type for c in spec.columns}
    cuts = []
    for a, b in zip(bands, bands[1:], strict=False):
        between = [x for x in rules if a.x1 - 1 <= x <= b.x0 + 1]
        if len(between) == 1:
            cuts.append(between[0])
            continue
        cuts.append(_blank_strip(body, a.x1 - 1, b.x0 + 1) or (a.x1 + b.x0) / 2)
    edges = [x0, *cuts, x1]
    return [Column(b.key, b.label, edges[i], edges[i + 1], types.get(b.key or "", "text"))
            for i, b in enumerate(bands)]


def _blank_strip(chars: list[Char], lo: float, hi: float) -> float | None:
    """The middle of the widest x strip in lo..hi that no glyph covers (None: no such strip)."""
    spans = sorted((max(c.x0, lo), min(c.x1, hi)) for c in chars if c.x1 > lo and c.x0 < hi)
    best, best_w, edge = None, 0.0, lo
    for a, b in [*spans, (hi, hi)]:
        if a - edge > best_w:
            best, best_w = (edge + a) / 2, a - edge
        edge = max(edge, b)
    return best if best_w >= 1.0 else None


def read_page(page: int, lines: list[TextLine], hits: list[Hit], spec: TableSpec, grid: Grid,
              width: float) -> PageItems | None:
    found = find_header(lines, spec)
    if found is None:
        return None
    header, bands = found
    left = grid.left(bands[0].x0, header.top, header.bottom)
    right = min(grid.right(bands[-1].x1, header.top, header.bottom), width)
    first_x1 = bands[min(1, len(bands) - 1)].x0
    rows = [h for h in hits if h.page == page and h.key in ("sum_row", "sub_row") and h.top > header.bottom
            and h.x0 < first_x1]
    ends = [h.top for h in hits if h.page == page and h.key == "capital" and h.top > header.bottom]
    bottom = max([h.bottom for h in rows], default=min(ends, default=grid.below(header.bottom, left, right)))
    # A goods line may start right under the header (数电: 0.2 pt): what counts is its middle.
    below = [ln for ln in lines if ln.number != header.number and header.bottom < (ln.top + ln.bottom) / 2
             and ln.top < bottom + 0.1]
    body = [c for ln in below for c in ln.chars if not c.text.isspace()]
    columns = columns_of(bands, spec, grid, header, left, right, body)
    items: list[Item] = []
    for line in below:
        if any(overlaps(c, h.top, h.bottom) for h in rows for c in line.chars[:1]):
            continue  # a totals row
        _take(items, line, _cells(line, columns), columns)
    totals: dict[str, dict[str, tuple[str, CellRef]]] = {}
    for k, h in enumerate(sorted(rows, key=lambda h: h.top)):
        totals.setdefault(h.key, _totals_row(h, lines, columns, f"p{page}", len(items) + 2 + k))
    return PageItems(page, columns, items, totals, header.number, bottom)


def _cells(line: TextLine, columns: list[Column]) -> dict[int, str]:
    cells: dict[int, str] = {}
    for tok in line.tokens:
        if _FIGURE.match(tok.text):
            i = _column_at(columns, tok.center)
            if i is not None:
                cells[i] = f"{cells.get(i, '')} {tok.text}".strip()
            continue
        _text_chars(cells, tok, columns)
    return cells


def _text_chars(cells: dict[int, str], tok: Token, columns: list[Column]) -> None:
    """A word's glyphs, each to the column that holds it (an item name running into 规格型号)."""
    prev = None
    for c in tok.chars:
        i = _column_at(columns, (c.x0 + c.x1) / 2)
        if i is None:
            continue
        if i != prev and cells.get(i):
            cells[i] += " "
        cells[i] = cells.get(i, "") + c.text
        prev = i


def _column_at(columns: list[Column], x: float) -> int | None:
    for i, col in enumerate(columns):
        if col.x0 <= x < col.x1:
            return i
    return None


def _take(items: list[Item], line: TextLine, cells: dict[int, str], columns: list[Column]) -> None:
    amount = next((i for i, c in enumerate(columns) if c.key == "amount"), None)
    if not cells:
        return
    starts = amount is not None and amount in cells and _FIGURE.match(cells[amount].replace(" ", "") or "x")
    if starts or not items:
        items.append(Item(line.page, line.number, line.top, dict(cells)))
        return
    item = items[-1]
    for i, text in cells.items():
        if columns[i].type in TEXT_TYPES:
            item.cells[i] = item.cells.get(i, "") + text.strip()
        elif i not in item.cells:
            item.cells[i] = text


def _totals_row(hit: Hit, lines: list[TextLine], columns: list[Column], sheet: str,
                r: int) -> dict[str, tuple[str, CellRef]]:
    """The figures on a 合计 row, by column; placed as the table row after the items (`p1!R5C7`)."""
    out: dict[str, tuple[str, CellRef]] = {}
    for line in lines:
        for tok in line.tokens:
            if not tok.chars or not overlaps(tok.chars[0], hit.top, hit.bottom) or tok.x0 <= hit.x1:
                continue
            i = _column_at(columns, tok.center)
            if i is not None and columns[i].key and _FIGURE.match(tok.text):
                key = columns[i].key
                assert key is not None
                raw = f"{out[key][0]}{tok.text}" if key in out else tok.text
                out[key] = (raw, CellRef(sheet, f"R{r}C{i + 1}"))
    return out


def build_rows(pages: list[PageItems], spec: TableSpec) -> list[Row]:
    """Items of every page, in order, as the table's rows (`p1!R3C7`: row 3 counting the header)."""
    listed = [p for p in pages if p.page > 1 and p.items]
    specs = {c.key: c for c in spec.columns}
    out: list[Row] = []
    for p in pages:
        for n, item in enumerate(p.items, start=2):
            row = Row(len(out) + 1)
            text = "".join(item.cells.values())
            if listed and p.page == 1 and any(w in text for w in _SEE_LIST):
                continue  # the lines are on the 销货清单 pages
            for i, raw in item.cells.items():
                col = p.columns[i]
                ref = CellRef(f"p{p.page}", f"R{n}C{i + 1}")
                if col.key and col.key in specs:
                    row.cells[col.key] = cell_value(col.key, raw or None, specs[col.key].type, ref)
            out.append(row)
    return out
